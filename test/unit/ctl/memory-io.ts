/** A CtlIO that records everything and answers questions from a script, for supervisorctl's unit tests. */
import type { AskOptions, CtlIO } from '../../../src/ctl/io.js';
import { Controller } from '../../../src/ctl/controller.js';
import type { CtlSettings } from '../../../src/ctl/controller.js';
import type { FakeSupervisor } from './fake-client.js';

export class MemoryIO implements CtlIO {
  /** Everything written to stdout, lines and raw chunks, in order. */
  stdout = '';
  stderr = '';
  /** The prompts asked, with whether they echoed. */
  readonly asked: { prompt: string; echo: boolean }[] = [];
  private readonly answers: (string | null)[] = [];
  private readonly waiters: { resolve: (l: string | null) => void }[] = [];
  private readonly handlers = new Set<() => void>();
  private ended = false;

  constructor(readonly canPrompt = false) {}

  out(line: string): void {
    this.stdout += line + '\n';
  }
  err(line: string): void {
    this.stderr += line + '\n';
  }
  raw(chunk: string | Uint8Array): void {
    this.stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  }
  rawErr(chunk: string | Uint8Array): void {
    this.stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  }

  /** Queues answers for the next questions (null = end of input). */
  answer(...lines: (string | null)[]): void {
    for (const l of lines) {
      const w = this.waiters.shift();
      if (w) w.resolve(l);
      else this.answers.push(l);
    }
  }

  /** Ends the input: pending and later questions get null. */
  end(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w.resolve(null);
  }

  ask(prompt: string, opts: AskOptions = {}): Promise<string | null> {
    this.asked.push({ prompt, echo: opts.echo ?? true });
    this.stdout += prompt;
    if (opts.signal?.aborted) return Promise.resolve(null);
    if (this.answers.length) return Promise.resolve(this.answers.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w = { resolve };
      this.waiters.push(w);
      opts.signal?.addEventListener('abort', () => {
        const i = this.waiters.indexOf(w);
        if (i !== -1) this.waiters.splice(i, 1);
        resolve(null);
      });
    });
  }

  onInterrupt(fn: () => void): () => void {
    this.handlers.add(fn);
    return () => this.handlers.delete(fn);
  }

  /** How many Ctrl-C listeners there are now (a stream is running when > 0). */
  get listening(): number {
    return this.handlers.size;
  }

  /** Presses Ctrl-C. */
  interrupt(): void {
    for (const h of [...this.handlers]) h();
  }

  /** Whether someone is waiting for a line. */
  get waiting(): boolean {
    return this.waiters.length > 0;
  }
}

export const DEFAULT_URL = 'unix:///tmp/fake.sock';

export function settings(over: Partial<CtlSettings> = {}): CtlSettings {
  return {
    serverurl: DEFAULT_URL,
    username: null,
    password: null,
    prompt: 'supervisor',
    historyFile: null,
    interactive: false,
    ...over,
  };
}

/** What one command printed and its exit status. */
export interface Outcome {
  out: string;
  err: string;
  status: number;
  io: MemoryIO;
  ctl: Controller;
}

/** Runs one command line against `server`, as the one-shot command does. */
export async function run(
  server: FakeSupervisor,
  line: string,
  opts: { settings?: Partial<CtlSettings>; io?: MemoryIO } = {},
): Promise<Outcome> {
  const io = opts.io ?? new MemoryIO();
  const ctl = new Controller(settings(opts.settings), io, server.connector());
  await ctl.onecmd(line);
  await ctl.close();
  return { out: io.stdout, err: io.stderr, status: ctl.exitstatus, io, ctl };
}

/** Lines helper: joins with newlines and ends with one. */
export const lines = (...ls: string[]): string => ls.map((l) => l + '\n').join('');

/** Polls `cond` until true, failing after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
