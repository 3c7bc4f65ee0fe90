/**
 * `connect(url)`: the one way supervisorctl, the shell and the TUI get a Client. The URL scheme picks
 * the transport (DESIGN.md rule 2); each transport is imported only when used, so a one-shot command
 * over XML-RPC never loads zeromq, and one over ZeroMQ never loads the XML-RPC code.
 */
import { lstatSync } from 'node:fs';
import { ClientError, type Client, type ClientOptions } from './types.js';
import type { ZmqClientOptions } from './zmq.js';

export type ConnectOptions = ClientOptions & ZmqClientOptions;

/** The ZeroMQ control socket our daemon binds next to a unix_http_server file (src/config derives it). */
export function zmqSocketForUnixPath(path: string): string {
  return `${path}.zmq`;
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * Opens a client for `url`:
 * - `ipc://…`, `tcp://…` → ZeroMQ;
 * - `unix:///path` → ZeroMQ at `ipc://<path>.zmq` when that socket file exists (our daemon), else
 *   XML-RPC over the unix socket (Python's supervisord, or ours without ZeroMQ);
 * - `http://…`, `https://…` → XML-RPC.
 * Errors about reaching the server come from the first call, as ClientErrors.
 */
export async function connect(url: string, opts: ConnectOptions = {}): Promise<Client> {
  if (url.startsWith('ipc://') || url.startsWith('tcp://')) {
    const { connectZmq } = await import('./zmq.js');
    return connectZmq(url, opts);
  }
  if (url.startsWith('unix://')) {
    const zmqPath = zmqSocketForUnixPath(url.slice('unix://'.length));
    if (isSocket(zmqPath)) {
      const { connectZmq } = await import('./zmq.js');
      return connectZmq(`ipc://${zmqPath}`, { ...opts, displayUrl: url });
    }
    const { connectXmlRpc } = await import('./xmlrpc.js');
    return connectXmlRpc(url, opts);
  }
  if (url.startsWith('http://') || url.startsWith('https://')) {
    const { connectXmlRpc } = await import('./xmlrpc.js');
    return connectXmlRpc(url, opts);
  }
  throw new ClientError('protocol', `${url}: unsupported server URL (use unix://, http://, ipc:// or tcp://)`);
}
