/**
 * `--profile_options`: a CPU profile of the daemon (node:inspector's sampling Profiler), written as
 * a .cpuprofile next to the pidfile when the run ends, and summarised on stdout the way Python's
 * pstats prints (`print_stats(.3)` or `print_callers(.3)`), sorted by the keys asked for.
 * A sampling profiler counts samples, not calls: the `calls` key and column are sample counts.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ProfileOptions } from '../cli.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
/** The V8 CPU profile (the .cpuprofile format). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A running profile of this process. */
export class DaemonProfiler {
  private constructor(private readonly session: Session) {}

  /** Start sampling now. */
  static async start(): Promise<DaemonProfiler> {
    const session = new Session();
    session.connect();
    const post = (m: string) => new Promise<void>((res, rej) => session.post(m, (err) => (err ? rej(err) : res())));
    await post('Profiler.enable');
    await post('Profiler.start');
    return new DaemonProfiler(session);
  }

  /** Stop and return the profile. */
  stop(): Promise<CpuProfile> {
    return new Promise((resolve, reject) => {
      this.session.post('Profiler.stop', (err, res) => {
        this.session.disconnect();
        if (err) reject(err);
        else resolve((res as { profile: CpuProfile }).profile);
      });
    });
  }
}

interface FnStats {
  key: string;
  /** Samples in which the function was running itself. */
  self: number;
  /** Samples in which it was anywhere on the stack (counted once per sample). */
  onStack: number;
  /** Caller key → samples in which that caller called it. */
  callers: Map<string, number>;
}

function keyOf(f: CallFrame): string {
  const file = f.url ? basename(f.url) : '~';
  return `${file}:${f.lineNumber + 1}(${f.functionName || '<anonymous>'})`;
}

/** Per-function sample counts of a profile. */
function tally(profile: CpuProfile): Map<string, FnStats> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stats = new Map<string, FnStats>();
  const get = (key: string) => {
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { key, self: 0, onStack: 0, callers: new Map() }));
    return s;
  };
  for (const id of profile.samples ?? []) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    get(keyOf(leaf.callFrame)).self++;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      const key = keyOf(node.callFrame);
      const up = parent.get(cur);
      if (up !== undefined) {
        const callerKey = keyOf(byId.get(up)!.callFrame);
        const s = get(key);
        s.callers.set(callerKey, (s.callers.get(callerKey) ?? 0) + 1);
      }
      if (seen.has(key)) continue;
      seen.add(key);
      get(key).onStack++;
    }
  }
  return stats;
}

const SORTS: Record<string, (a: FnStats, b: FnStats) => number> = {
  cumulative: (a, b) => b.onStack - a.onStack,
  cumtime: (a, b) => b.onStack - a.onStack,
  calls: (a, b) => b.onStack - a.onStack,
  ncalls: (a, b) => b.onStack - a.onStack,
  time: (a, b) => b.self - a.self,
  tottime: (a, b) => b.self - a.self,
  name: (a, b) => a.key.localeCompare(b.key),
  file: (a, b) => a.key.localeCompare(b.key),
  filename: (a, b) => a.key.localeCompare(b.key),
};
const SORT_TITLES: Record<string, string> = { cumulative: 'cumulative time', cumtime: 'cumulative time', calls: 'call count', ncalls: 'call count', time: 'internal time', tottime: 'internal time', name: 'function name', file: 'file name', filename: 'file name' };

/** The pstats-like text for a profile and the options of `--profile_options`. */
export function summarize(profile: CpuProfile, opts: ProfileOptions, file: string): string {
  const stats = [...tally(profile).values()];
  const samples = profile.samples?.length ?? 0;
  const secs = (profile.endTime - profile.startTime) / 1e6;
  const perSample = samples ? secs / samples : 0;
  const keys = opts.sortOptions.length ? opts.sortOptions : ['cumulative', 'calls', 'time'];
  const unknown = keys.filter((k) => !SORTS[k]);
  const known = keys.filter((k) => SORTS[k]);
  stats.sort((a, b) => {
    for (const k of known) {
      const d = SORTS[k]!(a, b);
      if (d) return d;
    }
    return 0;
  });
  const shown = stats.slice(0, Math.ceil(stats.length * 0.3));
  const t = (n: number) => (n * perSample).toFixed(3).padStart(8);
  const lines = [
    `         ${samples} samples in ${secs.toFixed(3)} seconds (V8 sampling profile written to ${file})`,
    '',
    `   Ordered by: ${known.map((k) => SORT_TITLES[k]).join(', ') || 'standard name'}`,
    ...(unknown.length ? [`   Unknown sort keys ignored: ${unknown.join(', ')}`] : []),
    `   List reduced from ${stats.length} to ${shown.length} due to restriction <0.3>`,
    '',
  ];
  if (opts.callers) {
    lines.push(`${'Function'.padEnd(50)}was called by...`, `${''.padEnd(50)}  samples  cumtime`);
    for (const s of shown) {
      const callers = [...s.callers.entries()].sort((a, b) => b[1] - a[1]);
      if (!callers.length) lines.push(`${s.key.padEnd(50)}<-`);
      callers.forEach(([caller, n], i) => {
        lines.push(`${(i === 0 ? s.key : '').padEnd(50)}${i === 0 ? '<-' : '  '}${String(n).padStart(7)}${t(n)}  ${caller}`);
      });
    }
  } else {
    lines.push('  samples  tottime  cumtime filename:lineno(function)');
    for (const s of shown) lines.push(`${String(s.onStack).padStart(9)}${t(s.self)} ${t(s.onStack)} ${s.key}`);
  }
  return lines.join('\n') + '\n\n';
}

/** Write the profile to `file` and return the summary. */
export function saveProfile(profile: CpuProfile, opts: ProfileOptions, file: string): string {
  writeFileSync(file, JSON.stringify(profile));
  return summarize(profile, opts, file);
}
