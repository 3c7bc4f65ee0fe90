/**
 * Lines to syslog through one long-lived `logger -t supervisord` child. Node has neither syslog(3)
 * nor unix datagram sockets, and `logger` speaks to /dev/log (or journald) for us. Python's
 * syslog.syslog() without openlog() uses the program name as ident, hence `-t supervisord`.
 * Syslog is best effort, as in Supervisor: when `logger` is missing, lines are dropped quietly; when it
 * dies, the lines until it is started again (at the first line after a short pause) are dropped, as
 * Supervisor's lines are while syslogd is down.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** The default command; tests pass their own (any program reading lines on stdin). */
export const SYSLOG_COMMAND: readonly string[] = ['logger', '-t', 'supervisord'];

// Beyond this much unwritten text the reader is stuck: drop lines rather than grow without bound.
const MAX_BACKLOG = 4 << 20;
/** After the relay died, how long lines are dropped before it is started again (no spawn per line). */
export const RESTART_PAUSE_MS = 1000;

/** Feeds lines to a syslog relay process, started on the first line. */
export class SyslogSink {
  private child: ChildProcess | null = null;
  /** Closed, or the relay program cannot be started at all: no more tries. */
  private dead = false;
  /** When the last relay died: none is started before RESTART_PAUSE_MS after it. */
  private diedAt = -Infinity;

  constructor(
    private readonly command: readonly string[] = SYSLOG_COMMAND,
    private readonly restartPauseMs = RESTART_PAUSE_MS,
  ) {}

  /**
   * Sends each line of `text` (a trailing newline ignored, as Supervisor's rstrip('\n')) as one
   * message, prefixed with `prefix` (`<procname> ` for child output, the formatted line head for the
   * activity log).
   */
  sendPrefixed(prefix: string, text: string): void {
    if (this.dead) return;
    const lines = text.replace(/\n+$/, '').split('\n');
    this.writeLines(lines.map((l) => prefix + l + '\n').join(''));
  }

  /** Ends the relay's input; it exits once it has sent what it read. */
  close(): void {
    this.dead = true;
    const c = this.child;
    this.child = null;
    c?.stdin?.end();
  }

  private writeLines(data: string): void {
    const c = this.start();
    if (!c?.stdin || c.stdin.destroyed) return;
    if (c.stdin.writableLength > MAX_BACKLOG) return;
    c.stdin.write(data);
  }

  private start(): ChildProcess | null {
    if (this.child || this.dead || performance.now() - this.diedAt < this.restartPauseMs) return this.child;
    const [cmd, ...args] = this.command;
    try {
      const c = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
      // Missing binary (ENOENT): stop trying, quietly. EPIPE or an exit: it died, start another later.
      c.on('error', () => this.lost(c, c.pid === undefined));
      c.stdin?.on('error', () => this.lost(c, false));
      c.on('exit', () => this.lost(c, false));
      // The relay must not keep the daemon alive, nor count as one of its supervised children.
      c.unref();
      (c.stdin as unknown as { unref?: () => void })?.unref?.();
      this.child = c;
    } catch {
      this.dead = true;
    }
    return this.child;
  }

  private lost(c: ChildProcess, forever: boolean): void {
    if (this.child !== c) return;
    this.child = null;
    if (forever) this.dead = true;
    else this.diedAt = performance.now();
  }
}

/** What a channel holds: a use of a relay that others may share. */
export interface SyslogRelay {
  sendPrefixed(prefix: string, text: string): void;
  /** Gives up this use; the relay ends with its last user. */
  close(): void;
}

const shared = new Map<string, { sink: SyslogSink; users: number }>();

/**
 * One relay per command for every child-output channel with `*_syslog=true` (Supervisor writes them
 * all through the one syslog connection of the daemon), instead of one `logger` process per channel.
 * Lines are prefixed with the process name and written whole, so channels never mix within a line.
 */
export function sharedSyslog(command: readonly string[] = SYSLOG_COMMAND): SyslogRelay {
  const key = JSON.stringify(command);
  let entry = shared.get(key);
  if (!entry) shared.set(key, (entry = { sink: new SyslogSink(command), users: 0 }));
  entry.users++;
  const used = entry;
  let closed = false;
  return {
    sendPrefixed: (prefix, text) => {
      if (!closed) used.sink.sendPrefixed(prefix, text);
    },
    close: () => {
      if (closed) return;
      closed = true;
      if (--used.users > 0) return;
      if (shared.get(key) === used) shared.delete(key);
      used.sink.close();
    },
  };
}
