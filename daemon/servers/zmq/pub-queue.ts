/**
 * The outgoing queue of the PUB socket. zeromq.js allows one send in flight per socket, so every
 * message waits here; state (and protocol) messages always go ahead of log chunks, and the log
 * backlog is bounded: past `maxLogBytes` the oldest chunks are dropped for viewers (the log files are
 * written elsewhere, before the bus event) and a `skipped` notice with the dropped byte count takes
 * their place on that topic. Sequence numbers are given at send time, so a dropped chunk never leaves a
 * gap; a gap a subscriber sees therefore means libzmq dropped messages (high-water mark, slow joiner).
 * A message on a topic nobody is subscribed to still takes its seq (and is its topic's `prev` for the
 * next one), exactly as when libzmq drops it, but is neither framed nor handed to the socket.
 */
import { isStateTopic, type MessageHeader, type MessageKind } from '../../../src/api/protocol.js';

/** What the queue hands to the socket: [topic, header JSON, payload]. */
export type PubFrames = [string, string, Buffer];
export type PubSink = (frames: PubFrames) => Promise<void>;

/** One message before it has a sequence number. */
export interface OutMessage {
  topic: string;
  kind: MessageKind;
  /** Extra header fields (name, group, pid, channel, bytes). */
  fields?: Partial<Omit<MessageHeader, 'seq' | 'prev' | 'time' | 'kind'>>;
  payload: Buffer;
  /** Unix seconds when the event happened. */
  time: number;
  /** Told once: the seq the message went out with, or null when it was dropped (pty screens need it). */
  onSent?: (seq: number | null) => void;
}

/** An urgent message may make its payload only when it is really sent (state JSON nobody follows). */
export type UrgentMessage = Omit<OutMessage, 'payload'> & { payload: Buffer | (() => Buffer) };

/** The sequence position a snapshot is valid at. */
export interface SeqCapture {
  seq: number;
  topics: Record<string, number>;
}

export interface PubQueueOptions {
  /** Log bytes waiting to be sent before the oldest are dropped. */
  maxLogBytes: number;
  /** Called when a send fails (the message is lost; the next one gets the next seq). */
  onError?: (err: unknown) => void;
  /**
   * Whether a message on `topic` can reach a subscriber right now (default: always). Asked at send
   * time, where libzmq would otherwise match and drop it.
   */
  wants?: (topic: string) => boolean;
}

export class PubQueue {
  private readonly urgent: UrgentMessage[] = [];
  private readonly logs: OutMessage[] = [];
  private logBytes = 0;
  /** Per topic: bytes dropped and not yet announced, with the header fields of that topic. */
  private readonly skipped = new Map<string, { bytes: number; fields: OutMessage['fields'] }>();
  private seq = 0;
  private readonly last = new Map<string, number>();
  private pumping = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sink: PubSink,
    private readonly opts: PubQueueOptions,
  ) {}

  /** Queues a state/protocol message: sent before any waiting log chunk, never dropped here. */
  pushUrgent(m: UrgentMessage): void {
    if (this.closed) return m.onSent?.(null);
    this.urgent.push(m);
    this.pump();
  }

  /** Queues a log chunk; may drop the oldest waiting chunks to stay within maxLogBytes. */
  pushLog(m: OutMessage): void {
    if (this.closed) return m.onSent?.(null);
    this.logs.push(m);
    this.logBytes += m.payload.length;
    // Keep the newest chunk even when it alone is over the bound.
    while (this.logBytes > this.opts.maxLogBytes && this.logs.length > 1) {
      const old = this.logs.shift()!;
      this.logBytes -= old.payload.length;
      old.onSent?.(null);
      const s = this.skipped.get(old.topic);
      if (s) s.bytes += old.payload.length;
      else this.skipped.set(old.topic, { bytes: old.payload.length, fields: old.fields });
    }
    this.pump();
  }

  /** The last seq sent and, for every state topic, its last seq: what a snapshot taken now reflects. */
  capture(): SeqCapture {
    const topics: Record<string, number> = {};
    for (const [t, s] of this.last) if (isStateTopic(t)) topics[t] = s;
    return { seq: this.seq, topics };
  }

  /**
   * Resolves, once every log chunk queued on `topic` so far has been sent or dropped, with the last
   * seq given out at that moment: chunks queued before this call have a seq at or below it, chunks
   * queued after it a higher one. (A seq is only given at send time, so "now" is not enough.)
   */
  settled(topic: string): Promise<number> {
    let last: OutMessage | undefined;
    for (let i = this.logs.length - 1; i >= 0; i--) {
      if (this.logs[i]!.topic === topic) {
        last = this.logs[i];
        break;
      }
    }
    if (!last || this.closed) return Promise.resolve(this.seq);
    const m = last;
    return new Promise((resolve) => {
      const told = m.onSent;
      // Sent: its own seq; dropped (backlog, close): whatever was given out by then.
      m.onSent = (seq) => {
        told?.(seq);
        resolve(seq ?? this.seq);
      };
    });
  }

  /** Resolves when nothing is waiting to be sent. */
  idle(): Promise<void> {
    if (!this.pumping && this.pending() === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Messages waiting (not counting one being sent). */
  pending(): number {
    return this.urgent.length + this.logs.length + this.skipped.size;
  }

  /** Drops everything waiting; later pushes are ignored. */
  close(): void {
    this.closed = true;
    for (const m of [...this.urgent, ...this.logs]) m.onSent?.(null);
    this.urgent.length = 0;
    this.logs.length = 0;
    this.skipped.clear();
    this.wakeIdle();
  }

  private next(): UrgentMessage | undefined {
    const u = this.urgent.shift();
    if (u) return u;
    // Notices go out before the next chunk of any topic: so before the next chunk of their own
    // topic (where the dropped bytes were), and never starved by a flood on another topic.
    const topic = this.skipped.keys().next().value;
    if (topic !== undefined) {
      const s = this.skipped.get(topic)!;
      this.skipped.delete(topic);
      return { topic, kind: 'skipped', fields: { ...s.fields, bytes: s.bytes }, payload: Buffer.alloc(0), time: Date.now() / 1000 };
    }
    const m = this.logs.shift();
    if (m) this.logBytes -= m.payload.length;
    return m;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        for (let m = this.next(); m && !this.closed; m = this.next()) {
          const seq = ++this.seq;
          const prev = this.last.get(m.topic) ?? 0;
          this.last.set(m.topic, seq);
          m.onSent?.(seq);
          // Nobody would receive it: the seq is spent (as a libzmq drop spends it), nothing is sent.
          if (this.opts.wants && !this.opts.wants(m.topic)) continue;
          const header: MessageHeader = { seq, prev, time: m.time, kind: m.kind, ...m.fields };
          const payload = typeof m.payload === 'function' ? m.payload() : m.payload;
          try {
            await this.sink([m.topic, JSON.stringify(header), payload]);
          } catch (err) {
            if (this.closed) break;
            this.opts.onError?.(err);
          }
        }
      } finally {
        this.pumping = false;
        this.wakeIdle();
      }
    })();
  }

  private wakeIdle(): void {
    if (this.pumping && !this.closed) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}
