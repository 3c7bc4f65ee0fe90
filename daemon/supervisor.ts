/**
 * The daemon's core (Supervisor's `supervisord.Supervisor`): the process groups, the mood, the main
 * loop and the ordered shutdown. There is no polling loop: a pass runs after any event (`wake()`, a
 * signal, an RPC) and when the earliest deadline of a group (or the shutdown report, or a TICK) is due.
 * Each pass does what one `runforever` iteration does in Supervisor, in the same order.
 */
import { processStateName, ProcessStates, RUNNING_STATES, STOPPED_STATES, SupervisorStates, type ProcessState } from '../src/api/states.js';
import { Faults, RpcFault } from '../src/api/faults.js';
import type { GroupConfig, ProcessConfig, ServerConfig } from '../src/config/types.js';
import type { LogTarget } from '../src/client/types.js';
import { EventBus, type ProcessStateEvent } from './events/bus.js';
import { realClock, type Clock, type Timer } from './process/clock.js';
import type { EngineContext, GroupFactory, Process, ProcessGroup } from './process/types.js';
import type { Logger } from './logs/logger.js';
import { diffGroups, type ConfigDiff } from './lifecycle/config-diff.js';
import { TickSource } from './lifecycle/ticks.js';
import { splitNamespec } from './rpc/namespec.js';

/** The activity log as the RPC methods need it (readLog, clearLog, SIGUSR2). */
export interface MainLog {
  /** The file, or null when logging to syslog only. */
  readonly path: string | null;
  /** Remove the file and reopen it (clearLog). */
  clear(): void;
  /** Close and reopen the file (SIGUSR2). */
  reopen(): void;
}

/** Why a command cannot be started (startProcess checks before spawning). */
export interface CommandProblem {
  code: 'NO_FILE' | 'NOT_EXECUTABLE';
  message: string;
}

/** What a Supervisor is built from; tests pass fakes for the clock, the groups and the command check. */
export interface SupervisorDeps {
  config: ServerConfig;
  groupFactory: GroupFactory;
  logger: Logger;
  bus?: EventBus;
  clock?: Clock;
  /** Reads the configuration again (reloadConfig); throws a ConfigError (or any Error) on failure. */
  reread?: () => ServerConfig | Promise<ServerConfig>;
  mainLog?: MainLog;
  /** Checks a program's command before a manual start; null when it can be executed. */
  checkCommand?: (cfg: ProcessConfig) => CommandProblem | null;
  /** supervisord's pid (getPID); defaults to this process. */
  pid?: number;
}

/** How the main loop ended. */
export type RunOutcome = 'shutdown' | 'restart';

/** Signals the daemon acts on (b.7); any other name is logged as "indicating nothing". */
const EXIT_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT']);

/** Groups or processes sorted by priority; the sort is stable, so equal priorities keep their insertion order. */
export function byPriority<T extends { config: { priority: number } }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => a.config.priority - b.config.priority);
}

/**
 * What a shutdown pass needs without visiting every process: the processes not yet stopped (with a
 * count per group), those whose state changed since the last pass, and the earliest deadline among
 * the unstopped ones. Kept up to date from the bus' process-state events, so N exits cost O(N) in
 * all, not one visit of every process per exit.
 */
class ShutdownTracker {
  /** Processes not in STOPPED_STATES. */
  private readonly unstopped = new Set<Process>();
  private readonly perGroup = new Map<string, number>();
  /** Each process' place in a pass: ascending group priority, then the group's own order. */
  private readonly order = new Map<Process, number>();
  private dirty = new Set<Process>();
  /** No unstopped process has a deadline before this (it may be earlier than needed: one spare pass). */
  nextDue = -Infinity;
  /** The clock at the last pass: a clock that went back makes every deadline suspect. */
  private lastNow = -Infinity;
  /** stopAll() must run on the group being stopped (a new target, or one of its processes can be stopped again). */
  stopTarget = true;

  constructor(groups: ProcessGroup[]) {
    for (const g of groups) this.addGroup(g);
  }

  /** How many processes are not stopped yet (0: the shutdown is complete). */
  get remaining(): number {
    return this.unstopped.size;
  }

  /** Unstopped processes of one group (is the group being stopped done?). */
  unstoppedIn(group: string): number {
    return this.perGroup.get(group) ?? 0;
  }

  /** Track a group (at the start of the shutdown, or added during it). */
  addGroup(g: ProcessGroup): void {
    for (const p of g.processes.values()) {
      this.order.set(p, this.order.size);
      this.update(p);
    }
  }

  /** A process changed state: it must be looked at in the next pass. */
  observe(p: Process, e: ProcessStateEvent, target: string | undefined): void {
    this.update(p);
    this.dirty.add(p);
    if (e.group === target && RUNNING_STATES.includes(e.to)) this.stopTarget = true;
  }

  /**
   * The processes this pass must transition, in pass order: every unstopped one when a deadline is
   * due (or the clock went back), otherwise only those that changed state since the last pass.
   */
  takeBatch(now: number): Process[] {
    const full = now >= this.nextDue || now < this.lastNow;
    this.lastNow = now;
    const picked = full ? [...this.unstopped] : [...this.dirty].filter((p) => this.unstopped.has(p));
    this.dirty = new Set();
    if (full) this.nextDue = Infinity;
    return picked.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** Fold the deadlines of processes just transitioned into nextDue. */
  noteDeadlines(procs: Process[]): void {
    for (const p of procs) {
      const d = p.nextDeadline();
      if (d !== null && d < this.nextDue) this.nextDue = d;
    }
  }

  private update(p: Process): void {
    const was = this.unstopped.has(p);
    const is = !STOPPED_STATES.includes(p.state);
    if (was === is) return;
    if (is) this.unstopped.add(p);
    else this.unstopped.delete(p);
    this.perGroup.set(p.group, this.unstoppedIn(p.group) + (is ? 1 : -1));
  }
}

/** Supervisor's `supervisord.Supervisor`: owns the groups and drives their state machines. */
export class Supervisor {
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pid: number;
  readonly mainLog: MainLog | null;
  /** The running configuration (the supervisord section, servers). */
  readonly config: ServerConfig;
  /** Active groups by name, in the order they were added. */
  readonly groups = new Map<string, ProcessGroup>();
  /** The group configs as last read (startup, or reloadConfig): what addProcessGroup can activate. */
  groupConfigs: GroupConfig[];

  private readonly deps: SupervisorDeps;
  private readonly engine: EngineContext;
  private readonly ticks: TickSource;
  private currentMood: number = SupervisorStates.RUNNING;
  private running = false;
  /** Set when the shutdown starts (the mood left RUNNING); null until then. */
  private shutdown: ShutdownTracker | null = null;
  /** Shutdown queue: ascending priority; the last one is being stopped. */
  private stopGroups: ProcessGroup[] = [];
  private passCount = 0;
  private lastShutdownReport = 0;
  private readonly signals: string[] = [];
  private passQueued: NodeJS.Immediate | null = null;
  private timer: Timer | null = null;
  private done: ((outcome: RunOutcome) => void) | null = null;

  constructor(deps: SupervisorDeps) {
    this.deps = deps;
    this.config = deps.config;
    this.groupConfigs = deps.config.groups;
    this.bus = deps.bus ?? new EventBus();
    this.clock = deps.clock ?? realClock;
    this.logger = deps.logger;
    this.pid = deps.pid ?? process.pid;
    this.mainLog = deps.mainLog ?? null;
    this.ticks = new TickSource(this.bus);
    this.engine = {
      clock: this.clock,
      bus: this.bus,
      logger: this.logger,
      supervisord: deps.config.supervisord,
      mood: () => this.currentMood,
      wake: () => this.wake(),
    };
    // Any state change (from an RPC, a child's exit, a timer) may move the next deadline.
    this.bus.on('process-state', (e) => {
      const p = this.shutdown ? this.groups.get(e.group)?.processes.get(e.name) : undefined;
      if (p) this.shutdown!.observe(p, e, this.stopGroups.at(-1)?.name);
      this.wake();
    });
  }

  /** How many main-loop passes have run (tests pin that passes are batched, not one per event). */
  get passes(): number {
    return this.passCount;
  }

  /** The [supervisord] identifier (getIdentification, event envelopes). */
  get identifier(): string {
    return this.config.supervisord.identifier;
  }

  /** The mood (SupervisorStates). */
  get mood(): number {
    return this.currentMood;
  }

  /** Change the mood: RPC shutdown/restart and the exit/restart signals. */
  setMood(mood: number): void {
    this.currentMood = mood;
    this.wake();
  }

  /** Build and add every configured group, in priority/name order (before the servers open). */
  addInitialGroups(): void {
    for (const cfg of this.groupConfigs) this.addProcessGroup(cfg);
  }

  /**
   * Run until the mood leaves RUNNING and every process has stopped. The first pass runs at once
   * (no 1-second delay before the first spawn). Resolves with how the loop ended.
   */
  run(): Promise<RunOutcome> {
    if (this.running) throw new Error('Supervisor.run() called twice');
    this.running = true;
    const outcome = new Promise<RunOutcome>((resolve) => (this.done = resolve));
    this.bus.emit({ kind: 'supervisor-state', type: 'SUPERVISOR_STATE_CHANGE_RUNNING', state: this.currentMood });
    this.pass();
    return outcome;
  }

  /** Ask for a main-loop pass soon (coalesced: many wakes before the pass make one pass). */
  wake(): void {
    if (!this.running || this.passQueued || !this.done) return;
    this.passQueued = setImmediate(() => {
      this.passQueued = null;
      this.pass();
    });
  }

  /** Queue a received signal (handled one per pass; a signal already waiting is not queued twice). */
  receiveSignal(name: string): void {
    if (!this.signals.includes(name)) this.signals.push(name);
    this.wake();
  }

  /** Groups in the order of a main-loop pass (ascending priority). */
  sortedGroups(): ProcessGroup[] {
    return byPriority(this.groups.values());
  }

  /**
   * Every process with its group: lexical (group name, then process name) for getAllProcessInfo,
   * otherwise priority order (groups, then processes) for the *All* methods.
   */
  allProcesses(lexical = false): [ProcessGroup, Process][] {
    const out: [ProcessGroup, Process][] = [];
    if (lexical) {
      for (const gname of [...this.groups.keys()].sort()) {
        const group = this.groups.get(gname)!;
        for (const pname of [...group.processes.keys()].sort()) out.push([group, group.processes.get(pname)!]);
      }
    } else {
      for (const group of this.sortedGroups()) for (const p of byPriority(group.processes.values())) out.push([group, p]);
    }
    return out;
  }

  /** The process a namespec names (`g:p` or `p`), or undefined. */
  findProcess(namespec: string): Process | undefined {
    const [gname, pname] = splitNamespec(namespec);
    return pname === null ? undefined : this.groups.get(gname)?.processes.get(pname);
  }

  /** Why a process' command cannot be run now (startProcess checks it first), or null. */
  checkCommand(cfg: ProcessConfig): CommandProblem | null {
    return this.deps.checkCommand?.(cfg) ?? null;
  }

  /** ServerDeps.logfile: the file behind a log target; BAD_NAME when there is no such process. */
  logfile(target: LogTarget): string | null {
    if (target === 'main') return this.mainLog?.path ?? null;
    const p = this.findProcess(target.name);
    if (!p) throw new RpcFault(Faults.BAD_NAME, target.name);
    return p.logfile(target.channel);
  }

  /** Activate a group (startup, addProcessGroup RPC). False when one of that name is active. */
  addProcessGroup(cfg: GroupConfig): boolean {
    if (this.groups.has(cfg.name)) return false;
    const group = this.deps.groupFactory(cfg, this.engine);
    this.groups.set(cfg.name, group);
    this.shutdown?.addGroup(group);
    this.bus.emit({ kind: 'group', type: 'PROCESS_GROUP_ADDED', group: cfg.name });
    // A new group may have autostart processes: let the next pass start them.
    this.wake();
    return true;
  }

  /** Remove a group whose processes are all stopped. False when one still runs. */
  async removeProcessGroup(name: string): Promise<boolean> {
    const group = this.groups.get(name);
    if (!group) return false;
    if (group.unstopped().length) return false;
    this.groups.delete(name);
    this.bus.emit({ kind: 'group', type: 'PROCESS_GROUP_REMOVED', group: name });
    await group.close();
    return true;
  }

  /** Re-read the configuration (changes nothing that runs) and compare it with the active groups. */
  async reloadConfig(): Promise<ConfigDiff> {
    if (!this.deps.reread) throw new Error('this supervisor cannot re-read its configuration');
    const next = await this.deps.reread();
    this.groupConfigs = next.groups;
    return this.diffToActive();
  }

  /** Supervisor's `diff_to_active`: the last read group configs against the active groups. */
  diffToActive(): ConfigDiff {
    return diffGroups(
      [...this.groups.values()].map((g) => g.config),
      this.groupConfigs,
    );
  }

  /** SIGUSR2: reopen the activity log and every child log. */
  reopenLogs(): void {
    this.logger.info('supervisord logreopen');
    this.mainLog?.reopen();
    for (const group of this.groups.values()) for (const p of group.processes.values()) p.reopenLogs();
  }

  /** Close every group (flush and close child logs). Called once the loop has ended. */
  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.close()));
  }

  /** One main-loop pass, in Supervisor's order: shutdown step, transitions, one signal, ticks. */
  private pass(): void {
    if (!this.done) return;
    this.passCount++;
    this.timer?.cancel();
    this.timer = null;
    if (this.currentMood < SupervisorStates.RUNNING) {
      this.shutdownPass();
      return;
    }
    for (const group of this.sortedGroups()) group.transition();
    this.handleSignal();
    this.ticks.check(this.clock.now());
    let due = Infinity;
    for (const group of this.groups.values()) {
      const d = group.nextDeadline();
      if (d !== null && d < due) due = d;
    }
    this.schedule(due);
  }

  /**
   * A pass while stopping: the same steps as Supervisor's (stop the last group of the queue, report,
   * transition, pop the group once it is stopped), but each costs what changed, not every process.
   */
  private shutdownPass(): void {
    if (!this.shutdown) {
      // RUNNING -> stopping: remember the groups in ascending priority; stop from the end.
      this.stopGroups = this.sortedGroups();
      this.shutdown = new ShutdownTracker(this.stopGroups);
      this.bus.emit({ kind: 'supervisor-state', type: 'SUPERVISOR_STATE_CHANGE_STOPPING', state: this.currentMood });
    }
    const sd = this.shutdown;
    // stopAll() acts only on RUNNING/STARTING/BACKOFF processes: with none in the group it does nothing.
    if (sd.stopTarget) {
      sd.stopTarget = false;
      this.stopGroups.at(-1)?.stopAll();
    }
    this.shutdownReport(sd.remaining);
    if (sd.remaining === 0) {
      this.finish();
      return;
    }
    // A stopped process has nothing to do in transition() while the mood forbids spawning.
    const batch = sd.takeBatch(this.clock.now());
    for (const p of batch) p.transition();
    sd.noteDeadlines(batch);
    this.handleSignal();
    this.ticks.check(this.clock.now());
    const target = this.stopGroups.at(-1);
    // The group being stopped is done once none of its processes is left running.
    if (target && sd.unstoppedIn(target.name) === 0) {
      this.stopGroups.pop();
      sd.stopTarget = true;
      // The next group must be stopped now, not at the next deadline.
      this.wake();
    }
    this.schedule(Math.min(sd.nextDue, this.lastShutdownReport + 3));
  }

  /** Logs `waiting for a, b to die` at most every 3 seconds while `remaining` processes are not stopped. */
  private shutdownReport(remaining: number): void {
    const now = this.clock.now();
    if (!remaining || now <= this.lastShutdownReport + 3) return;
    const unstopped = [...this.groups.values()].flatMap((g) => g.unstopped());
    this.logger.info(`waiting for ${unstopped.map((p) => p.name).join(', ')} to die`);
    this.lastShutdownReport = now;
    for (const p of unstopped) this.logger.blather(`${p.name} state: ${processStateName(p.state)}`);
  }

  private handleSignal(): void {
    const sig = this.signals.shift();
    if (!sig) return;
    if (this.signals.length) this.wake();
    if (EXIT_SIGNALS.has(sig)) {
      this.logger.warn(`received ${sig} indicating exit request`);
      // RUNNING/RESTARTING -> SHUTDOWN: stop everything, then exit
      this.setMood(SupervisorStates.SHUTDOWN);
    } else if (sig === 'SIGHUP') {
      if (this.currentMood === SupervisorStates.SHUTDOWN) {
        this.logger.warn(`ignored ${sig} indicating restart request (shutdown in progress)`);
      } else {
        this.logger.warn(`received ${sig} indicating restart request`);
        // RUNNING -> RESTARTING: stop everything, then read the config again and start over
        this.setMood(SupervisorStates.RESTARTING);
      }
    } else if (sig === 'SIGCHLD') {
      this.logger.debug(`received ${sig} indicating a child quit`);
    } else if (sig === 'SIGUSR2') {
      this.logger.info(`received ${sig} indicating log reopen request`);
      this.reopenLogs();
    } else {
      this.logger.blather(`received ${sig} indicating nothing`);
    }
  }

  /** Arm one timer for the earliest of `due` (a process deadline, seconds) and the next TICK. */
  private schedule(due: number): void {
    const now = this.clock.now();
    due = Math.min(due, this.ticks.nextDue(now));
    // A deadline already past still waits a little, so a deadline that is never cleared cannot spin.
    const ms = Math.max(10, Math.ceil((due - now) * 1000));
    this.timer = this.clock.setTimer(ms, () => {
      this.timer = null;
      this.pass();
    });
  }

  private finish(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.passQueued) clearImmediate(this.passQueued);
    this.passQueued = null;
    const done = this.done;
    this.done = null;
    // Only RESTARTING (0) loops back; SHUTDOWN (-1) ends supervisord.
    done?.(this.currentMood === SupervisorStates.RESTARTING ? 'restart' : 'shutdown');
  }
}
