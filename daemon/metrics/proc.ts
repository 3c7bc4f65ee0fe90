/**
 * Reading a process tree's CPU time and resident memory from Linux /proc. Children come from
 * /proc/<pid>/task/<tid>/children (one small read per thread) and, where the kernel lacks that file,
 * from one ppid scan of /proc per sample.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of the times in /proc/<pid>/stat (100 on every Linux architecture Node runs on). */
export const CLOCK_TICKS = 100;

/** What one sample of a process tree adds up to. */
export interface TreeUsage {
  /** CPU seconds used by the tree's live processes, plus what they collected from reaped children. */
  cpuSeconds: number;
  /** Resident bytes of the tree's live processes. */
  rss: number;
  /** How many live processes the tree has. */
  processes: number;
}

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
  zombie: boolean;
}

/** Reads /proc (or another root, for tests) without caching anything between samples. */
export class ProcReader {
  private readonly hasChildrenFiles: boolean;
  /** One ppid scan per sample when there are no children files: pid → children, and every stat read. */
  private scan: { children: Map<number, number[]>; stats: Map<number, Stat> } | null = null;

  /** `childrenFiles: false` forces the ppid scan (kernels without CONFIG_PROC_CHILDREN). */
  constructor(
    private readonly root = '/proc',
    opts: { childrenFiles?: boolean } = {},
  ) {
    this.hasChildrenFiles = opts.childrenFiles ?? existsSync(`${root}/${process.pid}/task/${process.pid}/children`);
  }

  /** Start a new sample: forget the previous ppid scan. */
  beginSample(): void {
    this.scan = null;
  }

  /** /proc/<pid>/stat, or null when the process is gone. */
  stat(pid: number): Stat | null {
    let text: string;
    try {
      text = readFileSync(`${this.root}/${pid}/stat`, 'latin1');
    } catch {
      return null;
    }
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state); utime..cstime are fields 14..17.
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { ppid: Number(f[1]), ticks: Number.isFinite(ticks) ? ticks : 0, zombie: f[0] === 'Z' };
  }

  /** VmRSS of a process in bytes (0 for a zombie or a kernel thread, or when gone). */
  rss(pid: number): number {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`${this.root}/${pid}/status`, 'latin1'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  /** The direct children of a process. */
  children(pid: number): number[] {
    if (this.hasChildrenFiles) {
      const out: number[] = [];
      let tids: string[];
      try {
        tids = readdirSync(`${this.root}/${pid}/task`);
      } catch {
        return [];
      }
      for (const tid of tids) {
        try {
          for (const c of readFileSync(`${this.root}/${pid}/task/${tid}/children`, 'latin1').split(' ')) {
            if (c.trim()) out.push(Number(c));
          }
        } catch {
          // the thread ended meanwhile
        }
      }
      return out;
    }
    this.scan ??= this.scanParents();
    return this.scan.children.get(pid) ?? [];
  }

  private scanParents(): { children: Map<number, number[]>; stats: Map<number, Stat> } {
    const children = new Map<number, number[]>();
    const stats = new Map<number, Stat>();
    for (const name of readdirSync(this.root)) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      const st = this.stat(pid);
      if (!st) continue;
      stats.set(pid, st);
      const list = children.get(st.ppid);
      if (list) list.push(pid);
      else children.set(st.ppid, [pid]);
    }
    return { children, stats };
  }

  /** CPU and memory of `pid` and all its descendants right now; null when `pid` is gone. */
  tree(pid: number): TreeUsage | null {
    const rootStat = this.stat(pid);
    if (!rootStat) return null;
    let ticks = 0;
    let rss = 0;
    let processes = 0;
    const seen = new Set<number>();
    const todo: [number, Stat | null][] = [[pid, rootStat]];
    while (todo.length) {
      const [p, known] = todo.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      // The ppid scan, when there is one, has read every descendant's stat already.
      const st = known ?? this.scan?.stats.get(p) ?? this.stat(p);
      if (!st) continue;
      ticks += st.ticks;
      if (!st.zombie) {
        processes++;
        rss += this.rss(p);
      }
      for (const c of this.children(p)) todo.push([c, null]);
    }
    return { cpuSeconds: ticks / CLOCK_TICKS, rss, processes };
  }
}
