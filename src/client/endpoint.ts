/**
 * A ZeroMQ control URL as both request channels see it: where it points, and the ClientErrors that
 * name it, worded once so that both paths print the same supervisorctl lines.
 */
import { lstatSync } from 'node:fs';
import { ClientError } from './types.js';

/** Where an `ipc://` or `tcp://` URL points. */
export type Target = { kind: 'ipc'; path: string } | { kind: 'tcp'; host: string; port: number };

/** Parses the control URL; throws ClientError('protocol') for anything but ipc:///path or tcp://host:port. */
export function parseUrl(url: string): Target {
  if (url.startsWith('ipc://') && url.length > 6) return { kind: 'ipc', path: url.slice(6) };
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(url);
  if (m) return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  throw new ClientError('protocol', `${url}: not a ZeroMQ URL (ipc:///path or tcp://host:port)`);
}

/** Whether `path` is a socket file (missing, or anything else, is not). */
export function isSocketFile(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/** The ipc socket file must exist and be a socket (checked before anything is sent). */
export function ipcFileError(target: Target, url: string): ClientError | null {
  if (target.kind !== 'ipc' || isSocketFile(target.path)) return null;
  return new ClientError('nofile', `${url} no such file`);
}

/**
 * What a failed connect() means, for every transport: no socket file, nobody accepting, a socket this
 * user may not use, or no answer; anything else is the system's own text.
 */
export function connectError(err: NodeJS.ErrnoException, url: string): ClientError {
  switch (err.code) {
    case 'ENOENT':
      return new ClientError('nofile', `${url} no such file`);
    case 'ECONNREFUSED':
      return new ClientError('refused', `${url} refused connection`);
    case 'EACCES':
    case 'EPERM':
      return new ClientError('denied', `${url}: permission denied`);
    case 'ETIMEDOUT':
      return new ClientError('timeout', `${url} timed out`);
    default:
      return new ClientError('protocol', `${url}: ${err.message}`);
  }
}

/** No connection (or no greeting) within `ms`. */
export function noAnswerError(url: string, ms: number): ClientError {
  return new ClientError('timeout', `${url}: no answer within ${ms} ms`);
}

/** The one refusal of wrong or missing credentials, whoever notices it first. */
export function authError(url: string): ClientError {
  return new ClientError('auth', `${url}: authentication failed (wrong or missing credentials)`);
}

/** A connection that worked and broke: the calls waiting on it fail (the daemon may have run them). */
export function lostError(url: string): ClientError {
  return new ClientError('protocol', `${url}: connection lost`);
}
