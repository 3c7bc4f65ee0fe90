/**
 * Our `[zmq_server]` section (docs/config.md): the ROUTER and PUB endpoints of the daemon, their
 * access rules, and the defaults derived from a Python-style config when the section is absent.
 */
import { dirname } from 'node:path';
import { ConfigError, type HttpServerConfig, type ZmqServerConfig } from './types.js';
import { getConv, saneget, type LoadContext } from './context.js';
import { colonSeparatedUserGroup, listOfStrings, octalType, ValueError } from './datatypes.js';
import { normalizePath, usernameAndPassword } from './servers.js';
import { zmqEndpointsForUnixSocket } from '../api/protocol.js';

const SECTION = 'zmq_server';

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The host of a `tcp://host:port` endpoint, or null for other transports. */
function tcpHost(endpoint: string): string | null {
  const m = /^tcp:\/\/(\[[^\]]*\]|[^:]*):[^:]+$/.exec(endpoint);
  return m ? m[1]! : null;
}

/** Check an endpoint's form; relative ipc:// paths are made absolute against `cwd`. */
function normalizeEndpoint(ctx: LoadContext, key: string, value: string): string {
  if (value.startsWith('ipc://')) return `ipc://${normalizePath(value.slice(6), ctx.cwd, ctx.env)}`;
  if (value.startsWith('tcp://') && tcpHost(value) !== null) return value;
  const at = ctx.parser.getValue(SECTION, key);
  throw new ConfigError(
    `[${SECTION}] ${key} ${value} is not an ipc:///path or tcp://host:port endpoint`,
    at ? { file: at.file, line: at.line } : ctx.parser.sectionPos(SECTION),
  );
}

/** The defaults: next to the first unix socket (with its access rules), else next to the pidfile. */
function derived(servers: HttpServerConfig[], pidfile: string): ZmqServerConfig {
  const unix = servers.find((s) => s.family === 'unix');
  const make = (ends: { endpoint: string; pubsubEndpoint: string }, chmod: number, chown: [number, number] | null, from: HttpServerConfig | undefined): ZmqServerConfig => ({
    ...ends,
    chmod,
    chown,
    username: from?.username ?? null,
    password: from?.password ?? null,
    curveSecretKey: null,
    curvePublicKey: null,
    curveAllowedClients: [],
    derived: true,
  });
  if (unix?.file) {
    // Same credentials, mode and owner as the unix socket, so the ZeroMQ socket opens no wider door.
    const chown = unix.chown && (unix.chown[0] !== -1 || unix.chown[1] !== -1) ? unix.chown : null;
    return make(zmqEndpointsForUnixSocket(unix.file), unix.chmod ?? 0o700, chown, unix);
  }
  const inet = servers.find((s) => s.family === 'inet' && s.username !== null);
  const dir = dirname(pidfile);
  return make({ endpoint: `ipc://${dir}/supervisord.zmq`, pubsubEndpoint: `ipc://${dir}/supervisord.pub.zmq` }, 0o700, null, inet);
}

/**
 * The ZeroMQ server settings: `[zmq_server]` if written (every key `%(here)s`-expandable),
 * else derived. A tcp:// endpoint on a non-loopback host needs username/password or CURVE keys.
 */
export function zmqServerConfig(ctx: LoadContext, servers: HttpServerConfig[], pidfile: string): ZmqServerConfig {
  if (!ctx.parser.has(SECTION)) return derived(servers, pidfile);
  const fallback = derived(servers, pidfile);
  const here = { expansions: new Map([['here', ctx.here]]) };
  const str = (key: string) => saneget(ctx, SECTION, key, null as string | null, here).value;
  const endpoint = normalizeEndpoint(ctx, 'endpoint', str('endpoint') ?? fallback.endpoint);
  const pubsubEndpoint = normalizeEndpoint(ctx, 'pubsub_endpoint', str('pubsub_endpoint') ?? fallback.pubsubEndpoint);
  const chmod = getConv(ctx, SECTION, 'chmod', '0700', (v) => {
    try {
      return octalType(v);
    } catch {
      throw new ValueError(`Invalid chmod value ${v}`);
    }
  }, here);
  const chown = getConv(ctx, SECTION, 'chown', null as string | null, (v) => {
    if (v === null) return null;
    try {
      return colonSeparatedUserGroup(v);
    } catch {
      throw new ValueError(`Invalid sockchown value ${v}`);
    }
  }, here);
  const auth = usernameAndPassword(ctx, SECTION, here);
  const curveSecretKey = str('curve_secretkey');
  const curvePublicKey = str('curve_publickey');
  const curveAllowedClients = listOfStrings(str('curve_allowed_clients')).filter(Boolean);
  if ((curveSecretKey === null) !== (curvePublicKey === null)) {
    throw new ConfigError(`[${SECTION}] curve_secretkey and curve_publickey must be set together`, ctx.parser.sectionPos(SECTION));
  }
  for (const [key, v] of [['endpoint', endpoint], ['pubsub_endpoint', pubsubEndpoint]] as const) {
    const host = tcpHost(v);
    if (host !== null && !isLoopbackHost(host) && auth.username === null && curveSecretKey === null) {
      const at = ctx.parser.getValue(SECTION, key);
      throw new ConfigError(
        `[${SECTION}] ${key === 'endpoint' ? 'endpoint' : 'pubsub_endpoint'} ${v} is not loopback and has no credentials: set username/password or curve keys`,
        at ? { file: at.file, line: at.line } : ctx.parser.sectionPos(SECTION),
      );
    }
  }
  return {
    endpoint,
    pubsubEndpoint,
    chmod,
    chown,
    username: auth.username,
    password: auth.password,
    curveSecretKey,
    curvePublicKey,
    curveAllowedClients,
    derived: false,
  };
}
