/**
 * The request channel over the built-in ZMTP peer (zmtp.ts): one connection at a time, opened by the
 * first request and again by the first after a lost one. Connecting needs no probe: a refused connect,
 * a missing socket file, a foreign server or refused credentials are known from the connection itself.
 */
import type { ChannelSink, RequestChannel } from './channel.js';
import { ipcFileError, lostError, type Target } from './endpoint.js';
import type { ClientError } from './types.js';
import { ZmtpDealer, type Heartbeat } from './zmtp.js';

export interface ZmtpChannelOptions {
  target: Target;
  url: string;
  plain: { username: string; password: string } | null;
  greetingTimeoutMs: number;
  handshakeTimeoutMs: number;
  heartbeat: Heartbeat;
}

/** Requests over ZmtpDealer connections. */
export class ZmtpChannel implements RequestChannel {
  private peer: ZmtpDealer | null = null;
  private open = false;
  /** Requests made while the handshake runs: written once it is done, dropped if it fails. */
  private queued: Buffer[] = [];
  private closed = false;

  constructor(
    private readonly opts: ZmtpChannelOptions,
    private readonly sink: ChannelSink,
  ) {}

  send(frame: string): void {
    if (this.closed) throw lostError(this.opts.url);
    if (!this.peer) {
      // A missing socket file is known without trying: nothing is sent.
      const fileError = ipcFileError(this.opts.target, this.opts.url);
      if (fileError) throw fileError;
      this.connect();
    }
    const bytes = Buffer.from(frame, 'utf8');
    if (this.open) this.peer!.send(bytes);
    else this.queued.push(bytes);
  }

  private connect(): void {
    const peer = new ZmtpDealer(this.opts, {
      ready: (mechanism) => {
        // handshaking -> open: what waited goes out, in order.
        this.open = true;
        this.sink.mechanism?.(mechanism);
        for (const b of this.queued.splice(0)) peer.send(b);
      },
      message: (frames) => {
        // A DEALER gets the ROUTER's reply without the identity frame: the JSON is the first frame.
        if (frames[0]) this.sink.reply(frames[0]);
      },
      closed: (err: ClientError | null) => {
        if (this.peer !== peer) return;
        // open/handshaking -> none: the next request connects again. Queued requests never go out,
        // so a daemon that comes up later cannot receive them.
        this.peer = null;
        this.open = false;
        this.queued = [];
        if (err) this.sink.fail(err);
      },
    });
    this.peer = peer;
  }

  close(): void {
    this.closed = true;
    const peer = this.peer;
    this.peer = null;
    this.queued = [];
    peer?.close();
  }
}
