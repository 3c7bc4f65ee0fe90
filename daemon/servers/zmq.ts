/**
 * The ZeroMQ transport of the daemon (DESIGN.md "ZeroMQ", docs/protocol.md): a ROUTER for control
 * requests over the one method table, a PUB for state and log events from the bus, both secured the
 * same way (ipc file mode/owner, PLAIN via ZAP, or CURVE). The PUB is an XPUB, which subscribers
 * cannot tell apart from a PUB: it also reports which topics are subscribed (zmq/subscriptions.ts).
 */
import { Context, Router, XPublisher } from 'zeromq';
import type { ZmqServerConfig } from '../../src/config/types.js';
import { ExtMethods, MAX_REQUEST_BYTES, PROTOCOL_VERSION, Topics, type Endpoints, type Snapshot } from '../../src/api/protocol.js';
import { Faults, RpcFault } from '../../src/api/faults.js';
import type { ProcessInfo, SupervisorStateInfo } from '../../src/api/process-info.js';
import type { MethodTable, RpcContext } from '../rpc/types.js';
import type { RunningServer, ServerDeps, StartZmqServer } from './types.js';
import { parseEndpoint, type ParsedEndpoint } from './zmq/endpoint.js';
import { bindIpcPrivately, prepareIpcPath, removeIpcPath } from './zmq/ipc-socket.js';
import { planSecurity } from './zmq/security.js';
import { startZapHandler, type ZapHandler } from './zmq/zap.js';
import { PubQueue, type SeqCapture } from './zmq/pub-queue.js';
import { bridgeBus } from './zmq/bus-bridge.js';
import { SubscriptionTracker } from './zmq/subscriptions.js';
import { serveControl } from './zmq/control.js';
import { LogTails, tailLength } from './zmq/log-tail.js';

/** Knobs that are not config options (tests and benchmarks set them). */
export interface ZmqTuning {
  /** Largest request (libzmq ZMQ_MAXMSGSIZE on the ROUTER). */
  maxRequestBytes?: number;
  /** Log bytes queued for the PUB socket before the oldest are dropped for viewers. */
  maxLogBacklogBytes?: number;
  /** Messages libzmq queues per subscriber before it drops (ZMQ_SNDHWM). */
  pubHighWaterMark?: number;
}

/** A running server; tests reach the queue to wait until it has drained. */
export interface ZmqServer extends RunningServer {
  /** The endpoints actually bound (an ephemeral tcp port resolved). */
  readonly endpoints: Endpoints;
  readonly queue: PubQueue;
  /** Control calls still running. */
  activeCalls(): number;
}

/** Binds `sock` at `ep`; ipc files are bound privately and get their mode and owner first. */
async function bindEndpoint(
  sock: Router | XPublisher,
  ep: ParsedEndpoint,
  config: ZmqServerConfig,
  boundPaths: string[],
): Promise<string> {
  if (ep.transport !== 'ipc' || ep.path === null) {
    await sock.bind(ep.url);
    // An ephemeral tcp port (`:*`) is resolved here.
    return sock.lastEndpoint ?? ep.url;
  }
  await bindIpcPrivately(ep.path, (url) => sock.bind(url), config.chmod, config.chown);
  boundPaths.push(ep.path);
  return ep.url;
}

/** `ext.getSnapshot` of the table when it has one, else built from the supervisor.* methods. */
async function baseSnapshot(table: MethodTable, ctx: RpcContext): Promise<Record<string, unknown>> {
  if (table.describe(ExtMethods.getSnapshot)) {
    const r = await table.call(ExtMethods.getSnapshot, [], ctx);
    if (r && typeof r === 'object' && !Array.isArray(r)) return r as Record<string, unknown>;
    throw new RpcFault(Faults.FAILED, 'ext.getSnapshot returned no object');
  }
  const [processes, state] = await Promise.all([
    table.call('supervisor.getAllProcessInfo', [], ctx) as Promise<ProcessInfo[]>,
    table.call('supervisor.getState', [], ctx) as Promise<SupervisorStateInfo>,
  ]);
  return { processes, state };
}

/**
 * The snapshot with the sequence position it is valid at. The position is taken before the state is
 * read: an event in between is then both in the snapshot and after its seq, and applying a state
 * message twice is harmless, whereas the other order could lose one.
 */
async function snapshotAt(capture: SeqCapture, table: MethodTable, ctx: RpcContext): Promise<Snapshot> {
  const base = await baseSnapshot(table, ctx);
  return { ...base, seq: capture.seq, topics: capture.topics } as Snapshot;
}

/** Starts the transport with tuning knobs; see startZmqServer. */
export async function startZmqServerWith(
  config: ZmqServerConfig,
  deps: ServerDeps,
  tuning: ZmqTuning = {},
): Promise<ZmqServer> {
  const control = parseEndpoint(config.endpoint, 'endpoint');
  const pubsub = parseEndpoint(config.pubsubEndpoint, 'pubsub_endpoint');
  // Two ephemeral tcp ports (`:*`) are different endpoints; anything else equal is a conflict.
  if (control.url === pubsub.url && !control.url.endsWith(':*')) throw new Error(`[zmq_server] endpoint and pubsub_endpoint are both ${control.url}`);
  const plan = planSecurity(config, [
    ['endpoint', control],
    ['pubsub_endpoint', pubsub],
  ]);
  const maxBytes = tuning.maxRequestBytes ?? MAX_REQUEST_BYTES;

  // An own context: its ZAP handler (one per context) and its sockets belong to this server alone.
  const context = new Context();
  const cleanups: (() => void)[] = [];
  const boundPaths: string[] = [];
  const cleanup = (): void => {
    for (const f of cleanups.reverse()) f();
    for (const p of boundPaths) removeIpcPath(p);
  };
  let zap: ZapHandler | null = null;
  try {
    // The handler must be bound before the secured sockets: libzmq admits everyone when none is.
    if (plan.policy) {
      zap = await startZapHandler(context, plan.policy, deps.logger);
      cleanups.push(() => zap!.close());
    }
    for (const ep of [control, pubsub]) if (ep.transport === 'ipc' && ep.path) await prepareIpcPath(ep.path, ep.url);

    const router = new Router({ context, linger: 0, maxMessageSize: maxBytes, ...plan.socketOptions });
    cleanups.push(() => router.close());
    const controlUrl = await bindEndpoint(router, control, config, boundPaths);

    // XPUB: a PUB that also tells which topics are subscribed (log chunks nobody follows are not sent).
    const pub = new XPublisher({
      context,
      linger: 0,
      sendHighWaterMark: tuning.pubHighWaterMark ?? 10000,
      ...plan.socketOptions,
    });
    cleanups.push(() => pub.close());
    const pubsubUrl = await bindEndpoint(pub, pubsub, config, boundPaths);

    const endpoints: Endpoints = { endpoint: controlUrl, pubsub_endpoint: pubsubUrl, protocol: PROTOCOL_VERSION };

    const subscriptions = new SubscriptionTracker(pub);
    const queue = new PubQueue((frames) => {
      subscriptions.noteSend();
      return pub.send(frames);
    }, {
      maxLogBytes: tuning.maxLogBacklogBytes ?? 8 * 1024 * 1024,
      onError: (err) => deps.logger.warn(`zmq: publish failed: ${(err as Error).message}`),
      // State messages too: with no subscriber (the usual case at start-up) each would be framed and
      // sent only for libzmq to drop it.
      wants: (topic) => subscriptions.wants(topic),
    });
    const tails = new LogTails(queue);
    const unbridge = bridgeBus(deps.bus, queue, (topic) => tails.chunkQueued(topic), (topic) => subscriptions.wants(topic));

    registerExtensions(deps, endpoints, queue, tails);
    const dispatch = async (method: string, params: unknown[], ctx: RpcContext): Promise<unknown> =>
      method === ExtMethods.getSnapshot && params.length === 0
        ? snapshotAt(queue.capture(), deps.table, ctx)
        : deps.table.call(method, params, ctx);
    const loop = serveControl(router, dispatch, deps.logger, maxBytes);

    for (const w of plan.warnings) deps.logger.warn(w);
    // debug: the activity log at info stays line-for-line Supervisor's.
    deps.logger.debug(`zmq: control on ${endpoints.endpoint}, events on ${endpoints.pubsub_endpoint}`);

    let closing: Promise<void> | null = null;
    return {
      endpoints,
      queue,
      activeCalls: () => loop.inFlight(),
      close(): Promise<void> {
        closing ??= (async () => {
          unbridge();
          tails.close();
          queue.close();
          if (current.get(deps.table)?.queue === queue) current.delete(deps.table);
          cleanup();
          await loop.done;
        })();
        return closing;
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** What the transport's own methods answer with: the server started last on a table. */
interface Live {
  endpoints: Endpoints;
  queue: PubQueue;
  tails: LogTails;
  deps: ServerDeps;
}

/** The running server each table's `ext.*` transport methods answer for (a restart rebinds). */
const current = new WeakMap<MethodTable, Live>();

/**
 * Puts the transport's own `ext.*` methods on the table (so system.listMethods and XML-RPC know them),
 * unless it already has them; they answer for the server started last on that table.
 */
function registerExtensions(deps: ServerDeps, endpoints: Endpoints, queue: PubQueue, tails: LogTails): void {
  const table = deps.table;
  current.set(table, { endpoints, queue, tails, deps });
  const live = (): Live => {
    const c = current.get(table);
    if (!c) throw new RpcFault(Faults.FAILED, 'the ZeroMQ server is not running');
    return c;
  };
  if (!table.describe(ExtMethods.getEndpoints)) {
    table.register(
      {
        name: ExtMethods.getEndpoints,
        help: 'Return the ZeroMQ endpoints of this daemon and the protocol version\n@return struct endpoints',
        signature: ['struct'],
      },
      (params) => {
        if (params.length !== 0) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
        return { ...live().endpoints };
      },
    );
  }
  if (!table.describe(ExtMethods.sync)) {
    table.register(
      {
        name: ExtMethods.sync,
        help: 'Publish one message on topic sync.<token>, to learn that a subscription is live\n@param string token\n@return boolean result',
        signature: ['boolean', 'string'],
      },
      (params) => {
        const [token] = params;
        if (params.length !== 1 || typeof token !== 'string' || token.length === 0 || token.length > 128) {
          throw new RpcFault(Faults.INCORRECT_PARAMETERS);
        }
        live().queue.pushUrgent({ topic: Topics.sync(token), kind: 'sync', payload: Buffer.alloc(0), time: Date.now() / 1000 });
        return true;
      },
    );
  }
  if (!table.describe(ExtMethods.tailLog)) {
    table.register(
      {
        name: ExtMethods.tailLog,
        help:
          'Return the last bytes of a process log file and the PUB seq they are valid at: a follower shows them, ' +
          'then the log chunks of its topic with a higher seq\n@param string name\n@param string channel stdout or stderr' +
          '\n@param int length\n@return struct tail {data (base64), seq, offset, size}',
        signature: ['struct', 'string', 'string', 'int'],
      },
      async (params, ctx) => {
        const [name, channel, length] = params;
        if (params.length !== 3 || typeof name !== 'string' || (channel !== 'stdout' && channel !== 'stderr')) {
          throw new RpcFault(Faults.INCORRECT_PARAMETERS);
        }
        const n = tailLength(length);
        const { tails, deps: d } = live();
        // Bare names and BAD_NAME exactly as the API resolves them.
        const info = (await d.table.call('supervisor.getProcessInfo', [name], ctx)) as ProcessInfo;
        const file = d.logfile({ name: `${info.group}:${info.name}`, channel });
        if (file === null) throw new RpcFault(Faults.NO_FILE);
        return tails.child(Topics.processLog(info.group, info.name, channel), file, n);
      },
    );
  }
  if (!table.describe(ExtMethods.tailMainLog)) {
    table.register(
      {
        name: ExtMethods.tailMainLog,
        help:
          'Return the last bytes of the activity log and the PUB seq they are valid at (topic log.main)' +
          '\n@param int length\n@return struct tail {data (base64), seq, offset, size}',
        signature: ['struct', 'int'],
      },
      async (params) => {
        if (params.length !== 1) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
        const n = tailLength(params[0]);
        const { tails, deps: d } = live();
        const file = d.logfile('main');
        if (file === null) throw new RpcFault(Faults.NO_FILE);
        return tails.main(Topics.mainLog, file, n);
      },
    );
  }
}

/** daemon/servers/types.ts: binds the control ROUTER and the event PUB of [zmq_server]. */
export const startZmqServer: StartZmqServer = (config, deps) => startZmqServerWith(config, deps);
