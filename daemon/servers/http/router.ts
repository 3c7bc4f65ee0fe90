/**
 * One HTTP server's request dispatch, in Supervisor's handler order: /RPC2, /logtail, /mainlogtail,
 * then everything else (the web UI's place). Basic auth guards every path when a username is set.
 */
import type http from 'node:http';
import type { HttpServerConfig } from '../../../src/config/types.js';
import type { ServerDeps } from '../types.js';
import { authorize, parseAuthorization } from './auth.js';
import { handleTail, parseLogtailPath, type TailContext } from './logtail.js';
import { sendError, sendNoWebUi } from './responses.js';
import { handleRpc } from './rpc.js';

/** Builds the request listener of the server for `config`. `streams` collects open log streams. */
export function createRequestHandler(
  config: HttpServerConfig,
  deps: ServerDeps,
  streams: Set<() => void>,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const tail: TailContext = { logfile: (t) => deps.logfile(t), logger: deps.logger, streams };
  return (req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split(/[?#]/, 1)[0]!;
    const auth = authorize(req.headers.authorization, config.username, config.password);
    if (!auth.ok) {
      // Supervisor's medusa notes odd credentials on stderr.
      const parsed = parseAuthorization(req.headers.authorization);
      if (parsed.kind === 'malformed') process.stderr.write(`malformed authorization info <${req.headers.authorization}>\n`);
      else if (parsed.kind === 'unsupported') process.stderr.write(`unknown/unsupported auth method: ${parsed.scheme}\n`);
      req.resume();
      if (auth.status === 401) {
        sendError(res, 401, { Connection: 'close', 'WWW-Authenticate': 'Basic realm="default"' });
      } else sendError(res, 400);
      return;
    }
    let work: Promise<void>;
    if (pathname.startsWith('/RPC2')) {
      work = handleRpc(req, res, deps.table, deps.logger, auth.user);
    } else if (pathname === '/logtail' || pathname.startsWith('/logtail/')) {
      work = handleTail(req, res, parseLogtailPath(pathname), tail);
    } else if (pathname.startsWith('/mainlogtail')) {
      work = handleTail(req, res, 'main', tail);
    } else {
      req.resume();
      if (req.method === 'GET' && (pathname === '/' || pathname === '/index.html')) sendNoWebUi(res);
      else sendError(res, 404);
      return;
    }
    work.catch((e: unknown) => {
      deps.logger.critical(`Handling HTTP request ${req.method} ${url} raised an unexpected exception: ${(e as Error)?.stack ?? e}`);
      sendError(res, 500);
    });
  };
}
