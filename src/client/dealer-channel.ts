/**
 * The request channel over a zeromq DEALER: what CURVE needs (the built-in peer speaks NULL and PLAIN
 * only). A DEALER connects in the background and never reports that nobody listens, so this channel
 * probes the endpoint itself when a reply is slow (docs/protocol.md §4).
 */
import type { Socket as NetSocket } from 'node:net';
import type { Dealer } from 'zeromq';
import type { ChannelSink, RequestChannel } from './channel.js';
import { authError, connectError, ipcFileError, lostError, noAnswerError, type Target } from './endpoint.js';
import { ClientError } from './types.js';
import { zmq } from './zeromq-lib.js';
import { checkGreeting, clientGreeting } from './zmtp-codec.js';
import type { Heartbeat } from './zmtp.js';

/**
 * How long a call on a connection not yet known to work waits for its reply before the endpoint is
 * probed. A live daemon answers well within it, so the common case never pays for a probe; a dead one
 * is reported this much later.
 */
const PROBE_AFTER_MS = 50;

/**
 * The start of a ZMTP 3.0 greeting: signature and major version. That is all a server needs to send
 * its whole greeting back; sent complete, a server with another mechanism closes without sending it.
 */
export const GREETING_START = clientGreeting('NULL').start;

/** The security mechanism the ZMTP greeting in `head` announces, or null when it is no ZMTP 3 greeting. */
export function greetingMechanism(head: Buffer): string | null {
  const check = checkGreeting(head);
  return check.kind === 'zmtp3' ? check.mechanism : null;
}

/**
 * Checks the endpoint when a first call (or the first after a lost connection) gets no quick reply:
 * the ipc socket file must exist and accept a connection, the tcp port must accept one. It also reads
 * the server's greeting: a server that asks for another security mechanism than `mechanism` (e.g.
 * PLAIN when the client has no credentials) is an 'auth' refusal at once. libzmq reports that mismatch
 * only now and then (the server may reset the connection before its greeting is read) and retries.
 */
async function probe(target: Target, url: string, timeoutMs: number, mechanism: string): Promise<void> {
  const fileError = ipcFileError(target, url);
  if (fileError) throw fileError;
  const { connect: netConnect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s: NetSocket =
      target.kind === 'ipc' ? netConnect({ path: target.path }) : netConnect({ host: target.host, port: target.port });
    let connected = false;
    let head = Buffer.alloc(0);
    const finish = (err: ClientError | null): void => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(connected ? null : noAnswerError(url, timeoutMs)), timeoutMs);
    s.once('connect', () => {
      connected = true;
      s.write(GREETING_START);
    });
    s.on('data', (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const check = checkGreeting(head);
      if (check.kind === 'partial') return;
      // Not a ZMTP 3 greeting: somebody listens; the call itself says what it is.
      finish(check.kind === 'zmtp3' && check.mechanism !== mechanism ? authError(url) : null);
    });
    // Closed before the greeting was read: the endpoint accepted a connection, as before.
    s.once('end', () => finish(null));
    s.once('error', (err: NodeJS.ErrnoException) => finish(connected ? null : connectError(err, url)));
  });
}

export interface DealerChannelOptions {
  target: Target;
  /** The URL as given to connect (the DEALER connects to it). */
  rawUrl: string;
  /** The URL errors name. */
  url: string;
  /** zeromq socket options for the credentials (PLAIN or CURVE). */
  security: Record<string, unknown>;
  /** The ZMTP mechanism those options select. */
  mechanism: string;
  probeTimeoutMs: number;
  heartbeat: Heartbeat;
}

/** Requests over a zeromq DEALER, with the endpoint probe. */
export class DealerChannel implements RequestChannel {
  private dealer!: Dealer;
  /**
   * 'unknown': no reply yet on this connection (a send starts the probe timer); 'ok': a reply came
   * or a probe succeeded. Reset by a lost connection.
   */
  private reach: 'unknown' | 'ok' = 'unknown';
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private sendChain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly opts: DealerChannelOptions,
    private readonly sink: ChannelSink,
  ) {
    this.openDealer();
  }

  /** A fresh DEALER, connected (libzmq connects in the background and queues what is sent). */
  private openDealer(): void {
    const dealer = new (zmq().Dealer)({ linger: 0, heartbeatInterval: this.opts.heartbeat.intervalMs, heartbeatTimeout: this.opts.heartbeat.timeoutMs, ...this.opts.security });
    this.dealer = dealer;
    this.watch(dealer);
    dealer.connect(this.opts.rawUrl);
    void this.receiveReplies(dealer);
  }

  /** Failure events: an auth refusal fails the waiting calls; so does a lost connection. */
  private watch(dealer: Dealer): void {
    const refused = (): void => {
      this.clearProbeTimer();
      this.sink.fail(authError(this.opts.url));
    };
    dealer.events.on('handshake:error:auth', refused);
    // A client without credentials talking to a secured server fails as a mechanism mismatch.
    dealer.events.on('handshake:error:protocol', refused);
    // Only a connection that completed its handshake can lose calls: before that libzmq keeps the
    // request queued and retries (a refused handshake is reported above).
    let established = false;
    dealer.events.on('handshake', () => {
      established = true;
    });
    dealer.events.on('disconnect', () => {
      if (!established || dealer !== this.dealer) return;
      established = false;
      // ok -> unknown: the next call must find out again whether anybody listens.
      this.reach = 'unknown';
      this.clearProbeTimer();
      this.sink.fail(lostError(this.opts.url));
    });
  }

  private async receiveReplies(dealer: Dealer): Promise<void> {
    try {
      for await (const [frame] of dealer) {
        // unknown -> ok: somebody answers, no probe needed on this connection.
        this.reach = 'ok';
        this.clearProbeTimer();
        if (frame) this.sink.reply(frame);
      }
    } catch (err) {
      if (!this.closed && dealer === this.dealer) this.sink.fail(new ClientError('protocol', `${this.opts.url}: ${(err as Error).message}`));
    }
  }

  private clearProbeTimer(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  /**
   * A request went out on a connection not known to work: probe the endpoint unless a reply comes
   * first. The request is sent at once (no round trip before it); the probe only runs when the answer
   * is slow.
   */
  private armProbe(): void {
    if (this.reach === 'ok' || this.probeTimer || this.probing) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      if (this.reach === 'ok' || this.closed || !this.sink.waiting()) return;
      this.probing = true;
      probe(this.opts.target, this.opts.url, this.opts.probeTimeoutMs, this.opts.mechanism).then(
        () => {
          this.probing = false;
          // unknown -> ok: the endpoint accepts connections; the call is just slow (start with wait…).
          if (!this.closed) this.reach = 'ok';
        },
        (err: ClientError) => {
          this.probing = false;
          if (this.closed) return;
          this.sink.fail(err);
          // The requests still queued in the DEALER must never reach a daemon that comes up later.
          this.dealer.close();
          this.openDealer();
        },
      );
    }, PROBE_AFTER_MS);
  }

  send(frame: string): void {
    if (this.closed) throw lostError(this.opts.url);
    if (this.reach !== 'ok') {
      // A missing socket file is known without waiting: nothing is sent.
      const fileError = ipcFileError(this.opts.target, this.opts.url);
      if (fileError) throw fileError;
    }
    this.armProbe();
    // One send in flight per socket (zeromq.js): queue them.
    const dealer = this.dealer;
    this.sendChain = this.sendChain
      .then(() => dealer.send(frame))
      .catch((err: Error) => {
        if (!this.closed && dealer === this.dealer) this.sink.fail(new ClientError('protocol', `${this.opts.url}: ${err.message}`));
      });
  }

  close(): void {
    this.closed = true;
    this.clearProbeTimer();
    // linger 0: nothing unsent keeps the process alive.
    this.dealer.close();
  }
}
