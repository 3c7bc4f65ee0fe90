/**
 * Contracts of the process engine, shared by daemon/process (implementation), daemon/supervisor.ts
 * and daemon/rpc. Semantics are Supervisor 4.2.5's `process.py` (reference e).
 */
import type { ProcessConfig, GroupConfig, SupervisordConfig } from '../../src/config/types.js';
import type { ProcessInfo } from '../../src/api/process-info.js';
import type { ProcessState } from '../../src/api/states.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from './clock.js';
import type { Logger } from '../logs/logger.js';

/** What a process needs from its surroundings. One instance is shared by all processes. */
export interface EngineContext {
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  /** The supervisord section (environment, identifier, childlogdir, strip_ansi, minfds…). */
  supervisord: SupervisordConfig;
  /** The current mood (SupervisorStates); automatic spawns happen only while it is RUNNING (1). */
  mood(): number;
  /** Ask the owner to call transition() again soon (a child exited, a timer fired…). */
  wake(): void;
}

/** One supervised process (Supervisor's `Subprocess`). */
export interface Process {
  readonly config: ProcessConfig;
  readonly name: string;
  readonly group: string;
  readonly state: ProcessState;
  /** 0 when not running. */
  readonly pid: number;
  /** Seconds (float), 0 if never started. */
  readonly laststart: number;
  readonly laststop: number;
  readonly spawnerr: string | null;
  /** Exit status of the last exit; -1 when killed by a signal; null before the first exit. */
  readonly exitstatus: number | null;
  /** The backoff counter (`tries`). */
  readonly backoff: number;

  /**
   * Start the process now (STOPPED/EXITED/FATAL/BACKOFF → STARTING, or → BACKOFF on a spawn error).
   * Returns the pid, or null with `spawnerr` set.
   */
  spawn(): number | null;
  /** Stop it: signal with stopsignal (→ STOPPING), or BACKOFF → STOPPED. Returns an error message or null. */
  stop(): string | null;
  /** Send a signal (name without SIG, or number). Returns an error message or null. */
  signal(sig: string | number): string | null;
  /** BACKOFF → FATAL (too many retries, or supervisord shutting down). */
  giveUp(): void;
  /** Evaluate the automatic edges at `clock.now()` (autostart, autorestart, backoff retry, startsecs, stopwaitsecs). */
  transition(): void;
  /** Seconds at which transition() next has something to do, or null. */
  nextDeadline(): number | null;
  /** The getProcessInfo struct. */
  info(): ProcessInfo;
  /** Write to the child's stdin. Throws `Error('NOT_RUNNING')` or `Error('NO_FILE')` (stdin closed). */
  writeStdin(data: Buffer): void;
  /** The log file of a channel, or null (NONE/syslog only, or stderr when redirected). */
  logfile(channel: 'stdout' | 'stderr'): string | null;
  /** SIGUSR2: reopen both log files (no byte lost). */
  reopenLogs(): void;
  /** clearProcessLogs: remove both log files (and rotated backups are kept, as Supervisor) and reopen them. */
  clearLogs(): void;
  /** Close log files; called when the group is removed or at exit. Output still in flight is written first. */
  close(): Promise<void>;
  /**
   * Optional: log `waiting for x to stop` (INFO) if STOPPING, at most every 2 s. A stop RPC that waits
   * calls it periodically (Supervisor's stop_report).
   */
  stopReport?(): void;
  /** Resolves the next time the state changes to one of `states` (used by deferred RPC results). */
  waitForState(states: readonly ProcessState[]): Promise<ProcessState>;
}

/** A process group (homogeneous program, [group:x], listener pool). */
export interface ProcessGroup {
  readonly config: GroupConfig;
  readonly name: string;
  /** By process name. */
  readonly processes: Map<string, Process>;
  /** Call transition() on each process. */
  transition(): void;
  /** Processes not in STOPPED_STATES (Supervisor's get_unstopped_processes). */
  unstopped(): Process[];
  /**
   * One pass of shutdown for this group (Supervisor's `stop_all`): stop processes in descending
   * priority; RUNNING/STARTING get stop(), BACKOFF gives up (→ FATAL).
   */
  stopAll(): void;
  /** Earliest nextDeadline of its processes. */
  nextDeadline(): number | null;
  /** Release resources before removal (close logs). */
  close(): Promise<void>;
}

export type GroupFactory = (config: GroupConfig, ctx: EngineContext) => ProcessGroup;
