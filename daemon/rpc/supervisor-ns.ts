/**
 * The `supervisor.*` namespace (reference d.2): Supervisor's `SupervisorNamespaceRPCInterface`, with
 * its faults, deferred results and SHUTDOWN_STATE checks. Each method's JSDoc is the docstring that
 * system.methodHelp returns; its `@param`/`@return` tags are what system.methodSignature reports and
 * what the table checks parameters against. A method returns its value directly when it is done at
 * once, or a promise when the answer is deferred (start/stop with wait, the group and *All* forms).
 */
import { existsSync } from 'node:fs';
import {
  Faults,
  RpcFault,
  ProcessStates,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  supervisorStateName,
  SupervisorStates,
  type ConfigInfo,
  type ProcessInfo,
  type ProcessResult,
  type SupervisorStateInfo,
  type TailResult,
  type ReloadResult,
} from '../../src/api/index.js';
import type { ProcessConfig } from '../../src/config/types.js';
import { signalName, signalNumberOf } from '../../src/config/datatypes.js';
import { readLogRange, tailLogRange } from '../logs/read.js';
import type { Process, ProcessGroup } from '../process/types.js';
import type { Timer } from '../process/clock.js';
import { byPriority, type Supervisor } from '../supervisor.js';
import { SUPERVISOR_VERSION } from '../cli.js';
import { ProcessLocks } from './locks.js';
import { forEachProcess } from './results.js';
import { splitNamespec } from './namespec.js';

/** supervisor.getAPIVersion */
export const API_VERSION = '3.0';

/** The b/c aliases Supervisor publishes, and the method each stands for. */
export const SUPERVISOR_ALIASES: Record<string, string> = {
  getVersion: 'getAPIVersion',
  readMainLog: 'readLog',
  readProcessLog: 'readProcessStdoutLog',
  tailProcessLog: 'tailProcessStdoutLog',
  clearProcessLog: 'clearProcessLogs',
};

/** What a start with wait=true waits for: any state but STARTING. */
const AFTER_STARTING = Object.values(ProcessStates).filter((s) => s !== ProcessStates.STARTING);

/** How often a waiting stop polls stop_report, which logs at most every 2 s (Supervisor polls per pass). */
const STOP_REPORT_POLL_MS = 1000;

const isRunning = (p: Process) => RUNNING_STATES.includes(p.state);
const isSignallable = (p: Process) => SIGNALLABLE_STATES.includes(p.state);

/** Supervisor's `SupervisorNamespaceRPCInterface` over a Supervisor. */
export class SupervisorNamespace {
  /** Start and stop of one process are serialised; other processes never wait. */
  private readonly locks = new ProcessLocks<Process>();

  constructor(private readonly sup: Supervisor) {}

  /**
   * Return the version of the RPC API used by supervisord
   *
   * @return string version id
   */
  getAPIVersion(): string {
    this._update();
    return API_VERSION;
  }

  /**
   * Return the version of the supervisor package in use by supervisord
   *
   * @return string version id
   */
  getSupervisorVersion(): string {
    this._update();
    return SUPERVISOR_VERSION;
  }

  /**
   * Return identifying string of supervisord
   *
   * @return string identifier identifying string
   */
  getIdentification(): string {
    this._update();
    return this.sup.identifier;
  }

  /**
   * Return current state of supervisord as a struct
   *
   * @return struct A struct with keys int statecode, string statename
   */
  getState(): SupervisorStateInfo {
    this._update();
    const mood = this.sup.mood;
    return { statecode: mood, statename: supervisorStateName(mood) ?? 'UNKNOWN' };
  }

  /**
   * Return the PID of supervisord
   *
   * @return int PID
   */
  getPID(): number {
    this._update();
    return this.sup.pid;
  }

  /**
   * Read length bytes from the main log starting at offset
   *
   * @param int offset         offset to start reading from.
   * @param int length         number of bytes to read from the log.
   * @return string result     Bytes of log
   */
  readLog(offset: number, length: number): string {
    this._update();
    return readLogRange(this.sup.mainLog?.path ?? null, offset, length);
  }

  /**
   * Clear the main log.
   *
   * @return boolean result always returns True unless error
   */
  clearLog(): boolean {
    this._update();
    const log = this.sup.mainLog;
    if (!log?.path || !existsSync(log.path)) throw new RpcFault(Faults.NO_FILE);
    try {
      log.clear();
    } catch (err) {
      if (err instanceof RpcFault) throw err;
      throw new RpcFault(Faults.FAILED);
    }
    return true;
  }

  /**
   * Shut down the supervisor process
   *
   * @return boolean result always returns True unless error
   */
  shutdown(): boolean {
    this._update();
    // RUNNING -> SHUTDOWN
    this.sup.setMood(SupervisorStates.SHUTDOWN);
    return true;
  }

  /**
   * Restart the supervisor process
   *
   * @return boolean result  always return True unless error
   */
  restart(): boolean {
    this._update();
    // RUNNING -> RESTARTING
    this.sup.setMood(SupervisorStates.RESTARTING);
    return true;
  }

  /**
   * Reload the configuration.
   *
   * The result contains three arrays containing names of process
   * groups:
   *
   * * `added` gives the process groups that have been added
   * * `changed` gives the process groups whose contents have
   *   changed
   * * `removed` gives the process groups that are no longer
   *   in the configuration
   *
   * @return array result  [[added, changed, removed]]
   */
  async reloadConfig(): Promise<ReloadResult> {
    this._update();
    let diff;
    try {
      diff = await this.sup.reloadConfig();
    } catch (err) {
      throw new RpcFault(Faults.CANT_REREAD, (err as Error).message);
    }
    const names = (gs: { name: string }[]) => gs.map((g) => g.name);
    return [[names(diff.added), names(diff.changed), names(diff.removed)]];
  }

  /**
   * Update the config for a running process from config file.
   *
   * @param string name         name of process group to add
   * @return boolean result     true if successful
   */
  addProcessGroup(name: string): boolean {
    this._update();
    const cfg = this.sup.groupConfigs.find((g) => g.name === name);
    if (!cfg) throw new RpcFault(Faults.BAD_NAME, name);
    if (!this.sup.addProcessGroup(cfg)) throw new RpcFault(Faults.ALREADY_ADDED, name);
    return true;
  }

  /**
   * Remove a stopped process from the active configuration.
   *
   * @param string name         name of process group to remove
   * @return boolean result     Indicates whether the removal was successful
   */
  async removeProcessGroup(name: string): Promise<boolean> {
    this._update();
    if (!this.sup.groups.has(name)) throw new RpcFault(Faults.BAD_NAME, name);
    if (!(await this.sup.removeProcessGroup(name))) throw new RpcFault(Faults.STILL_RUNNING, name);
    return true;
  }

  /**
   * Start a process
   *
   * @param string name Process name (or ``group:name``, or ``group:*``)
   * @param boolean wait Wait for process to be fully started
   * @return boolean result     Always true unless error
   */
  startProcess(name: string, wait = true): boolean | ProcessResult[] | Promise<boolean | ProcessResult[]> {
    this._update();
    const [group, proc] = this._groupAndProcess(name);
    if (!proc) return this.startProcessGroup(group.name, wait);
    return this.locks.run(proc, () => this._start(proc, name, wait));
  }

  /**
   * Start all processes in the group named 'name'
   *
   * @param string name     The group name
   * @param boolean wait    Wait for each process to be fully started
   * @return array result   An array of process status info structs
   */
  startProcessGroup(name: string, wait = true): ProcessResult[] | Promise<ProcessResult[]> {
    this._update();
    const group = this._group(name);
    return forEachProcess(this._inPriorityOrder(group), (p) => !isRunning(p), (spec) => this.startProcess(spec, wait));
  }

  /**
   * Start all processes listed in the configuration file
   *
   * @param boolean wait    Wait for each process to be fully started
   * @return array result   An array of process status info structs
   */
  startAllProcesses(wait = true): ProcessResult[] | Promise<ProcessResult[]> {
    this._update();
    return forEachProcess(this.sup.allProcesses(), (p) => !isRunning(p), (spec) => this.startProcess(spec, wait));
  }

  /**
   * Stop a process named by name
   *
   * @param string name  The name of the process to stop (or 'group:name')
   * @param boolean wait        Wait for the process to be fully stopped
   * @return boolean result     Always return True unless error
   */
  stopProcess(name: string, wait = true): boolean | ProcessResult[] | Promise<boolean | ProcessResult[]> {
    this._update();
    const [group, proc] = this._groupAndProcess(name);
    if (!proc) return this.stopProcessGroup(group.name, wait);
    return this.locks.run(proc, () => this._stop(proc, name, wait));
  }

  /**
   * Stop all processes in the process group named 'name'
   *
   * @param string name     The group name
   * @param boolean wait    Wait for each process to be fully stopped
   * @return array result   An array of process status info structs
   */
  stopProcessGroup(name: string, wait = true): ProcessResult[] | Promise<ProcessResult[]> {
    this._update();
    const group = this._group(name);
    return forEachProcess(this._inPriorityOrder(group), isRunning, (spec) => this.stopProcess(spec, wait));
  }

  /**
   * Stop all processes in the process list
   *
   * @param  boolean wait   Wait for each process to be fully stopped
   * @return array result   An array of process status info structs
   */
  stopAllProcesses(wait = true): ProcessResult[] | Promise<ProcessResult[]> {
    this._update();
    return forEachProcess(this.sup.allProcesses(), isRunning, (spec) => this.stopProcess(spec, wait));
  }

  /**
   * Send an arbitrary UNIX signal to the process named by name
   *
   * @param string name    Name of the process to signal (or 'group:name')
   * @param string signal  Signal to send, as name ('HUP') or number ('1')
   * @return boolean
   */
  signalProcess(name: string, signal: string): boolean | ProcessResult[] {
    this._update();
    const [group, proc] = this._groupAndProcess(name);
    if (!proc) return this.signalProcessGroup(group.name, signal);
    const sig = this._signalNumber(signal);
    if (!isSignallable(proc)) throw new RpcFault(Faults.NOT_RUNNING, name);
    const msg = proc.signal(sig);
    if (msg !== null) throw new RpcFault(Faults.FAILED, msg);
    return true;
  }

  /**
   * Send a signal to all processes in the group named 'name'
   *
   * @param string name    The group name
   * @param string signal  Signal to send, as name ('HUP') or number ('1')
   * @return array
   */
  signalProcessGroup(name: string, signal: string): ProcessResult[] {
    this._update();
    const group = this._group(name);
    const results = forEachProcess(this._inPriorityOrder(group), isSignallable, (spec) => this.signalProcess(spec, signal));
    this._update();
    return results as ProcessResult[];
  }

  /**
   * Send a signal to all processes in the process list
   *
   * @param string signal  Signal to send, as name ('HUP') or number ('1')
   * @return array         An array of process status info structs
   */
  signalAllProcesses(signal: string): ProcessResult[] {
    // Supervisor signals first and checks the mood afterwards.
    const results = forEachProcess(this.sup.allProcesses(), isSignallable, (spec) => this.signalProcess(spec, signal));
    this._update();
    return results as ProcessResult[];
  }

  /**
   * Get info about all available process configurations. Each struct
   * represents a single process (i.e. groups get flattened).
   *
   * @return array result  An array of process config info structs
   */
  getAllConfigInfo(): ConfigInfo[] {
    this._update();
    const out: ConfigInfo[] = [];
    for (const gcfg of this.sup.groupConfigs) {
      const active = this.sup.groups.get(gcfg.name);
      for (const pcfg of gcfg.processes) out.push(this._configInfo(gcfg.name, gcfg.priority, pcfg, active));
    }
    // A stable sort by process name, as Supervisor.
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Get info about a process named name
   *
   * @param string name The name of the process (or 'group:name')
   * @return struct result     A structure containing data about the process
   */
  getProcessInfo(name: string): ProcessInfo {
    this._update();
    return this._process(name).info();
  }

  /**
   * Get info about all processes
   *
   * @return array result  An array of process status results
   */
  getAllProcessInfo(): ProcessInfo[] {
    this._update();
    return this.sup.allProcesses(true).map(([, p]) => p.info());
  }

  /**
   * Read length bytes from name's stdout log starting at offset
   *
   * @param string name        the name of the process (or 'group:name')
   * @param int offset         offset to start reading from.
   * @param int length         number of bytes to read from the log.
   * @return string result     Bytes of log
   */
  readProcessStdoutLog(name: string, offset: number, length: number): string {
    this._update();
    return readLogRange(this._process(name).logfile('stdout'), offset, length);
  }

  /**
   * Read length bytes from name's stderr log starting at offset
   *
   * @param string name        the name of the process (or 'group:name')
   * @param int offset         offset to start reading from.
   * @param int length         number of bytes to read from the log.
   * @return string result     Bytes of log
   */
  readProcessStderrLog(name: string, offset: number, length: number): string {
    this._update();
    return readLogRange(this._process(name).logfile('stderr'), offset, length);
  }

  /**
   * Provides a more efficient way to tail the (stdout) log than
   * readProcessStdoutLog().  Use readProcessStdoutLog() to read
   * chunks and tailProcessStdoutLog() to tail.
   *
   * Requests (length) bytes from the (name)'s log, starting at
   * (offset).  If the total log size is greater than (offset +
   * length), the overflow flag is set and the (offset) is
   * automatically increased to position the buffer at the end of
   * the log.  If less than (length) bytes are available, the
   * maximum number of available bytes will be returned.  (offset)
   * returned is always the last offset in the log +1.
   *
   * @param string name         the name of the process (or 'group:name')
   * @param int offset          offset to start reading from
   * @param int length          maximum number of bytes to return
   * @return array result       [string bytes, int offset, bool overflow]
   */
  tailProcessStdoutLog(name: string, offset: number, length: number): TailResult {
    this._update();
    return tailLogRange(this._process(name).logfile('stdout'), offset, length);
  }

  /**
   * Provides a more efficient way to tail the (stderr) log than
   * readProcessStderrLog().  Use readProcessStderrLog() to read
   * chunks and tailProcessStderrLog() to tail.
   *
   * Requests (length) bytes from the (name)'s log, starting at
   * (offset).  If the total log size is greater than (offset +
   * length), the overflow flag is set and the (offset) is
   * automatically increased to position the buffer at the end of
   * the log.  If less than (length) bytes are available, the
   * maximum number of available bytes will be returned.  (offset)
   * returned is always the last offset in the log +1.
   *
   * @param string name         the name of the process (or 'group:name')
   * @param int offset          offset to start reading from
   * @param int length          maximum number of bytes to return
   * @return array result       [string bytes, int offset, bool overflow]
   */
  tailProcessStderrLog(name: string, offset: number, length: number): TailResult {
    this._update();
    return tailLogRange(this._process(name).logfile('stderr'), offset, length);
  }

  /**
   * Clear the stdout and stderr logs for the named process and
   * reopen them.
   *
   * @param string name   The name of the process (or 'group:name')
   * @return boolean result      Always True unless error
   */
  clearProcessLogs(name: string): boolean {
    this._update();
    const proc = this._process(name);
    try {
      proc.clearLogs();
    } catch {
      throw new RpcFault(Faults.FAILED, name);
    }
    return true;
  }

  /**
   * Clear all process log files
   *
   * @return array result   An array of process status info structs
   */
  clearAllProcessLogs(): ProcessResult[] {
    this._update();
    return forEachProcess(this.sup.allProcesses(), () => true, (spec) => this.clearProcessLogs(spec)) as ProcessResult[];
  }

  /**
   * Send a string of chars to the stdin of the process name.
   * If non-7-bit data is sent (unicode), it is encoded to utf-8
   * before being sent to the process' stdin.  If chars is not a
   * string or is not unicode, raise INCORRECT_PARAMETERS.  If the
   * process is not running, raise NOT_RUNNING.  If the process'
   * stdin cannot accept input (e.g. it was closed by the child
   * process), raise NO_FILE.
   *
   * @param string name        The process name to send to (or 'group:name')
   * @param string chars       The character data to send to the process
   * @return boolean result    Always return True unless error
   */
  sendProcessStdin(name: string, chars: string): boolean {
    this._update();
    const proc = this._process(name);
    // No pid, or already being stopped (Supervisor's `killing`): nothing should be fed to it.
    if (!proc.pid || proc.state === ProcessStates.STOPPING) throw new RpcFault(Faults.NOT_RUNNING, name);
    try {
      proc.writeStdin(Buffer.from(chars, 'utf8'));
    } catch (err) {
      const m = (err as Error).message;
      if (m === 'NO_FILE') throw new RpcFault(Faults.NO_FILE, name);
      if (m === 'NOT_RUNNING') throw new RpcFault(Faults.NOT_RUNNING, name);
      throw err;
    }
    return true;
  }

  /**
   * Send an event that will be received by event listener
   * subprocesses subscribing to the RemoteCommunicationEvent.
   *
   * @param  string  type  String for the "type" key in the event header
   * @param  string  data  Data for the event body
   * @return boolean       Always return True unless error
   */
  sendRemoteCommEvent(type: string, data: string): boolean {
    // The only supervisor.* method that works while shutting down.
    this.sup.bus.emit({ kind: 'remote-communication', type: 'REMOTE_COMMUNICATION', commType: type, data });
    return true;
  }

  // Helpers: names starting with `_` are never published (Supervisor's rule).

  /** SHUTDOWN_STATE once supervisord is restarting or shutting down. */
  _update(): void {
    if (this.sup.mood < SupervisorStates.RUNNING) throw new RpcFault(Faults.SHUTDOWN_STATE);
  }

  /** A namespec's group and process (null for `g:` / `g:*`); BAD_NAME when either is unknown. */
  _groupAndProcess(name: string): [ProcessGroup, Process | null] {
    const [gname, pname] = splitNamespec(name);
    const group = this.sup.groups.get(gname);
    if (!group) throw new RpcFault(Faults.BAD_NAME, name);
    if (pname === null) return [group, null];
    const proc = group.processes.get(pname);
    if (!proc) throw new RpcFault(Faults.BAD_NAME, name);
    return [group, proc];
  }

  /** The one process a namespec names; BAD_NAME for a group (`g:*`) or an unknown name. */
  _process(name: string): Process {
    const [, proc] = this._groupAndProcess(name);
    if (!proc) throw new RpcFault(Faults.BAD_NAME, name);
    return proc;
  }

  _group(name: string): ProcessGroup {
    const group = this.sup.groups.get(name);
    if (!group) throw new RpcFault(Faults.BAD_NAME, name);
    return group;
  }

  /** A group's processes in ascending priority (stable: config order among equals). */
  _inPriorityOrder(group: ProcessGroup): [ProcessGroup, Process][] {
    return byPriority(group.processes.values()).map((p) => [group, p] as [ProcessGroup, Process]);
  }

  /** Supervisor's `signal_number`: a name (with or without SIG) or a number; BAD_SIGNAL otherwise. */
  _signalNumber(signal: string): number {
    try {
      return signalNumberOf(signalName(signal));
    } catch {
      throw new RpcFault(Faults.BAD_SIGNAL, signal);
    }
  }

  /** startProcess on one process: checks, spawn, and with wait the deferred answer. */
  _start(proc: Process, name: string, wait: boolean): boolean | Promise<boolean> {
    const problem = this.sup.checkCommand(proc.config);
    if (problem) throw new RpcFault(Faults[problem.code], problem.message);
    if (isRunning(proc)) throw new RpcFault(Faults.ALREADY_STARTED, name);
    if (proc.state === ProcessStates.UNKNOWN) throw new RpcFault(Faults.FAILED, `${name} is in an unknown process state`);
    proc.spawn();
    if (proc.spawnerr) throw new RpcFault(Faults.SPAWN_ERROR, name);
    // startsecs=0 becomes RUNNING on this transition.
    proc.transition();
    if (!wait || proc.state === ProcessStates.RUNNING) return true;
    return this._waitStarted(proc, name);
  }

  /** The deferred part of a start: RUNNING → true; a spawn error or any other state → a fault. */
  async _waitStarted(proc: Process, name: string): Promise<boolean> {
    for (;;) {
      if (proc.spawnerr) throw new RpcFault(Faults.SPAWN_ERROR, name);
      if (proc.state === ProcessStates.RUNNING) return true;
      if (proc.state !== ProcessStates.STARTING) throw new RpcFault(Faults.ABNORMAL_TERMINATION, name);
      await proc.waitForState(AFTER_STARTING);
    }
  }

  /** stopProcess on one process; with wait, the answer comes once it is in a stopped state. */
  _stop(proc: Process, name: string, wait: boolean): boolean | Promise<boolean> {
    if (!isRunning(proc)) throw new RpcFault(Faults.NOT_RUNNING, name);
    const msg = proc.stop();
    if (msg !== null) throw new RpcFault(Faults.FAILED, msg);
    if (!wait || STOPPED_STATES.includes(proc.state)) return true;
    return this._waitStopped(proc);
  }

  /** Waits for a stopped state; meanwhile the process reports `waiting for x to stop` (stop_report). */
  async _waitStopped(proc: Process): Promise<boolean> {
    let timer = null as Timer | null;
    const report = () => {
      proc.stopReport?.();
      timer = this.sup.clock.setTimer(STOP_REPORT_POLL_MS, report);
    };
    report();
    try {
      while (!STOPPED_STATES.includes(proc.state)) await proc.waitForState(STOPPED_STATES);
    } finally {
      timer?.cancel();
    }
    return true;
  }

  /** One getAllConfigInfo struct; AUTO and unset values as Supervisor marshals them ('auto', 'none'). */
  _configInfo(group: string, groupPrio: number, c: ProcessConfig, active: ProcessGroup | undefined): ConfigInfo {
    const proc = active?.processes.get(c.name);
    const logfile = (ch: 'stdout' | 'stderr'): string => {
      const setting = c[ch].logfile;
      if (setting.kind === 'path') return setting.path;
      if (setting.kind === 'none') return 'none';
      return proc?.logfile(ch) ?? 'auto';
    };
    return {
      autostart: c.autostart,
      autorestart: c.autorestart === 'unexpected' ? 'unexpected' : c.autorestart === 'true',
      directory: c.directory ?? 'none',
      uid: c.uid ?? 'none',
      command: c.command,
      exitcodes: c.exitcodes,
      group,
      group_prio: groupPrio,
      inuse: active !== undefined,
      killasgroup: c.killasgroup,
      name: c.name,
      process_prio: c.priority,
      redirect_stderr: c.redirectStderr,
      startretries: c.startretries,
      startsecs: c.startsecs,
      stdout_capture_maxbytes: c.stdout.captureMaxbytes,
      stdout_events_enabled: c.stdout.eventsEnabled,
      stdout_logfile: logfile('stdout'),
      stdout_logfile_backups: c.stdout.backups,
      stdout_logfile_maxbytes: c.stdout.maxbytes,
      stdout_syslog: c.stdout.syslog,
      stopsignal: signalNumberOf(c.stopsignal),
      stopwaitsecs: c.stopwaitsecs,
      stderr_capture_maxbytes: c.stderr.captureMaxbytes,
      stderr_events_enabled: c.stderr.eventsEnabled,
      stderr_logfile: logfile('stderr'),
      stderr_logfile_backups: c.stderr.backups,
      stderr_logfile_maxbytes: c.stderr.maxbytes,
      stderr_syslog: c.stderr.syslog,
      serverurl: c.serverurl ?? 'none',
    };
  }
}
