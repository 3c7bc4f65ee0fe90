/**
 * Daemonizing (reference b.3). Node cannot fork, so the foreground process starts a copy of itself
 * detached (a new session: `setsid`), with stdin/stdout/stderr on /dev/null and a pipe on fd 3. The
 * copy does all of the startup and reports on fd 3: `ready` once its servers are bound and its
 * pidfile written, or `error` and the message that ended startup. The foreground process exits 0
 * only on `ready`; otherwise it prints the message as Supervisor's usage error and exits 2.
 */
import { spawn } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Set in the daemon copy's environment (and removed at once, so children never see it). */
const DAEMON_ENV = 'SUPERVISORD_TS_DAEMON_STATUS_FD';
const STATUS_FD = 3;

/** The daemon copy's line back to the foreground process; the first report wins. */
export interface DaemonChannel {
  /** The descriptor of the status pipe (open until the report). */
  readonly fd: number;
  /** Startup is complete. */
  ready(): void;
  /** Startup failed with this message (the usage error text). */
  fail(message: string): void;
}

/** In the daemon copy: the channel to the waiting parent. Null in a process not started by spawnDaemon. */
export function takeDaemonChannel(): DaemonChannel | null {
  if (process.env[DAEMON_ENV] !== String(STATUS_FD)) return null;
  delete process.env[DAEMON_ENV];
  let open = true;
  const send = (text: string) => {
    if (!open) return;
    open = false;
    try {
      writeSync(STATUS_FD, text);
    } catch {
      // The parent is gone (killed while waiting): nobody to tell.
    }
    try {
      // Closed before any child is spawned, so no program inherits it.
      closeSync(STATUS_FD);
    } catch {
      // already closed
    }
  };
  return { fd: STATUS_FD, ready: () => send('ready\n'), fail: (message) => send(`error\n${message}`) };
}

/** What the daemon copy reported. */
export type DaemonReport = { ok: true; pid: number } | { ok: false; message: string };

/**
 * Start the daemon copy of this program with the same arguments and wait for its report.
 * Resolves once it is up (or has failed); the copy keeps running on its own.
 */
export function spawnDaemon(argv: string[]): Promise<DaemonReport> {
  return new Promise((resolve) => {
    const script = process.argv[1]!;
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      env: { ...process.env, [DAEMON_ENV]: String(STATUS_FD) },
    });
    const status = child.stdio[STATUS_FD] as Readable;
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (report: DaemonReport) => {
      if (settled) return;
      settled = true;
      status.destroy();
      child.unref();
      resolve(report);
    };
    child.once('error', (err) => finish({ ok: false, message: `could not start the daemon: ${err.message}` }));
    status.on('data', (c: Buffer) => chunks.push(c));
    status.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.startsWith('ready\n')) return finish({ ok: true, pid: child.pid! });
      if (text.startsWith('error\n')) return finish({ ok: false, message: text.slice('error\n'.length) });
      // No report: it died during startup. Wait for its status to say how.
      child.once('exit', (code, signal) =>
        finish({ ok: false, message: `supervisord exited during startup (${signal ? `signal ${signal}` : `exit status ${code}`})` }),
      );
      if (child.exitCode !== null || child.signalCode !== null) child.emit('exit', child.exitCode, child.signalCode);
    });
  });
}
