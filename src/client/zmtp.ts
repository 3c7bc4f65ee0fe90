/**
 * A ZMTP 3.0 DEALER peer over node:net (RFC 23), with the NULL and PLAIN (RFC 24) mechanisms: enough to
 * talk to the daemon's ROUTER without loading the zeromq package. One ZmtpDealer is one connection: it
 * connects, greets, handshakes, then carries messages until it closes; reconnecting is the owner's job.
 * Failures come out as the ClientErrors the zeromq path gives for the same situation (endpoint.ts).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { authError, connectError, lostError, noAnswerError, type Target } from './endpoint.js';
import {
  FrameReader,
  GREETING_SIZE,
  checkGreeting,
  clientGreeting,
  encodeCommand,
  encodeFrame,
  encodeMetadata,
  parseCommand,
  parseMetadata,
  plainHello,
} from './zmtp-codec.js';
import { ClientError } from './types.js';

/** The socket types a DEALER may talk to (RFC 28). */
const DEALER_PEERS = new Set(['ROUTER', 'DEALER', 'REP']);

export interface ZmtpDealerOptions {
  target: Target;
  /** The URL errors name (what the user gave). */
  url: string;
  /** PLAIN credentials; without them the NULL mechanism. */
  plain?: { username: string; password: string } | null;
  /** How long connecting and reading the server's greeting may take before 'timeout'. */
  greetingTimeoutMs: number;
  /** How long the rest of the handshake (the ZAP check of PLAIN included) may take. */
  handshakeTimeoutMs: number;
  /** Once open: a PING every intervalMs; nothing heard for timeoutMs (a frozen or vanished server) ends the connection. */
  heartbeat: Heartbeat;
}

/** ZMTP 3.1 heartbeats, as libzmq's ZMQ_HEARTBEAT_IVL and ZMQ_HEARTBEAT_TIMEOUT. */
export interface Heartbeat {
  intervalMs: number;
  timeoutMs: number;
}

export interface ZmtpDealerEvents {
  /** The handshake is done, with `mechanism`: send() may be used. */
  ready(mechanism: 'NULL' | 'PLAIN'): void;
  /** One whole message (all its frames). */
  message(frames: Buffer[]): void;
  /** The connection is gone: `err` says why, null when close() ended it. Called once. */
  closed(err: ClientError | null): void;
}

/**
 * The phases of one connection:
 * connecting → greeting → (PLAIN: welcome → ) ready-wait → open → closed.
 */
type Phase = 'connecting' | 'greeting' | 'welcome' | 'ready-wait' | 'open' | 'closed';

/** One ZMTP 3.0 connection speaking as a DEALER. */
export class ZmtpDealer {
  private readonly sock: Socket;
  private readonly reader = new FrameReader();
  private phase: Phase = 'connecting';
  private timer: NodeJS.Timeout | null = null;
  /** While open: the heartbeat, and when the server was last heard from. */
  private beat: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  /** Frames of the message being received (MORE set on all but the last). */
  private parts: Buffer[] = [];
  /** What we offer (PLAIN with credentials), until the server's greeting says what it wants. */
  private mechanism: 'NULL' | 'PLAIN';
  private readonly greeting: { start: Buffer; rest: Buffer };

  constructor(
    private readonly opts: ZmtpDealerOptions,
    private readonly events: ZmtpDealerEvents,
  ) {
    this.mechanism = opts.plain ? 'PLAIN' : 'NULL';
    this.greeting = clientGreeting(this.mechanism);
    const t = opts.target;
    this.sock = t.kind === 'ipc' ? netConnect({ path: t.path }) : netConnect({ host: t.host, port: t.port, noDelay: true });
    this.arm(opts.greetingTimeoutMs, () => noAnswerError(opts.url, opts.greetingTimeoutMs));
    this.sock.once('connect', () => {
      // connecting -> greeting: send the greeting's start; the server answers with its whole greeting.
      this.phase = 'greeting';
      this.sock.write(this.greeting.start);
    });
    this.sock.on('data', (chunk: Buffer) => {
      this.lastHeard = performance.now();
      this.reader.push(chunk);
      try {
        this.consume();
      } catch (err) {
        this.finish(err instanceof ClientError ? err : this.protocolError((err as Error).message));
      }
    });
    this.sock.on('error', (err: NodeJS.ErrnoException) => {
      // Before the connection: nobody there. After it: the connection broke ('close' follows).
      this.finish(this.phase === 'connecting' ? connectError(err, opts.url) : this.closedError());
    });
    this.sock.on('close', () => this.finish(this.closedError()));
  }

  /** Sends a one-part message. Only once ready() was called. */
  send(frame: Buffer): void {
    if (this.phase !== 'open') throw new Error('ZMTP connection is not open');
    this.sock.write(Buffer.concat(encodeFrame(frame)));
  }

  /** Ends the connection; closed(null) follows. */
  close(): void {
    this.finish(null);
  }

  private protocolError(reason: string): ClientError {
    return new ClientError('protocol', `${this.opts.url}: ZMTP: ${reason}`);
  }

  /** Why a connection that closed by itself ended, by how far it got. */
  private closedError(): ClientError {
    switch (this.phase) {
      case 'open':
        return lostError(this.opts.url);
      // A PLAIN server that refuses the credentials may just close instead of sending ERROR.
      case 'welcome':
        return authError(this.opts.url);
      default:
        return this.protocolError('the server closed the connection during the handshake');
    }
  }

  /** One timer at a time: the current phase's deadline. */
  private arm(ms: number, error: () => ClientError): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = ms > 0 ? setTimeout(() => this.finish(error()), ms) : null;
  }

  private finish(err: ClientError | null): void {
    if (this.phase === 'closed') return;
    // any -> closed: once, whatever ended it.
    this.phase = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    this.sock.destroy();
    this.events.closed(err);
  }

  /** Works through what has arrived, phase by phase. */
  private consume(): void {
    if (this.phase === 'greeting' && !this.readGreeting()) return;
    for (;;) {
      if (this.phase === 'closed') return;
      const frame = this.reader.next();
      if (!frame) return;
      if (frame.command) this.command(frame.body);
      else if (this.phase !== 'open') throw this.protocolError('a message before the handshake ended');
      else this.part(frame.body, frame.more);
    }
  }

  /** Checks the server's greeting as its bytes come; true once it is whole and right. */
  private readGreeting(): boolean {
    const check = checkGreeting(this.reader.peek(GREETING_SIZE));
    if (check.kind === 'bad') throw this.protocolError(`not a ZeroMQ server (${check.reason})`);
    if (check.kind === 'partial') return false;
    if (check.mechanism !== this.mechanism) {
      // Credentials for a server that wants none: go on without them, as Python's supervisorctl
      // works against an HTTP server without auth however [supervisorctl] sets username/password.
      if (check.mechanism === 'NULL') this.mechanism = 'NULL';
      // A server asking for another mechanism (PLAIN when we have no credentials) refuses us.
      else throw authError(this.opts.url);
    }
    if (this.reader.buffered < GREETING_SIZE) return false;
    this.reader.take(GREETING_SIZE);
    this.arm(this.opts.handshakeTimeoutMs, () => this.protocolError(`no handshake within ${this.opts.handshakeTimeoutMs} ms`));
    const rest = this.mechanism === 'NULL' ? clientGreeting('NULL').rest : this.greeting.rest;
    if (this.mechanism === 'PLAIN' && this.opts.plain) {
      // greeting -> welcome: PLAIN's HELLO carries the credentials; WELCOME or ERROR answers it.
      this.phase = 'welcome';
      this.sock.write(Buffer.concat([rest, encodeCommand('HELLO', plainHello(this.opts.plain.username, this.opts.plain.password))]));
    } else {
      // greeting -> ready-wait: NULL has no credentials, each side just sends READY.
      this.phase = 'ready-wait';
      this.sock.write(Buffer.concat([rest, this.readyCommand('READY')]));
    }
    return true;
  }

  /** READY (NULL) or INITIATE (PLAIN): our socket type. */
  private readyCommand(name: 'READY' | 'INITIATE'): Buffer {
    return encodeCommand(name, encodeMetadata({ 'Socket-Type': 'DEALER' }));
  }

  private command(body: Buffer): void {
    const { name, data } = parseCommand(body);
    // A refusal (the ZAP handler said no) ends the handshake; after it, the server dropping us.
    if (name === 'ERROR') throw this.phase === 'open' ? lostError(this.opts.url) : authError(this.opts.url);
    if (name === 'PING') {
      // The server's heartbeat: PONG echoes its context (after the 2-byte TTL).
      this.sock.write(encodeCommand('PONG', data.subarray(2)));
      return;
    }
    if (this.phase === 'welcome') {
      if (name !== 'WELCOME') throw this.protocolError(`${name} instead of WELCOME`);
      // welcome -> ready-wait: credentials accepted; INITIATE says who we are, READY answers it.
      this.phase = 'ready-wait';
      this.sock.write(this.readyCommand('INITIATE'));
      return;
    }
    if (this.phase === 'ready-wait') {
      if (name !== 'READY') throw this.protocolError(`${name} instead of READY`);
      const type = parseMetadata(data).get('socket-type')?.toString('latin1') ?? '';
      if (!DEALER_PEERS.has(type)) throw this.protocolError(`the server is a ${type || 'untyped'} socket, which a DEALER cannot talk to`);
      // ready-wait -> open: the handshake is done, messages may flow.
      this.phase = 'open';
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.startHeartbeat();
      this.events.ready(this.mechanism);
    }
    // Other commands (PONG, unknown ones) need nothing (RFC 23: ignore what you do not know).
  }

  /**
   * While open, a PING every interval (its TTL tells the server how long to wait for us); any traffic
   * from the server (a PONG, a reply) proves it alive. A server that is frozen or gone, where TCP
   * would wait for minutes, fails the waiting calls as a lost connection instead of hanging them.
   */
  private startHeartbeat(): void {
    const { intervalMs, timeoutMs } = this.opts.heartbeat;
    const ttl = Buffer.alloc(2);
    ttl.writeUInt16BE(Math.min(0xffff, Math.ceil(timeoutMs / 100)));
    const ping = encodeCommand('PING', ttl);
    this.lastHeard = performance.now();
    this.beat = setInterval(() => {
      if (performance.now() - this.lastHeard >= timeoutMs) this.finish(lostError(this.opts.url));
      else this.sock.write(ping);
    }, intervalMs);
    // A connection nobody uses does not keep the process alive.
    this.beat.unref();
  }

  private part(body: Buffer, more: boolean): void {
    this.parts.push(body);
    if (more) return;
    const frames = this.parts;
    this.parts = [];
    this.events.message(frames);
  }
}
