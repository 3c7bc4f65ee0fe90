/**
 * Parsing of ZeroMQ endpoints as the daemon binds them: which transport, the ipc socket path, the tcp
 * host, and whether that host is loopback (a non-loopback tcp bind needs credentials).
 */

export type ParsedEndpoint =
  | { transport: 'ipc'; url: string; /** null for the abstract namespace (`ipc://@name`). */ path: string | null }
  | { transport: 'tcp'; url: string; host: string; port: string }
  | { transport: 'inproc'; url: string };

/** Parses `ipc:///path`, `tcp://host:port` or `inproc://name`; throws a one-line Error otherwise. */
export function parseEndpoint(url: string, option: string): ParsedEndpoint {
  const m = /^([a-z]+):\/\/(.+)$/.exec(url);
  if (!m) throw new Error(`[zmq_server] ${option} ${JSON.stringify(url)} is not a ZeroMQ endpoint (ipc:///path or tcp://host:port)`);
  const [, scheme, rest] = m as unknown as [string, string, string];
  if (scheme === 'ipc') return { transport: 'ipc', url, path: rest.startsWith('@') ? null : rest };
  if (scheme === 'inproc') return { transport: 'inproc', url };
  if (scheme === 'tcp') {
    const hp = /^(\[[^\]]+\]|[^:]+):(\d+|\*)$/.exec(rest);
    if (!hp) throw new Error(`[zmq_server] ${option} ${url} must be tcp://host:port`);
    return { transport: 'tcp', url, host: hp[1]!, port: hp[2]! };
  }
  throw new Error(`[zmq_server] ${option} ${url}: unsupported transport ${scheme}:// (use ipc:// or tcp://)`);
}

/** True for localhost, 127.0.0.0/8 and ::1: hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
