/**
 * Process and supervisor state constants, exactly as Supervisor 4.2.5's `states.py`.
 * This module has no dependencies so that every layer (daemon, client, ctl, ui) can share it.
 */

/** Process states (`supervisor.states.ProcessStates`). The numbers are part of the XML-RPC API. */
export const ProcessStates = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const;

export type ProcessStateName = keyof typeof ProcessStates;
export type ProcessState = (typeof ProcessStates)[ProcessStateName];

const processStateNames = new Map<number, ProcessStateName>(
  Object.entries(ProcessStates).map(([k, v]) => [v, k as ProcessStateName]),
);

/** `getProcessStateDescription`: the name of a state code, e.g. 20 → "RUNNING". */
export function processStateName(code: number): ProcessStateName | undefined {
  return processStateNames.get(code);
}

/** States in which a process is considered stopped (no pid). */
export const STOPPED_STATES: readonly ProcessState[] = [
  ProcessStates.STOPPED,
  ProcessStates.EXITED,
  ProcessStates.FATAL,
  ProcessStates.UNKNOWN,
];

/** States from which `stop` makes sense; `start` answers ALREADY_STARTED in these. */
export const RUNNING_STATES: readonly ProcessState[] = [
  ProcessStates.RUNNING,
  ProcessStates.BACKOFF,
  ProcessStates.STARTING,
];

/** States in which a process has a pid that can be signalled. */
export const SIGNALLABLE_STATES: readonly ProcessState[] = [
  ProcessStates.RUNNING,
  ProcessStates.STARTING,
  ProcessStates.STOPPING,
];

/** Supervisor's own state ("mood"), `supervisor.states.SupervisorStates`. */
export const SupervisorStates = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const;

export type SupervisorStateName = keyof typeof SupervisorStates;
export type SupervisorState = (typeof SupervisorStates)[SupervisorStateName];

export function supervisorStateName(code: number): SupervisorStateName | undefined {
  for (const [k, v] of Object.entries(SupervisorStates)) if (v === code) return k as SupervisorStateName;
  return undefined;
}

/** Event listener states (`EventListenerStates`). */
export const EventListenerStates = {
  READY: 10,
  BUSY: 20,
  ACKNOWLEDGED: 30,
  UNKNOWN: 40,
} as const;
