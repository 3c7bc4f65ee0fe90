/**
 * The control socket's loop: every ROUTER message is one request, handled on its own (a long call
 * never delays another request, from the same client or any other); replies leave through one send
 * queue because zeromq.js allows one send in flight per socket. A reply to a client that went away is
 * dropped by the ROUTER (mandatory off).
 */
import type { Router } from 'zeromq';
import type { Logger } from '../../logs/logger.js';
import type { RpcContext } from '../../rpc/types.js';
import { RpcFault } from '../../../src/api/faults.js';
import type { ControlReply } from '../../../src/api/protocol.js';
import { encodeReply, errorFor, parseRequest } from './request.js';

/** Runs one validated call; the server routes `ext.getSnapshot` to its wrapper, the rest to the table. */
export type Dispatch = (method: string, params: unknown[], ctx: RpcContext) => Promise<unknown>;

export interface ControlLoop {
  /** Resolves when the socket is closed and the loop has ended. */
  readonly done: Promise<void>;
  /** Calls still running. */
  inFlight(): number;
}

/** Serves requests from `router` until it is closed. */
export function serveControl(router: Router, dispatch: Dispatch, logger: Logger, maxBytes: number): ControlLoop {
  let running = 0;
  let sendChain: Promise<void> = Promise.resolve();

  const reply = (identity: Buffer, r: ControlReply): void => {
    const text = encodeReply(r);
    sendChain = sendChain
      .then(async () => {
        if (!router.closed) await router.send([identity, text]);
      })
      .catch((err) => {
        if (!router.closed) logger.warn(`zmq: could not send a reply: ${(err as Error).message}`);
      });
  };

  const done = (async () => {
    try {
      for await (const [identity, ...body] of router) {
        if (!identity) continue;
        const req = parseRequest(body, maxBytes);
        if (!req.ok) {
          reply(identity, { id: req.id, error: req.error });
          continue;
        }
        running++;
        // Not awaited: the next request is read while this one runs.
        dispatch(req.method, req.params, { transport: 'zmq', clientId: identity.toString('hex') }).then(
          (result) => reply(identity, { id: req.id, result }),
          (err: unknown) => {
            if (!(err instanceof RpcFault)) logger.error(`zmq: ${req.method} failed: ${(err as Error)?.message ?? err}`);
            reply(identity, { id: req.id, error: errorFor(err) });
          },
        ).finally(() => running--);
      }
    } catch (err) {
      if (!router.closed) logger.critical(`zmq: control socket failed: ${(err as Error).message}`);
    }
    await sendChain;
  })();

  return { done, inFlight: () => running };
}
