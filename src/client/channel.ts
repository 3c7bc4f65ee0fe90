/**
 * The request side of the ZeroMQ client, apart from what it is built on: ZmqClient keeps the calls
 * (ids, timeouts, matching replies) and hands each request frame to a RequestChannel, which delivers
 * replies and connection failures back through a ChannelSink. Two channels exist: the built-in ZMTP
 * peer (zmtp-channel.ts, no zeromq package) and a zeromq DEALER (dealer-channel.ts, needed for CURVE).
 */
import type { ClientError } from './types.js';

/** What a channel reports to the client that owns it. */
export interface ChannelSink {
  /** One reply frame arrived (in any order; the client matches it by id). */
  reply(frame: Buffer): void;
  /** Every call waiting for a reply fails with `err` (refused, auth, lost connection…). */
  fail(err: ClientError): void;
  /** Whether any call is waiting for a reply. */
  waiting(): boolean;
  /** The security mechanism a connection was made with (the built-in peer learns it from the server). */
  mechanism?(name: 'NULL' | 'PLAIN'): void;
}

/** Carries request frames to the daemon's ROUTER. */
export interface RequestChannel {
  /**
   * Sends one request frame, connecting first when there is no connection. Throws a ClientError at
   * once when the failure is known without trying (no ipc socket file): nothing is sent then.
   */
  send(frame: string): void;
  /** Drops the connection and anything unsent; the channel is not used again. */
  close(): void;
}
