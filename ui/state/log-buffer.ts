/**
 * The scrollback of one process: a bounded ring of sanitised lines from stdout and stderr in arrival
 * order, plus notes ("skipped N bytes"). A line still being written (no newline yet) is shown and
 * completed in place when the rest arrives.
 */
import { sanitize, stripSgr } from '../term/text.js';

export type LogChannel = 'stdout' | 'stderr';

export interface LogEntry {
  /** Grows by one per entry, never reused: views anchor on it. */
  id: number;
  ch: LogChannel | 'note';
  text: string;
}

/** Longest line kept (a runaway line without newlines must not eat the memory). */
const MAX_LINE = 8192;

/** Whether `e` contains the search `needle` (already lower-cased), colours and case aside. */
export function entryMatches(e: LogEntry, needle: string): boolean {
  return stripSgr(e.text).toLowerCase().includes(needle);
}

export class LogBuffer {
  private entries: LogEntry[] = [];
  private nextId = 1;
  /** The unfinished last line of each channel: its entry and raw text so far. */
  private readonly open = new Map<LogChannel, { entry: LogEntry; raw: string }>();
  /** Bumped on every change. */
  version = 0;
  /**
   * The last one-channel view and search count, kept until the next change: the log pane asks for both
   * on every frame, and refiltering up to 5,000 lines per frame is what a streaming log would cost.
   */
  private viewCache: { version: number; channel: LogChannel; entries: LogEntry[] } | null = null;
  private countCache: { version: number; channel: LogChannel | 'both'; needle: string; count: number } | null = null;

  constructor(
    readonly maxLines = 5000,
    private readonly colour = true,
  ) {}

  /** Appends a chunk of output of one channel. */
  append(ch: LogChannel, chunk: string): void {
    if (!chunk) return;
    const parts = chunk.split('\n');
    const partial = this.open.get(ch);
    const first = parts.shift()!;
    if (partial) {
      partial.raw = (partial.raw + first).slice(0, MAX_LINE);
      partial.entry.text = sanitize(partial.raw, this.colour);
      if (parts.length) this.open.delete(ch);
    } else if (parts.length || first) {
      const e = this.push(ch, first);
      if (!parts.length) this.open.set(ch, { entry: e, raw: first.slice(0, MAX_LINE) });
    }
    // Every part but the last is a whole line; the last is unfinished (or empty after a final \n).
    for (let i = 0; i < parts.length; i++) {
      const text = parts[i]!;
      const last = i === parts.length - 1;
      if (last && text === '') break;
      const e = this.push(ch, text);
      if (last) this.open.set(ch, { entry: e, raw: text.slice(0, MAX_LINE) });
    }
    this.trim();
    this.version++;
  }

  /** Adds a note line (drawn differently; not program output). */
  note(text: string): void {
    this.open.clear();
    this.push('note', text);
    this.trim();
    this.version++;
  }

  /** Empties the buffer (after `clear`). */
  clear(): void {
    this.entries = [];
    this.open.clear();
    this.version++;
  }

  /** Every entry, oldest first (do not modify). */
  all(): readonly LogEntry[] {
    return this.entries;
  }

  /** Entries of one view: one channel (plus notes) or both. */
  view(channel: LogChannel | 'both'): readonly LogEntry[] {
    if (channel === 'both') return this.entries;
    const c = this.viewCache;
    if (c && c.version === this.version && c.channel === channel) return c.entries;
    const entries = this.entries.filter((e) => e.ch === channel || e.ch === 'note');
    this.viewCache = { version: this.version, channel, entries };
    return entries;
  }

  /** How many entries of the `channel` view match the search `needle` (already lower-cased). */
  matchCount(channel: LogChannel | 'both', needle: string): number {
    const c = this.countCache;
    if (c && c.version === this.version && c.channel === channel && c.needle === needle) return c.count;
    const count = this.view(channel).reduce((k, e) => k + (entryMatches(e, needle) ? 1 : 0), 0);
    this.countCache = { version: this.version, channel, needle, count };
    return count;
  }

  private push(ch: LogEntry['ch'], raw: string): LogEntry {
    const e: LogEntry = { id: this.nextId++, ch, text: ch === 'note' ? raw : sanitize(raw.slice(0, MAX_LINE), this.colour) };
    this.entries.push(e);
    return e;
  }

  /** Drops the oldest lines past the bound (in batches, so appends stay cheap). */
  private trim(): void {
    if (this.entries.length > this.maxLines + Math.ceil(this.maxLines / 4)) {
      this.entries.splice(0, this.entries.length - this.maxLines);
    }
  }
}
