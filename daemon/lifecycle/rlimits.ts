/**
 * minfds / minprocs (reference b.4): raise RLIMIT_NOFILE / RLIMIT_NPROC of the daemon at startup.
 * Node has no setrlimit, so the limits are read from /proc/self/limits and raised with util-linux
 * `prlimit --pid <our pid>`, which changes this very process (children inherit the new limits).
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** A limit as getrlimit reports it; -1 = unlimited. */
export interface Rlimit {
  soft: number;
  hard: number;
}

interface LimitSpec {
  name: 'RLIMIT_NOFILE' | 'RLIMIT_NPROC';
  /** The row of /proc/<pid>/limits. */
  row: string;
  /** prlimit's option. */
  option: string;
  /** The words Supervisor's failure message uses for this limit (its two texts differ only in these). */
  words: { setting: 'minfds' | 'minprocs'; required: string; unit: string; subject: 'process' | 'program' };
}

const NOFILE: LimitSpec = {
  name: 'RLIMIT_NOFILE',
  row: 'Max open files',
  option: '--nofile',
  words: { setting: 'minfds', required: 'file descriptors', unit: 'file descriptors', subject: 'process' },
};

const NPROC: LimitSpec = {
  name: 'RLIMIT_NPROC',
  row: 'Max processes',
  option: '--nproc',
  words: { setting: 'minprocs', required: 'available processes', unit: 'processes', subject: 'program' },
};

/** Supervisor's text (options.py, set_rlimits_or_exit) for a limit that could not be raised to `min`. */
function limitMessage({ setting, required, unit, subject }: LimitSpec['words'], min: number, hard: number): string {
  return (
    `The minimum number of ${required} required to run this ${subject} is ${min} as per the "${setting}" ` +
    `command-line argument or config file setting. The current environment will only allow you to open ${hard} ` +
    `${unit}.  Either raise the number of usable ${unit} in your environment (see README.rst) or lower the ` +
    `${setting} setting in the config file to allow the ${subject} to start.`
  );
}

/** Reads one limit of a process from /proc/<pid>/limits. */
export function readRlimit(row: string, pid: number | 'self' = 'self'): Rlimit {
  const text = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(row));
  if (!line) throw new Error(`no "${row}" in /proc/${pid}/limits`);
  const [soft, hard] = line.slice(row.length).trim().split(/\s+/);
  const num = (v: string | undefined) => (v === 'unlimited' ? -1 : Number(v));
  return { soft: num(soft), hard: num(hard) };
}

/** Sets a limit of our own process with prlimit; returns an error text or null. */
function prlimit(option: string, soft: number, hard: number): string | null {
  const fmt = (n: number) => (n === -1 ? 'unlimited' : String(n));
  const r = spawnSync('prlimit', ['--pid', String(process.pid), `${option}=${fmt(soft)}:${fmt(hard)}`], { encoding: 'utf8' });
  if (r.error) return `prlimit could not be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  return r.status === 0 ? null : r.stderr.trim() || `prlimit exited with status ${r.status}`;
}

/** The outcome of set_rlimits_or_exit: INFO lines, or the usage error that ends startup. */
export type RlimitOutcome = { infos: string[] } | { error: string };

/**
 * Supervisor's `set_rlimits_or_exit`: for each limit below its minimum (and not unlimited), raise
 * the soft limit to the minimum, and the hard one too when it is lower (only root can).
 */
export function setRlimitsOrExit(minfds: number, minprocs: number): RlimitOutcome {
  const infos: string[] = [];
  const wanted: [LimitSpec, number][] = [
    [NOFILE, minfds],
    [NPROC, minprocs],
  ];
  for (const [spec, min] of wanted) {
    const current = readRlimit(spec.row);
    let hard = current.hard;
    if (current.soft === -1 || current.soft >= min) continue;
    if (hard !== -1 && hard < min) hard = min;
    const failure = prlimit(spec.option, min, hard);
    // Supervisor's message reports `hard` after it was raised to the minimum, as here.
    if (failure !== null) return { error: limitMessage(spec.words, min, hard) };
    infos.push(`Increased ${spec.name} limit to ${min}`);
  }
  return { infos };
}
