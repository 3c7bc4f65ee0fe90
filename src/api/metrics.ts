/**
 * Resource statistics published by the daemon on PUB topic `stats.processes`, about once a second and
 * only while at least one client subscribes to `stats.` (the daemon samples /proc only then).
 */
export const STATS_TOPIC = 'stats.processes';

export interface ProcessStats {
  /** CPU use of the process and all its descendants over the last interval, percent of one core. */
  cpu: number;
  /** Resident memory of the process and all its descendants, bytes. */
  rss: number;
  /** How many times the daemon has spawned this process since it started. */
  starts: number;
}

/** Payload (JSON) of a `stats.processes` message. */
export interface StatsPayload {
  /** Unix seconds of the sample. */
  time: number;
  /** Keyed by `group:name`. */
  processes: Record<string, ProcessStats>;
  /** The daemon itself. */
  daemon: { cpu: number; rss: number };
}
