/**
 * The daemon's resource statistics, wired up: a sampler over the Supervisor's processes, publishing
 * on the bus, and its ext.statsSubscribe method on the method table.
 */
import type { EventBus } from '../events/bus.js';
import type { Process, ProcessGroup } from '../process/types.js';
import type { MethodTable } from '../rpc/types.js';
import { MetricsSampler, type SamplerOptions } from './sampler.js';
import { registerStatsMethods } from './methods.js';

/** What the sampler needs from the Supervisor. */
export interface MetricsSource {
  readonly bus: EventBus;
  allProcesses(lexical?: boolean): [ProcessGroup, Process][];
}

/** Starts counting spawns and registers ext.statsSubscribe; `close()` the result at shutdown. */
export function startMetrics(table: MethodTable, sup: MetricsSource, tuning: Partial<SamplerOptions> = {}): MetricsSampler {
  const sampler = new MetricsSampler({
    bus: sup.bus,
    processes: () => sup.allProcesses().map(([g, p]) => ({ key: `${g.name}:${p.name}`, pid: p.pid })),
    ...tuning,
  });
  registerStatsMethods(table, sampler);
  return sampler;
}
