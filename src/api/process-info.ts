/** Result structs of the `supervisor.*` API (reference d.2, d.4). */

/** `getProcessInfo` / `getAllProcessInfo` element. */
export interface ProcessInfo {
  name: string;
  group: string;
  /** Unix seconds of the last start, 0 if never started. */
  start: number;
  /** Unix seconds of the last stop, 0 if never stopped. */
  stop: number;
  /** Unix seconds, now. */
  now: number;
  state: number;
  statename: string;
  spawnerr: string;
  /** Exit status of the last exit, -1 when killed by a signal, 0 otherwise. */
  exitstatus: number;
  /** Alias of stdout_logfile. */
  logfile: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
  /** The text of supervisorctl's status column. */
  description: string;
}

/** Element of the arrays returned by start/stop/signal group/all and clearAllProcessLogs. */
export interface ProcessResult {
  name: string;
  group: string;
  /** 80 (SUCCESS) or a fault code. */
  status: number;
  description: string;
}

/** `getState` result. */
export interface SupervisorStateInfo {
  statecode: number;
  statename: string;
}

/** `getAllConfigInfo` element. */
export interface ConfigInfo {
  autostart: boolean;
  autorestart: boolean | 'unexpected';
  directory: string | null;
  /** 'none' when the program has no user= (Supervisor marshals None so). */
  uid: number | null | 'none';
  command: string;
  exitcodes: number[];
  group: string;
  group_prio: number;
  inuse: boolean;
  killasgroup: boolean;
  name: string;
  process_prio: number;
  redirect_stderr: boolean;
  startretries: number;
  startsecs: number;
  stdout_capture_maxbytes: number;
  stdout_events_enabled: boolean;
  stdout_logfile: string;
  stdout_logfile_backups: number;
  stdout_logfile_maxbytes: number;
  stdout_syslog: boolean;
  stopsignal: number;
  stopwaitsecs: number;
  stderr_capture_maxbytes: number;
  stderr_events_enabled: boolean;
  stderr_logfile: string;
  stderr_logfile_backups: number;
  stderr_logfile_maxbytes: number;
  stderr_syslog: boolean;
  serverurl: string;
}

/** `tailProcessStdoutLog` result: [bytes, offset, overflow]. */
export type TailResult = [string, number, boolean];

/** `reloadConfig` result: [[added, changed, removed]]. */
export type ReloadResult = [[string[], string[], string[]]];
