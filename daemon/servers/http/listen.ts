/**
 * Binding the HTTP servers as Supervisor does. Unix: bind `<file>.<pid>`, chmod it, hard-link it to
 * `<file>` (atomic: two daemons cannot both win), chown; a `<file>` nobody answers on is a stale socket,
 * removed with `Unlinking stale socket <file>` on stderr; one in use is EADDRINUSE. Inet: `host:port`,
 * an empty host meaning all interfaces.
 */
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A server that cannot bind. `message` is the text Supervisor's `openhttpservers` passes to usage()
 * (so supervisord prints `Error: <message>`); `code` is the errno name (EADDRINUSE, EACCES, EPERM…).
 */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Supervisor's usage text for EADDRINUSE. */
export const ADDRESS_IN_USE =
  'Another program is already listening on a port that one of our HTTP servers is configured to use.  ' +
  'Shut this program down first before starting supervisord.';

/** The ListenError Supervisor reports for a socket error with errno `code`. */
export function socketError(code: string | undefined): ListenError {
  if (code === 'EADDRINUSE') return new ListenError(ADDRESS_IN_USE, code);
  const num = code ? (os.constants.errno as Record<string, number>)[code] : undefined;
  const help = 'Cannot open an HTTP server: socket.error reported';
  return new ListenError(num === undefined ? `${help} ${code ?? 'unknown error'}` : `${help} errno.${code} (${num})`, code ?? 'EIO');
}

function listenOn(server: net.Server, args: { path: string } | { host?: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ ...args, backlog: 1024 });
  });
}

/** True when something accepts connections on the socket file (Supervisor's `checkused`). */
export function socketInUse(file: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(file);
    const done = (used: boolean) => {
      s.destroy();
      resolve(used);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    // Connected but silent, or stuck: assume a live server rather than delete someone's socket.
    s.setTimeout(timeoutMs, () => done(true));
  });
}

function unlinkQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // Already gone.
  }
}

/** The `(uid, gid)` repr Supervisor prints in its chown error. */
function pyTuple(t: [number, number]): string {
  return `(${t[0]}, ${t[1]})`;
}

/**
 * Binds `server` to the unix socket `file` with mode `chmod` and owner `chown` ([-1,-1] = unchanged).
 * Resolves with the inode of the socket file, so the server removes only its own file on close.
 */
export async function listenUnix(
  server: net.Server,
  file: string,
  chmod: number,
  chown: [number, number] | undefined,
): Promise<number> {
  const temp = `${file}.${process.pid}`;
  unlinkQuietly(temp);
  // libuv reports a missing directory as EACCES; check first so the errno is the true one.
  if (!fs.existsSync(path.dirname(file))) throw socketError('ENOENT');
  try {
    await listenOn(server, { path: temp });
  } catch (e) {
    throw socketError((e as NodeJS.ErrnoException).code);
  }
  try {
    fs.chmodSync(temp, chmod);
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(temp, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
      }
      if (await socketInUse(file)) throw socketError('EADDRINUSE');
      // Stale: left behind by a daemon that died. Remove it and link again.
      process.stderr.write(`Unlinking stale socket ${file}\n`);
      unlinkQuietly(file);
    }
    if (chown && (chown[0] !== -1 || chown[1] !== -1)) {
      try {
        fs.chownSync(file, chown[0], chown[1]);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
        unlinkQuietly(file);
        throw new ListenError(
          `Not permitted to chown ${file} to uid/gid ${pyTuple(chown)}; adjust "sockchown" value in config file or ` +
            `on command line to values that the current user (${os.userInfo().username}) can successfully chown`,
          'EPERM',
        );
      }
    }
    return fs.statSync(file).ino;
  } catch (e) {
    server.close();
    if (e instanceof ListenError) throw e;
    throw socketError((e as NodeJS.ErrnoException).code);
  } finally {
    // The listening socket lives on under `file`; the temporary name goes either way.
    unlinkQuietly(temp);
  }
}

/** Binds `server` to `host:port`; '' (or '*') means every interface. A name resolves to IPv4 first, as
 * Supervisor's AF_INET socket does. */
export async function listenInet(server: net.Server, host: string, port: number): Promise<void> {
  let address: string | undefined;
  if (host && host !== '*') {
    if (net.isIP(host)) address = host;
    else {
      try {
        address = (await dns.lookup(host, { family: 4 })).address;
      } catch {
        try {
          address = (await dns.lookup(host)).address;
        } catch {
          throw new ListenError(`Cannot open an HTTP server: cannot resolve host ${JSON.stringify(host)}`, 'ENOTFOUND');
        }
      }
    }
  }
  try {
    await listenOn(server, address === undefined ? { port } : { host: address, port });
  } catch (e) {
    throw socketError((e as NodeJS.ErrnoException).code);
  }
}
