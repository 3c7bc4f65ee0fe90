/**
 * One channel (stdout or stderr) of one process: Supervisor's `POutputDispatcher` minus the pipe
 * reading (reference g.2). Each chunk goes through capture mode, then strip_ansi, then to the log
 * file (raw bytes, rotating), syslog, the DEBG copy in the activity log, PROCESS_LOG events and,
 * once the bytes are in the file, an `output` bus event.
 *
 * A channel may live across restarts of its process (write() carries the pid); end() marks the end
 * of one run's pipe and resets capture mode, as Supervisor builds new dispatchers at each spawn.
 */
import type { EventBus } from '../events/bus.js';
import type { ProcessConfig } from '../../src/config/types.js';
import { LogLevels, type Logger } from './logger.js';
import type { OutputChannel, OutputChannelFactory, OutputChannelOptions } from './types.js';
import { channelLogfile } from './auto-names.js';
import { BoundBuffer, CaptureSplitter } from './capture.js';
import { pyRepr } from '../../src/config/pyrepr.js';
import { pyBytesRepr } from './message-texts.js';
import { RotatingFile } from './rotating-file.js';
import { stripAnsi } from './strip-ansi.js';
import { sharedSyslog, type SyslogRelay } from './syslog.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Extra knobs, for tests and for the few callers that need them. */
export interface ChildOutputExtras {
  /** Queue size above which write() returns false (default 1 MiB). */
  highWaterMark?: number;
  /** The syslog relay command (default `logger -t supervisord`). */
  syslogCommand?: readonly string[];
}

/** The Supervisor-compatible OutputChannel. */
class ChildOutput implements OutputChannel {
  readonly path: string | null;
  private readonly proc: ProcessConfig;
  private readonly channel: 'stdout' | 'stderr';
  private readonly bus: EventBus;
  private readonly logger: Logger;
  private readonly strip: boolean;
  private readonly eventsEnabled: boolean;
  private readonly file: RotatingFile | null;
  private readonly syslog: SyslogRelay | null;
  private readonly splitter: CaptureSplitter;
  private readonly capture: BoundBuffer | null;
  private pid = 0;

  constructor(opts: OutputChannelOptions, extras: ChildOutputExtras) {
    this.proc = opts.process;
    this.channel = opts.channel;
    this.bus = opts.bus;
    this.logger = opts.logger;
    this.strip = opts.supervisord.stripAnsi;
    const cfg = opts.process[opts.channel];
    this.eventsEnabled = cfg.eventsEnabled;
    this.path = channelLogfile(opts.process, opts.channel, opts.supervisord);
    this.file = this.path
      ? new RotatingFile(this.path, {
          maxbytes: cfg.maxbytes,
          backups: cfg.backups,
          highWaterMark: extras.highWaterMark,
          // Child output is the hot path: regular files are written at once while the writer keeps up.
          direct: true,
          // Many programs never write to one of their channels: no descriptor for them until they do.
          lazy: true,
          // An AUTO file was created empty just now (auto-names.ts): opening it again tells nothing.
          deferOpen: cfg.logfile.kind === 'auto',
          onError: (m) => this.logger.error(`${pyRepr(this.proc.name)} ${this.channel} log: ${m}`),
        })
      : null;
    this.syslog = cfg.syslog ? sharedSyslog(extras.syslogCommand) : null;
    this.capture = cfg.captureMaxbytes > 0 ? new BoundBuffer(cfg.captureMaxbytes) : null;
    this.splitter = new CaptureSplitter(this.capture !== null, {
      log: (data) => this.log(data),
      toggle: (capturing) => this.toggled(capturing),
    });
  }

  write(chunk: Buffer, pid: number): boolean {
    this.pid = pid;
    this.splitter.push(chunk);
    return this.file ? !this.file.behind : true;
  }

  onDrain(fn: () => void): void {
    this.file?.onDrain(fn);
  }

  end(): void {
    this.splitter.end();
    // An unterminated capture is dropped, as Supervisor's next dispatcher starts with an empty BoundIO.
    this.capture?.clear();
  }

  reopen(): void {
    this.file?.reopen();
  }

  clear(): void {
    // Supervisor's removelogs: the file and the capture buffer are emptied.
    this.capture?.clear();
    this.file?.remove();
  }

  async close(): Promise<void> {
    this.syslog?.close();
    await this.file?.close();
  }

  /** Supervisor's `_log`: one piece of output, outside or inside a capture. */
  private log(raw: Buffer): void {
    if (raw.length === 0) return;
    const data = this.strip ? stripAnsi(raw) : raw;
    if (this.splitter.capturing) {
      this.capture!.write(data);
    } else {
      this.toFile(data);
      this.syslog?.sendPrefixed(`${this.proc.name} `, data.toString('utf8'));
    }
    if (this.logger.level <= LogLevels.debug) {
      this.logger.debug(`${pyRepr(this.proc.name)} ${this.channel} output:\n${decodeForLog(data)}`);
    }
    // Observed in 4.2.5: PROCESS_LOG events also carry the text inside a capture.
    if (this.eventsEnabled) {
      this.bus.emit({
        kind: 'process-log',
        type: this.channel === 'stdout' ? 'PROCESS_LOG_STDOUT' : 'PROCESS_LOG_STDERR',
        name: this.proc.name,
        group: this.proc.group,
        pid: this.pid,
        data,
      });
    }
  }

  /** Writes to the file; the `output` event follows once the bytes are there (never ahead of the file). */
  private toFile(data: Buffer): void {
    const emit = this.bus.has('output') ? this.outputEmitter(data) : undefined;
    if (this.file) this.file.write(data, emit);
    else emit?.();
  }

  private outputEmitter(data: Buffer): () => void {
    const ev = {
      kind: 'output' as const,
      name: this.proc.name,
      group: this.proc.group,
      pid: this.pid,
      channel: this.channel,
      data,
    };
    return () => this.bus.emit(ev);
  }

  private toggled(capturing: boolean): void {
    // normal -> capturing: later output goes to the capture buffer until END.
    if (capturing) return;
    // capturing -> normal: the capture becomes a PROCESS_COMMUNICATION event.
    const data = this.capture!.getvalue();
    this.bus.emit({
      kind: 'communication',
      type: this.channel === 'stdout' ? 'PROCESS_COMMUNICATION_STDOUT' : 'PROCESS_COMMUNICATION_STDERR',
      name: this.proc.name,
      group: this.proc.group,
      pid: this.pid,
      data,
    });
    this.logger.debug(`${pyRepr(this.proc.name)} ${this.channel} emitted a comm event`);
    this.capture!.clear();
  }
}

/** Text of output for the activity log: UTF-8, or `Undecodable: b'...'` as Supervisor writes it. */
export function decodeForLog(data: Buffer): string {
  try {
    return strictUtf8.decode(data);
  } catch {
    return `Undecodable: ${pyBytesRepr(data)}`;
  }
}

/** Builds a channel with extra knobs (tests: a small high-water mark, a fake syslog relay). */
export function createOutputChannelWith(opts: OutputChannelOptions, extras: ChildOutputExtras): OutputChannel {
  return new ChildOutput(opts, extras);
}

/**
 * The OutputChannelFactory of the engine. Creates the AUTO file on first use (reference b.9) and
 * opens the log file; throws a one-line Error with Python's OSError text (e.g. `[Errno 2] No such
 * file or directory: '/x/y.log'`) when it cannot, which the spawner reports as Supervisor does
 * (`unknown error making dispatchers for 'name': <text>`).
 */
export const createOutputChannel: OutputChannelFactory = (opts) => new ChildOutput(opts, {});
