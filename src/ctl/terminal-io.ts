/**
 * CtlIO on a process's standard streams (or any streams, for tests). node:readline is loaded only when
 * a line is first read (a one-shot `status` never loads it). On a terminal it gives line editing,
 * history and completion; Ctrl-C reaches the actions through onInterrupt().
 */
import type { Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { isatty } from 'node:tty';
import type { AskOptions, CtlIO } from './io.js';

type In = NodeJS.ReadableStream & { isTTY?: boolean };
type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

/** Streams and line-editing options of a TerminalIO. */
export interface TerminalIOOptions {
  input?: In;
  output?: Out;
  error?: NodeJS.WritableStream;
  /** Tab completion for the shell: the candidates and the text they replace. */
  completer?: (line: string) => Promise<[string[], string]>;
  /** Initial line history, newest first. */
  history?: string[];
  historySize?: number;
  /** Ctrl-C when no stream or question takes it. Default: exit 130, as the signal would. */
  onUnhandledInterrupt?: () => void;
}

interface Waiter {
  resolve(line: string | null): void;
}

/** A Writable in front of the real output that can swallow readline's echo (password entry). */
class Gate extends Writable {
  muted = false;
  constructor(private readonly target: Out) {
    super();
  }
  get isTTY(): boolean {
    return Boolean(this.target.isTTY);
  }
  get columns(): number | undefined {
    return this.target.columns;
  }
  get rows(): number | undefined {
    return this.target.rows;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.muted) this.target.write(chunk);
    cb();
  }
}

/** CtlIO on terminal or piped streams, with readline line editing loaded on first read. */
export class TerminalIO implements CtlIO {
  readonly canPrompt: boolean;
  /** Set on first read: creating process.stdin costs a one-shot command that never reads it. */
  private inputStream: In | null;
  private readonly output: Out;
  private readonly error: NodeJS.WritableStream;
  private readonly gate: Gate;
  private rl: Interface | null = null;
  private opening: Promise<Interface> | null = null;
  /** Lines read before anyone asked (piped input arrives all at once). */
  private readonly queue: string[] = [];
  private readonly waiters: Waiter[] = [];
  private ended = false;
  private readonly handlers = new Set<() => void>();
  private signalListener: (() => void) | null = null;
  private readonly onResize = () => this.gate.emit('resize');

  constructor(private readonly opts: TerminalIOOptions = {}) {
    this.inputStream = opts.input ?? null;
    this.output = opts.output ?? process.stdout;
    this.error = opts.error ?? process.stderr;
    this.canPrompt = opts.input ? Boolean(opts.input.isTTY) : isatty(0);
    this.gate = new Gate(this.output);
    // `supervisorctl status | head -1`: the reader went away. That is the reader's choice, not an
    // error of ours: stop quietly (with the status so far) instead of an unhandled-error stack trace.
    for (const stream of [this.output, this.error]) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw err;
      });
    }
  }

  private get input(): In {
    return (this.inputStream ??= process.stdin);
  }

  out(line: string): void {
    this.output.write(line + '\n');
  }

  err(line: string): void {
    this.error.write(line + '\n');
  }

  raw(chunk: string | Uint8Array): void {
    this.output.write(chunk);
  }

  rawErr(chunk: string | Uint8Array): void {
    this.error.write(chunk);
  }

  /** Reads a shell command line; unlike ask(), the line stays in the history. */
  readCommand(prompt: string): Promise<string | null> {
    return this.read(prompt, true, undefined, true);
  }

  ask(prompt: string, opts: AskOptions = {}): Promise<string | null> {
    return this.read(prompt, opts.echo ?? true, opts.signal, false);
  }

  onInterrupt(fn: () => void): () => void {
    this.handlers.add(fn);
    this.syncSignalListener();
    return () => {
      this.handlers.delete(fn);
      this.syncSignalListener();
    };
  }

  /** The current line history, newest first ([] until a line was read on a terminal). */
  history(): string[] {
    const h = (this.rl as unknown as { history?: unknown } | null)?.history;
    return Array.isArray(h) ? [...(h as string[])] : [...(this.opts.history ?? [])];
  }

  /** Stops reading and restores the terminal. */
  close(): void {
    this.rl?.close();
    this.ended = true;
    this.handlers.clear();
    this.syncSignalListener();
    if (this.output.isTTY) this.output.removeListener('resize', this.onResize);
  }

  private async read(prompt: string, echo: boolean, signal: AbortSignal | undefined, keep: boolean) {
    if (signal?.aborted) return null;
    const rl = await this.readline();
    if (signal?.aborted) return null;
    if (this.ended) {
      // Input is over; lines read before the end are still answered, in order.
      this.output.write(prompt);
      return this.queue.shift() ?? null;
    }
    if (echo) {
      rl.setPrompt(prompt);
      rl.prompt();
    } else {
      this.output.write(prompt);
      rl.setPrompt('');
      this.gate.muted = true;
    }
    const line = this.queue.length ? this.queue.shift()! : await this.waitLine(signal);
    if (!echo) {
      this.gate.muted = false;
      // The Enter that ended the hidden entry was swallowed too.
      if (line !== null) this.output.write('\n');
    }
    if (line !== null && !keep) this.forget(line);
    return line;
  }

  private waitLine(signal: AbortSignal | undefined): Promise<string | null> {
    return new Promise((resolve) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        this.syncSignalListener();
        resolve(null);
      };
      const waiter: Waiter = {
        resolve: (line) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(line);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncSignalListener();
    });
  }

  /** Answers to questions (passwords, confirmations, fg input) do not belong in the command history. */
  private forget(line: string): void {
    const h = (this.rl as unknown as { history?: unknown } | null)?.history;
    if (Array.isArray(h) && h[0] === line) h.shift();
  }

  private readline(): Promise<Interface> {
    this.opening ??= import('node:readline').then((readline) => {
      const completer = this.opts.completer;
      const rl = readline.createInterface({
        input: this.input,
        output: this.gate,
        terminal: Boolean(this.input.isTTY && this.output.isTTY),
        history: [...(this.opts.history ?? [])],
        historySize: this.opts.historySize ?? 1000,
        removeHistoryDuplicates: false,
        ...(completer && {
          completer: (line: string, cb: (err: null, result: [string[], string]) => void) => {
            completer(line).then(
              (r) => cb(null, r),
              () => cb(null, [[], line]),
            );
          },
        }),
      });
      rl.on('line', (line) => {
        const w = this.waiters.shift();
        if (w) {
          this.syncSignalListener();
          w.resolve(line);
        } else this.queue.push(line);
      });
      rl.on('close', () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w.resolve(null);
        this.syncSignalListener();
      });
      // On a terminal, readline turns Ctrl-C into this event instead of a signal.
      rl.on('SIGINT', () => this.interrupt());
      if (this.output.isTTY) this.output.on('resize', this.onResize);
      this.rl = rl;
      return rl;
    });
    return this.opening;
  }

  /** Ctrl-C: streams (tail -f, fg) take it first, then a pending question (answered with null). */
  private interrupt(): void {
    if (this.handlers.size) {
      for (const h of [...this.handlers]) h();
      return;
    }
    if (this.waiters.length) {
      for (const w of this.waiters.splice(0)) w.resolve(null);
      this.syncSignalListener();
      return;
    }
    (this.opts.onUnhandledInterrupt ?? (() => process.exit(130)))();
  }

  /** Listen for a real SIGINT only while something wants Ctrl-C; otherwise it ends the process. */
  private syncSignalListener(): void {
    const want = !this.ended && (this.handlers.size > 0 || this.waiters.length > 0);
    if (want && !this.signalListener) {
      this.signalListener = () => this.interrupt();
      process.on('SIGINT', this.signalListener);
    } else if (!want && this.signalListener) {
      process.removeListener('SIGINT', this.signalListener);
      this.signalListener = null;
    }
  }
}
