/**
 * `connect(url)`: the one way supervisorctl, the shell and the TUI get a Client. The URL scheme picks
 * the transport (DESIGN.md rule 2). Both transports' code is imported with this module (in the bundle
 * that is part of the file a one-shot command loads anyway, instead of one more file to fetch), but what
 * they are built on loads only when used: a command over ZeroMQ never loads node:http, and its requests
 * go over the built-in ZMTP peer, so only CURVE and the event streams load the zeromq package.
 */
import { zmqEndpointsForUnixSocket } from '../api/protocol.js';
import { isSocketFile } from './endpoint.js';
import { ClientError, type Client, type ClientOptions } from './types.js';
import { connectXmlRpc } from './xmlrpc.js';
import { connectZmq, type ZmqClientOptions } from './zmq.js';

export type ConnectOptions = ClientOptions & ZmqClientOptions;

/** Which transport serves a URL, and the address it is given. */
type Route = { kind: 'zmq'; url: string; displayUrl?: string } | { kind: 'xmlrpc'; url: string } | null;

/**
 * The transport for `url`:
 * - `ipc://…`, `tcp://…` → ZeroMQ;
 * - `unix:///path` → ZeroMQ at `ipc://<path>.zmq` when that socket file exists (our daemon), else
 *   XML-RPC over the unix socket (Python's supervisord, or ours without ZeroMQ);
 * - `http://…` → XML-RPC (as in Supervisor, no https: the XML-RPC client speaks plain HTTP).
 */
function route(url: string): Route {
  if (url.startsWith('ipc://') || url.startsWith('tcp://')) return { kind: 'zmq', url };
  if (url.startsWith('unix://')) {
    const { endpoint } = zmqEndpointsForUnixSocket(url.slice('unix://'.length));
    return isSocketFile(endpoint.slice('ipc://'.length)) ? { kind: 'zmq', url: endpoint, displayUrl: url } : { kind: 'xmlrpc', url };
  }
  if (url.startsWith('http://')) return { kind: 'xmlrpc', url };
  return null;
}

/**
 * Opens a client for `url`, over the transport route() picks. Errors about reaching the server come
 * from the first call, as ClientErrors.
 */
export async function connect(url: string, opts: ConnectOptions = {}): Promise<Client> {
  const r = route(url);
  if (r?.kind === 'zmq') return connectZmq(r.url, r.displayUrl !== undefined ? { ...opts, displayUrl: r.displayUrl } : opts);
  if (r?.kind === 'xmlrpc') return connectXmlRpc(r.url, opts);
  throw new ClientError('protocol', `${url}: unsupported server URL (use unix://, http://, ipc:// or tcp://)`);
}
