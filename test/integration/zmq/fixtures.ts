/**
 * Real parts for the ZeroMQ tests: a small MethodTable that behaves like Supervisor's (faults,
 * INCORRECT_PARAMETERS, a slow method), a real EventBus, temp dirs and a started server; and the real
 * daemon with a client connected over its ZeroMQ sockets.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../../daemon/events/bus.js';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import type { MethodImpl, MethodInfo, MethodTable, RpcContext } from '../../../daemon/rpc/types.js';
import type { ZmqServerConfig } from '../../../src/config/types.js';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ProcessStates, processStateName, type ProcessState } from '../../../src/api/states.js';
import type { ProcessInfo } from '../../../src/api/process-info.js';
import { startZmqServerWith, type ZmqServer, type ZmqTuning } from '../../../daemon/servers/zmq.js';
import type { ServerDeps } from '../../../daemon/servers/types.js';
import { connect } from '../../../src/client/index.js';
import type { Client } from '../../../src/client/types.js';
import { startDaemon, type DaemonHandle } from '../../helpers/daemon.js';

/** A method table with Supervisor's dispatch rules: unknown → UNKNOWN_METHOD, bad args → INCORRECT_PARAMETERS. */
export class TestTable implements MethodTable {
  private readonly methods = new Map<string, { info: MethodInfo; impl: MethodImpl }>();
  readonly calls: string[] = [];

  call(method: string, params: unknown[], ctx: RpcContext = { transport: 'internal' }): Promise<unknown> {
    this.calls.push(method);
    const m = this.methods.get(method);
    if (!m) return Promise.reject(new RpcFault(Faults.UNKNOWN_METHOD));
    try {
      return Promise.resolve(m.impl(params, ctx));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  register(info: MethodInfo, impl: MethodImpl): void {
    this.methods.set(info.name, { info, impl });
  }
  list(): string[] {
    return [...this.methods.keys()].sort();
  }
  describe(name: string): MethodInfo | undefined {
    return this.methods.get(name)?.info;
  }
}

/** A process as the fake supervisor keeps it. */
interface Proc {
  name: string;
  group: string;
  state: ProcessState;
  pid: number;
}

/** Argument checks as Supervisor's XML-RPC layer makes them. */
function expect(params: unknown[], types: string[]): void {
  if (params.length !== types.length || params.some((p, i) => typeof p !== types[i])) {
    throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  }
}

/** The fake supervisor: processes in memory, state changes emitted on the real bus. */
export class FakeSupervisor {
  readonly table = new TestTable();
  readonly procs = new Map<string, Proc>();
  private nextPid = 1000;

  constructor(readonly bus: EventBus, names: string[] = ['web', 'worker']) {
    for (const n of names) this.procs.set(`${n}:${n}`, { name: n, group: n, state: ProcessStates.STOPPED, pid: 0 });
    const reg = (name: string, signature: string[], impl: MethodImpl): void =>
      this.table.register({ name, help: name, signature }, impl);
    reg('supervisor.getState', ['struct'], (p) => {
      expect(p, []);
      return { statecode: 1, statename: 'RUNNING' };
    });
    reg('supervisor.getAllProcessInfo', ['array'], (p) => {
      expect(p, []);
      return [...this.procs.values()].map((x) => this.info(x));
    });
    reg('supervisor.getProcessInfo', ['struct', 'string'], (p) => {
      expect(p, ['string']);
      return this.info(this.find(p[0] as string));
    });
    reg('supervisor.startProcess', ['boolean', 'string'], (p) => {
      expect(p, ['string']);
      const x = this.find(p[0] as string);
      if (x.state === ProcessStates.RUNNING) throw new RpcFault(Faults.ALREADY_STARTED, p[0] as string);
      x.pid = this.nextPid++;
      this.setState(x, ProcessStates.STARTING);
      this.setState(x, ProcessStates.RUNNING);
      return true;
    });
    reg('supervisor.stopProcess', ['boolean', 'string'], (p) => {
      expect(p, ['string']);
      const x = this.find(p[0] as string);
      if (x.state !== ProcessStates.RUNNING) throw new RpcFault(Faults.NOT_RUNNING, p[0] as string);
      this.setState(x, ProcessStates.STOPPING);
      this.setState(x, ProcessStates.STOPPED);
      x.pid = 0;
      return true;
    });
    // The slow one: answers after `ms` milliseconds, like stopProcess waiting for a slow child.
    reg('test.sleep', ['boolean', 'int'], (p) => {
      expect(p, ['number']);
      return new Promise((r) => setTimeout(() => r(true), p[0] as number));
    });
    reg('test.echo', ['string', 'string'], (p) => {
      expect(p, ['string']);
      return p[0];
    });
    reg('test.whoami', ['struct'], (_p, ctx) => ({ transport: ctx.transport, clientId: ctx.clientId ?? null }));
    reg('test.crash', ['boolean'], () => {
      throw new TypeError('boom');
    });
  }

  find(namespec: string): Proc {
    const key = namespec.includes(':') ? namespec : `${namespec}:${namespec}`;
    const x = this.procs.get(key);
    if (!x) throw new RpcFault(Faults.BAD_NAME, namespec);
    return x;
  }

  info(x: Proc): ProcessInfo {
    return {
      name: x.name,
      group: x.group,
      start: 0,
      stop: 0,
      now: Math.floor(Date.now() / 1000),
      state: x.state,
      statename: processStateName(x.state)!,
      spawnerr: '',
      exitstatus: 0,
      logfile: '',
      stdout_logfile: '',
      stderr_logfile: '',
      pid: x.pid,
      description: '',
    };
  }

  /** Sets the state first, then tells the bus, as Supervisor does. */
  setState(x: Proc, to: ProcessState): void {
    const from = x.state;
    x.state = to;
    this.bus.emit({
      kind: 'process-state',
      type: `PROCESS_STATE_${processStateName(to)}`,
      name: x.name,
      group: x.group,
      from,
      to,
      pid: x.pid,
      tries: 0,
    });
  }
}

/** A temp dir removed by the returned function. */
export function tempDir(prefix = 'zmq-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A [zmq_server] config with ipc endpoints in `dir`. */
export function zmqConfig(dir: string, over: Partial<ZmqServerConfig> = {}): ZmqServerConfig {
  return {
    endpoint: `ipc://${join(dir, 'sv.zmq')}`,
    pubsubEndpoint: `ipc://${join(dir, 'sv.pub.zmq')}`,
    chmod: 0o700,
    chown: null,
    username: null,
    password: null,
    curveSecretKey: null,
    curvePublicKey: null,
    curveAllowedClients: [],
    derived: false,
    ...over,
  };
}

export interface Harness {
  dir: string;
  bus: EventBus;
  sup: FakeSupervisor;
  logger: MemoryLogger;
  server: ZmqServer;
  /** Closes the server and removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * ServerDeps.logfile for the harness: an (empty, until a test writes it) file per target in `dir`, so
 * the log tails of followLog have something to read. Bus events emitted by a test do not write it.
 */
function logfileIn(dir: string): ServerDeps['logfile'] {
  return (target) => {
    const file = join(dir, target === 'main' ? 'main.log' : `${target.name.replace(':', '-')}-${target.channel}.log`);
    if (!existsSync(file)) writeFileSync(file, '');
    return file;
  };
}

/** Starts a real server over a FakeSupervisor in a fresh temp dir. */
export async function startHarness(over: Partial<ZmqServerConfig> = {}, tuning: ZmqTuning = {}): Promise<Harness> {
  const t = tempDir();
  const bus = new EventBus();
  const sup = new FakeSupervisor(bus);
  const logger = new MemoryLogger();
  try {
    const server = await startZmqServerWith(zmqConfig(t.dir, over), { table: sup.table, bus, logger, logfile: logfileIn(t.dir) }, tuning);
    return {
      dir: t.dir,
      bus,
      sup,
      logger,
      server,
      async stop() {
        await server.close();
        t.remove();
      },
    };
  } catch (err) {
    t.remove();
    throw err;
  }
}

/** Polls `cond` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Runs `body` against the real daemon (test/helpers/daemon.ts) with `programs` in its conf, through a
 * client that found the ZeroMQ sockets from the unix:// URL, as supervisorctl does. Afterwards the
 * daemon is stopped (no spawned process may be left) and its dir removed; when `body` fails, whatever
 * is left is killed and that failure is the one reported.
 */
export async function withZmqDaemon(programs: string, body: (client: Client, d: DaemonHandle) => Promise<void>): Promise<void> {
  const d = await startDaemon(programs, { timeoutMs: 20_000 });
  let client: Client | null = null;
  try {
    await waitFor(() => existsSync(`${d.socketPath}.zmq`) && existsSync(`${d.socketPath}.pub.zmq`), 'the ZeroMQ sockets', 20000);
    client = await connect(`unix://${d.socketPath}`, { timeoutMs: 20000 });
    await body(client, d);
  } catch (err) {
    await client?.close();
    d.cleanup();
    throw err;
  }
  await client.close();
  await d.stop();
}
