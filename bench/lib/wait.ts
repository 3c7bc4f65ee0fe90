/** Polling with a deadline: every wait in the bench is bounded. */

/** Options of waitFor. */
export interface WaitOptions {
  timeoutMs: number;
  /** Poll interval in ms (default 10: fine enough for timings of hundreds of ms and more). */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what: string;
  /** Checked on every poll; a string it returns aborts the wait with that message (e.g. "daemon exited"). */
  abort?: () => string | null;
}

/** Resolve with the first truthy value of `check`, or reject after the timeout. */
export async function waitFor<T>(check: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 10;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    const why = opts.abort?.();
    if (why) throw new Error(`${why} (while waiting for ${opts.what})`);
    if (Date.now() >= deadline) throw new Error(`timed out after ${opts.timeoutMs / 1000} s waiting for ${opts.what}`);
    await sleep(interval);
  }
}

/** Sleep for a measured interval (idle-CPU windows), never as a substitute for waiting on a condition. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Reject after `ms` unless the promise settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
