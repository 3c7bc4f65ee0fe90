/**
 * A Supervisor for unit tests: real groups and Subprocess state machines over the engine's fake
 * spawner (children exit when the test says), in-memory log channels whose paths are real files in a
 * temp dir, a FakeClock and a MemoryLogger. `settle()` lets queued main-loop passes run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupConfig, ProcessConfig, ServerConfig } from '../../../src/config/types.js';
import { FakeClock } from '../../../daemon/process/clock.js';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import { EventBus, type BusEvent } from '../../../daemon/events/bus.js';
import { makeGroupFactory } from '../../../daemon/process/group.js';
import type { OutputChannelFactory } from '../../../daemon/logs/types.js';
import { Supervisor, type MainLog } from '../../../daemon/supervisor.js';
import { createMethodTable } from '../../../daemon/rpc/index.js';
import { commandChecker } from '../../../daemon/lifecycle/engine-wiring.js';
import type { RpcTable } from '../../../daemon/rpc/table.js';
import { FakeSpawner, MemoryChannel, type FakeChild, makeProcessConfig, makeSupervisordConfig } from '../process/fixtures.js';

export { makeProcessConfig };

/** A group config: a program (one process named like the group) or a [group:x] of several. */
export function groupOf(name: string, procs: Partial<ProcessConfig>[] = [{}], priority = 999): GroupConfig {
  const processes = procs.map((p) => makeProcessConfig({ group: name, name: p.name ?? name, ...p }));
  return { name, kind: procs.length > 1 || procs[0]?.name ? 'group' : 'program', priority, processes };
}

export function serverConfig(groups: GroupConfig[], dir = '/tmp'): ServerConfig {
  return {
    configFile: join(dir, 'supervisord.conf'),
    filesRead: [join(dir, 'supervisord.conf')],
    supervisord: makeSupervisordConfig({ logfile: join(dir, 'supervisord.log'), childlogdir: dir, identifier: 'unit' }),
    supervisorctl: null,
    httpServers: [],
    zmq: {
      endpoint: `ipc://${dir}/s.zmq`,
      pubsubEndpoint: `ipc://${dir}/s.pub.zmq`,
      chmod: 0o700,
      chown: null,
      username: null,
      password: null,
      curveSecretKey: null,
      curvePublicKey: null,
      curveAllowedClients: [],
      derived: true,
    },
    rpcinterfaces: [],
    groups,
    messages: [],
  };
}

/** A main log over a real file, counting reopen/clear. */
class FileMainLog implements MainLog {
  reopened = 0;
  cleared = 0;
  constructor(readonly path: string) {}
  clear(): void {
    this.cleared++;
    writeFileSync(this.path, '');
  }
  reopen(): void {
    this.reopened++;
  }
}

export interface Harness {
  sup: Supervisor;
  table: RpcTable;
  clock: FakeClock;
  logger: MemoryLogger;
  bus: EventBus;
  spawner: FakeSpawner;
  channels: Map<string, MemoryChannel>;
  mainLog: FileMainLog;
  events: BusEvent[];
  dir: string;
  /** Supply the config reloadConfig will read next (or an error it throws). */
  nextConfig: ServerConfig | Error | null;
  /** The fake child of a process (its current one). */
  child(name: string): FakeChild;
  call(method: string, ...params: unknown[]): Promise<unknown>;
  /** Let queued passes and promise chains run. */
  settle(): Promise<void>;
  /** Move the fake clock and let the passes it triggers run. */
  advance(secs: number): Promise<void>;
  cleanup(): void;
}

/** Builds a Supervisor over `groups` (not started: call `h.sup.run()` for the main loop). */
export function harness(groups: GroupConfig[]): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'rpc-unit-'));
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const bus = new EventBus();
  const events: BusEvent[] = [];
  bus.on('*', (e) => events.push(e));
  const spawner = new FakeSpawner();
  const channels = new Map<string, MemoryChannel>();
  const factory: OutputChannelFactory = (opts) => {
    const ch = new MemoryChannel(join(dir, `${opts.process.name}-${opts.channel}.log`), opts);
    channels.set(`${opts.process.name}:${opts.channel}`, ch);
    return ch;
  };
  const mainLog = new FileMainLog(join(dir, 'supervisord.log'));
  const config = serverConfig(groups, dir);
  const h: Harness = {
    sup: null as unknown as Supervisor,
    table: null as unknown as RpcTable,
    clock,
    logger,
    bus,
    spawner,
    channels,
    mainLog,
    events,
    dir,
    nextConfig: null,
    child(name) {
      const p = h.sup.findProcess(name);
      const c = spawner.children.find((x) => x.pid === p?.pid);
      if (!c) throw new Error(`${name} has no child`);
      return c;
    },
    call: (method, ...params) => h.table.call(method, params),
    async settle() {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    },
    async advance(secs) {
      clock.advance(secs);
      await h.settle();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  h.sup = new Supervisor({
    config,
    groupFactory: makeGroupFactory({ channels: factory, spawner }),
    logger,
    bus,
    clock,
    mainLog,
    checkCommand: commandChecker({}),
    pid: 4242,
    reread: () => {
      const next = h.nextConfig;
      if (next instanceof Error) throw next;
      if (!next) throw new Error('no next config');
      return next;
    },
  });
  h.table = createMethodTable(h.sup);
  h.sup.addInitialGroups();
  return h;
}

/** Runs `fn` with a harness and always cleans up. */
export async function withHarness(groups: GroupConfig[], fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = harness(groups);
  try {
    await fn(h);
  } finally {
    h.cleanup();
  }
}

/** The fault code and string a promise rejects with. */
export async function faultOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: number; message: string };
    return `${e.code}:${e.message}`;
  }
  throw new Error('expected a fault');
}
