/**
 * Test helpers for the process engine: ProcessConfig objects with Supervisor's defaults, an engine
 * context over a FakeClock and a MemoryLogger, an in-memory output channel, and a hand-written
 * fake spawner whose children exit when the test says so.
 */
import { constants as osConstants } from 'node:os';
import type { ChannelLogConfig, ProcessConfig, SupervisordConfig } from '../../../src/config/types.js';
import { EventBus, type ProcessStateEvent } from '../../../daemon/events/bus.js';
import { FakeClock, type Clock } from '../../../daemon/process/clock.js';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import type { OutputChannel, OutputChannelFactory, OutputChannelOptions } from '../../../daemon/logs/types.js';
import type { EngineContext } from '../../../daemon/process/types.js';
import {
  SpawnError,
  type ChildExit,
  type ChildHandle,
  type ChildIO,
  type SpawnPlan,
  type Spawner,
} from '../../../daemon/process/spawner.js';

/** Supervisor's defaults for one channel (stdout_* / stderr_*). */
export function channelDefaults(): ChannelLogConfig {
  return { logfile: { kind: 'auto' }, maxbytes: 50 * 1024 * 1024, backups: 10, captureMaxbytes: 0, eventsEnabled: false, syslog: false };
}

/** A ProcessConfig as the loader makes it for `[program:<name>]` with Supervisor's defaults. */
export function makeProcessConfig(overrides: Partial<ProcessConfig> = {}): ProcessConfig {
  const name = overrides.name ?? 'x';
  const argv = overrides.argv ?? ['/bin/sh', '-c', 'sleep 100'];
  return {
    kind: 'program',
    name,
    group: overrides.group ?? name,
    programName: name,
    processNum: 0,
    command: argv.join(' '),
    argv,
    priority: 999,
    autostart: true,
    autorestart: 'unexpected',
    startsecs: 1,
    startretries: 3,
    exitcodes: [0],
    stopsignal: 'TERM',
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    user: null,
    uid: null,
    gid: null,
    redirectStderr: false,
    stdout: channelDefaults(),
    stderr: channelDefaults(),
    environment: {},
    directory: null,
    umask: null,
    serverurl: null,
    pty: false,
    source: { file: '/etc/supervisord.conf', line: 1 },
    ...overrides,
  };
}

/** The [supervisord] section with Supervisor's defaults. */
export function makeSupervisordConfig(overrides: Partial<SupervisordConfig> = {}): SupervisordConfig {
  return {
    logfile: '/tmp/supervisord.log',
    logfileMaxbytes: 50 * 1024 * 1024,
    logfileBackups: 10,
    loglevel: 'info',
    pidfile: '/tmp/supervisord.pid',
    umask: 0o022,
    nodaemon: false,
    silent: false,
    minfds: 1024,
    minprocs: 200,
    nocleanup: false,
    childlogdir: '/tmp',
    user: null,
    uid: null,
    gid: null,
    directory: null,
    stripAnsi: false,
    environment: {},
    identifier: 'supervisor',
    ...overrides,
  };
}

/** An output channel that keeps chunks in memory; `full = true` makes write() report backpressure. */
export class MemoryChannel implements OutputChannel {
  readonly chunks: { data: Buffer; pid: number }[] = [];
  full = false;
  ended = 0;
  reopened = 0;
  cleared = 0;
  closed = false;
  private drains: (() => void)[] = [];
  constructor(readonly path: string | null, readonly opts?: OutputChannelOptions) {}
  write(chunk: Buffer, pid: number): boolean {
    this.chunks.push({ data: Buffer.from(chunk), pid });
    return !this.full;
  }
  onDrain(fn: () => void): void {
    this.drains.push(fn);
  }
  /** The writer caught up: run the drain callbacks. */
  drain(): void {
    this.full = false;
    for (const fn of this.drains) fn();
  }
  end(): void {
    this.ended++;
  }
  reopen(): void {
    this.reopened++;
  }
  clear(): void {
    this.cleared++;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** Every byte received, in order. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.data));
  }
}

/** A channel factory that records the channels it made, by `process:channel`. */
export function memoryChannels(): { factory: OutputChannelFactory; made: Map<string, MemoryChannel> } {
  const made = new Map<string, MemoryChannel>();
  const factory: OutputChannelFactory = (opts) => {
    const ch = new MemoryChannel(`/logs/${opts.process.name}-${opts.channel}.log`, opts);
    made.set(`${opts.process.name}:${opts.channel}`, ch);
    return ch;
  };
  return { factory, made };
}

/** A child of the fake spawner: the test ends it with exit()/killed(). */
export class FakeChild implements ChildHandle {
  readonly kills: { sig: number; group: boolean }[] = [];
  readonly stdin: Buffer[] = [];
  stdinClosed = false;
  resumed = 0;
  disposed = false;
  /** When set, kill() throws an error with this code (ESRCH, EPERM…). */
  killError: string | null = null;
  constructor(readonly pid: number, readonly plan: SpawnPlan, readonly io: ChildIO) {}
  writeStdin(data: Buffer): void {
    if (this.stdinClosed) throw new Error('NO_FILE');
    this.stdin.push(data);
  }
  kill(sig: number, group: boolean): void {
    if (this.killError) {
      const err = new Error(`kill ${this.killError}`) as NodeJS.ErrnoException;
      err.code = this.killError;
      // As process.kill throws it: libuv's negative errno, no path.
      const num = (osConstants.errno as Record<string, number>)[this.killError];
      if (num !== undefined) err.errno = -num;
      err.syscall = 'kill';
      throw err;
    }
    this.kills.push({ sig, group });
  }
  resumeOutput(): void {
    this.resumed++;
  }
  dispose(): void {
    this.disposed = true;
  }
  /** The child exits with a code, as the spawner would report it. */
  exit(code: number): void {
    this.io.onExit({ code, signal: null } satisfies ChildExit);
    this.io.onOutputClosed?.();
  }
  /** The child dies of a signal. */
  killed(signal: string): void {
    this.io.onExit({ code: null, signal });
    this.io.onOutputClosed?.();
  }
}

/** A spawner that makes FakeChild objects (pids from 1000 up), or fails when told to. */
export class FakeSpawner implements Spawner {
  readonly children: FakeChild[] = [];
  private nextPid = 1000;
  /** The next spawn() throws SpawnError with this message. */
  failNext: string | null = null;
  spawn(plan: SpawnPlan, io: ChildIO): ChildHandle {
    if (this.failNext) {
      const msg = this.failNext;
      this.failNext = null;
      throw new SpawnError(msg);
    }
    const child = new FakeChild(this.nextPid++, plan, io);
    this.children.push(child);
    return child;
  }
  /** The most recent child. */
  get last(): FakeChild {
    const c = this.children[this.children.length - 1];
    if (!c) throw new Error('no child spawned');
    return c;
  }
}

/** An engine context for tests: a FakeClock (unless another clock is given), a bus that records state events. */
export function makeEngine(opts: { clock?: Clock; supervisord?: Partial<SupervisordConfig> } = {}) {
  const clock = opts.clock ?? new FakeClock();
  const bus = new EventBus();
  const logger = new MemoryLogger();
  const events: ProcessStateEvent[] = [];
  bus.on('process-state', (e) => events.push(e));
  let mood = 1;
  let wakes = 0;
  const ctx: EngineContext = {
    clock,
    bus,
    logger,
    supervisord: makeSupervisordConfig(opts.supervisord),
    mood: () => mood,
    wake: () => {
      wakes++;
    },
  };
  return {
    ctx,
    clock,
    bus,
    logger,
    events,
    setMood(m: number) {
      mood = m;
    },
    get wakes() {
      return wakes;
    },
  };
}

/** Poll `cond` until it is true (or throw after `timeoutMs`): for tests with real processes. */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
