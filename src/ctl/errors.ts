/**
 * Supervisor's generic error line, `error: <class 'X'>, <value>`, printed (exit 1) when an action meets
 * something it does not handle. Python adds `: file: <f> line: <n>` of its own source; we leave that out.
 */
import { RpcFault } from '../api/faults.js';
import { ClientError } from '../client/types.js';
import { faultRepr } from './pyformat.js';

/** An error carrying the Python exception class name Supervisor would report (e.g. ValueError). */
export class PyError extends Error {
  constructor(
    readonly pyClass: string,
    message: string,
  ) {
    super(message);
    this.name = 'PyError';
  }
}

/** The one line printed for an unhandled error `e` while talking to `url`. */
export function genericErrorLine(e: unknown, url: string): string {
  if (e instanceof RpcFault) return `error: <class 'xmlrpc.client.Fault'>, ${faultRepr(e.code, e.message)}`;
  if (e instanceof PyError) return `error: <class '${e.pyClass}'>, ${e.message}`;
  if (e instanceof ClientError) {
    switch (e.kind) {
      case 'nofile':
        return `error: <class 'FileNotFoundError'>, [Errno 2] No such file or directory: ${url}`;
      case 'refused':
        return `error: <class 'ConnectionRefusedError'>, [Errno 111] Connection refused: ${url}`;
      case 'timeout':
        return `error: <class 'TimeoutError'>, timed out: ${url}`;
      case 'denied':
        return `error: <class 'PermissionError'>, [Errno 13] Permission denied`;
      case 'auth':
        return `error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for ${url}: 401 Unauthorized>`;
      default:
        return `error: <class 'xmlrpc.client.ProtocolError'>, ${e.message}`;
    }
  }
  if (e instanceof Error) return `error: <class '${e.name}'>, ${e.message}`;
  return `error: <class 'Exception'>, ${String(e)}`;
}
