/**
 * ext.statsSubscribe: the heartbeat that keeps the resource sampler running. A subscription to
 * `stats.` alone does not start the /proc reads (the sampler knows nothing of the transport, and the
 * protocol keeps a lease: docs/protocol.md, "Statistics"), so a client that wants `stats.processes`
 * messages calls this every few seconds while it subscribes.
 */
import { Faults, RpcFault } from '../../src/api/faults.js';
import type { MethodTable } from '../rpc/types.js';
import type { MetricsSampler } from './sampler.js';

export const STATS_SUBSCRIBE = 'ext.statsSubscribe';

/** What ext.statsSubscribe returns: how often samples come and how long this call keeps them coming. */
export interface StatsSubscription {
  /** Seconds between `stats.processes` messages. */
  interval: number;
  /** Seconds this call keeps the sampler running; call again well before it runs out. */
  lease: number;
}

/** Registers ext.statsSubscribe on `table`. */
export function registerStatsMethods(table: MethodTable, sampler: MetricsSampler): void {
  table.register(
    {
      name: STATS_SUBSCRIBE,
      help:
        'Keep resource statistics coming on PUB topic stats.processes for the next lease\n' +
        'seconds (call it every few seconds while subscribed to stats.)\n' +
        '@return struct subscription {interval, lease}',
      signature: ['struct'],
    },
    (params): StatsSubscription => {
      if (params.length !== 0) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
      sampler.touch();
      return { interval: sampler.intervalMs / 1000, lease: sampler.leaseMs / 1000 };
    },
  );
}
