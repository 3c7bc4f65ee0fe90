/**
 * A real supervisord (bin/supervisord.js) in a temp dir, for integration tests of every component.
 *
 *   const d = await startDaemon(`[program:sleeper]\ncommand=/bin/sleep 1000\n`);
 *   await d.waitForLog(/success: sleeper entered RUNNING/);
 *   await d.call('supervisor.stopProcess', ['sleeper']);
 *   await d.stop();          // SIGTERM, wait for exit 0, check that no spawned process is left
 *
 * Unless the conf text has its own `[supervisord]`, a header is added with the activity log,
 * pidfile, AUTO logs and a unix socket (plus [rpcinterface:supervisor] and [supervisorctl]) inside
 * the temp dir; `%(here)s` is that dir. `stop()` always cleans up, also after a failed test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '../../src/client/types.js';

/** The repository's bin/supervisord.js (this file runs from dist/test/helpers). */
export const SUPERVISORD_BIN = fileURLToPath(new URL('../../../bin/supervisord.js', import.meta.url));

/** How startDaemon runs the daemon. */
export interface DaemonOptions {
  /** Run without -n: the foreground process daemonizes and exits once the daemon is up. */
  daemonize?: boolean;
  /** [supervisord] loglevel of the default header (default info). */
  loglevel?: string;
  /** Extra files to create in the dir first (name → content). */
  files?: Record<string, string>;
  /** Extra command-line arguments. */
  args?: string[];
  /** How long to wait for the daemon to answer. */
  timeoutMs?: number;
  /** Mode of the temp dir (e.g. 0o777 when the daemon drops privileges with -u). */
  dirMode?: number;
  /** A command that execs node with the daemon (e.g. `['prlimit', '--nofile=512:4096', '--']`); -n only. */
  prefix?: string[];
}

/** Polls `cond` every 20 ms until it returns a truthy value; throws after `timeoutMs`. */
export async function waitUntil<T>(cond: () => T | Promise<T>, timeoutMs = 10_000, what = 'a condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of every live descendant of `pid` (from /proc). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out.filter(isAlive);
}

const HEADER = (loglevel: string) => `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
loglevel=${loglevel}

[unix_http_server]
file=%(here)s/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock

`;

/** A running daemon in its temp dir. */
export class DaemonHandle {
  /** The foreground process (with -n it is the daemon; with daemonize it has exited). */
  proc: ChildProcess | null = null;
  pid = 0;
  exitCode: number | null = null;
  stdout = '';
  stderr = '';
  /** Every pid a `spawned:` line named, and any the test adds (grandchildren). */
  readonly watched = new Set<number>();
  private client: Client | null = null;
  private exited: Promise<number> | null = null;

  constructor(
    readonly dir: string,
    readonly confPath: string,
  ) {}

  get logPath(): string {
    return join(this.dir, 'supervisord.log');
  }
  get pidfile(): string {
    return join(this.dir, 'supervisord.pid');
  }
  get socketPath(): string {
    return join(this.dir, 'supervisor.sock');
  }

  /** The activity log so far ('' before it exists). */
  log(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** Waits until a line of the activity log matches; returns that line. */
  waitForLog(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const test = (l: string) => (typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l));
    return waitUntil(() => this.log().split('\n').find(test), timeoutMs, `log line ${pattern}`);
  }

  /** The pid of a process from its last `spawned: 'name' with pid N` line. */
  spawnedPid(name: string): number {
    const m = [...this.log().matchAll(new RegExp(`spawned: '${name}' with pid (\\d+)`, 'g'))].at(-1);
    if (!m) throw new Error(`${name} was never spawned`);
    return Number(m[1]);
  }

  /** An API call through the daemon's own transport (zmq or XML-RPC, chosen from the unix socket). */
  async call(method: string, params: unknown[] = []): Promise<unknown> {
    if (!this.client) {
      const { connect } = await import('../../src/client/index.js');
      const fresh = await connect(`unix://${this.socketPath}`, { timeoutMs: 30_000 });
      // Calls made at once all connect: keep one client, close the others (an open one holds the test up).
      if (this.client) void fresh.close().catch(() => {});
      else this.client = fresh;
    }
    const client = this.client!;
    try {
      return await client.call(method, params);
    } catch (err) {
      // A transport failure (daemon not up yet, restarting): connect afresh next time.
      if ((err as Error)?.name === 'ClientError') {
        void client.close().catch(() => {});
        if (this.client === client) this.client = null;
      }
      throw err;
    }
  }

  /** Send a signal to the daemon. */
  signal(sig: NodeJS.Signals): void {
    process.kill(this.pid, sig);
  }

  /** Resolves with the daemon's exit status once it has exited. */
  waitForExit(timeoutMs = 30_000): Promise<number> {
    if (this.exited) return withTimeout(this.exited, timeoutMs, 'supervisord to exit');
    // A daemonized one is not our child: watch /proc.
    return waitUntil(() => !isAlive(this.pid), timeoutMs, 'supervisord to exit').then(() => 0);
  }

  /** Follows the foreground process (-n). */
  attach(proc: ChildProcess): void {
    this.proc = proc;
    this.pid = proc.pid!;
    proc.stdout?.on('data', (c: Buffer) => (this.stdout += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : -1);
        resolve(this.exitCode);
      }),
    );
  }

  /** Pids named by `spawned:` lines, plus the watched ones, still alive. */
  leftovers(): number[] {
    for (const m of this.log().matchAll(/spawned: '[^']+' with pid (\d+)/g)) this.watched.add(Number(m[1]));
    return [...this.watched].filter(isAlive);
  }

  /**
   * SIGTERM, wait for the exit, then check that no process it spawned is left (those found are
   * killed, and the check fails). Returns the exit status. Removes the temp dir.
   */
  async stop(timeoutMs = 30_000): Promise<number> {
    try {
      await this.client?.close().catch(() => {});
      this.client = null;
      if (this.pid && isAlive(this.pid)) this.signal('SIGTERM');
      const code = await this.waitForExit(timeoutMs);
      const left = this.leftovers();
      if (left.length) throw new Error(`processes left after supervisord exited: ${left.join(', ')}`);
      return code;
    } finally {
      this.cleanup();
    }
  }

  /** Kill whatever is left (daemon and its programs) and remove the dir. Safe to call twice. */
  cleanup(): void {
    void this.client?.close().catch(() => {});
    this.client = null;
    const pids = [this.pid, ...this.leftovers()].filter((p) => p && isAlive(p));
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Writes the conf (with the default header unless it has [supervisord]) into a new temp dir. */
export function prepareDaemonDir(conf: string, opts: DaemonOptions = {}): DaemonHandle {
  const dir = mkdtempSync(join(tmpdir(), 'sd-'));
  if (opts.dirMode !== undefined) chmodSync(dir, opts.dirMode);
  const text = /^\[supervisord\]/m.test(conf) ? conf : HEADER(opts.loglevel ?? 'info') + conf;
  const confPath = join(dir, 'supervisord.conf');
  writeFileSync(confPath, text);
  for (const [name, content] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), content, { mode: 0o755 });
  return new DaemonHandle(dir, confPath);
}

/** Runs bin/supervisord.js with `args` in `cwd`; resolves with its status and output. */
export function runSupervisord(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [SUPERVISORD_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Start a daemon on `conf` and wait until it answers (its pidfile exists and getState says RUNNING
 * through its transport). With `daemonize`, the foreground process must exit 0 first.
 */
export async function startDaemon(conf: string, opts: DaemonOptions = {}): Promise<DaemonHandle> {
  const d = prepareDaemonDir(conf, opts);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  try {
    if (opts.daemonize) {
      const r = await runSupervisord(['-c', d.confPath, ...(opts.args ?? [])], d.dir);
      d.stdout = r.stdout;
      d.stderr = r.stderr;
      if (r.code !== 0) throw new Error(`supervisord exited ${r.code}: ${r.stderr.trim()}`);
      d.pid = Number(readFileSync(d.pidfile, 'utf8').trim());
    } else {
      const argv = [process.execPath, SUPERVISORD_BIN, '-n', '-c', d.confPath, ...(opts.args ?? [])];
      const [cmd, ...rest] = [...(opts.prefix ?? []), ...argv];
      const proc = spawn(cmd!, rest, {
        cwd: d.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      d.attach(proc);
      await waitUntil(() => existsSync(d.pidfile) || d.exitCode !== null, timeoutMs, 'the pidfile');
      if (d.exitCode !== null) throw new Error(`supervisord exited ${d.exitCode}: ${d.stderr.trim()}`);
    }
    await waitUntil(
      async () => {
        try {
          const s = (await d.call('supervisor.getState')) as { statename: string };
          return s.statename === 'RUNNING';
        } catch {
          return false;
        }
      },
      timeoutMs,
      'supervisord to answer',
    );
    return d;
  } catch (err) {
    d.cleanup();
    throw err;
  }
}
