/**
 * Time as the engine sees it. The real clock is wall time in seconds (Supervisor's `time.time()`);
 * unit tests pass a fake clock and advance it by hand.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Seconds since the epoch, with a fraction. */
  now(): number;
  /** Run `fn` after `ms` milliseconds (or when a fake clock is advanced past it). */
  setTimer(ms: number, fn: () => void): Timer;
}

export const realClock: Clock = {
  now: () => Date.now() / 1000,
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** A clock for tests: time moves only through `advance`. */
export class FakeClock implements Clock {
  private t: number;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(start = 1_700_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): Timer {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms / 1000, fn, id });
    return { cancel: () => (this.timers = this.timers.filter((x) => x.id !== id)) };
  }
  /** Move time forward by `secs`, firing due timers in order. */
  advance(secs: number): void {
    const end = this.t + secs;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
