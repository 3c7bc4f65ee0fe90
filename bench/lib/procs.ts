/**
 * Spawning and cleaning up. Every process the bench starts carries a tag in its environment, which
 * both daemons pass on to their programs and the programs to theirs; cleanup kills whatever still
 * carries the tag, so nothing survives a scenario, also when a daemon crashes or hangs.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { allPids, environOf, isAlive } from './sys.js';
import { waitFor } from './wait.js';

/** The environment variable that marks the bench's processes. */
export const TAG_VAR = 'SUPERVISOR_TS_BENCH_TAG';

/** This run's tag; each scenario and implementation gets `<RUN_TAG>.<suffix>`. */
export const RUN_TAG = `run-${process.pid}-${randomBytes(4).toString('hex')}`;

/** A tag for one scenario/implementation, under this run's tag. */
export function subTag(suffix: string): string {
  return `${RUN_TAG}.${suffix}`;
}

/** The environment for a tagged child: ours plus the tag (and without CI, which changes nothing here). */
export function taggedEnv(tag: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, [TAG_VAR]: tag };
}

/** Pids (other than this process) whose tag is `tag` or lies under it. */
export function pidsWithTag(tag: string): number[] {
  const exact = `${TAG_VAR}=${tag}`;
  const under = `${exact}.`;
  return allPids().filter(
    (pid) => pid !== process.pid && environOf(pid).some((e) => e === exact || e.startsWith(under)),
  );
}

/** Pids with the tag that are still alive (zombies are dead already, their parent just has not reaped them). */
function liveWithTag(tag: string): number[] {
  return pidsWithTag(tag).filter(isAlive);
}

function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Kill every process that carries the tag (SIGKILL: by now the polite stop has had its chance) and wait
 * until they are gone. Scans again after each round: a daemon may fork another program between the
 * scan and its own death.
 */
export async function reap(tag: string, timeoutMs = 10_000): Promise<number> {
  const killed = new Set<number>();
  await waitFor(
    () => {
      const pids = liveWithTag(tag);
      pids.forEach((p) => killed.add(p));
      killAll(pids);
      // A process that is exiting loses its environ (so the tag) before it becomes a zombie: wait
      // for every killed pid itself too.
      return pids.length === 0 && [...killed].every((p) => !isAlive(p));
    },
    { timeoutMs, intervalMs: 20, what: `tagged processes of ${tag} to die` },
  ).catch(() => undefined);
  return killed.size;
}

/** Synchronous last-resort cleanup for the process 'exit' hook (no awaiting possible there). */
export function reapSync(tag: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let round = 0; round < 100; round++) {
    const pids = liveWithTag(tag);
    if (pids.length === 0) return;
    killAll(pids);
    Atomics.wait(pause, 0, 0, 20); // a synchronous 20 ms sleep: let the kills land before the next scan
  }
}

/** Start a tagged child. */
export function spawnTagged(
  cmd: string,
  args: string[],
  opts: { tag: string; cwd: string; stdio?: StdioOptions; env?: Record<string, string> },
): ChildProcess {
  return spawn(cmd, args, {
    cwd: opts.cwd,
    env: taggedEnv(opts.tag, opts.env),
    stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}

/** The outcome of one command run to completion. */
export interface Timed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
}

/**
 * Run a command to completion and time it from spawn to exit (wall clock, as a script or a health check
 * would see it). Killed with its tag's other processes after `timeoutMs`.
 */
export function runTimed(
  cmd: string,
  args: string[],
  opts: { tag: string; cwd: string; timeoutMs: number },
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnTagged(cmd, args, { tag: opts.tag, cwd: opts.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} took more than ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - t0,
      });
    });
  });
}
