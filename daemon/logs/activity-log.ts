/**
 * supervisord's activity log (reference g.1): `YYYY-MM-DD HH:MM:SS,mmm LEVL message\n` in local time,
 * to a rotating file or to syslog, copied to stdout when nodaemon and not silent, and published on
 * the bus as `mainlog` events (for `maintail -f`). Writes are synchronous: a line is in the file
 * before log() returns, so readLog sees it and nothing is lost at exit.
 */
import * as fs from 'node:fs';
import { Faults, RpcFault } from '../../src/api/faults.js';
import type { SupervisordConfig } from '../../src/config/types.js';
import type { EventBus } from '../events/bus.js';
import { LevelTags, LogLevels, type LogLevelName, type Logger } from './logger.js';
import { RotatingFile } from './rotating-file.js';
import { SyslogSink } from './syslog.js';

export interface ActivityLogOptions {
  /** An absolute path, or `syslog`. */
  logfile: string;
  /** Rotation size; 0 = never. */
  maxbytes: number;
  backups: number;
  /** A level number or name (critical … blather). */
  level: number | LogLevelName;
  /** Copy each line to stdout (Supervisor: nodaemon && !silent). */
  stdout?: boolean;
  bus?: EventBus;
  /** The syslog relay (default `logger -t supervisord`). */
  syslogCommand?: readonly string[];
  /** Where write failures are reported, once per run of failures (default stderr). */
  onError?: (message: string) => void;
}

/** Formats a time as Supervisor's asctime: local `YYYY-MM-DD HH:MM:SS,mmm` (milliseconds truncated). */
export function formatAsctime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
  );
}

/** One activity-log line, with its newline. */
export function formatLine(level: number, msg: string, when: Date): string {
  return `${formatAsctime(when)} ${LevelTags[level] ?? `Level ${level}`} ${msg}\n`;
}

/** The level number of a name or number; throws a one-line Error for an unknown name. */
export function parseLogLevel(level: number | string): number {
  if (typeof level === 'number') return level;
  const n = (LogLevels as Record<string, number>)[level.toLowerCase()];
  if (n === undefined) throw new Error(`invalid loglevel ${JSON.stringify(level)}: expected one of ${Object.keys(LogLevels).join(', ')}`);
  return n;
}

let stdoutGuarded = false;
let stdoutBroken = false;
/** Copies a line to stdout. EPIPE arrives as an 'error' event, which would crash the daemon unheard. */
function copyToStdout(line: string): void {
  if (stdoutBroken) return;
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', () => (stdoutBroken = true));
  }
  try {
    process.stdout.write(line);
  } catch {
    // Whoever read our stdout went away: Supervisor ignores EPIPE there too.
    stdoutBroken = true;
  }
}

/** The activity log; construct it early, log freely, then open() once the daemon may write files. */
export class ActivityLog implements Logger {
  level: number;
  private readonly opts: ActivityLogOptions;
  private file: RotatingFile | null = null;
  private syslog: SyslogSink | null = null;
  private bus: EventBus | null;
  /** Lines logged before open(), written in order by open(). */
  private early: { level: number; msg: string; line: string }[] | null = [];

  constructor(opts: ActivityLogOptions) {
    this.opts = opts;
    this.level = parseLogLevel(opts.level);
    this.bus = opts.bus ?? null;
  }

  /** Builds the log of a `[supervisord]` section: stdout copy when nodaemon and not silent. */
  static fromConfig(cfg: SupervisordConfig, bus?: EventBus): ActivityLog {
    return new ActivityLog({
      logfile: cfg.logfile,
      maxbytes: cfg.logfileMaxbytes,
      backups: cfg.logfileBackups,
      level: cfg.loglevel as LogLevelName,
      stdout: cfg.nodaemon && !cfg.silent,
      bus,
    });
  }

  /** The log file, or null when logging to syslog. */
  get path(): string | null {
    return this.opts.logfile === 'syslog' ? null : this.opts.logfile;
  }

  /** Publish lines as `mainlog` events from now on. */
  attachBus(bus: EventBus): void {
    this.bus = bus;
  }

  /**
   * Opens the file (or the syslog relay) and writes the lines logged so far. Throws a one-line Error
   * (Python's OSError text) when the file cannot be opened.
   */
  open(): void {
    if (this.early === null) return;
    if (this.opts.logfile === 'syslog') {
      this.syslog = new SyslogSink(this.opts.syslogCommand);
    } else {
      this.file = new RotatingFile(this.opts.logfile, {
        maxbytes: this.opts.maxbytes,
        backups: this.opts.backups,
        sync: true,
        // RotatingFile reports once per run of failures; logging itself never throws.
        onError: (m) => this.reportError(m),
      });
    }
    const early = this.early;
    this.early = null;
    for (const e of early) this.emitLine(e.msg, e.line);
  }

  log(level: number, msg: string): void {
    if (level < this.level) return;
    const line = formatLine(level, msg, new Date());
    if (this.early) this.early.push({ level, msg, line });
    else this.emitLine(msg, line);
  }

  critical(msg: string): void {
    this.log(LogLevels.critical, msg);
  }
  error(msg: string): void {
    this.log(LogLevels.error, msg);
  }
  warn(msg: string): void {
    this.log(LogLevels.warn, msg);
  }
  info(msg: string): void {
    this.log(LogLevels.info, msg);
  }
  debug(msg: string): void {
    this.log(LogLevels.debug, msg);
  }
  trace(msg: string): void {
    this.log(LogLevels.trace, msg);
  }
  blather(msg: string): void {
    this.log(LogLevels.blather, msg);
  }

  /**
   * SIGUSR2: close and reopen the file (after logrotate moved it). Never throws. The caller logs
   * INFO `supervisord logreopen` first, as Supervisor's options.reopenlogs does.
   */
  reopen(): void {
    this.file?.reopen();
  }

  /**
   * clearLog: delete the file and reopen it. As in Supervisor 4.2.5, INFO `reopening log file` is
   * logged between the two, so it reaches stdout and the bus but the new file starts empty.
   * Faults: NO_FILE when there is no file (syslog, or it is gone), FAILED when it cannot be removed.
   */
  clear(): void {
    const p = this.path;
    if (p === null || !fs.existsSync(p)) throw new RpcFault(Faults.NO_FILE);
    try {
      if (this.file) this.file.unlink();
      else fs.unlinkSync(p);
    } catch {
      throw new RpcFault(Faults.FAILED);
    }
    this.info('reopening log file');
    this.file?.reopen();
  }

  /** Closes the file and the syslog relay; lines logged afterwards only go to stdout and the bus. */
  close(): void {
    this.file?.closeSync();
    this.syslog?.close();
  }

  private emitLine(msg: string, line: string): void {
    if (this.opts.stdout) copyToStdout(line);
    if (this.file) {
      this.file.write(Buffer.from(line, 'utf8'));
    } else if (this.syslog) {
      // Supervisor's SyslogHandler formats each line of the message with the whole line format.
      const head = line.slice(0, line.length - msg.length - 1);
      this.syslog.sendPrefixed(head, msg);
    }
    this.bus?.emit({ kind: 'mainlog', text: line });
  }

  private reportError(message: string): void {
    const report = this.opts.onError ?? ((m: string) => process.stderr.write(`supervisord: activity log: ${m}\n`));
    try {
      report(message);
    } catch {
      // Reporting must never throw into a caller that only wanted to log.
    }
  }
}
