/**
 * One running pty child (the ChildHandle of a `pty=true` program). Every output chunk goes, in this
 * order, to the stdout channel (the log file, with backpressure), to the headless screen and to the
 * PUB socket through the bus. Reading from the pty is paused for three reasons, each released on its
 * own: the log writer is behind, the screen emulator is behind, or an attach is taking its snapshot.
 */
import { readSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { IPty, IDisposable } from 'node-pty';
import type { EventBus } from '../events/bus.js';
import type { ChildExit, ChildHandle, ChildIO } from '../process/spawner.js';
import { PtyScreen } from './screen.js';
import { execFailure, type ExecContext } from './exec-failure.js';

/** Pause reading when this many bytes wait for the emulator; resume below LOW (xterm's advice). */
const SCREEN_HIGH = 1 << 20;
const SCREEN_LOW = 256 << 10;
/** The first output bytes kept to recognise a failed exec (its message is one short line). */
const HEAD_BYTES = 512;
/** The most read synchronously after the exit (the kernel buffers a few KB; this is far above). */
const DRAIN_MAX = 1 << 20;
/** How long an attach waits for chunks to be published before it settles for the best it has. */
const SETTLE_TIMEOUT_MS = 2000;

type PauseReason = 'log' | 'screen' | 'attach';

/** The screen, and the PUB seq it is valid at: apply `pty.*` messages with a higher seq after it. */
export interface SessionSnapshot {
  screen: string;
  seq: number;
  cols: number;
  rows: number;
}

/** What a session is started with (by the pty spawner). */
export interface PtySessionOptions {
  group: string;
  name: string;
  bus: EventBus;
  io: ChildIO;
  cols: number;
  rows: number;
  exec: ExecContext;
  /** Called once after the exit was reported. */
  onEnd?: (session: PtySession) => void;
}

/** Node's name for a signal number (ChildExit carries names, as child_process does). */
function signalName(num: number): string | null {
  for (const [name, n] of Object.entries(osConstants.signals)) if (n === num) return name;
  return null;
}

/** A running pty child and its screen. */
export class PtySession implements ChildHandle {
  readonly pid: number;
  readonly group: string;
  readonly name: string;
  readonly screen: PtyScreen;
  private readonly pauses = new Set<PauseReason>();
  private attachHolds = 0;
  private readonly subscriptions: IDisposable[];
  private exited = false;
  private disposed = false;
  /** Chunks read so far. */
  private fed = 0;
  /** Chunks handed to the publisher and not yet reported sent or dropped. */
  private unsettled = 0;
  /** The seq of the last chunk the publisher sent. */
  private lastSeq = 0;
  private settleWaiters: (() => void)[] = [];
  private head: Buffer[] = [];
  private headBytes = 0;
  private totalBytes = 0;

  constructor(
    private readonly pty: IPty,
    private readonly opts: PtySessionOptions,
  ) {
    this.pid = pty.pid;
    this.group = opts.group;
    this.name = opts.name;
    this.screen = new PtyScreen(opts.cols, opts.rows);
    this.subscriptions = [
      // With `encoding: null` node-pty hands out Buffers (its typings say string).
      pty.onData((chunk) => this.onData(chunk as unknown as Buffer)),
      pty.onExit((e) => this.onExit(e.exitCode, e.signal ?? 0)),
    ];
    this.drainBeforeDestroy();
  }

  /**
   * node-pty 1.1 on this kernel: after the child exits, the last few KB it wrote often stay in the
   * terminal unread, and node-pty destroys its socket 200 ms later, dropping them (measured: 7 runs
   * in 10 lost 6-10 KB of `head -c 3000000 /dev/zero`). Read what is left, synchronously, first.
   */
  private drainBeforeDestroy(): void {
    const internals = this.pty as unknown as {
      _socket?: { destroy: (...args: unknown[]) => unknown; readonly destroyed?: boolean };
      fd?: number;
    };
    const socket = internals._socket;
    const fd = internals.fd;
    if (!socket || typeof socket.destroy !== 'function' || typeof fd !== 'number') return;
    const destroy = socket.destroy.bind(socket);
    let drained = false;
    socket.destroy = (...args: unknown[]) => {
      // Only while the socket still owns the fd: once destroyed, the number may belong to another file.
      if (!drained && !this.disposed && !socket.destroyed) {
        drained = true;
        this.drainSync(fd);
      }
      return destroy(...args);
    };
  }

  /**
   * Reads the terminal until it is empty (EAGAIN) or hung up (EIO), at most DRAIN_MAX bytes: a
   * grandchild that ignored the hangup may still be writing, and must not keep the daemon here.
   */
  private drainSync(fd: number): void {
    const buf = Buffer.alloc(64 * 1024);
    for (let total = 0; total < DRAIN_MAX; ) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch {
        return;
      }
      if (n <= 0) return;
      total += n;
      this.onData(Buffer.from(buf.subarray(0, n)));
    }
  }

  /** True once the child has exited. */
  get ended(): boolean {
    return this.exited;
  }

  private onData(chunk: Buffer): void {
    if (this.disposed) return;
    this.fed++;
    this.totalBytes += chunk.length;
    if (this.headBytes < HEAD_BYTES) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
    }
    // 1. The log file: a writer that is behind pauses the pty, so the child blocks, nothing is lost.
    if (!this.opts.io.stdout.write(chunk, this.pid)) this.pause('log');
    // 2. The screen: bounded by flow control, since the emulator parses at its own pace.
    this.screen.feed(chunk, () => {
      if (this.screen.pending < SCREEN_LOW) this.unpause('screen');
    });
    if (this.screen.pending > SCREEN_HIGH) this.pause('screen');
    // 3. Viewers, through the bus; the publisher tells which seq the chunk got.
    const { bus, group, name } = this.opts;
    if (!bus.has('pty-output')) return;
    this.unsettled++;
    let told = false;
    bus.emit({
      kind: 'pty-output',
      name,
      group,
      pid: this.pid,
      data: chunk,
      published: (seq) => {
        if (told) return;
        told = true;
        if (seq !== null && seq > this.lastSeq) this.lastSeq = seq;
        this.unsettled--;
        if (this.unsettled === 0) this.wakeSettled();
      },
    });
  }

  private onExit(exitCode: number, signal: number): void {
    if (this.exited) return;
    this.exited = true;
    const exit: ChildExit = signal ? { code: null, signal: signalName(signal) ?? `SIG${signal}` } : { code: exitCode, signal: null };
    // A failed exec prints one line and exits: report it as the spawn error it is.
    if (!signal && this.totalBytes === this.headBytes) {
      const spawnerr = execFailure(Buffer.concat(this.head).toString('utf8'), exitCode, this.opts.exec);
      if (spawnerr) exit.spawnerr = spawnerr;
    }
    this.head = [];
    this.pauses.clear();
    this.opts.io.stdout.end();
    // The terminal merges stderr into stdout: a separate stderr channel only learns that it is over.
    this.opts.io.stderr?.end();
    this.opts.io.onOutputClosed?.();
    this.screen.close();
    this.wakeSettled();
    this.opts.io.onExit(exit);
    this.opts.onEnd?.(this);
  }

  private pause(reason: PauseReason): void {
    if (this.exited) return;
    const was = this.pauses.size;
    this.pauses.add(reason);
    if (was === 0) this.pty.pause();
  }

  private unpause(reason: PauseReason): void {
    if (!this.pauses.delete(reason) || this.pauses.size || this.exited) return;
    this.pty.resume();
  }

  private wakeSettled(): void {
    const w = this.settleWaiters;
    this.settleWaiters = [];
    for (const f of w) f();
  }

  /** Resolves when every chunk read so far was sent or dropped by the publisher (or after a bound). */
  private settled(): Promise<void> {
    if (this.unsettled === 0 || this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, SETTLE_TIMEOUT_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.settleWaiters.push(done);
    });
  }

  /**
   * The screen and the PUB seq it is valid at. Reading is held meanwhile, so the screen, which has
   * every chunk read so far, and the seq of the last of those chunks describe the same moment: each
   * chunk after it is read later and published with a higher seq.
   */
  async snapshot(): Promise<SessionSnapshot> {
    if (this.exited) throw new Error('NOT_RUNNING');
    this.attachHolds++;
    this.pause('attach');
    try {
      for (let attempt = 0; ; attempt++) {
        await this.settled();
        const fedBefore = this.fed;
        const shot = await this.screen.snapshot();
        // A chunk that slipped in (read before the pause took effect) means: look again.
        if ((this.fed === fedBefore && this.unsettled === 0) || attempt >= 5 || this.exited) {
          return { ...shot, seq: this.lastSeq };
        }
      }
    } finally {
      if (--this.attachHolds === 0) this.unpause('attach');
    }
  }

  /** Type into the program (a typist's keys, or sendProcessStdin). */
  writeStdin(data: Buffer): void {
    if (this.exited || this.disposed) throw new Error('NO_FILE');
    this.pty.write(data);
  }

  /** Resize the terminal (the program gets SIGWINCH) and the screen with it. */
  resize(cols: number, rows: number): void {
    if (this.exited) return;
    this.pty.resize(cols, rows);
    this.screen.resize(cols, rows);
  }

  /** The pty child leads its own session and process group, so -pid reaches all of it. */
  kill(sig: number, group: boolean): void {
    process.kill(group ? -this.pid : this.pid, sig);
  }

  resumeOutput(): void {
    this.unpause('log');
  }

  /**
   * Stop listening. Only exited children are disposed of by the engine; for a running one, closing
   * the terminal hangs it up (SIGHUP), as closing a pipe child's stdio would end its output.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    if (!this.exited) {
      this.pty.kill('SIGHUP');
      this.screen.close();
    }
  }
}
