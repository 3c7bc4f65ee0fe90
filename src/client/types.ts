/**
 * The one client interface (DESIGN.md rule 2) used by supervisorctl's actions, the shell and the TUI.
 * Implementations: zmq.ts (our daemon, ipc:// and tcp://) and xmlrpc.ts (any supervisord, unix:// and
 * http://); `connect()` in index.ts picks one from the URL.
 */

/** Why a connection-level failure happened; supervisorctl maps each to Supervisor's line and exit code. */
export type ClientErrorKind =
  /** ECONNREFUSED: "<url> refused connection" */
  | 'refused'
  /** ENOENT on a socket file: "<url> no such file" */
  | 'nofile'
  /** EACCES/EPERM connecting (a socket file this user may not use): Python's PermissionError line. */
  | 'denied'
  /** The server wants credentials (HTTP 401, ZAP refusal). */
  | 'auth'
  /** No answer within the timeout. */
  | 'timeout'
  /** A malformed answer or other transport failure. */
  | 'protocol'
  /** close() was called: what was still waiting, or asked for afterwards, fails with this. */
  | 'closed';

export class ClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export interface ClientOptions {
  username?: string | null;
  password?: string | null;
  /** Milliseconds to wait for a reply before a 'timeout' ClientError; 0 = wait forever (long calls). */
  timeoutMs?: number;
}

/** One message of a live stream (PUB topic), see docs/protocol.md. */
export interface StreamMessage {
  topic: string;
  seq: number;
  header: Record<string, unknown>;
  payload: Buffer;
}

export type LogTarget = { name: string; channel: 'stdout' | 'stderr' } | 'main';

export interface Client {
  /** The server URL as given. */
  readonly url: string;
  /** Call an API method (`supervisor.getState`, …). Faults reject with RpcFault; transport problems with ClientError. */
  call(method: string, params?: unknown[]): Promise<unknown>;
  /**
   * Follow a log as `tail -f` does: `onData` gets its last 1024 bytes, then each new chunk; `onNotice`
   * gets notices such as "skipped N bytes". Resolves once following; the function it returns stops.
   */
  followLog(
    target: LogTarget,
    onData: (chunk: Buffer) => void,
    onNotice?: (text: string) => void,
    /** Called once if the stream ends by itself (the server closed it, the connection broke); not after stop(). */
    onEnd?: (error?: Error) => void,
  ): Promise<() => void>;
  /**
   * Subscribe to live streams by topic prefix (ZeroMQ only; `undefined` on transports without push).
   */
  subscribe?(prefixes: string[], onMessage: (m: StreamMessage) => void): Promise<() => void>;
  close(): Promise<void>;
}
