/**
 * Log following for the log pane: the selected process's stdout and stderr, starting with the end of
 * its log files (tailProcessStdoutLog / tailProcessStderrLog), then live chunks (followLog). Buffers
 * of the last few processes viewed stay alive and followed, so going back to one shows its history.
 */
import type { Client } from '../../src/client/types.js';
import { LogBuffer, type LogChannel } from '../state/log-buffer.js';

export interface LogManagerOptions {
  /** How many processes keep a live buffer. Default 8. */
  keep?: number;
  /** Bytes of history loaded per channel. Default 32 KiB. */
  tailBytes?: number;
  maxLines?: number;
  colour?: boolean;
}

interface Followed {
  buffer: LogBuffer;
  stops: Array<() => void>;
  closed: boolean;
}

const TAIL_METHOD: Record<LogChannel, string> = {
  stdout: 'supervisor.tailProcessStdoutLog',
  stderr: 'supervisor.tailProcessStderrLog',
};

/** The part of `pending` not already at the end of `tail` (live chunks that raced the tail call). */
export function unseenSuffix(tail: string, pending: string): string {
  // Only a short race is worth matching (the check is quadratic); a long one is shown whole.
  if (pending.length > 4096) return pending;
  for (let n = Math.min(tail.length, pending.length); n > 0; n--) {
    if (tail.endsWith(pending.slice(0, n))) return pending.slice(n);
  }
  return pending;
}

export class LogManager {
  /** Most recently selected last. */
  private readonly followed = new Map<string, Followed>();
  private readonly keep: number;
  private readonly tailBytes: number;

  constructor(
    private readonly client: Client,
    private readonly onChange: () => void,
    private readonly opts: LogManagerOptions = {},
  ) {
    this.keep = opts.keep ?? 8;
    this.tailBytes = opts.tailBytes ?? 32768;
  }

  /** The buffer of `key` if it is followed. */
  buffer(key: string): LogBuffer | null {
    return this.followed.get(key)?.buffer ?? null;
  }

  /** Makes sure `key` (namespec `namespec`) is followed and returns its buffer. */
  select(key: string, namespec: string): LogBuffer {
    const had = this.followed.get(key);
    if (had) {
      // Most recently used goes last.
      this.followed.delete(key);
      this.followed.set(key, had);
      return had.buffer;
    }
    const f: Followed = { buffer: new LogBuffer(this.opts.maxLines ?? 5000, this.opts.colour ?? true), stops: [], closed: false };
    this.followed.set(key, f);
    while (this.followed.size > this.keep) {
      const [oldest, old] = this.followed.entries().next().value as [string, Followed];
      this.followed.delete(oldest);
      this.close(old);
    }
    void this.load(f, namespec);
    return f.buffer;
  }

  /** Stops following everything. */
  closeAll(): void {
    for (const f of this.followed.values()) this.close(f);
    this.followed.clear();
  }

  private close(f: Followed): void {
    f.closed = true;
    for (const s of f.stops.splice(0)) s();
  }

  /** History then live output, for both channels. */
  private async load(f: Followed, namespec: string): Promise<void> {
    await Promise.all((['stdout', 'stderr'] as const).map((ch) => this.loadChannel(f, namespec, ch)));
  }

  private async loadChannel(f: Followed, namespec: string, ch: LogChannel): Promise<void> {
    // Follow first and hold the live chunks, so nothing written during the tail call is lost.
    let pending: string[] | null = [];
    const onData = (chunk: Buffer): void => {
      if (f.closed) return;
      const text = chunk.toString('utf8');
      if (pending) pending.push(text);
      else {
        f.buffer.append(ch, text);
        this.onChange();
      }
    };
    const onNotice = (text: string): void => {
      if (f.closed) return;
      f.buffer.note(`[${ch}] ${text}`);
      this.onChange();
    };
    try {
      const stop = await this.client.followLog({ name: namespec, channel: ch }, onData, onNotice, (err) => {
        if (!f.closed) {
          f.buffer.note(`[${ch}] log stream ended${err ? `: ${err.message}` : ''}`);
          this.onChange();
        }
      });
      if (f.closed) stop();
      else f.stops.push(stop);
    } catch (e) {
      // No log file for the channel (NO_FILE) is normal for stderr with redirect_stderr.
      if (!/NO_FILE/.test(String((e as Error)?.message))) f.buffer.note(`[${ch}] cannot follow: ${(e as Error).message}`);
    }
    let tail = '';
    try {
      const [bytes, , overflow] = (await this.client.call(TAIL_METHOD[ch], [namespec, 0, this.tailBytes])) as [string, number, boolean];
      tail = bytes;
      // Cut off a first line that was only partly read.
      if (overflow) tail = tail.slice(tail.indexOf('\n') + 1);
    } catch {
      // No file: history stays empty.
    }
    if (f.closed) return;
    const live = unseenSuffix(tail, (pending ?? []).join(''));
    pending = null;
    if (tail) f.buffer.append(ch, tail);
    if (live) f.buffer.append(ch, live);
    this.onChange();
  }
}
