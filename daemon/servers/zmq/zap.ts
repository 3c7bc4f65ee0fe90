/**
 * The ZAP handler (ZeroMQ RFC 27): libzmq asks it, over `inproc://zeromq.zap.01` in the sockets'
 * context, whether a PLAIN or CURVE peer may connect. It must be bound before any secured socket
 * accepts, because libzmq lets everyone in when no handler is bound.
 */
import { Reply, type Context } from 'zeromq';
import type { Logger } from '../../logs/logger.js';
import { z85Encode } from './z85.js';
import { passwordMatches, sameSecret } from '../password.js';

export const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

/** Who may connect. Exactly one mechanism is in force on a server. */
export type ZapPolicy =
  | { mechanism: 'PLAIN'; username: string; /** plain text or `{SHA}<hex sha1>` */ password: string }
  | { mechanism: 'CURVE'; allowedClients: ReadonlySet<string> };

export interface ZapHandler {
  close(): void;
}

/** Decides one ZAP request: [mechanism, ...credentials] → user id, or null to refuse. */
export function decide(policy: ZapPolicy, mechanism: string, credentials: Buffer[]): string | null {
  if (mechanism !== policy.mechanism) return null;
  if (policy.mechanism === 'PLAIN') {
    const [user, pass] = credentials;
    if (!user || !pass) return null;
    const okUser = sameSecret(policy.username, user);
    const okPass = passwordMatches(policy.password, pass);
    return okUser && okPass ? policy.username : null;
  }
  const key = credentials[0];
  if (!key || key.length !== 32) return null;
  const z85 = z85Encode(key);
  return policy.allowedClients.has(z85) ? z85 : null;
}

/** Binds the ZAP handler in `context` and answers requests until closed. */
export async function startZapHandler(context: Context, policy: ZapPolicy, logger: Logger): Promise<ZapHandler> {
  const sock = new Reply({ context, linger: 0 });
  await sock.bind(ZAP_ENDPOINT);
  void (async () => {
    try {
      for await (const frames of sock) {
        const [version, requestId, , address, , mechanism, ...credentials] = frames;
        const mech = mechanism?.toString('latin1') ?? '';
        const user = version?.toString() === '1.0' ? decide(policy, mech, credentials) : null;
        // Refusals are logged at debug: a client with a wrong password reconnects repeatedly.
        if (user === null) logger.debug(`zmq: refused ${mech} client from ${address?.toString() ?? '?'}`);
        await sock.send([
          version ?? '1.0',
          requestId ?? '',
          user === null ? '400' : '200',
          user === null ? 'Invalid credentials' : 'OK',
          user ?? '',
          '',
        ]);
      }
    } catch (err) {
      if (!sock.closed) logger.error(`zmq: ZAP handler failed: ${(err as Error).message}`);
    }
  })();
  return { close: () => sock.close() };
}
