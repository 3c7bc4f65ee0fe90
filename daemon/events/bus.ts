/**
 * The daemon's one event bus (DESIGN.md rule 3). Every state change, output chunk and supervisor
 * state change is emitted here; the activity log, event listeners and the PUB socket subscribe.
 * Delivery is synchronous, in subscription order, so subscribers must not block.
 */
import type { ProcessState } from '../../src/api/states.js';
import type { StatsPayload } from '../../src/api/metrics.js';

/** A process changed state. Emitted after the state is set (Supervisor sets state, then notifies). */
export interface ProcessStateEvent {
  kind: 'process-state';
  /** e.g. PROCESS_STATE_RUNNING */
  type: string;
  name: string;
  group: string;
  from: ProcessState;
  to: ProcessState;
  pid: number;
  /** The backoff counter (STARTING/BACKOFF payload `tries:`). */
  tries: number;
  /** EXITED only: the exit was expected. */
  expected?: boolean;
}

/** A chunk of a child's output, after it was written to the log (so never ahead of the file). */
export interface OutputEvent {
  kind: 'output';
  name: string;
  group: string;
  pid: number;
  channel: 'stdout' | 'stderr';
  data: Buffer;
}

/** Captured text between the XSUPERVISOR:BEGIN/END tokens (PROCESS_COMMUNICATION_*). */
export interface CommunicationEvent {
  kind: 'communication';
  type: 'PROCESS_COMMUNICATION_STDOUT' | 'PROCESS_COMMUNICATION_STDERR';
  name: string;
  group: string;
  pid: number;
  data: Buffer;
}

/** PROCESS_LOG_STDOUT / PROCESS_LOG_STDERR, only for channels with *_events_enabled. */
export interface ProcessLogEvent {
  kind: 'process-log';
  type: 'PROCESS_LOG_STDOUT' | 'PROCESS_LOG_STDERR';
  name: string;
  group: string;
  pid: number;
  data: Buffer;
}

export interface SupervisorStateEvent {
  kind: 'supervisor-state';
  type: 'SUPERVISOR_STATE_CHANGE_RUNNING' | 'SUPERVISOR_STATE_CHANGE_STOPPING';
  /** The new mood (SupervisorStates). */
  state: number;
}

export interface GroupEvent {
  kind: 'group';
  type: 'PROCESS_GROUP_ADDED' | 'PROCESS_GROUP_REMOVED';
  group: string;
}

export interface RemoteCommEvent {
  kind: 'remote-communication';
  type: 'REMOTE_COMMUNICATION';
  commType: string;
  data: string;
}

export interface TickEvent {
  kind: 'tick';
  type: 'TICK_5' | 'TICK_60' | 'TICK_3600';
  when: number;
}

/** A line written to the activity log (for `maintail -f`). `text` is the formatted line with its newline. */
export interface MainLogEvent {
  kind: 'mainlog';
  text: string;
}

/** Raw output of a `pty=true` program (it also reaches its stdout log, through the channel). */
export interface PtyOutputEvent {
  kind: 'pty-output';
  name: string;
  group: string;
  pid: number;
  data: Buffer;
  /**
   * Called at most once by the PUB publisher: with the sequence number the chunk went out with, or
   * null when it was not sent (dropped for viewers, server closing). ext.ptyAttach relies on it to
   * return a seq that matches its screen.
   */
  published?: (seq: number | null) => void;
}

/** A resource sample (src/api/metrics.ts), published on `stats.processes`. */
export interface StatsEvent {
  kind: 'stats';
  payload: StatsPayload;
}

export type BusEvent =
  | ProcessStateEvent
  | OutputEvent
  | CommunicationEvent
  | ProcessLogEvent
  | SupervisorStateEvent
  | GroupEvent
  | RemoteCommEvent
  | TickEvent
  | MainLogEvent
  | PtyOutputEvent
  | StatsEvent;

export type BusEventKind = BusEvent['kind'];
type EventOf<K extends BusEventKind> = Extract<BusEvent, { kind: K }>;

export class EventBus {
  private readonly handlers = new Map<BusEventKind | '*', Set<(e: BusEvent) => void>>();

  /** Subscribe to one kind, or '*' for every event. Returns the unsubscribe function. */
  on<K extends BusEventKind>(kind: K, fn: (e: EventOf<K>) => void): () => void;
  on(kind: '*', fn: (e: BusEvent) => void): () => void;
  on(kind: BusEventKind | '*', fn: (e: never) => void): () => void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    const h = fn as (e: BusEvent) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  /** True when somebody listens to `kind` (lets producers skip building costly events). */
  has(kind: BusEventKind): boolean {
    return (this.handlers.get(kind)?.size ?? 0) > 0 || (this.handlers.get('*')?.size ?? 0) > 0;
  }

  emit(e: BusEvent): void {
    for (const key of [e.kind, '*'] as const) {
      const set = this.handlers.get(key);
      if (!set) continue;
      for (const h of [...set]) {
        try {
          h(e);
        } catch (err) {
          // A failing subscriber must not break the emitter (a state machine edge) or other subscribers.
          process.emitWarning(`event bus subscriber failed: ${(err as Error)?.stack ?? err}`);
        }
      }
    }
  }
}
