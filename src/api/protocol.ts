/**
 * The ZeroMQ wire protocol shared by the daemon's server (daemon/servers/zmq*) and the clients
 * (src/client/zmq.ts, third-party clients): topic names, frame shapes, header fields, protocol error
 * codes and the `ext.*` methods the transport itself relies on. docs/protocol.md is the prose version.
 */
import type { ProcessInfo, SupervisorStateInfo } from './process-info.js';

/** Bumped when a change would break an existing client. Reported by `ext.getEndpoints`. */
export const PROTOCOL_VERSION = 1;

/**
 * The largest request frame the control socket accepts (libzmq ZMQ_MAXMSGSIZE). A bigger frame makes
 * libzmq drop that connection; the client's DEALER reconnects by itself.
 */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * Error codes of the transport itself, outside Supervisor's fault range (1..92). Each reply carries
 * `name` = the key and `message` = `NAME: text`, like a fault.
 */
export const ProtocolErrors = {
  /** The frame is not UTF-8 JSON. */
  PARSE_ERROR: -32700,
  /** JSON, but not a request: not an object, no or bad `id`/`method`, more than one frame. */
  INVALID_REQUEST: -32600,
  /** The request's frames add up to more than MAX_REQUEST_BYTES. */
  REQUEST_TOO_LARGE: -32001,
} as const;

export type ProtocolErrorName = keyof typeof ProtocolErrors;

/** The name of a protocol error code, or undefined for other codes. */
export function protocolErrorName(code: number): ProtocolErrorName | undefined {
  for (const [k, v] of Object.entries(ProtocolErrors)) if (v === code) return k as ProtocolErrorName;
  return undefined;
}

/**
 * Bytes before the end of a log where `tail -f` starts, on every transport: Supervisor's
 * `tail_f_producer(request, logfile, 1024)` behind /logtail, and ext.tailLog's length over ZeroMQ.
 */
export const LOG_FOLLOW_START_BYTES = 1024;

/**
 * The endpoints our daemon binds next to a unix_http_server file `path` (`ipc://path.zmq`,
 * `ipc://path.pub.zmq`): one rule for the daemon's config (src/config) and for the client, which
 * uses ZeroMQ for a `unix://path` URL when that socket file exists.
 */
export function zmqEndpointsForUnixSocket(path: string): { endpoint: string; pubsubEndpoint: string } {
  return { endpoint: `ipc://${path}.zmq`, pubsubEndpoint: `ipc://${path}.pub.zmq` };
}

/** Methods of the `ext.*` namespace that the ZeroMQ transport serves or wraps. */
export const ExtMethods = {
  /** () → Snapshot: every ProcessInfo and the supervisor state, with the sequence numbers it is valid at. */
  getSnapshot: 'ext.getSnapshot',
  /** () → Endpoints: where the PUB socket is, and the protocol version. */
  getEndpoints: 'ext.getEndpoints',
  /** (string token) → true: publish one message on topic `sync.<token>` (subscription handshake). */
  sync: 'ext.sync',
  /**
   * (string name, string channel, int length) → LogTail: the last `length` bytes of a process's log
   * file and the seq they are valid at (a follower drops `log` chunks of its topic with seq <= it).
   */
  tailLog: 'ext.tailLog',
  /** (int length) → LogTail: the same for the activity log (topic `log.main`). */
  tailMainLog: 'ext.tailMainLog',
} as const;

/** Result of `ext.tailLog` / `ext.tailMainLog`. */
export interface LogTail {
  /** The bytes, base64 (a cut may fall inside a UTF-8 character). */
  data: string;
  /** Every chunk of the log's topic with seq <= this is in `data` or before it; every later one is not. */
  seq: number;
  /** Where `data` starts in the file, and the file's size when it was read. */
  offset: number;
  size: number;
}

/** A control request: exactly one frame from the client's DEALER holding this JSON. */
export interface ControlRequest {
  id: number | string;
  method: string;
  /** Positional parameters; may be omitted for none. */
  params?: unknown[];
}

/** The `error` member of a failed reply. */
export interface ControlError {
  code: number;
  name: string;
  /** Supervisor's fault string, `NAME` or `NAME: text`. */
  message: string;
}

/** A control reply: one frame, `id` as sent (null when the request had no usable id). */
export type ControlReply =
  | { id: number | string | null; result: unknown }
  | { id: number | string | null; error: ControlError };

/** Topic names (the first frame of every PUB message). Subscriptions are byte prefixes of these. */
export const Topics = {
  /** Prefix of every state topic: these carry absolute state and take part in snapshot/resync. */
  STATE_PREFIX: 'state.',
  processState: (group: string, name: string): string => `state.process.${group}:${name}`,
  supervisorState: 'state.supervisor',
  /** PROCESS_GROUP_ADDED / PROCESS_GROUP_REMOVED. */
  group: 'state.group',
  LOG_PREFIX: 'log.',
  processLog: (group: string, name: string, channel: 'stdout' | 'stderr'): string =>
    `log.${group}:${name}.${channel}`,
  mainLog: 'log.main',
  /** Raw pty output of a `pty=true` program (src/api/pty.ts, docs/protocol.md section 8). */
  pty: (group: string, name: string): string => `pty.${group}:${name}`,
  /** Resource statistics (src/api/metrics.ts, docs/protocol.md section 7). */
  STATS_PREFIX: 'stats.',
  SYNC_PREFIX: 'sync.',
  sync: (token: string): string => `sync.${token}`,
} as const;

/** True when a message on `topic` is part of the state stream (snapshot + gap resync apply). */
export function isStateTopic(topic: string): boolean {
  return topic.startsWith(Topics.STATE_PREFIX);
}

/** What a PUB message is; the header's `kind`. */
export type MessageKind = 'state' | 'log' | 'skipped' | 'pty' | 'stats' | 'sync';

/** The second frame of every PUB message (JSON). */
export interface MessageHeader {
  /** One global counter over every message this PUB socket sent: 1, 2, 3, … */
  seq: number;
  /** The `seq` of the previous message on the same topic; 0 for the first one on it. */
  prev: number;
  /** When the event happened, Unix seconds with a fraction. */
  time: number;
  kind: MessageKind;
  /** Process topics: the process and group names. */
  name?: string;
  group?: string;
  /** log.*: the child's pid when it wrote the chunk. */
  pid?: number;
  channel?: 'stdout' | 'stderr';
  /** skipped: how many bytes of this topic the daemon dropped for viewers (never from the file). */
  bytes?: number;
}

/** Payload of `state.process.<group>:<name>` (JSON). */
export interface ProcessStatePayload {
  /** PROCESS_STATE_<NAME> */
  type: string;
  name: string;
  group: string;
  from: number;
  fromname: string;
  /** The new state (also `state`/`statename`, as in ProcessInfo). */
  state: number;
  statename: string;
  pid: number;
  tries: number;
  expected?: boolean;
}

/** Payload of `state.supervisor` (JSON). */
export interface SupervisorStatePayload {
  type: string;
  statecode: number;
  statename: string;
}

/** Payload of `state.group` (JSON). */
export interface GroupPayload {
  type: 'PROCESS_GROUP_ADDED' | 'PROCESS_GROUP_REMOVED';
  group: string;
}

/** Result of `ext.getSnapshot`. */
export interface Snapshot {
  /** The last `seq` published when the snapshot was taken. */
  seq: number;
  /** For each state topic published so far, the `seq` of its last message when the snapshot was taken. */
  topics: Record<string, number>;
  processes: ProcessInfo[];
  state: SupervisorStateInfo;
  identification?: string;
  [extra: string]: unknown;
}

/** Result of `ext.getEndpoints`. */
export interface Endpoints {
  endpoint: string;
  pubsub_endpoint: string;
  protocol: number;
}

/**
 * Topic of the synthetic message a client library hands to a subscriber whenever it (re)loads the
 * snapshot: payload = the Snapshot JSON, header.kind = 'snapshot', header.reason = 'initial' | 'gap'.
 * Never sent on the wire.
 */
export const SNAPSHOT_TOPIC = 'snapshot';
