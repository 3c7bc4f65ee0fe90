/**
 * The ipc socket files of the daemon: a stale file left by a dead daemon is removed before binding,
 * a live one (something still accepts on it) is refused; after binding the file gets the configured
 * mode and owner, like Supervisor's unix_http_server `chmod`/`chown`.
 */
import { lstatSync, unlinkSync, chmodSync, chownSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { socketInUse } from '../http/listen.js';

/** An error whose `code` tells the daemon why a bind failed (EADDRINUSE = another daemon answers). */
export class BindError extends Error {
  constructor(
    message: string,
    readonly code: 'EADDRINUSE' | 'ENOENT' | 'ENOTSOCK',
  ) {
    super(message);
    this.name = 'BindError';
  }
}

/**
 * Makes `path` free for binding: nothing there, or a stale socket file (removed). Throws BindError
 * when a daemon still answers on it, when it is not a socket, or when its directory is missing.
 */
export async function prepareIpcPath(path: string, url: string): Promise<void> {
  if (!existsSync(dirname(path))) {
    throw new BindError(`cannot bind ${url}: directory ${dirname(path)} does not exist`, 'ENOENT');
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new BindError(`cannot bind ${url}: ${path} exists and is not a socket`, 'ENOTSOCK');
  // A listener that does not answer in time counts as live: never delete someone's socket.
  if (await socketInUse(path, 1000)) {
    throw new BindError(`cannot bind ${url}: another program is already listening on ${path}`, 'EADDRINUSE');
  }
  // Nobody accepts on it: a dead daemon's leftover. libzmq would replace it silently anyway.
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** sun_path holds 108 bytes on Linux, with the terminating NUL. */
const MAX_SUN_PATH = 107;

/**
 * Binds a socket at `path` so that nobody else can connect before it has its mode and owner: bind
 * inside a fresh 0700 directory next to it, chmod/chown there, then rename it into place (the way
 * Supervisor binds its unix socket under a temporary name). No process-wide umask is touched.
 */
export async function bindIpcPrivately(
  path: string,
  bind: (url: string) => Promise<void>,
  mode: number,
  owner: [number, number] | null,
): Promise<void> {
  const dir = mkdtempSync(join(dirname(path), '.zmq-bind-'));
  if (Buffer.byteLength(join(dir, basename(path))) > MAX_SUN_PATH) {
    // The detour would not fit in a socket address: bind in place and secure it right after.
    rmSync(dir, { recursive: true, force: true });
    await bind(`ipc://${path}`);
    chmodSync(path, mode);
    if (owner) chownSync(path, owner[0], owner[1]);
    return;
  }
  try {
    const tmp = join(dir, basename(path));
    await bind(`ipc://${tmp}`);
    chmodSync(tmp, mode);
    if (owner) chownSync(tmp, owner[0], owner[1]);
    renameSync(tmp, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes a socket file this daemon bound, if it is still there. */
export function removeIpcPath(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // already removed (libzmq unlinks on close)
  }
}
