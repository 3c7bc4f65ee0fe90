/**
 * Per-process resource statistics (src/api/metrics.ts): CPU % and RSS of each supervised process
 * with all its descendants, how often it was spawned, and the daemon's own figures, sampled from
 * /proc about once a second and put on the bus (→ PUB `stats.processes`). Sampling costs /proc reads,
 * so it runs only while a client's subscription lease (ext.statsSubscribe) is fresh.
 */
import { ProcessStates } from '../../src/api/states.js';
import type { ProcessStats, StatsPayload } from '../../src/api/metrics.js';
import type { EventBus } from '../events/bus.js';
import { realClock, type Clock, type Timer } from '../process/clock.js';
import { ProcReader } from './proc.js';

/** One supervised process as the sampler sees it: `group:name` and its pid (0 when not running). */
export interface SampledProcess {
  key: string;
  pid: number;
}

/** What the sampler reads from and publishes to. */
export interface SamplerOptions {
  bus: EventBus;
  /** Every process, running or not (those not running are reported with zeros). */
  processes: () => SampledProcess[];
  clock?: Clock;
  /** Milliseconds between samples. */
  intervalMs?: number;
  /** How long one ext.statsSubscribe keeps the sampler running, milliseconds. */
  leaseMs?: number;
  reader?: ProcReader;
}

export const DEFAULT_INTERVAL_MS = 1000;
export const DEFAULT_LEASE_MS = 10_000;

/** The previous reading of one process tree, to turn CPU seconds into a percentage. */
interface Previous {
  pid: number;
  cpuSeconds: number;
  at: number;
}

/** Samples every process tree while a subscription lease is fresh, and counts spawns always. */
export class MetricsSampler {
  /** How many samples were taken (each one reads /proc): tests check that idle means zero. */
  samples = 0;
  readonly intervalMs: number;
  readonly leaseMs: number;
  private readonly clock: Clock;
  private readonly reader: ProcReader;
  private readonly starts = new Map<string, number>();
  private readonly previous = new Map<string, Previous>();
  private daemonPrev: { cpu: NodeJS.CpuUsage; at: number } | null = null;
  private leaseUntil = 0;
  private timer: Timer | null = null;
  private closed = false;
  private readonly off: () => void;

  constructor(private readonly opts: SamplerOptions) {
    this.clock = opts.clock ?? realClock;
    this.intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.reader = opts.reader ?? new ProcReader();
    // Counted from the start, subscribed or not: every STARTING is one spawn attempt.
    this.off = opts.bus.on('process-state', (e) => {
      if (e.to !== ProcessStates.STARTING) return;
      const key = `${e.group}:${e.name}`;
      this.starts.set(key, (this.starts.get(key) ?? 0) + 1);
    });
  }

  /** True while a subscription lease is fresh (samples are being taken). */
  get active(): boolean {
    return this.timer !== null;
  }

  /** A subscriber's heartbeat: sample for the next leaseMs, starting now when idle (never once closed). */
  touch(): void {
    // A heartbeat that races the daemon's shutdown must not restart the timer close() cancelled.
    if (this.closed) return;
    this.leaseUntil = this.clock.now() + this.leaseMs / 1000;
    if (this.timer) return;
    // The first reading only sets the baseline: a CPU % needs two.
    this.sample(false);
    this.schedule();
  }

  /** Stop sampling and counting, for good. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    this.off();
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(this.intervalMs, () => {
      // The lease ran out: stop until the next heartbeat, and start from a fresh baseline then.
      if (this.clock.now() > this.leaseUntil) {
        this.timer = null;
        this.previous.clear();
        this.daemonPrev = null;
        return;
      }
      this.sample(true);
      // A subscriber of the sample may have closed the sampler (the daemon shutting down).
      if (!this.closed) this.schedule();
    });
  }

  /** Read every process tree; publish when `publish` (the baseline reading is not). */
  private sample(publish: boolean): void {
    this.samples++;
    this.reader.beginSample();
    const now = this.clock.now();
    const processes: Record<string, ProcessStats> = {};
    const live = new Set<string>();
    for (const { key, pid } of this.opts.processes()) {
      const starts = this.starts.get(key) ?? 0;
      const usage = pid > 0 ? this.reader.tree(pid) : null;
      if (!usage) {
        processes[key] = { cpu: 0, rss: 0, starts };
        continue;
      }
      live.add(key);
      const prev = this.previous.get(key);
      let cpu = 0;
      // A new pid (a restart) has no previous reading to compare with.
      if (prev && prev.pid === pid && now > prev.at) cpu = Math.max(0, ((usage.cpuSeconds - prev.cpuSeconds) / (now - prev.at)) * 100);
      this.previous.set(key, { pid, cpuSeconds: usage.cpuSeconds, at: now });
      processes[key] = { cpu: round1(cpu), rss: usage.rss, starts };
    }
    for (const key of this.previous.keys()) if (!live.has(key)) this.previous.delete(key);

    const cpuNow = process.cpuUsage();
    let daemonCpu = 0;
    if (this.daemonPrev && now > this.daemonPrev.at) {
      const used = cpuNow.user - this.daemonPrev.cpu.user + (cpuNow.system - this.daemonPrev.cpu.system);
      daemonCpu = (used / 1e6 / (now - this.daemonPrev.at)) * 100;
    }
    this.daemonPrev = { cpu: cpuNow, at: now };
    if (!publish) return;
    const payload: StatsPayload = {
      time: now,
      processes,
      daemon: { cpu: round1(Math.max(0, daemonCpu)), rss: process.memoryUsage.rss() },
    };
    this.opts.bus.emit({ kind: 'stats', payload });
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
