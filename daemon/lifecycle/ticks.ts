/**
 * TICK_5 / TICK_60 / TICK_3600 (reference f.1): an event each time the wall clock enters a new time
 * slice of the period; the first one at the first boundary after startup (Supervisor's `tick`).
 */
import type { EventBus, TickEvent } from '../events/bus.js';

const PERIODS: [number, TickEvent['type']][] = [
  [5, 'TICK_5'],
  [60, 'TICK_60'],
  [3600, 'TICK_3600'],
];

/** Supervisor's `timeslice`: the start of the period containing `when`. */
export function timeslice(period: number, when: number): number {
  return Math.floor(when - (when % period));
}

/** Remembers the current slice of each period and emits a tick event when one rolls over. */
export class TickSource {
  private readonly last = new Map<number, number>();

  constructor(private readonly bus: EventBus) {}

  /** Called on every main-loop pass. */
  check(now: number): void {
    for (const [period, type] of PERIODS) {
      const slice = timeslice(period, now);
      const last = this.last.get(period);
      if (last === undefined) this.last.set(period, slice);
      else if (slice !== last) {
        this.last.set(period, slice);
        this.bus.emit({ kind: 'tick', type, when: slice });
      }
    }
  }

  /** When the next TICK_5 is due (every longer period's boundary is also a 5 s boundary). */
  nextDue(now: number): number {
    return timeslice(5, now) + 5;
  }
}
