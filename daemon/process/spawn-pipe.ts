/**
 * The child_process pipe spawner: `child_process.spawn` with its own session and process group,
 * stdin, stdout and stderr pipes, Supervisor's environment, umask and user rules. Output goes to
 * the process's OutputChannels with backpressure (a channel that is behind pauses the pipe, so the
 * child blocks and nothing is dropped). PipeChild, the running child, is shared with the native
 * spawner (spawn-native.ts), which is the default when its addon is built.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { OutputChannel } from '../logs/types.js';
import type { Timer } from './clock.js';
import { precheckExec } from './exec-check.js';
import { hasSetpriv, SETPRIV, setprivArgs } from './setpriv.js';
import {
  SpawnError,
  type ChildExit,
  type ChildHandle,
  type ChildIO,
  type SpawnPlan,
  type Spawner,
} from './spawner.js';

/** Tuning of the pipe spawner (defaults suit the daemon). */
export interface PipeSpawnerOptions {
  /** After the child exited, how long to wait for its pipes' EOF before reporting the exit. */
  eofWaitMs?: number;
  /** Path of setpriv; when it does not exist, Node's uid/gid options are used (no supplementary groups). */
  setpriv?: string;
}

/** Spawns children with stdio pipes. */
export class PipeSpawner implements Spawner {
  private readonly eofWaitMs: number;
  private readonly setpriv: string;

  constructor(opts: PipeSpawnerOptions = {}) {
    this.eofWaitMs = opts.eofWaitMs ?? 300;
    this.setpriv = opts.setpriv ?? SETPRIV;
  }

  /** Start the child of `plan`; throws SpawnError (`couldn't exec argv0: ECODE`) when it cannot run. */
  spawn(plan: SpawnPlan, io: ChildIO): ChildHandle {
    let file = plan.filename;
    let args = plan.argv.slice(1);
    const options: SpawnOptions = {
      env: plan.env,
      detached: true, // setsid(): own session and process group, so -pid reaches the whole group
      stdio: ['pipe', 'pipe', 'pipe'],
      argv0: plan.argv[0],
    };
    if (plan.cwd !== null) options.cwd = plan.cwd;
    if (plan.credentials) {
      const { uid, gid } = plan.credentials;
      if (hasSetpriv(this.setpriv)) {
        args = setprivArgs(plan.credentials, file, args);
        file = this.setpriv;
        delete options.argv0;
      } else {
        options.uid = uid;
        options.gid = gid;
      }
    }

    // The child inherits the umask at fork: set ours around the synchronous spawn only.
    const savedUmask = plan.umask !== null ? process.umask(plan.umask) : null;
    let child: ChildProcess;
    try {
      child = spawn(file, args, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new SpawnError(`couldn't exec ${plan.argv[0]}: ${code}`);
    } finally {
      if (savedUmask !== null) process.umask(savedUmask);
    }
    // A failed exec is also reported as an 'error' event: it must never become an uncaught error.
    child.on('error', () => {});
    if (child.pid === undefined) {
      for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
      // Node says only that it failed (ENOENT/EACCES come later as an event): look at the file ourselves.
      throw new SpawnError(`couldn't exec ${plan.argv[0]}: ${precheckExec(plan.filename) ?? 'spawn failed'}`);
    }
    // With redirect_stderr both pipes feed the stdout channel (Node cannot give one pipe to fds 1 and 2).
    const outputs: PipeOutput[] = [{ stream: child.stdout!, channel: io.stdout }];
    outputs.push({ stream: child.stderr!, channel: io.stderr ?? io.stdout });
    const handle = new PipeChild(child.pid, child.stdin!, outputs, io, this.eofWaitMs);
    child.on('exit', (code, signal) => handle.exited(code, signal));
    return handle;
  }
}

/** One output pipe of a child and the channel it feeds. */
export interface PipeOutput {
  stream: Readable;
  channel: OutputChannel;
  /** Told the size of every chunk read (the native spawner grows a pipe that comes in full). */
  onChunk?: (bytes: number) => void;
}

/**
 * A child's stdin as the spawner hands it over: a stream (child_process), or the raw write end of
 * the pipe (native spawner), which PipeChild wraps in a Socket only at the first write: most
 * programs are never written to, and a Socket per child is a measurable part of starting hundreds.
 * An unwrapped write end is never polled, as a write-only Socket is not: both notice a child that
 * closed its stdin only when a write fails (EPIPE).
 */
export type StdinEnd = Writable | number;

/**
 * A running pipe child, whichever spawner started it: reads its output pipes into their channels
 * with backpressure, feeds stdin, and reports the exit once, after the output reached EOF (or a
 * bound passed). The spawner tells it the exit status through exited().
 */
export class PipeChild implements ChildHandle {
  private readonly paused = new Set<Readable>();
  /** Open pipes per channel (two for stdout when child_process merges stderr into it). */
  private readonly feeding = new Map<OutputChannel, number>();
  private open = 0;
  private stdinClosed = false;
  private stdin: Writable | null = null;
  /** The raw write end while no write has wrapped it (see StdinEnd); null once wrapped or closed. */
  private stdinFd: number | null = null;
  private exit: ChildExit | null = null;
  private reported = false;
  private boundTimer: Timer | null = null;

  constructor(
    readonly pid: number,
    stdin: StdinEnd,
    private readonly outputs: readonly PipeOutput[],
    private readonly io: ChildIO,
    private readonly eofWaitMs: number,
  ) {
    if (typeof stdin === 'number') this.stdinFd = stdin;
    else this.watchStdin(stdin);
    for (const out of outputs) this.attach(out);
  }

  private watchStdin(stdin: Writable): void {
    this.stdin = stdin;
    stdin.on('error', () => {
      // EPIPE/ECONNRESET when the child closed its stdin: later writes get NO_FILE.
      this.stdinClosed = true;
    });
    stdin.on('close', () => (this.stdinClosed = true));
  }

  /** Closes our end of stdin, wrapped or not. */
  private closeStdin(): void {
    if (this.stdinFd !== null) {
      closeSync(this.stdinFd);
      this.stdinFd = null;
      this.stdinClosed = true;
    }
    this.stdin?.destroy();
  }

  /**
   * The child's exit status is known (child_process 'exit', or the native exit watch, which also
   * knows whether a core was dumped).
   */
  exited(code: number | null, signal: string | null, coreDumped = false): void {
    if (this.exit) return;
    this.exit = coreDumped ? { code, signal, coreDumped } : { code, signal };
    // Nobody reads stdin any more: close our end now, as child_process does, not at dispose().
    this.closeStdin();
    if (this.open > 0) this.armBound();
    this.maybeReport();
  }

  private attach({ stream, channel, onChunk }: PipeOutput): void {
    this.open++;
    this.feeding.set(channel, (this.feeding.get(channel) ?? 0) + 1);
    stream.on('data', (chunk: Buffer) => {
      onChunk?.(chunk.length);
      // Backpressure: the writer is behind, stop reading so the child blocks on a full pipe.
      if (!channel.write(chunk, this.pid)) {
        stream.pause();
        this.paused.add(stream);
      }
    });
    stream.on('error', () => {}); // EIO and the like end the stream; 'close' follows
    stream.once('close', () => {
      this.open--;
      this.paused.delete(stream);
      // Tell a channel about EOF once every pipe feeding it is closed (both when merged).
      const left = this.feeding.get(channel)! - 1;
      this.feeding.set(channel, left);
      if (left === 0) channel.end();
      this.maybeReport();
      if (this.open === 0) this.io.onOutputClosed?.();
    });
  }

  /**
   * After the exit, wait at most eofWaitMs for EOF (a grandchild may hold the pipes open), but never
   * while a pipe is paused for backpressure: what is still in it must reach the channel first.
   */
  private armBound(): void {
    this.boundTimer = this.io.clock.setTimer(this.eofWaitMs, () => {
      if (this.paused.size) this.armBound();
      else this.report();
    });
  }

  private maybeReport(): void {
    if (this.exit && this.open === 0) this.report();
  }

  private report(): void {
    if (this.reported || !this.exit) return;
    this.reported = true;
    this.boundTimer?.cancel();
    this.boundTimer = null;
    this.io.onExit(this.exit);
  }

  writeStdin(data: Buffer): void {
    if (this.stdinClosed) throw new Error('NO_FILE');
    if (this.stdinFd !== null) {
      // The first write: from here on the pipe is a stream like child_process's stdin.
      const fd = this.stdinFd;
      this.stdinFd = null;
      this.watchStdin(new Socket({ fd, readable: false, writable: true }));
    }
    const stdin = this.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) throw new Error('NO_FILE');
    stdin.write(data);
  }

  kill(sig: number, group: boolean): void {
    process.kill(group ? -this.pid : this.pid, sig);
  }

  resumeOutput(): void {
    for (const s of [...this.paused]) {
      this.paused.delete(s);
      s.resume();
    }
  }

  dispose(): void {
    this.boundTimer?.cancel();
    for (const { stream } of this.outputs) stream.destroy();
    this.closeStdin();
  }
}
