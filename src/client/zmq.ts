/**
 * The ZeroMQ Client (docs/protocol.md): calls matched by request id over a request channel, and one
 * SUB for every stream. Requests go over the built-in ZMTP peer (zmtp-channel.ts), so a one-shot
 * command never loads the zeromq package; CURVE needs a zeromq DEALER (dealer-channel.ts), and the
 * SUB side is always zeromq, loaded with the first subscription. State subscriptions follow the
 * zguide "clone" pattern: subscribe, make sure the subscription is live (ext.sync), load
 * ext.getSnapshot, then apply only messages after the snapshot's sequence numbers; a gap on a state
 * topic, a reconnect or a daemon restart loads a new snapshot.
 */
import type { Subscriber } from 'zeromq';
import { Faults, RpcFault, faultName, isFault } from '../api/faults.js';
import type { ProcessInfo } from '../api/process-info.js';
import {
  ExtMethods,
  LOG_FOLLOW_START_BYTES,
  SNAPSHOT_TOPIC,
  Topics,
  isStateTopic,
  protocolErrorName,
  type Endpoints,
  type LogTail,
  type Snapshot,
} from '../api/protocol.js';
import type { ChannelSink, RequestChannel } from './channel.js';
import { DealerChannel } from './dealer-channel.js';
import { authError, parseUrl, type Target } from './endpoint.js';
import { ClientError, type Client, type ClientOptions, type LogTarget, type StreamMessage } from './types.js';
import { zmq } from './zeromq-lib.js';
import { ZmtpChannel } from './zmtp-channel.js';
import type { Heartbeat } from './zmtp.js';

export { GREETING_START, greetingMechanism } from './dealer-channel.js';

/** ZeroMQ-only options on top of ClientOptions. */
export interface ZmqClientOptions extends ClientOptions {
  /** CURVE: the server's public key (Z85). Turns CURVE on. */
  curveServerKey?: string | null;
  /** CURVE: this client's key pair (Z85); a fresh pair is made when absent. */
  curvePublicKey?: string | null;
  curveSecretKey?: string | null;
  /** The URL to show as `client.url` and in errors (connect() passes the unix:// URL it mapped). */
  displayUrl?: string;
  /**
   * How long reaching the endpoint may take before 'timeout': connecting and the server's greeting
   * (built-in peer), or the reachability probe (zeromq DEALER). Default 2000 ms.
   */
  probeTimeoutMs?: number;
  /**
   * Requests' heartbeat: a PING every intervalMs, and a connection on which nothing was heard for
   * timeoutMs is lost (both request channels). Default HEARTBEAT.
   */
  heartbeat?: Heartbeat;
  /** How long subscribe() waits for its subscription to become live. Default 5000 ms. */
  syncTimeoutMs?: number;
  /**
   * What carries requests: 'builtin' (the ZMTP peer over node:net, the default without CURVE) or
   * 'zeromq' (a zeromq DEALER, always used with CURVE).
   */
  requestChannel?: 'builtin' | 'zeromq';
}

/** How long the handshake after the greeting may take (PLAIN waits for the daemon's ZAP check). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** A frozen or vanished daemon fails the waiting calls after 6 s of silence instead of hanging them. */
export const HEARTBEAT: Heartbeat = { intervalMs: 2000, timeoutMs: 6000 };

/** Turns a reply's error member into what call() rejects with. */
function replyError(err: { code?: unknown; message?: unknown; name?: unknown }, url: string): Error {
  const code = typeof err.code === 'number' ? err.code : NaN;
  const message = typeof err.message === 'string' ? err.message : String(err.name ?? 'error');
  if (faultName(code)) return RpcFault.fromWire(code, message);
  if (protocolErrorName(code)) return new ClientError('protocol', `${url}: ${message}`);
  return RpcFault.fromWire(code, message);
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | null;
}
/** One subscribe() call: its prefixes, its handler and its place in the state stream. */
class Subscription {
  /** 'syncing': waiting for a snapshot, state messages are buffered. */
  phase: 'syncing' | 'live' = 'syncing';
  buffer: StreamMessage[] = [];
  /** State topic → seq of the last message reflected (from the snapshot, then the stream). */
  known = new Map<string, number>();
  /** Other topics → seq of the last message seen (to report lost messages). */
  seen = new Map<string, number>();
  closed = false;
  /** A snapshot load is running; `again` asks for one more after it. */
  loading = false;
  again: string | null = null;
  readonly wantsState: boolean;

  constructor(
    readonly prefixes: string[],
    readonly onMessage: (m: StreamMessage) => void,
  ) {
    this.wantsState = prefixes.some((p) => Topics.STATE_PREFIX.startsWith(p) || p.startsWith(Topics.STATE_PREFIX));
  }

  matches(topic: string): boolean {
    return this.prefixes.some((p) => topic.startsWith(p));
  }

  deliver(m: StreamMessage): void {
    if (this.closed) return;
    try {
      this.onMessage(m);
    } catch (err) {
      process.emitWarning(`subscriber callback failed: ${(err as Error)?.stack ?? err}`);
    }
  }
}

class ZmqClient implements Client {
  readonly url: string;
  private readonly target: Target;
  private readonly security: Record<string, unknown>;
  private readonly channel: RequestChannel;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Set by a refusal of the credentials: every later call fails with it at once. */
  private authError: ClientError | null = null;
  private closed = false;
  // Streams
  private sub: Subscriber | null = null;
  private subReady: Promise<Subscriber> | null = null;
  /** What the request connection settled on; the SUB is made to match (PLAIN for a NULL server: none). */
  private serverMechanism: 'NULL' | 'PLAIN' | null = null;
  private readonly subs = new Set<Subscription>();
  private readonly syncWaiters = new Map<string, () => void>();
  /** Names this client's sync topics; unique enough among one daemon's clients (no crypto to load). */
  private readonly token = `${process.pid.toString(16)}${Date.now().toString(16)}${Math.random().toString(16).slice(2, 10)}`;
  private syncCount = 0;
  private lastSeq = 0;
  private streamWasLost = false;

  constructor(rawUrl: string, private readonly opts: ZmqClientOptions) {
    this.url = opts.displayUrl ?? rawUrl;
    this.target = parseUrl(rawUrl);
    this.security = securityOptions(opts);
    this.channel = this.openChannel(rawUrl);
  }

  /** The built-in ZMTP peer unless CURVE (or the caller) asks for a zeromq DEALER. */
  private openChannel(rawUrl: string): RequestChannel {
    const sink: ChannelSink = {
      reply: (frame) => this.onReply(frame),
      fail: (err) => {
        if (err.kind === 'auth') this.authError = err;
        this.failPending(err);
      },
      waiting: () => this.pending.size > 0,
      mechanism: (name) => (this.serverMechanism = name),
    };
    const probeTimeoutMs = this.opts.probeTimeoutMs ?? 2000;
    const heartbeat = this.opts.heartbeat ?? HEARTBEAT;
    if (this.security.curveServerKey || this.opts.requestChannel === 'zeromq') {
      return new DealerChannel(
        { target: this.target, rawUrl, url: this.url, security: this.security, mechanism: mechanismOf(this.security), probeTimeoutMs, heartbeat },
        sink,
      );
    }
    const plain = this.opts.username ? { username: this.opts.username, password: this.opts.password ?? '' } : null;
    return new ZmtpChannel(
      { target: this.target, url: this.url, plain, greetingTimeoutMs: probeTimeoutMs, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS, heartbeat },
      sink,
    );
  }

  /** Failure events of the SUB: an auth refusal ends everything; a lost connection needs a resync. */
  private watchSubscriber(sock: Subscriber): void {
    const refused = (): void => {
      this.authError = authError(this.url);
      this.failPending(this.authError);
    };
    sock.events.on('handshake:error:auth', refused);
    // A client without credentials talking to a secured server fails as a mechanism mismatch.
    sock.events.on('handshake:error:protocol', refused);
    let established = false;
    sock.events.on('handshake', () => {
      established = true;
      this.streamRestored();
    });
    sock.events.on('disconnect', () => {
      if (!established) return;
      established = false;
      this.streamLost();
    });
  }

  private failPending(err: ClientError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
  }

  /** A reply frame: settles the call with its id; anything else is dropped. */
  private onReply(frame: Buffer): void {
    let msg: { id?: unknown; result?: unknown; error?: Record<string, unknown> };
    try {
      msg = JSON.parse(frame.toString('utf8'));
    } catch {
      return; // not ours to understand; the matching call times out or fails on disconnect
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return; // a late reply to a call that timed out
    this.pending.delete(msg.id as number);
    if (p.timer) clearTimeout(p.timer);
    if (msg.error && typeof msg.error === 'object') p.reject(replyError(msg.error, this.url));
    else p.resolve(msg.result);
  }

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    if (this.closed) throw new ClientError('closed', `${this.url}: client is closed`);
    if (this.authError) throw this.authError;
    const id = ++this.nextId;
    const text = JSON.stringify({ id, method, params });
    const timeoutMs = this.opts.timeoutMs ?? 0;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, timer: null };
      this.pending.set(id, p);
      try {
        this.channel.send(text);
      } catch (err) {
        // Known before sending (no socket file): this call fails alone.
        this.pending.delete(id);
        reject(err);
        return;
      }
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new ClientError('timeout', `${this.url}: no reply to ${method} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  // ---- streams -------------------------------------------------------------------------------

  /** Creates the SUB socket once, connected to the endpoint ext.getEndpoints reports. */
  private ensureSubscriber(): Promise<Subscriber> {
    this.subReady ??= (async () => {
      const ep = (await this.call(ExtMethods.getEndpoints)) as Endpoints;
      // Credentials apply to both sockets (docs/protocol.md §5); the call above learnt which are wanted.
      const security = this.serverMechanism === 'NULL' ? {} : this.security;
      const sock = new (zmq().Subscriber)({ linger: 0, receiveHighWaterMark: 0, ...security });
      this.watchSubscriber(sock);
      sock.connect(pubUrlFor(ep.pubsub_endpoint, this.target));
      this.sub = sock;
      void this.receiveStream(sock);
      return sock;
    })().catch((err) => {
      this.subReady = null;
      throw err;
    });
    return this.subReady;
  }

  private async receiveStream(sock: Subscriber): Promise<void> {
    try {
      for await (const [topicB, headerB, payload] of sock) {
        let header: Record<string, unknown>;
        try {
          header = JSON.parse(headerB!.toString('utf8'));
        } catch {
          continue;
        }
        const topic = topicB!.toString('utf8');
        const seq = typeof header.seq === 'number' ? header.seq : 0;
        // A PUB's seq only grows: a smaller one is a restarted daemon, whose state must be reloaded.
        if (seq > 0) {
          if (seq <= this.lastSeq) this.restartStreams();
          this.lastSeq = seq;
        }
        if (topic.startsWith(Topics.SYNC_PREFIX)) {
          this.syncWaiters.get(topic)?.();
          continue;
        }
        const m: StreamMessage = { topic, seq, header, payload: payload ?? Buffer.alloc(0) };
        for (const s of this.subs) if (s.matches(topic)) this.handle(s, m);
      }
    } catch (err) {
      if (!this.closed) process.emitWarning(`zmq stream failed: ${(err as Error).message}`);
    }
  }

  /** Applies the clone rules to one message for one subscription. */
  private handle(s: Subscription, m: StreamMessage): void {
    const prev = typeof m.header.prev === 'number' ? m.header.prev : 0;
    if (!isStateTopic(m.topic)) {
      const last = s.seen.get(m.topic);
      if (last !== undefined && prev > last) {
        s.deliver({ topic: m.topic, seq: m.seq, header: { kind: 'gap', prev: last, seq: m.seq }, payload: Buffer.alloc(0) });
      }
      s.seen.set(m.topic, m.seq);
      s.deliver(m);
      return;
    }
    if (s.phase === 'syncing') {
      s.buffer.push(m);
      return;
    }
    const known = s.known.get(m.topic) ?? 0;
    if (m.seq <= known) return; // already in the snapshot
    if (prev === known) {
      s.known.set(m.topic, m.seq);
      s.deliver(m);
      return;
    }
    // A message on this topic was lost: reload the state, keep what arrives meanwhile.
    s.buffer.push(m);
    this.reload(s, 'gap');
  }

  /**
   * Loads a snapshot for `s`, hands it over, then replays what was buffered meanwhile. A reload asked
   * for while one is running is done right after it.
   */
  private async resync(s: Subscription, reason: string): Promise<void> {
    if (s.closed || this.closed) return;
    s.phase = 'syncing';
    if (s.loading) {
      s.again = reason;
      return;
    }
    s.loading = true;
    try {
      for (let next: string | null = reason; next !== null; next = s.again) {
        s.again = null;
        await this.loadSnapshot(s, next);
      }
    } finally {
      s.loading = false;
    }
    if (s.closed) return;
    // syncing -> live: the snapshot is in, apply what arrived after it.
    s.phase = 'live';
    const buffered = s.buffer;
    s.buffer = [];
    for (let i = 0; i < buffered.length; i++) {
      this.handle(s, buffered[i]!);
      if ((s.phase as Subscription['phase']) === 'syncing') {
        // A gap inside the buffer started another reload; it gets the rest.
        s.buffer.push(...buffered.slice(i + 1));
        return;
      }
    }
  }

  private async loadSnapshot(s: Subscription, reason: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const snap = (await this.call(ExtMethods.getSnapshot)) as Snapshot;
        if (s.closed) return;
        s.known = new Map(Object.entries(snap.topics ?? {}));
        s.deliver({
          topic: SNAPSHOT_TOPIC,
          seq: snap.seq,
          header: { kind: 'snapshot', reason, seq: snap.seq },
          payload: Buffer.from(JSON.stringify(snap)),
        });
        return;
      } catch (err) {
        // The first load reports its failure to subscribe(); later ones retry while the daemon is away.
        if (reason === 'initial' || this.closed || s.closed || err instanceof RpcFault) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  /** Starts a reload in the background (errors are reported as warnings: there is no caller). */
  private reload(s: Subscription, reason: string): void {
    this.resync(s, reason).catch((err: Error) => {
      if (!this.closed && !s.closed) process.emitWarning(`zmq: could not reload the snapshot: ${err.message}`);
    });
  }

  /** The SUB connection dropped: state subscriptions wait for a new snapshot. */
  private streamLost(): void {
    this.streamWasLost = true;
    for (const s of this.subs) {
      if (s.wantsState) s.phase = 'syncing';
      s.seen.clear();
    }
  }

  /** The SUB connection is back (libzmq re-sent the subscriptions): reload state once they are live. */
  private streamRestored(): void {
    if (!this.streamWasLost || !this.sub) return;
    this.streamWasLost = false;
    const sock = this.sub;
    // Even when the sync fails (daemon still away) the reload retries until it gets through.
    void this.waitLive(sock)
      .catch(() => {})
      .then(() => {
        for (const s of this.subs) if (s.wantsState) this.reload(s, 'reconnect');
      });
  }

  /** A smaller seq than before: the daemon restarted, every state subscription starts over. */
  private restartStreams(): void {
    for (const s of this.subs) {
      s.seen.clear();
      if (s.wantsState) {
        s.known.clear();
        this.reload(s, 'restart');
      }
    }
  }

  /**
   * Waits until the PUB socket honours everything this SUB subscribed so far: subscribe to a fresh
   * sync topic (after the others, on the same connection, so in order) and ask the daemon to publish
   * on it until a message arrives.
   */
  private async waitLive(sock: Subscriber): Promise<void> {
    const topic = Topics.sync(`${this.token}.${++this.syncCount}`);
    const deadline = Date.now() + (this.opts.syncTimeoutMs ?? 5000);
    let arrived = false;
    const got = new Promise<void>((r) => this.syncWaiters.set(topic, () => ((arrived = true), r())));
    sock.subscribe(topic);
    try {
      while (!arrived) {
        if (Date.now() > deadline) throw new ClientError('timeout', `${this.url}: the event stream did not answer`);
        await this.call(ExtMethods.sync, [topic.slice(Topics.SYNC_PREFIX.length)]);
        await Promise.race([got, new Promise((r) => setTimeout(r, 100))]);
      }
    } finally {
      this.syncWaiters.delete(topic);
      if (!sock.closed) sock.unsubscribe(topic);
    }
  }

  async subscribe(prefixes: string[], onMessage: (m: StreamMessage) => void): Promise<() => void> {
    const sock = await this.ensureSubscriber();
    const s = new Subscription([...prefixes], onMessage);
    if (!s.wantsState) s.phase = 'live';
    this.subs.add(s);
    sock.subscribe(...prefixes);
    const stop = (): void => {
      if (s.closed) return;
      s.closed = true;
      this.subs.delete(s);
      if (!sock.closed) sock.unsubscribe(...prefixes);
    };
    try {
      await this.waitLive(sock);
      if (s.wantsState) await this.resync(s, 'initial');
    } catch (err) {
      stop();
      throw err;
    }
    return stop;
  }

  /**
   * `tail -f` as Supervisor's /logtail gives it: the last LOG_FOLLOW_START_BYTES of the file, then what is written
   * after them. The subscription is made live first, then ext.tailLog reads the file and says at which
   * seq it did; live chunks up to that seq are in the tail (dropped), later ones are not (shown).
   */
  async followLog(
    target: LogTarget,
    onData: (chunk: Buffer) => void,
    onNotice?: (text: string) => void,
  ): Promise<() => void> {
    let topic: string;
    let tailCall: [string, unknown[]];
    if (target === 'main') {
      topic = Topics.mainLog;
      tailCall = [ExtMethods.tailMainLog, [LOG_FOLLOW_START_BYTES]];
    } else {
      // Resolves bare names and reports BAD_NAME exactly as the API does.
      const info = (await this.call('supervisor.getProcessInfo', [target.name])) as ProcessInfo;
      topic = Topics.processLog(info.group, info.name, target.channel);
      tailCall = [ExtMethods.tailLog, [`${info.group}:${info.name}`, target.channel, LOG_FOLLOW_START_BYTES]];
    }
    // null while the tail is not known yet: messages wait in `held`.
    let cut: number | null = null;
    const held: StreamMessage[] = [];
    const show = (m: StreamMessage): void => {
      const kind = m.header.kind;
      // Chunks (and losses) at or before the cut are covered by the tail.
      if ((kind === 'log' || kind === 'gap') && m.seq <= cut!) return;
      if (kind === 'log') onData(m.payload);
      else if (kind === 'skipped') onNotice?.(`skipped ${m.header.bytes} bytes`);
      else if (kind === 'gap') onNotice?.('skipped output: messages were lost on the way');
    };
    const stop = await this.subscribe([topic], (m) => {
      if (m.topic !== topic) return;
      if (cut === null) held.push(m);
      else show(m);
    });
    let tail: Buffer | null = null;
    try {
      const t = (await this.call(tailCall[0], tailCall[1])) as LogTail;
      cut = t.seq;
      tail = Buffer.from(t.data, 'base64');
    } catch (err) {
      // A daemon from before ext.tailLog: follow from the current end, as before.
      if (isFault(err, Faults.UNKNOWN_METHOD)) cut = 0;
      else {
        stop();
        throw err;
      }
    }
    if (tail?.length) onData(tail);
    for (const m of held.splice(0)) show(m);
    return stop;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failPending(new ClientError('closed', `${this.url}: client is closed`));
    for (const s of this.subs) s.closed = true;
    this.subs.clear();
    this.channel.close();
    // linger 0: nothing unsent keeps the process alive.
    this.sub?.close();
  }
}

/** Socket options for the client's credentials (PLAIN or CURVE). */
function securityOptions(opts: ZmqClientOptions): Record<string, unknown> {
  if (opts.curveServerKey) {
    const pair =
      opts.curvePublicKey && opts.curveSecretKey
        ? { publicKey: opts.curvePublicKey, secretKey: opts.curveSecretKey }
        : zmq().curveKeyPair();
    return { curveServerKey: opts.curveServerKey, curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey };
  }
  if (opts.username) return { plainUsername: opts.username, plainPassword: opts.password ?? '' };
  return {};
}

/** The ZMTP mechanism name those socket options select. */
function mechanismOf(security: Record<string, unknown>): string {
  if (security.curveServerKey) return 'CURVE';
  if (security.plainUsername !== undefined) return 'PLAIN';
  return 'NULL';
}

/** A PUB bound to a wildcard host is reached at the host the control URL names. */
export function pubUrlFor(pubsub: string, control: Target | string): string {
  const t = typeof control === 'string' ? parseUrl(control) : control;
  const m = /^tcp:\/\/(\*|0\.0\.0\.0|\[::\]|::):(\d+)$/.exec(pubsub);
  if (!m || t.kind !== 'tcp') return pubsub;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `tcp://${host}:${m[2]}`;
}

/**
 * Opens a client for `ipc:///path` or `tcp://host:port`. Nothing is contacted yet: the first call
 * connects and reports 'nofile', 'refused', 'timeout', 'auth' or 'protocol' as ClientErrors.
 */
export async function connectZmq(url: string, opts: ZmqClientOptions = {}): Promise<Client> {
  return new ZmqClient(url, opts);
}
