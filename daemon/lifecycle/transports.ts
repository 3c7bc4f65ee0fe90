/**
 * Opening the transports (ZeroMQ, and XML-RPC over HTTP) on the method table. Each is imported
 * lazily, so a transport that is missing or broken cannot keep the daemon from starting. An HTTP
 * server that cannot bind ends startup with Supervisor's message (b.2), as does an endpoint another
 * daemon answers on; any other ZeroMQ failure is logged at CRIT and the daemon goes on without it.
 */
import { constants as osConstants } from 'node:os';
import type { ServerConfig } from '../../src/config/types.js';
import type { Logger } from '../logs/logger.js';
import type { RunningServer, ServerDeps, StartHttpServers, StartZmqServer } from '../servers/types.js';

/** Supervisor's text for EADDRINUSE. */
export const ADDRESS_IN_USE =
  'Another program is already listening on a port that one of our HTTP servers is configured to use.  ' +
  'Shut this program down first before starting supervisord.';

/** A transport failure that ends startup; `message` is what supervisord prints. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Supervisor's `Cannot open an HTTP server: socket.error reported errno.<NAME> (<n>)`. */
export function httpBindMessage(code: string | undefined): string {
  if (code === 'EADDRINUSE') return ADDRESS_IN_USE;
  const n = code ? (osConstants.errno as Record<string, number>)[code] : undefined;
  return n === undefined
    ? `Cannot open an HTTP server: socket.error reported ${code ?? 'an unknown error'}`
    : `Cannot open an HTTP server: socket.error reported errno.${code} (${n})`;
}

/** Supervisor's message, plus the transport's own text when it says more. */
function withDetail(message: string, err: unknown): string {
  const detail = (err as Error)?.message;
  return detail && detail !== message ? `${message} (${detail})` : message;
}

/** An optional module, or undefined (logged at CRIT) when it cannot be loaded. */
async function optionalImport<T>(specifier: string, what: string, logger: Logger): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    logger.critical(`${what} is not available, continuing without it: ${(err as Error).message}`);
    return undefined;
  }
}

/** Start every configured transport; throws TransportError when startup must stop. */
export async function startTransports(config: ServerConfig, deps: ServerDeps, logger: Logger): Promise<RunningServer[]> {
  const running: RunningServer[] = [];
  try {
    if (config.httpServers.length) {
      const http = await optionalImport<{ startHttpServers: StartHttpServers }>('../servers/http.js', 'XML-RPC over HTTP', logger);
      if (http) {
        try {
          running.push(await http.startHttpServers(config.httpServers, deps));
        } catch (err) {
          const msg = httpBindMessage((err as NodeJS.ErrnoException).code);
          logger.critical(withDetail(msg, err));
          throw new TransportError(msg);
        }
      }
    }
    const zmq = await optionalImport<{ startZmqServer: StartZmqServer }>('../servers/zmq.js', 'The ZeroMQ transport', logger);
    if (zmq) {
      try {
        running.push(await zmq.startZmqServer(config.zmq, deps));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          logger.critical(withDetail(ADDRESS_IN_USE, err));
          throw new TransportError(ADDRESS_IN_USE);
        }
        logger.critical(`Cannot open the ZeroMQ server, continuing without it: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await closeTransports(running);
    throw err;
  }
  return running;
}

/** Close transports, newest first; a failing close does not keep the others open. */
export async function closeTransports(running: RunningServer[]): Promise<void> {
  for (const server of [...running].reverse()) {
    try {
      await server.close();
    } catch {
      // Closing is best effort at exit.
    }
  }
}
