/**
 * A CtlIO for the console: supervisorctl's actions print into a list of lines (the command pane or the
 * message line) instead of stdout, ask their questions in the console's input line, and get Ctrl-C
 * from the console's key handler.
 */
import type { AskOptions, CtlIO } from '../../src/ctl/io.js';

export interface CaptureTarget {
  /** One finished line of output (`error`: from the error stream). */
  line(text: string, error: boolean): void;
  /** A question: resolve with the answer, or null when cancelled. */
  ask(prompt: string, echo: boolean, signal: AbortSignal | undefined): Promise<string | null>;
}

export class CaptureIO implements CtlIO {
  readonly canPrompt = true;
  /** Ctrl-C handlers of the running action (tail -f, fg). */
  readonly interrupts = new Set<() => void>();
  private partial = { out: '', err: '' };

  constructor(private readonly target: CaptureTarget) {}

  out(line: string): void {
    this.flushPartial('out');
    this.target.line(line, false);
  }

  err(line: string): void {
    this.flushPartial('err');
    this.target.line(line, true);
  }

  raw(chunk: string | Uint8Array): void {
    this.stream('out', chunk);
  }

  rawErr(chunk: string | Uint8Array): void {
    this.stream('err', chunk);
  }

  ask(prompt: string, opts: AskOptions = {}): Promise<string | null> {
    if (opts.signal?.aborted) return Promise.resolve(null);
    return this.target.ask(prompt, opts.echo ?? true, opts.signal);
  }

  onInterrupt(fn: () => void): () => void {
    this.interrupts.add(fn);
    return () => this.interrupts.delete(fn);
  }

  /** Delivers Ctrl-C; false when nobody listens. */
  interrupt(): boolean {
    if (!this.interrupts.size) return false;
    for (const fn of [...this.interrupts]) fn();
    return true;
  }

  /** Ends an unfinished streamed line (when the action is done). */
  finish(): void {
    this.flushPartial('out');
    this.flushPartial('err');
  }

  private stream(which: 'out' | 'err', chunk: string | Uint8Array): void {
    const text = this.partial[which] + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const parts = text.split('\n');
    this.partial[which] = parts.pop()!;
    for (const p of parts) this.target.line(p, which === 'err');
  }

  private flushPartial(which: 'out' | 'err'): void {
    if (!this.partial[which]) return;
    const p = this.partial[which];
    this.partial[which] = '';
    this.target.line(p, which === 'err');
  }
}
