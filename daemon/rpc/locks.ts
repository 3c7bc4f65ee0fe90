/**
 * Per-process serialisation of RPC operations: a call on a process waits for the previous call on
 * the same process (a `stop` still waiting for the child to die, say), while calls on other processes
 * never wait. An operation on an idle process runs synchronously, so the result order of the group
 * methods is Supervisor's (immediate results first, in priority order; deferred ones as they finish).
 */
export class ProcessLocks<K extends object> {
  private readonly tails = new Map<K, Promise<void>>();

  /** Run `op` for `key` now if nothing is pending for it, otherwise after what is pending. */
  run<T>(key: K, op: () => T | Promise<T>): T | Promise<T> {
    const tail = this.tails.get(key);
    if (!tail) {
      const result = op();
      if (result instanceof Promise) this.hold(key, result);
      return result;
    }
    const next = tail.then(op);
    this.hold(key, next);
    return next;
  }

  /** True when an operation on `key` is still pending. */
  busy(key: K): boolean {
    return this.tails.has(key);
  }

  private hold(key: K, pending: Promise<unknown>): void {
    const tail: Promise<void> = pending.then(
      () => this.release(key, tail),
      () => this.release(key, tail),
    );
    this.tails.set(key, tail);
  }

  private release(key: K, tail: Promise<void>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
  }
}
