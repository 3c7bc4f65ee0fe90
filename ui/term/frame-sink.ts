/**
 * The frame sink: the Writable Ink renders into (with `debug: true` Ink writes every frame as one plain
 * string of lines). It keeps the lines on screen and repaints only those that changed, each with absolute
 * cursor addressing, inside synchronized-output markers. That avoids Ink 6.8's clear-screen path for
 * full-height frames and its misplaced incremental mode, and makes suspending output (fg) trivial.
 */
import { Writable } from 'node:stream';
import { cursorTo, CLEAR_SCREEN, ERASE_LINE, SYNC_BEGIN, SYNC_END } from './sequences.js';

/** The real terminal (or a test's fake): where bytes go and how big it is. */
export interface TerminalOut {
  write(chunk: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
}

/**
 * `line` without trailing blanks that draw nothing: each line is painted after an erase, so plain spaces
 * at its end only cost bytes. Spaces still inside a style (an inverse selection bar) are kept: only
 * those after the last reset (or in a line with no SGR at all) go.
 */
export function trimEnd(line: string): string {
  if (!line.endsWith(' ')) return line;
  const esc = line.lastIndexOf('\x1b[');
  if (esc !== -1 && !/^\x1b\[0?m/.test(line.slice(esc))) return line;
  return line.trimEnd();
}

export class FrameSink extends Writable {
  /** The lines currently on screen (what the terminal shows), or null after invalidate(). */
  private shown: string[] | null = null;
  /** The last frame Ink gave us (kept while suspended, to repaint on resume). */
  private last: string[] = [];
  private suspended = false;
  private shut = false;
  /** Bytes written to the terminal so far (benchmarks and tests read it). */
  bytesWritten = 0;
  /** Frames written (a frame with no changed line writes nothing and is not counted). */
  framesWritten = 0;

  constructor(private readonly out: TerminalOut) {
    super({ decodeStrings: false });
  }

  /** Ink reads the size from its stdout. */
  get columns(): number {
    return this.out.columns || 80;
  }

  get rows(): number {
    return this.out.rows || 24;
  }

  /** Ink checks this for synchronized output (only outside debug mode); we are a terminal. */
  get isTTY(): boolean {
    return true;
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.frame(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    cb();
  }

  /** Takes one whole frame (lines separated by \n) and paints what differs from the screen. */
  frame(text: string): void {
    if (this.shut) return;
    const lines = text.split('\n');
    // Ink ends frames with a newline at times; the screen has exactly `rows` lines.
    if (lines.length > this.rows) lines.length = this.rows;
    this.last = lines;
    if (!this.suspended) this.paint();
  }

  private paint(): void {
    const lines = this.last;
    let out = '';
    const full = this.shown === null;
    const prev = this.shown ?? [];
    if (full) out += CLEAR_SCREEN;
    const n = Math.max(lines.length, prev.length);
    for (let i = 0; i < n && i < this.rows; i++) {
      const line = trimEnd(lines[i] ?? '');
      if (!full && line === prev[i]) continue;
      if (full && line === '') continue;
      // Erase first: erasing after a full-width line would clear its last cell (pending wrap).
      out += cursorTo(i + 1) + ERASE_LINE + line;
    }
    this.shown = lines.map(trimEnd);
    if (!out) return;
    const bytes = SYNC_BEGIN + out + SYNC_END;
    this.bytesWritten += Buffer.byteLength(bytes);
    this.framesWritten++;
    this.out.write(bytes);
  }

  /** Forgets what is on screen: the next frame clears and repaints everything (after a resize). */
  invalidate(): void {
    this.shown = null;
  }

  /** Repaints the last frame in full now. */
  repaint(): void {
    this.shown = null;
    if (!this.suspended && !this.shut) this.paint();
  }

  /** Stops writing (a program owns the terminal); frames keep arriving and the last is kept. */
  suspend(): void {
    this.suspended = true;
  }

  /** Writes again, starting with a full repaint of the newest frame. */
  resume(): void {
    this.suspended = false;
    this.repaint();
  }

  /** Lets Ink's size listener know (it re-lays out on `resize`). */
  notifyResize(): void {
    this.invalidate();
    this.emit('resize');
  }

  /** Writes nothing more, ever (Ink's final frame at unmount is dropped). */
  close(): void {
    this.shut = true;
  }
}
