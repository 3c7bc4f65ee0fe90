/**
 * What the bench reads from the kernel about a process, the same way for both daemons: /proc only,
 * never anything the daemon reports about itself.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Clock ticks per second for the utime/stime fields of /proc/<pid>/stat. */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100; // Linux's USER_HZ on every common architecture
  }
})();

/** The resident set size of one process in KiB (VmRSS of /proc/<pid>/status), or null if it is gone. */
export function rssKiB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** VmRSS split by kind (KiB): anonymous memory (heap, stacks) and file-backed pages (the binary, libraries). */
export interface RssParts {
  anon: number;
  file: number;
}

/** RssAnon and RssFile (+ RssShmem) of /proc/<pid>/status, or null if the process is gone. */
export function rssPartsKiB(pid: number): RssParts | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? 0);
    return { anon: field('RssAnon'), file: field('RssFile') + field('RssShmem') };
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields start after the last ')': field 3 (state) is index 0 here.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU time used by the process itself (utime + stime, not its children) in milliseconds, or null. */
export function cpuMs(pid: number): number | null {
  const f = statFields(pid);
  if (!f) return null;
  // utime is field 14, stime field 15 (1-based), i.e. indices 11 and 12 after the name.
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** Whether a pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const f = statFields(pid);
  return f !== null && f[0] !== 'Z';
}

/** Every pid currently in /proc. */
export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** The environment of a process as raw `K=V` entries, or [] when unreadable (gone, or a kernel thread). */
export function environOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return [];
  }
}

/** The machine the figures were taken on, for the results file and docs/benchmarks.md. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalMiB: number;
  kernel: string;
  node: string;
}

/** Describe this machine. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    memTotalMiB: Math.round(os.totalmem() / 1048576),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}
