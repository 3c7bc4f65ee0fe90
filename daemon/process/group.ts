/**
 * Process groups (Supervisor's ProcessGroup / EventListenerPool as far as starting and stopping
 * goes): a homogeneous program, a [group:x] or a listener pool. Listener pools are spawned like
 * programs; the event protocol on their pipes is handled elsewhere.
 */
import type { GroupConfig } from '../../src/config/types.js';
import { ProcessStates, STOPPED_STATES } from '../../src/api/states.js';
import type { OutputChannelFactory } from '../logs/types.js';
import type { EngineContext, GroupFactory, Process, ProcessGroup } from './types.js';
import { Subprocess } from './subprocess.js';
import type { SetupEnv } from './child-setup.js';
import type { Spawner } from './spawner.js';
import { PipeSpawner } from './spawn-pipe.js';
import { NativeSpawner } from './spawn-native.js';
import { nativeAddon, nativeAddonStatus } from './native-addon.js';
import type { Logger } from '../logs/logger.js';

/** What the processes of a group are built with. */
export interface GroupDeps {
  channels: OutputChannelFactory;
  /** Defaults to the native pipe spawner when its addon loads, else the child_process one. */
  spawner?: Spawner;
  /** A spawner for `pty=true` programs; without one they use `spawner`. */
  ptySpawner?: Spawner;
  setup?: SetupEnv;
}

/** A group of processes, by name in config order. */
export class Group implements ProcessGroup {
  readonly config: GroupConfig;
  readonly name: string;
  readonly processes = new Map<string, Process>();

  constructor(config: GroupConfig, ctx: EngineContext, deps: GroupDeps) {
    this.config = config;
    this.name = config.name;
    const spawner = deps.spawner ?? defaultSpawner(ctx.logger);
    for (const pc of config.processes) {
      const chosen = pc.pty && deps.ptySpawner ? deps.ptySpawner : spawner;
      this.processes.set(pc.name, new Subprocess(pc, ctx, { spawner: chosen, channels: deps.channels, setup: deps.setup }));
    }
  }

  transition(): void {
    for (const p of this.processes.values()) p.transition();
  }

  unstopped(): Process[] {
    return [...this.processes.values()].filter((p) => !STOPPED_STATES.includes(p.state));
  }

  /**
   * One shutdown pass (Supervisor's stop_all): descending priority (Python sorts stably by
   * priority, then reverses, so equal priorities go in reverse config order).
   */
  stopAll(): void {
    const procs = [...this.processes.values()].sort((a, b) => a.config.priority - b.config.priority).reverse();
    for (const p of procs) {
      if (p.state === ProcessStates.RUNNING || p.state === ProcessStates.STARTING) {
        // RUNNING/STARTING -> STOPPING
        p.stop();
      } else if (p.state === ProcessStates.BACKOFF) {
        // BACKOFF -> FATAL: no more retries while shutting down
        p.giveUp();
      }
    }
  }

  nextDeadline(): number | null {
    let best: number | null = null;
    for (const p of this.processes.values()) {
      const d = p.nextDeadline();
      if (d !== null && (best === null || d < best)) best = d;
    }
    return best;
  }

  async close(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.close()));
  }
}

let shared: Spawner | null = null;

/**
 * The pipe spawner every group shares: NativeSpawner when the addon is built and usable, else
 * PipeSpawner. The choice and its reason are logged once, at debug level.
 */
export function defaultSpawner(logger: Logger): Spawner {
  if (shared) return shared;
  const addon = nativeAddon();
  const { reason } = nativeAddonStatus();
  shared = addon ? new NativeSpawner(addon) : new PipeSpawner();
  logger.debug(addon ? `pipe spawner: native (${reason})` : `pipe spawner: child_process (native addon not used: ${reason})`);
  return shared;
}

/** A GroupFactory that builds groups with these dependencies (the daemon passes the real channels). */
export function makeGroupFactory(deps: GroupDeps): GroupFactory {
  return (config, ctx) => new Group(config, ctx, deps);
}
