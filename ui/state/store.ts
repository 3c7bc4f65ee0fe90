/**
 * A tiny observable store: the console's state is one mutable object, changed by the daemon feed and the
 * key handlers; views re-render from it. Changes from the daemon are coalesced to at most `maxFps`
 * notifications a second (a burst of 1,000 state messages makes one frame); key handlers flush at once.
 */

export type Listener = () => void;

export class Store<S> {
  /** Bumped on every notification; React reads it through useSyncExternalStore. */
  version = 0;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private readonly minGapMs: number;
  private closed = false;

  constructor(
    readonly state: S,
    maxFps = 30,
  ) {
    this.minGapMs = Math.ceil(1000 / maxFps);
  }

  subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getVersion = (): number => this.version;

  /** Something changed: notify soon, at most once per frame interval. */
  changed(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastFlush + this.minGapMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Notify now (after handling keys: the user is waiting for the result). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.closed) return;
    this.lastFlush = Date.now();
    this.version++;
    for (const fn of [...this.listeners]) fn();
  }

  /** No more notifications. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
