/**
 * One supervised process: Supervisor 4.2.5's `Subprocess` state machine (reference e.2).
 * Time comes only from ctx.clock, and the child is started through a Spawner, so every edge can be
 * driven by a unit test with a FakeClock and a fake child.
 */
import type { ProcessConfig } from '../../src/config/types.js';
import type { ProcessInfo } from '../../src/api/process-info.js';
import { ProcessStates, SupervisorStates, processStateName, type ProcessState } from '../../src/api/states.js';
import type { OutputChannel, OutputChannelFactory } from '../logs/types.js';
import { osErrorText } from '../logs/message-texts.js';
import type { EngineContext, Process } from './types.js';
import { planSpawn, type SetupEnv } from './child-setup.js';
import { SpawnError, type ChildExit, type ChildHandle, type ChildIO, type Spawner } from './spawner.js';
import { decodeWaitStatus, signalNumber, signame } from './signals.js';
import { describeInfo } from './describe.js';
import { cappedInt } from '../../src/client/xmlrpc-codec.js';

const S = ProcessStates;
const SIGKILL = 9;

/** What a Subprocess is built from besides its config and the shared context. */
export interface SubprocessDeps {
  spawner: Spawner;
  /** Makes the stdout/stderr channels (logs/child-output.ts in the daemon, a fake in unit tests). */
  channels: OutputChannelFactory;
  /** The daemon's environment and uid (defaults: process.env, process.getuid()). */
  setup?: SetupEnv;
}

/** The last line of a Python traceback for the error (`PermissionError: [Errno 1] ...`), one line. */
function exceptionLine(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const cls = code === 'EPERM' ? 'PermissionError' : code === 'ESRCH' ? 'ProcessLookupError' : code ? 'OSError' : 'Exception';
  return `${cls}: ${osErrorText(err)}`;
}

/** A supervised process (see the `Process` contract in types.ts). */
export class Subprocess implements Process {
  readonly config: ProcessConfig;
  readonly name: string;
  readonly group: string;

  private _state: ProcessState = S.STOPPED;
  private _pid = 0;
  private _laststart = 0;
  private _laststop = 0;
  private laststopreport = 0;
  /** If nonzero: when to retry (BACKOFF), when startsecs is over (STARTING), when to SIGKILL (STOPPING). */
  private delay = 0;
  private administrativeStop = false;
  private systemStop = false;
  private killing = false;
  private _backoff = 0;
  private _exitstatus: number | null = null;
  private _spawnerr: string | null = null;

  private child: ChildHandle | null = null;
  /** Children whose pipes are still open (the current one, or an exited one a grandchild holds). */
  private readonly reading = new Set<ChildHandle>();
  private readonly stdout: OutputChannel;
  private readonly stderr: OutputChannel | null;
  private waiters: { states: readonly ProcessState[]; resolve: (s: ProcessState) => void }[] = [];

  constructor(
    config: ProcessConfig,
    private readonly ctx: EngineContext,
    private readonly deps: SubprocessDeps,
  ) {
    this.config = config;
    this.name = config.name;
    this.group = config.group;
    const opts = { process: config, supervisord: ctx.supervisord, bus: ctx.bus, logger: ctx.logger };
    this.stdout = deps.channels({ ...opts, channel: 'stdout' });
    // redirect_stderr: fd 2 goes to the stdout pipe, there is no stderr channel at all.
    this.stderr = config.redirectStderr ? null : deps.channels({ ...opts, channel: 'stderr' });
    // A writer that caught up lets every paused pipe of this process flow again.
    const resume = () => {
      for (const h of this.reading) h.resumeOutput();
    };
    this.stdout.onDrain(resume);
    this.stderr?.onDrain(resume);
  }

  get state(): ProcessState { return this._state; }
  get pid(): number { return this._pid; }
  get laststart(): number { return this._laststart; }
  get laststop(): number { return this._laststop; }
  get spawnerr(): string | null { return this._spawnerr; }
  get exitstatus(): number | null { return this._exitstatus; }
  get backoff(): number { return this._backoff; }

  // ---- state changes ------------------------------------------------------------------------

  /** Set the state, then tell the bus and any waiter (Supervisor's change_state). */
  private changeState(to: ProcessState, expected = true): boolean {
    const from = this._state;
    if (to === from) return false;
    this._state = to;
    if (to === S.BACKOFF) {
      // Entering BACKOFF: the next retry waits one second more than the last (1, 2, 3 … s).
      this._backoff += 1;
      this.delay = this.ctx.clock.now() + this._backoff;
    }
    this.ctx.bus.emit({
      kind: 'process-state',
      type: `PROCESS_STATE_${processStateName(to)}`,
      name: this.name,
      group: this.group,
      from,
      to,
      pid: this._pid,
      tries: this._backoff,
      ...(to === S.EXITED ? { expected } : {}),
    });
    const ready = this.waiters.filter((w) => w.states.includes(to));
    if (ready.length) {
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(to);
    }
    return true;
  }

  /** Supervisor's _assertInState: a call in a state it is never made in is a programming error. */
  private assertInState(...states: ProcessState[]): void {
    if (!states.includes(this._state)) {
      const allowed = states.map((s) => processStateName(s)).join(' ');
      throw new Error(`Assertion failed for ${this.name}: ${processStateName(this._state)} not in ${allowed}`);
    }
  }

  private recordSpawnerr(msg: string): void {
    this._spawnerr = msg;
    this.ctx.logger.info(`spawnerr: ${msg}`);
  }

  /** Keep timestamps sane when the wall clock was set back (Supervisor's rollback check). */
  private adjustForClockRollback(now: number): void {
    const cfg = this.config;
    switch (this._state) {
      case S.STARTING:
        if (now < this._laststart) this._laststart = now;
        if (this.delay > 0 && now < this.delay - cfg.startsecs) this.delay = now + cfg.startsecs;
        break;
      case S.RUNNING:
        if (now > this._laststart && now < this._laststart + cfg.startsecs) this._laststart = now - cfg.startsecs;
        break;
      case S.STOPPING:
        if (now < this.laststopreport) this.laststopreport = now;
        if (this.delay > 0 && now < this.delay - cfg.stopwaitsecs) this.delay = now + cfg.stopwaitsecs;
        break;
      case S.BACKOFF:
        if (this.delay > 0 && now < this.delay - this._backoff) this.delay = now + this._backoff;
        break;
    }
  }

  // ---- spawn ------------------------------------------------------------------------------------

  /** Start the child now; returns its pid, or null with spawnerr set (the state is then BACKOFF). */
  spawn(): number | null {
    const { logger, clock } = this.ctx;
    if (this._pid) {
      logger.warn(`process '${this.name}' already running`);
      return null;
    }
    this.killing = false;
    this._spawnerr = null;
    this._exitstatus = null;
    this.systemStop = false;
    this.administrativeStop = false;
    this._laststart = clock.now();
    this.assertInState(S.EXITED, S.FATAL, S.BACKOFF, S.STOPPED);
    // STOPPED/EXITED/FATAL/BACKOFF -> STARTING: a manual or automatic start
    this.changeState(S.STARTING);

    const planned = planSpawn(this.config, this.ctx.supervisord, this.deps.setup);
    if (!planned.ok) {
      // STARTING -> BACKOFF: the command, user or directory cannot be used
      this.recordSpawnerr(planned.message);
      this.changeState(S.BACKOFF);
      return null;
    }

    let handle: ChildHandle | null = null;
    const io: ChildIO = {
      stdout: this.stdout,
      stderr: this.stderr,
      clock,
      onExit: (exit) => {
        if (handle) this.onChildExit(handle, exit);
      },
      onOutputClosed: () => {
        if (handle) this.reading.delete(handle);
      },
    };
    try {
      handle = this.deps.spawner.spawn(planned.plan, io);
    } catch (err) {
      // STARTING -> BACKOFF: the spawn itself failed (exec error, fork or pipe error)
      const msg =
        err instanceof SpawnError
          ? err.message
          : `unknown error during fork for '${this.name}': ${(err as NodeJS.ErrnoException)?.code ?? err}`;
      this.recordSpawnerr(msg);
      this.changeState(S.BACKOFF);
      return null;
    }
    this.child = handle;
    this.reading.add(handle);
    this._pid = handle.pid;
    logger.info(`spawned: '${this.name}' with pid ${handle.pid}`);
    this._spawnerr = null;
    this.delay = clock.now() + this.config.startsecs;
    return handle.pid;
  }

  /** The child's exit status is known (and its pipes drained): finish the exit transition. */
  private onChildExit(handle: ChildHandle, exit: ChildExit): void {
    if (handle !== this.child) return;
    this.child = null;
    if (exit.spawnerr !== undefined && this._state === S.STARTING) {
      // STARTING -> BACKOFF: the exec failed in the child (a pty spawner only learns it at the exit)
      this._pid = 0;
      this._laststop = this.ctx.clock.now();
      this.recordSpawnerr(exit.spawnerr);
      this.changeState(S.BACKOFF);
    } else {
      this.finish(exit);
    }
    this.ctx.wake();
  }

  /** Supervisor's finish(): decide STOPPED, BACKOFF or EXITED for an exit. */
  private finish(exit: ChildExit): void {
    const { logger, clock } = this.ctx;
    const cfg = this.config;
    const { exitstatus: es, message } = decodeWaitStatus(exit.code, exit.signal, exit.coreDumped);
    const now = clock.now();
    this.adjustForClockRollback(now);
    this._laststop = now;

    let tooQuickly = false;
    if (now > this._laststart) {
      tooQuickly = now - this._laststart < cfg.startsecs;
    } else {
      logger.warn(
        `process '${this.name}' (${this._pid}) laststart time is in the future, don't know how long ` +
          'process was running so assuming it did not exit too quickly',
      );
    }
    const expected = cfg.exitcodes.includes(es);

    if (this.killing) {
      // STOPPING -> STOPPED: the exit that a stop request asked for
      this.killing = false;
      this.delay = 0;
      this._exitstatus = es;
      this.changeState(S.STOPPED);
      const msg = `stopped: ${this.name} (${message})`;
      if (expected) logger.info(msg);
      else logger.warn(msg);
    } else if (tooQuickly && this._state === S.STARTING) {
      // STARTING -> BACKOFF: it did not stay up for startsecs
      this._exitstatus = null;
      this._spawnerr = 'Exited too quickly (process log may have details)';
      this.changeState(S.BACKOFF);
      logger.warn(`exited: ${this.name} (${message}; not expected)`);
    } else {
      this.delay = 0;
      this._backoff = 0;
      this._exitstatus = es;
      // STARTING -> RUNNING: only when the clock moved so that the STARTING edge was skipped
      // (startsecs=0 exits land here too: they never go through BACKOFF).
      if (this._state === S.STARTING) this.changeState(S.RUNNING);
      if (expected) {
        // RUNNING -> EXITED (expected); from UNKNOWN too, where Supervisor would fail an assertion
        this.changeState(S.EXITED, true);
        logger.info(`exited: ${this.name} (${message}; expected)`);
      } else {
        // RUNNING -> EXITED (not expected): a signal death is never expected
        this._spawnerr = `Bad exit code ${es}`;
        this.changeState(S.EXITED, false);
        logger.warn(`exited: ${this.name} (${message}; not expected)`);
      }
    }
    this._pid = 0;
  }

  // ---- automatic edges --------------------------------------------------------------------------

  /** Whether the autorestart rule wants an EXITED process started again. */
  private wantsRestart(): boolean {
    const ar = this.config.autorestart;
    if (ar === 'true') return true;
    return ar === 'unexpected' && (this._exitstatus === null || !this.config.exitcodes.includes(this._exitstatus));
  }

  private moodAllowsSpawn(): boolean {
    return this.ctx.mood() > SupervisorStates.RESTARTING;
  }

  /** Evaluate the automatic edges at clock.now() (Supervisor's transition()). */
  transition(): void {
    const now = this.ctx.clock.now();
    const state = this._state;
    const cfg = this.config;
    this.adjustForClockRollback(now);

    // No automatic spawn while supervisord is restarting or shutting down.
    if (this.moodAllowsSpawn()) {
      if (state === S.EXITED) {
        // EXITED -> STARTING: autorestart=true, or =unexpected after an unexpected exit
        if (this.wantsRestart()) this.spawn();
      } else if (state === S.STOPPED && !this._laststart) {
        // STOPPED -> STARTING: autostart, only if it was never started
        if (cfg.autostart) this.spawn();
      } else if (state === S.BACKOFF) {
        // BACKOFF -> STARTING: retry after the backoff delay (strictly later)
        if (this._backoff <= cfg.startretries && now > this.delay) this.spawn();
      }
    }

    if (state === S.STARTING) {
      // STARTING -> RUNNING: up for strictly more than startsecs (startsecs=0: on the next pass)
      if (cfg.startsecs === 0 || now - this._laststart > cfg.startsecs) {
        this.delay = 0;
        this._backoff = 0;
        this.changeState(S.RUNNING);
        this.ctx.logger.info(
          `success: ${this.name} entered RUNNING state, process has stayed up for > than ${cfg.startsecs} seconds (startsecs)`,
        );
      }
    }

    if (state === S.BACKOFF) {
      if (this._backoff > cfg.startretries) {
        // BACKOFF -> FATAL: too many start retries
        this.giveUp();
        this.ctx.logger.info(`gave up: ${this.name} entered FATAL state, too many start retries too quickly`);
      }
    } else if (state === S.STOPPING) {
      if (this.delay - now <= 0) {
        // STOPPING -> STOPPING: stopwaitsecs passed, SIGKILL (again every stopwaitsecs)
        this.ctx.logger.warn(`killing '${this.name}' (${this._pid}) with SIGKILL`);
        this.kill(SIGKILL);
      }
    }
  }

  /** When transition() next has something to do (seconds), or null. */
  nextDeadline(): number | null {
    const now = this.ctx.clock.now();
    const cfg = this.config;
    // Strict edges (`now > t`) are due just after t.
    const after = (t: number) => t + 0.001;
    switch (this._state) {
      case S.STARTING:
        return cfg.startsecs === 0 ? now : after(this._laststart + cfg.startsecs);
      case S.BACKOFF:
        if (this._backoff > cfg.startretries) return now;
        return this.moodAllowsSpawn() ? after(this.delay) : null;
      case S.STOPPING:
        return this.killing ? this.delay : null;
      case S.EXITED:
        return this.moodAllowsSpawn() && this.wantsRestart() ? now : null;
      case S.STOPPED:
        return this.moodAllowsSpawn() && !this._laststart && cfg.autostart ? now : null;
      default:
        return null;
    }
  }

  // ---- stop, kill, signal -------------------------------------------------------------------

  /** Administrative stop: the stop signal (→ STOPPING), or BACKOFF → STOPPED. Error text or null. */
  stop(): string | null {
    this.administrativeStop = true;
    this.laststopreport = 0;
    return this.kill(signalNumber(this.config.stopsignal) ?? 15);
  }

  /** `waiting for x to stop` (INFO), at most every 2 s; called while a stop request waits. */
  stopReport(): void {
    if (this._state !== S.STOPPING) return;
    const now = this.ctx.clock.now();
    this.adjustForClockRollback(now);
    if (now > this.laststopreport + 2) {
      this.ctx.logger.info(`waiting for ${this.name} to stop`);
      this.laststopreport = now;
    }
  }

  /** BACKOFF -> FATAL (too many retries, or supervisord shutting down). */
  giveUp(): void {
    this.delay = 0;
    this._backoff = 0;
    this.systemStop = true;
    this.assertInState(S.BACKOFF);
    // BACKOFF -> FATAL
    this.changeState(S.FATAL);
  }

  /** Signal with the intent to make it exit (Supervisor's kill()). Error text or null. */
  private kill(sig: number): string | null {
    const { logger, clock } = this.ctx;
    const now = clock.now();
    if (this._state === S.BACKOFF) {
      // BACKOFF -> STOPPED: a stop must not wait for the remaining retries
      logger.debug(`Attempted to kill ${this.name}, which is in BACKOFF state.`);
      this.changeState(S.STOPPED);
      return null;
    }
    if (!this._pid || !this.child) {
      const msg = `attempted to kill ${this.name} with sig ${signame(sig)} but it wasn't running`;
      logger.debug(msg);
      return msg;
    }
    // The first signal goes to the group with stopasgroup; the SIGKILLs with killasgroup.
    const asGroup = this._state === S.STOPPING ? this.config.killasgroup : this.config.stopasgroup;
    logger.debug(
      `killing ${this.name} (pid ${this._pid}) ${asGroup ? 'process group ' : ''}with signal ${signame(sig)}`,
    );
    this.killing = true;
    this.delay = now + this.config.stopwaitsecs;
    this.assertInState(S.RUNNING, S.STARTING, S.STOPPING);
    // RUNNING/STARTING -> STOPPING (already STOPPING for the SIGKILL escalation)
    this.changeState(S.STOPPING);
    try {
      this.child.kill(sig, asGroup);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
        // It exited on its own just now; the exit handler does the state change.
        logger.debug(
          `unable to signal ${this.name} (pid ${this._pid}), it probably just exited on its own: ${osErrorText(err)}`,
        );
        return null;
      }
      const msg = `unknown problem killing ${this.name} (${this._pid}):${exceptionLine(err)}`;
      logger.critical(msg);
      // STOPPING -> UNKNOWN: the signal could not be sent
      this.changeState(S.UNKNOWN);
      this.killing = false;
      this.delay = 0;
      return msg;
    }
    return null;
  }

  /** Send a signal without the intent to stop (signalProcess). Error text or null. */
  signal(sig: string | number): string | null {
    const { logger } = this.ctx;
    const num = signalNumber(sig);
    if (num === null) return `bad signal name ${sig}`;
    if (!this._pid || !this.child) {
      const msg = `attempted to send ${this.name} sig ${signame(num)} but it wasn't running`;
      logger.debug(msg);
      return msg;
    }
    logger.debug(`sending ${this.name} (pid ${this._pid}) sig ${signame(num)}`);
    this.assertInState(S.RUNNING, S.STARTING, S.STOPPING);
    try {
      this.child.kill(num, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
        logger.debug(
          `unable to signal ${this.name} (pid ${this._pid}), it probably just now exited on its own: ${osErrorText(err)}`,
        );
        return null;
      }
      const msg = `unknown problem sending sig ${this.name} (${this._pid}):${exceptionLine(err)}`;
      logger.critical(msg);
      // RUNNING/STARTING/STOPPING -> UNKNOWN: the signal could not be sent
      this.changeState(S.UNKNOWN);
      return msg;
    }
    return null;
  }

  // ---- info, stdin, logs ----------------------------------------------------------------------

  /** The getProcessInfo struct, with the status-column description. */
  info(): ProcessInfo {
    const start = cappedInt(this._laststart);
    const stop = cappedInt(this._laststop);
    const now = cappedInt(this.ctx.clock.now());
    const spawnerr = this._spawnerr ?? '';
    const stdoutLog = this.logfile('stdout') ?? '';
    const partial = {
      name: this.name,
      group: this.group,
      start,
      stop,
      now,
      state: this._state,
      statename: processStateName(this._state) ?? 'UNKNOWN',
      spawnerr,
      exitstatus: this._exitstatus || 0,
      logfile: stdoutLog,
      stdout_logfile: stdoutLog,
      stderr_logfile: this.logfile('stderr') ?? '',
      pid: this._pid,
    };
    return { ...partial, description: describeInfo(partial) };
  }

  /** Write to the child's stdin: `NOT_RUNNING` when not running or stopping, `NO_FILE` when closed. */
  writeStdin(data: Buffer): void {
    if (!this._pid || this.killing || !this.child) throw new Error('NOT_RUNNING');
    this.child.writeStdin(data);
  }

  logfile(channel: 'stdout' | 'stderr'): string | null {
    if (channel === 'stdout') return this.stdout.path;
    return this.stderr?.path ?? null;
  }

  reopenLogs(): void {
    this.stdout.reopen();
    this.stderr?.reopen();
  }

  clearLogs(): void {
    this.stdout.clear();
    this.stderr?.clear();
  }

  /** Close the pipes of exited children and the log files (pending output is written first). */
  async close(): Promise<void> {
    for (const h of this.reading) if (h !== this.child) h.dispose();
    await Promise.all([this.stdout.close(), this.stderr?.close()]);
  }

  waitForState(states: readonly ProcessState[]): Promise<ProcessState> {
    return new Promise((resolve) => this.waiters.push({ states, resolve }));
  }

  /** True after stop() was asked for by an administrator, until the next spawn. */
  get stoppedByAdmin(): boolean {
    return this.administrativeStop;
  }

  /** True after giveUp() (supervisord gave up on it), until the next spawn. */
  get stoppedBySystem(): boolean {
    return this.systemStop;
  }
}
