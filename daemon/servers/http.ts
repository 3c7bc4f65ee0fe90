/**
 * Supervisor's HTTP servers ([unix_http_server], [inet_http_server]): XML-RPC at /RPC2 over the one
 * method table, log streams at /logtail and /mainlogtail (DESIGN.md: a thin adapter, rule 1).
 */
import fs from 'node:fs';
import http from 'node:http';
import { pyRepr } from '../../src/config/pyrepr.js';
import type { HttpServerConfig } from '../../src/config/types.js';
import { listenInet, listenUnix } from './http/listen.js';
import { createRequestHandler } from './http/router.js';
import type { RunningServer, ServerDeps, StartHttpServers } from './types.js';

/** The namespaces Supervisor would report as initialised rpcinterfaces (not system, not our ext). */
function rpcInterfaces(deps: ServerDeps): string[] {
  const names = new Set(deps.table.list().map((m) => m.split('.')[0]!));
  return [...names].filter((n) => n !== 'system' && n !== 'ext').sort();
}

/** Starts one server; resolves once it is bound. */
async function startOne(config: HttpServerConfig, deps: ServerDeps): Promise<RunningServer> {
  const streams = new Set<() => void>();
  const server = http.createServer(
    // Python's http_client sends an empty Host over unix sockets; Supervisor accepts that.
    { requireHostHeader: false },
    createRequestHandler(config, deps, streams),
  );
  // Python's supervisorctl keeps one connection for the whole shell session and never retries a
  // request the server closed under it: no idle timeout.
  server.keepAliveTimeout = 0;
  let socketIno: number | null = null;
  if (config.family === 'unix') {
    if (!config.file) throw new Error(`section [${config.section}] has no file value`);
    socketIno = await listenUnix(server, config.file, config.chmod ?? 0o700, config.chown);
  } else {
    if (config.port === undefined) throw new Error(`section [${config.section}] has no port value`);
    await listenInet(server, config.host ?? '', config.port);
  }
  for (const name of rpcInterfaces(deps)) deps.logger.info(`RPC interface ${pyRepr(name)} initialized`);
  if (!config.username) {
    deps.logger.critical(`Server ${pyRepr(config.section)} running without any HTTP authentication checking`);
  }
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const stop of [...streams]) stop();
        server.close(() => resolve());
        server.closeAllConnections();
        if (config.file && socketIno !== null) {
          // Remove the socket file only while it is still ours (not another daemon's since).
          try {
            if (fs.statSync(config.file).ino === socketIno) fs.unlinkSync(config.file);
          } catch {
            // Already gone.
          }
        }
      });
      return closing;
    },
  };
}

/**
 * Starts every configured HTTP server, in order. If one cannot bind, the ones already started are closed
 * and the error (a ListenError with code EADDRINUSE, EACCES, EPERM…) is thrown.
 */
export const startHttpServers: StartHttpServers = async (configs, deps) => {
  const running: RunningServer[] = [];
  try {
    for (const config of configs) running.push(await startOne(config, deps));
  } catch (e) {
    await Promise.all(running.map((r) => r.close()));
    throw e;
  }
  return {
    async close() {
      await Promise.all(running.map((r) => r.close()));
    },
  };
};
