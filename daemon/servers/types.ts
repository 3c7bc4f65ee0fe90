/**
 * How daemon/main.ts starts the transports. Each transport is a thin adapter over the one method
 * table (DESIGN.md rule 1) and the event bus (rule 3).
 */
import type { HttpServerConfig, ZmqServerConfig } from '../../src/config/types.js';
import type { MethodTable } from '../rpc/types.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logs/logger.js';
import type { LogTarget } from '../../src/client/types.js';

export interface ServerDeps {
  table: MethodTable;
  bus: EventBus;
  logger: Logger;
  /**
   * The file behind a log target (a process channel or 'main'), or null when there is none
   * (no such process: throws RpcFault BAD_NAME).
   */
  logfile(target: LogTarget): string | null;
}

export interface RunningServer {
  /** Stop listening, close client connections, remove socket files this server created. */
  close(): Promise<void>;
}

/** daemon/servers/zmq.ts exports `startZmqServer: StartZmqServer`. */
export type StartZmqServer = (config: ZmqServerConfig, deps: ServerDeps) => Promise<RunningServer>;

/** daemon/servers/http.ts exports `startHttpServers: StartHttpServers` (XML-RPC, /logtail, /mainlogtail). */
export type StartHttpServers = (configs: HttpServerConfig[], deps: ServerDeps) => Promise<RunningServer>;
