/**
 * `GET /logtail/<namespec>[/stdout|stderr]` and `GET /mainlogtail`: a chunked stream of a log file,
 * from its last 1024 bytes on, for as long as the client stays (Supervisor's logtail handlers).
 * 404 when there is no such process, no log file configured, or no file on disk yet.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { RpcFault } from '../../../src/api/faults.js';
import type { LogTarget } from '../../../src/client/types.js';
import type { Logger } from '../../logs/logger.js';
import { FileFollower } from './follow.js';
import { LOG_FOLLOW_START_BYTES } from '../../../src/api/protocol.js';
import { httpDate, SERVER, sendError } from './responses.js';

/**
 * The target named by a `/logtail/...` path, or null when the path names none. As Supervisor: percent
 * escapes are decoded, leading slashes dropped, the channel defaults to stdout.
 */
export function parseLogtailPath(pathname: string): LogTarget | null {
  let path = pathname;
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return null;
    }
  }
  path = path.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  if (slash < 0 || path.slice(0, slash) !== 'logtail') return null;
  const rest = path.slice(slash + 1);
  const sep = rest.indexOf('/');
  const name = sep < 0 ? rest : rest.slice(0, sep);
  const channel = sep < 0 ? 'stdout' : rest.slice(sep + 1);
  if (!name || (channel !== 'stdout' && channel !== 'stderr')) return null;
  return { name, channel };
}

/** Everything a stream needs from the server. */
export interface TailContext {
  logfile(target: LogTarget): string | null;
  logger: Logger;
  /** Streams still open, so the server can end them when it closes. */
  streams: Set<() => void>;
}

/** Starts streaming `target`'s file on `res`, or answers 404/500. */
export async function handleTail(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: LogTarget | null,
  ctx: TailContext,
): Promise<void> {
  if (req.method !== 'GET') {
    sendError(res, 400);
    return;
  }
  if (target === null) {
    sendError(res, 404);
    return;
  }
  let file: string | null;
  try {
    file = ctx.logfile(target);
  } catch (e) {
    // No such process or group: a temporary condition for Supervisor too (a reload may add it).
    if (e instanceof RpcFault) {
      sendError(res, 404);
      return;
    }
    throw e;
  }
  let mtimeMs: number;
  try {
    if (file === null) throw new Error('no log file');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    sendError(res, 404);
    return;
  }
  res.writeHead(200, {
    Server: SERVER,
    'Last-Modified': httpDate(mtimeMs),
    'Content-Type': 'text/plain;charset=utf-8',
    // Ask reverse proxies (nginx) not to buffer the stream; Supervisor sends it on /logtail only.
    ...(target === 'main' ? {} : { 'X-Accel-Buffering': 'no' }),
  });
  // Headers now, even when there is nothing to send yet: the client knows it is following.
  res.flushHeaders();
  req.socket.setNoDelay(true);

  let follower: FileFollower | null = null;
  const stop = () => {
    ctx.streams.delete(stop);
    follower?.close();
    if (!res.writableEnded) res.end();
  };
  ctx.streams.add(stop);
  res.on('close', stop);
  const sink = {
    write: (data: Buffer) => res.write(data),
    waitDrain: () =>
      new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      }),
  };
  try {
    follower = await FileFollower.start(file, LOG_FOLLOW_START_BYTES, sink, (err) => {
      ctx.logger.warn(`logtail of ${file} stopped: ${err.message}`);
      stop();
    });
    if (res.destroyed || !ctx.streams.has(stop)) follower.close();
  } catch {
    // The file vanished between stat and open: end the (empty) stream.
    stop();
  }
}
