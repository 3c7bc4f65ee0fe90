/**
 * A hand-written in-memory supervisord for supervisorctl's unit tests: it answers the `supervisor.*`
 * calls the actions make with Supervisor 4.2.5's results and faults (reference d.2), and can be told
 * to be unreachable, to want credentials, or to fault a given method.
 */
import { Faults, RpcFault } from '../../../src/api/faults.js';
import type { ConfigInfo, ProcessInfo, ProcessResult } from '../../../src/api/process-info.js';
import { ProcessStates, RUNNING_STATES, SIGNALLABLE_STATES, processStateName } from '../../../src/api/states.js';
import type { ProcessState } from '../../../src/api/states.js';
import { ClientError } from '../../../src/client/types.js';
import type { Client, ClientErrorKind, ClientOptions, LogTarget } from '../../../src/client/types.js';
import type { Connector } from '../../../src/ctl/controller.js';

export interface FakeProcess {
  name: string;
  group: string;
  state: number;
  pid: number;
  start: number;
  stop: number;
  spawnerr: string;
  exitstatus: number;
  /** Log contents; null = no log file (NONE). */
  stdout: string | null;
  stderr: string | null;
  /** A fault code startProcess answers with instead of starting (e.g. SPAWN_ERROR). */
  startFault?: number;
  /** stopProcess answers FAILED with this text. */
  stopFailure?: string;
  /** clearProcessLogs answers FAILED. */
  clearFails?: boolean;
  autostart: boolean;
  priority: number;
  groupPriority: number;
}

type Listener = { key: string; onData: (c: Buffer) => void; onEnd?: (e?: Error) => void };

const SIGNALS = new Set(['HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2', 'TERM', 'STOP', 'CONT', 'WINCH']);

/** Python's str(timedelta) for whole seconds: `H:MM:SS` or `N day(s), H:MM:SS`. */
export function timedelta(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  let s = seconds % 86400;
  const h = Math.floor(s / 3600);
  s %= 3600;
  const hms = `${h}:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

export class FakeSupervisor {
  version = '3.0';
  supervisorVersion = '4.2.5';
  pid = 4242;
  /** The time every answer reports as `now` (unix seconds). */
  now = 1_700_000_000;
  shuttingDown = false;
  /** Every call is answered with this transport error when set. */
  down: ClientErrorKind | null = null;
  /** Credentials the server wants (null: none). */
  auth: { username: string; password: string } | null = null;
  /** Methods answered with UNKNOWN_METHOD (e.g. a server without the supervisor namespace). */
  readonly unknownMethods = new Set<string>();
  /** Faults to answer per method, once each. */
  readonly faults = new Map<string, RpcFault>();
  mainLog: string | null = 'main log line 1\nmain log line 2\n';
  procs: FakeProcess[] = [];
  /** Groups defined in the config but not active (addProcessGroup can add them). */
  available: FakeProcess[] = [];
  /** What reloadConfig answers: [added, changed, removed]. */
  changes: [string[], string[], string[]] = [[], [], []];
  readonly calls: { method: string; params: unknown[] }[] = [];
  readonly stdin: { name: string; chars: string }[] = [];
  readonly signals: { name: string; sig: string }[] = [];
  readonly listeners = new Set<Listener>();
  private nextPid = 1000;

  /** Adds a process (RUNNING unless said otherwise). */
  add(name: string, opts: Partial<FakeProcess> = {}): FakeProcess {
    const p: FakeProcess = {
      name,
      group: opts.group ?? name,
      state: ProcessStates.RUNNING,
      pid: 0,
      start: this.now - 13,
      stop: 0,
      spawnerr: '',
      exitstatus: 0,
      stdout: '',
      stderr: '',
      autostart: true,
      priority: 999,
      groupPriority: 999,
      ...opts,
    };
    if (p.state === ProcessStates.RUNNING && !p.pid) p.pid = this.nextPid++;
    this.procs.push(p);
    this.procs.sort((a, b) => (a.group === b.group ? cmp(a.name, b.name) : cmp(a.group, b.group)));
    return p;
  }

  proc(namespec: string): FakeProcess {
    return this.find(namespec);
  }

  /** Pushes output to everyone following `namespec`'s channel (or 'main'). */
  emit(key: string, data: string): void {
    for (const l of this.listeners) if (l.key === key) l.onData(Buffer.from(data));
  }

  /** Ends every stream, as a server going away does. */
  endStreams(): void {
    for (const l of [...this.listeners]) l.onEnd?.();
    this.listeners.clear();
  }

  info(p: FakeProcess): ProcessInfo {
    return {
      name: p.name,
      group: p.group,
      start: p.start,
      stop: p.stop,
      now: this.now,
      state: p.state,
      statename: processStateName(p.state) ?? 'UNKNOWN',
      spawnerr: p.spawnerr,
      exitstatus: p.exitstatus,
      logfile: p.stdout === null ? '' : `/tmp/${p.name}-stdout.log`,
      stdout_logfile: p.stdout === null ? '' : `/tmp/${p.name}-stdout.log`,
      stderr_logfile: p.stderr === null ? '' : `/tmp/${p.name}-stderr.log`,
      pid: p.pid,
      description: this.describe(p),
    };
  }

  /** Supervisor's status description (rpcinterface._interpretProcessInfo), in UTC for stable tests. */
  describe(p: FakeProcess): string {
    if (p.state === ProcessStates.RUNNING) return `pid ${p.pid}, uptime ${timedelta(Math.max(0, this.now - p.start))}`;
    if (p.state === ProcessStates.FATAL || p.state === ProcessStates.BACKOFF) {
      return p.spawnerr || `unknown error (try "tail ${p.name}")`;
    }
    if (p.state === ProcessStates.STOPPED || p.state === ProcessStates.EXITED) {
      if (!p.start) return 'Not started';
      const d = new Date(p.stop * 1000);
      const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
      const h = d.getUTCHours();
      const h12 = String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0');
      const mm = String(d.getUTCMinutes()).padStart(2, '0');
      return `${month} ${String(d.getUTCDate()).padStart(2, '0')} ${h12}:${mm} ${h < 12 ? 'AM' : 'PM'}`;
    }
    return '';
  }

  private find(namespec: string): FakeProcess {
    const i = namespec.indexOf(':');
    const group = i === -1 ? namespec : namespec.slice(0, i);
    const name = i === -1 ? namespec : namespec.slice(i + 1);
    const inGroup = this.procs.filter((p) => p.group === group);
    if (!inGroup.length || name === '' || name === '*') throw new RpcFault(Faults.BAD_NAME, namespec);
    const p = inGroup.find((q) => q.name === name);
    if (!p) throw new RpcFault(Faults.BAD_NAME, namespec);
    return p;
  }

  private group(name: string): FakeProcess[] {
    const ps = this.procs.filter((p) => p.group === name);
    if (!ps.length) throw new RpcFault(Faults.BAD_NAME, name);
    return ps;
  }

  private result(p: FakeProcess, run: () => void): ProcessResult {
    try {
      run();
      return { name: p.name, group: p.group, status: Faults.SUCCESS, description: 'OK' };
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      return { name: p.name, group: p.group, status: e.code, description: e.message };
    }
  }

  private startOne(p: FakeProcess): void {
    if (RUNNING_STATES.includes(p.state as ProcessState)) throw new RpcFault(Faults.ALREADY_STARTED, p.name);
    if (p.startFault !== undefined) {
      p.state = ProcessStates.FATAL;
      p.spawnerr = 'Exited too quickly (process log may have details)';
      throw new RpcFault(p.startFault, p.name);
    }
    p.state = ProcessStates.RUNNING;
    p.pid = this.nextPid++;
    p.start = this.now;
  }

  private stopOne(p: FakeProcess): void {
    if (!RUNNING_STATES.includes(p.state as ProcessState)) throw new RpcFault(Faults.NOT_RUNNING, p.name);
    if (p.stopFailure) throw new RpcFault(Faults.FAILED, p.stopFailure);
    p.state = ProcessStates.STOPPED;
    p.pid = 0;
    p.stop = this.now;
  }

  private signalOne(p: FakeProcess, sig: string): void {
    const s = sig.toUpperCase().replace(/^SIG/, '');
    if (!SIGNALS.has(s) && !/^\d+$/.test(sig)) throw new RpcFault(Faults.BAD_SIGNAL, sig);
    if (!SIGNALLABLE_STATES.includes(p.state as ProcessState)) throw new RpcFault(Faults.NOT_RUNNING, p.name);
    this.signals.push({ name: p.name, sig });
  }

  private clearOne(p: FakeProcess): void {
    if (p.clearFails) throw new RpcFault(Faults.FAILED, p.name);
    if (p.stdout !== null) p.stdout = '';
    if (p.stderr !== null) p.stderr = '';
  }

  /** Supervisor's readFile(offset, length) on a log's text. */
  private readFile(text: string | null, offset: number, length: number): string {
    if (text === null) throw new RpcFault(Faults.NO_FILE, 'NO_FILE');
    if ((offset < 0 && length !== 0) || length < 0) throw new RpcFault(Faults.BAD_ARGUMENTS);
    if (offset < 0) return text.slice(Math.max(0, text.length + offset));
    return length === 0 ? text.slice(offset) : text.slice(offset, offset + length);
  }

  private infoOf(p: FakeProcess): ConfigInfo {
    return {
      autostart: p.autostart,
      name: p.name,
      group: p.group,
      group_prio: p.groupPriority,
      process_prio: p.priority,
      inuse: this.procs.includes(p),
    } as ConfigInfo;
  }

  /** Answers one call, as the daemon's method table would. */
  handle(method: string, params: unknown[]): unknown {
    this.calls.push({ method, params });
    if (this.unknownMethods.has(method)) throw new RpcFault(Faults.UNKNOWN_METHOD);
    const injected = this.faults.get(method);
    if (injected) {
      this.faults.delete(method);
      throw injected;
    }
    if (this.shuttingDown) throw new RpcFault(Faults.SHUTDOWN_STATE);
    const [a, b, c] = params as [string, string & number, number];
    switch (method) {
      case 'supervisor.getVersion':
        return this.version;
      case 'supervisor.getSupervisorVersion':
        return this.supervisorVersion;
      case 'supervisor.getPID':
        return this.pid;
      case 'supervisor.getAllProcessInfo':
        return this.procs.map((p) => this.info(p));
      case 'supervisor.getProcessInfo':
        return this.info(this.find(a));
      case 'supervisor.startProcess':
        this.startOne(this.find(a));
        return true;
      case 'supervisor.startProcessGroup':
        return this.group(a)
          .filter((p) => !RUNNING_STATES.includes(p.state as ProcessState))
          .map((p) => this.result(p, () => this.startOne(p)));
      case 'supervisor.startAllProcesses':
        return this.procs
          .filter((p) => !RUNNING_STATES.includes(p.state as ProcessState))
          .map((p) => this.result(p, () => this.startOne(p)));
      case 'supervisor.stopProcess':
        this.stopOne(this.find(a));
        return true;
      case 'supervisor.stopProcessGroup':
        return this.group(a)
          .filter((p) => RUNNING_STATES.includes(p.state as ProcessState))
          .map((p) => this.result(p, () => this.stopOne(p)));
      case 'supervisor.stopAllProcesses':
        return this.procs
          .filter((p) => RUNNING_STATES.includes(p.state as ProcessState))
          .map((p) => this.result(p, () => this.stopOne(p)));
      case 'supervisor.signalProcess':
        this.signalOne(this.find(a), String(b));
        return true;
      case 'supervisor.signalProcessGroup':
        return this.group(a)
          .filter((p) => SIGNALLABLE_STATES.includes(p.state as ProcessState))
          .map((p) => this.result(p, () => this.signalOne(p, String(b))));
      case 'supervisor.signalAllProcesses':
        return this.procs
          .filter((p) => SIGNALLABLE_STATES.includes(p.state as ProcessState))
          .map((p) => this.result(p, () => this.signalOne(p, a)));
      case 'supervisor.readProcessStdoutLog':
        return this.readFile(this.find(a).stdout, b, c);
      case 'supervisor.readProcessStderrLog':
        return this.readFile(this.find(a).stderr, b, c);
      case 'supervisor.readLog':
        return this.readFile(this.mainLog, params[0] as number, params[1] as number);
      case 'supervisor.clearProcessLogs':
        this.clearOne(this.find(a));
        return true;
      case 'supervisor.clearAllProcessLogs':
        return this.procs.map((p) => this.result(p, () => this.clearOne(p)));
      case 'supervisor.getAllConfigInfo':
        return [...this.procs, ...this.available].map((p) => this.infoOf(p));
      case 'supervisor.reloadConfig':
        return [this.changes];
      case 'supervisor.addProcessGroup': {
        if (this.procs.some((p) => p.group === a)) throw new RpcFault(Faults.ALREADY_ADDED, a);
        const adding = this.available.filter((p) => p.group === a);
        if (!adding.length) throw new RpcFault(Faults.BAD_NAME, a);
        this.available = this.available.filter((p) => p.group !== a);
        for (const p of adding) this.add(p.name, p);
        return true;
      }
      case 'supervisor.removeProcessGroup': {
        const ps = this.group(a);
        if (ps.some((p) => !([0, 100, 200, 1000] as number[]).includes(p.state))) {
          throw new RpcFault(Faults.STILL_RUNNING, a);
        }
        this.procs = this.procs.filter((p) => p.group !== a);
        this.available.push(...ps);
        return true;
      }
      case 'supervisor.sendProcessStdin': {
        const p = this.find(a);
        if (!p.pid) throw new RpcFault(Faults.NOT_RUNNING, a);
        this.stdin.push({ name: a, chars: String(b) });
        return true;
      }
      case 'supervisor.shutdown':
      case 'supervisor.restart':
        this.shuttingDown = true;
        return true;
      default:
        throw new RpcFault(Faults.UNKNOWN_METHOD);
    }
  }

  /** A Connector that opens FakeClients on this server. */
  connector(): Connector {
    return async (url, opts) => new FakeClient(this, url, opts);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The Client supervisorctl's actions see: transport errors and auth first, then the server's answer. */
export class FakeClient implements Client {
  closed = false;
  constructor(
    private readonly server: FakeSupervisor,
    readonly url: string,
    private readonly opts: ClientOptions,
  ) {}

  private gate(): void {
    if (this.closed) throw new ClientError('protocol', 'closed');
    if (this.server.down) throw new ClientError(this.server.down, `${this.url}: ${this.server.down}`);
    const want = this.server.auth;
    if (want && (this.opts.username !== want.username || this.opts.password !== want.password)) {
      throw new ClientError('auth', `${this.url}: 401 Unauthorized`);
    }
  }

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    this.gate();
    // Answer on a later turn, as a real transport does.
    await new Promise((r) => setImmediate(r));
    return this.server.handle(method, params);
  }

  async followLog(
    target: LogTarget,
    onData: (chunk: Buffer) => void,
    _onNotice?: (text: string) => void,
    onEnd?: (error?: Error) => void,
  ): Promise<() => void> {
    this.gate();
    let key = 'main';
    if (target !== 'main') {
      const p = this.server.proc(target.name);
      if ((target.channel === 'stdout' ? p.stdout : p.stderr) === null) throw new RpcFault(Faults.NO_FILE, target.name);
      key = `${target.name}:${target.channel}`;
    }
    const l: Listener = { key, onData, ...(onEnd && { onEnd }) };
    this.server.listeners.add(l);
    return () => {
      this.server.listeners.delete(l);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
