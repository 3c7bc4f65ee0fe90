/**
 * One daemon under test, ours or Python's, started in the foreground (-n) on a scenario's config and
 * watched only from outside: its activity log, /proc, the files it writes.
 */
import { closeSync, openSync, readFileSync, readSync, fstatSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync, type ChildProcess } from 'node:child_process';
import type { ConfPaths } from './conf.js';
import type { PythonSupervisor } from './python.js';
import { reap, spawnTagged, runTimed, type Timed } from './procs.js';
import { isAlive } from './sys.js';
import { waitFor } from './wait.js';

/** Which implementation. */
export type Impl = 'ours' | 'python';

/** The project root (dist/bench/lib → three levels up). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Python holds about 5 fds per program (3 pipes, 2 log files): 500 programs need more than 1024. */
const MIN_NOFILE = 4096;

/** This process's soft RLIMIT_NOFILE, which the daemons inherit. */
const SOFT_NOFILE: number = (() => {
  const r = spawnSync('sh', ['-c', 'ulimit -S -n'], { encoding: 'utf8' });
  const v = r.stdout.trim();
  return v === 'unlimited' ? Infinity : Number(v) || 0;
})();

/** The command line of a daemon or a supervisorctl of either implementation. */
export class Commands {
  constructor(readonly python: PythonSupervisor) {}

  /** `supervisord -n -c conf`, under a raised fd limit when this shell's is too low for 500 programs. */
  daemon(impl: Impl, conf: string): [string, string[]] {
    const argv =
      impl === 'python'
        ? [this.python.supervisord, '-n', '-c', conf]
        : [process.execPath, join(ROOT, 'bin/supervisord.js'), '-n', '-c', conf];
    if (SOFT_NOFILE >= MIN_NOFILE) return [argv[0]!, argv.slice(1)];
    // exec keeps the pid: /proc figures are still the daemon's own.
    return ['sh', ['-c', `ulimit -S -n ${MIN_NOFILE} && exec "$@"`, 'sh', ...argv]];
  }

  /**
   * `supervisorctl -c conf <args>`: each talks to its own daemon over its default transport. Both are
   * the installed commands, as a script runs them: Python's /usr/bin/supervisorctl and our
   * bin/supervisorctl (the shell launcher that package.json installs, which starts Node on
   * bin/supervisorctl.js).
   */
  ctl(impl: Impl, conf: string, args: string[]): [string, string[]] {
    return impl === 'python'
      ? [this.python.supervisorctl, ['-c', conf, ...args]]
      : [join(ROOT, 'bin/supervisorctl'), ['-c', conf, ...args]];
  }
}

/** Incremental reader of the activity log (the file may not exist yet). */
export class ActivityLog {
  /** Every complete line read so far. */
  readonly lines: string[] = [];
  private offset = 0;
  private partial = '';

  constructor(readonly path: string) {}

  /** Read what was appended since the last poll. */
  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0; // truncated: start over
      const buf = Buffer.alloc(1 << 16);
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.partial + buf.toString('utf8', 0, n);
        const parts = text.split('\n');
        this.partial = parts.pop() ?? '';
        this.lines.push(...parts);
      }
    } finally {
      closeSync(fd);
    }
  }

  /** How many lines read so far (from index `from`) match. */
  count(re: RegExp, from = 0): number {
    let n = 0;
    for (let i = from; i < this.lines.length; i++) if (re.test(this.lines[i]!)) n++;
    return n;
  }
}

/** `success: <name> entered RUNNING state` lines (Supervisor's wording, g.1). */
export const RUNNING_LINE = /\bsuccess: \S+ entered RUNNING state\b/;

/** A running daemon and what the bench knows about it from outside. */
export class Daemon {
  readonly log: ActivityLog;
  /** performance.now() just before the spawn. */
  readonly startedAt: number;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private spawnError: string | null = null;
  private readonly outPath: string;

  private constructor(
    readonly impl: Impl,
    readonly paths: ConfPaths,
    readonly tag: string,
    private readonly child: ChildProcess,
    startedAt: number,
    outPath: string,
  ) {
    this.log = new ActivityLog(paths.log);
    this.startedAt = startedAt;
    this.outPath = outPath;
    child.on('exit', (code, signal) => (this.exit = { code, signal }));
    // A command that cannot be spawned at all ends the daemon's story the same way.
    child.on('error', (e) => {
      this.exit ??= { code: null, signal: null };
      this.spawnError = e.message;
    });
  }

  /** Spawn the daemon in the foreground; its stdout/stderr go to `<dir>/daemon.out`. */
  static start(impl: Impl, cmds: Commands, paths: ConfPaths, tag: string): Daemon {
    const outPath = join(paths.dir, 'daemon.out');
    const out = openSync(outPath, 'a');
    const [cmd, args] = cmds.daemon(impl, paths.conf);
    const t0 = performance.now();
    const child = spawnTagged(cmd, args, { tag, cwd: paths.dir, stdio: ['ignore', out, out] });
    closeSync(out);
    return new Daemon(impl, paths, tag, child, t0, outPath);
  }

  /** The daemon's own pid (what /proc figures are read from). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Null while running; otherwise why the daemon is gone, with the last line it printed. */
  exitedWhy(): string | null {
    if (!this.exit) return null;
    if (this.spawnError) return `${this.impl} supervisord could not start: ${this.spawnError}`;
    const how = this.exit.signal ? `signal ${this.exit.signal}` : `exit status ${this.exit.code}`;
    return `${this.impl} supervisord ended (${how}): ${this.lastOutput()}`;
  }

  /** The last error line the daemon printed, else its last line (for error notes). */
  lastOutput(): string {
    try {
      const lines = readFileSync(this.outPath, 'utf8').split('\n').filter((l) => l.trim());
      const err = lines.findLast((l) => /^\s*\w*Error\b/.test(l));
      return (err ?? lines.at(-1) ?? '(no output)').trim().slice(0, 200);
    } catch {
      return '(no output)';
    }
  }

  /** Wait until `n` programs have logged `entered RUNNING state`; returns performance.now() then. */
  async waitRunning(n: number, timeoutMs: number): Promise<number> {
    await waitFor(
      () => {
        this.log.poll();
        return this.log.count(RUNNING_LINE) >= n;
      },
      { timeoutMs, what: `${n} programs RUNNING in the ${this.impl} activity log`, abort: () => this.exitedWhy() },
    );
    return performance.now();
  }

  /** Run this implementation's supervisorctl against this daemon. */
  ctl(cmds: Commands, args: string[], timeoutMs = 30_000): Promise<Timed> {
    const [cmd, a] = cmds.ctl(this.impl, this.paths.conf, args);
    return runTimed(cmd, a, { tag: this.tag, cwd: this.paths.dir, timeoutMs });
  }

  /** Whether ours exposes its ZeroMQ control socket next to the unix socket (its default transport). */
  hasZmqSocket(): boolean {
    return existsSync(`${this.paths.sock}.zmq`);
  }

  /**
   * Stop politely (SIGTERM, which stops every program), then kill whatever is left with the tag,
   * daemon included, after `graceMs`.
   */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.exit && this.child.pid) {
      try {
        process.kill(this.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await waitFor(() => this.exit !== null || !isAlive(this.pid), {
        timeoutMs: graceMs,
        what: `${this.impl} supervisord to exit`,
      }).catch(() => undefined);
    }
    await reap(this.tag);
  }
}
