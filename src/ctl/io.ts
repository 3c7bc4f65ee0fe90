/**
 * The output sink and input source every supervisorctl action talks to (DESIGN.md rule 2). Actions never
 * touch process.stdout/stdin: the one-shot command, the classic shell and the TUI's command line each
 * pass their own CtlIO.
 */

/** Options of one `ask()`. */
export interface AskOptions {
  /** false hides the typed text (passwords). Default true. */
  echo?: boolean;
  /** Aborting gives up the question; the pending read then resolves to null and consumes no line. */
  signal?: AbortSignal;
}

/** Where actions print and read; see the file comment. */
export interface CtlIO {
  /** Writes one line of normal output (a newline is added). */
  out(line: string): void;
  /** Writes one line to the error stream (a newline is added). */
  err(line: string): void;
  /** Writes streamed data (log chunks) as is to the output. */
  raw(chunk: string | Uint8Array): void;
  /** Writes streamed data as is to the error stream (a program's stderr in `fg`). */
  rawErr(chunk: string | Uint8Array): void;
  /**
   * Prints `prompt` (no newline) and reads one line. Resolves to null on end of input or when aborted.
   */
  ask(prompt: string, opts?: AskOptions): Promise<string | null>;
  /** Calls `fn` on each Ctrl-C until the returned function is called. */
  onInterrupt(fn: () => void): () => void;
  /** True when a person can answer prompts (stdin is a terminal): enables the credentials prompt. */
  readonly canPrompt: boolean;
}

/** Resolves on the next Ctrl-C; `dispose()` stops listening. */
export function nextInterrupt(io: CtlIO): { interrupted: Promise<void>; dispose: () => void } {
  let dispose: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => {
    dispose = io.onInterrupt(() => resolve());
  });
  return { interrupted, dispose };
}
