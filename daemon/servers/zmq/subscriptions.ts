/**
 * Which topics have a subscriber, read from the XPUB socket's subscription messages, so that child
 * output and activity-log lines nobody follows are not framed and sent only for libzmq to drop them
 * (a 200 MiB burst is ~4000 chunks). libzmq's XPUB reports each prefix once, when its first
 * subscriber subscribes, and again when its last one leaves or disconnects, so a set of prefixes is
 * exact. A subscription that libzmq has taken but this loop has not read yet leaves the socket
 * readable: while it is, every topic counts as wanted, so a follower never misses a chunk that the
 * PUB socket would have delivered to it. libzmq moves subscriptions into that pending state only
 * inside calls on the socket (a send, or the read loop's own receive), so the check, which costs a
 * poll() in libzmq, is made only after one of those, until it answers no: a flood that nobody follows
 * sends nothing and costs no check per chunk.
 */

/** The part of an XPUB socket this module uses (zeromq's XPublisher). */
export interface SubscriptionSource extends AsyncIterable<Buffer[]> {
  /** True while a received message (here: a subscription change) waits to be read. */
  readonly readable: boolean;
}

/** The prefixes subscribed to, and a per-topic answer cached until they change. */
export class SubscriptionSet {
  private readonly prefixes = new Map<string, Buffer>();
  private readonly cache = new Map<string, boolean>();

  /** Applies one XPUB message: byte 1 subscribes, byte 0 unsubscribes the prefix that follows. */
  apply(msg: Buffer): void {
    if (msg.length === 0 || (msg[0] !== 0 && msg[0] !== 1)) return;
    const prefix = msg.subarray(1);
    const key = prefix.toString('latin1');
    if (msg[0] === 1) this.prefixes.set(key, Buffer.from(prefix));
    else this.prefixes.delete(key);
    this.cache.clear();
  }

  /** True when some subscribed prefix is a prefix of `topic` (compared as bytes, as libzmq does). */
  matches(topic: string): boolean {
    let hit = this.cache.get(topic);
    if (hit === undefined) {
      const bytes = Buffer.from(topic);
      hit = false;
      for (const p of this.prefixes.values()) {
        if (p.length <= bytes.length && bytes.subarray(0, p.length).equals(p)) {
          hit = true;
          break;
        }
      }
      this.cache.set(topic, hit);
    }
    return hit;
  }
}

/** A subscription tracker on one XPUB socket: `wants(topic)` decides whether to publish a log chunk. */
export class SubscriptionTracker {
  readonly set = new SubscriptionSet();
  /** Resolves when the socket closes (the read loop ends). */
  readonly done: Promise<void>;
  /** A call on the socket may have left a subscription pending since `readable` last said no. */
  private dirty = true;

  constructor(private readonly source: SubscriptionSource) {
    this.done = this.read();
  }

  /** Whether a message on `topic` can reach anybody (see the module comment for the pending case). */
  wants(topic: string): boolean {
    if (this.set.matches(topic)) return true;
    if (!this.dirty) return false;
    const pending = this.pending();
    if (!pending) this.dirty = false;
    return pending;
  }

  /** The server is about to send on the socket (which may take in pending subscriptions). */
  noteSend(): void {
    this.dirty = true;
  }

  private pending(): boolean {
    try {
      return this.source.readable;
    } catch {
      // A closed socket has no subscribers left.
      return false;
    }
  }

  private async read(): Promise<void> {
    try {
      for await (const [msg] of this.source) {
        if (msg) this.set.apply(msg);
        // More may have come in with it.
        this.dirty = true;
      }
    } catch {
      // The socket was closed: nothing more to track.
    }
  }
}
