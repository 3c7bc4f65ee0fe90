/**
 * The daemon's copy of a pty program's screen: one @xterm/headless Terminal per program, fed with every
 * output chunk and resized with the pty, so an attaching client gets the current screen at once
 * (addon-serialize's output, replayed into a cleared terminal) instead of waiting for a repaint.
 * The packages are CommonJS and loaded on first use, so a daemon without pty programs never loads them.
 */
import { createRequire } from 'node:module';
import type { Terminal as HeadlessTerminal } from '@xterm/headless';
import type { SerializeAddon as Serializer } from '@xterm/addon-serialize';

const require = createRequire(import.meta.url);

/** Lines kept above the visible screen: enough to scroll back a little, bounded in memory. */
export const DEFAULT_SCROLLBACK = 1000;

/** What a snapshot holds: the screen as terminal bytes and the size it was taken at. */
export interface ScreenSnapshot {
  screen: string;
  cols: number;
  rows: number;
}

/** One headless terminal emulator. Writes are parsed asynchronously, in order. */
export class PtyScreen {
  private readonly term: HeadlessTerminal;
  private readonly serializer: Serializer;
  /** Bytes handed to write() and not parsed yet (for flow control). */
  private pendingBytes = 0;
  private closed = false;
  private _cols: number;
  private _rows: number;

  constructor(cols: number, rows: number, scrollback = DEFAULT_SCROLLBACK) {
    // The default import is the CommonJS exports object: `import {Terminal}` fails under Node ESM.
    const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');
    const { SerializeAddon } = require('@xterm/addon-serialize') as typeof import('@xterm/addon-serialize');
    // allowProposedApi: the serializer reads `terminal.buffer`, a proposed API.
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.serializer = new SerializeAddon();
    this.term.loadAddon(this.serializer as unknown as Parameters<HeadlessTerminal['loadAddon']>[0]);
    this._cols = cols;
    this._rows = rows;
  }

  /** The size after every resize asked for so far. */
  get cols(): number {
    return this._cols;
  }
  get rows(): number {
    return this._rows;
  }

  /** Bytes written but not parsed yet. */
  get pending(): number {
    return this.pendingBytes;
  }

  /** Feed one output chunk; `parsed` runs once the emulator has processed it. */
  feed(chunk: Uint8Array, parsed?: () => void): void {
    if (this.closed) return;
    this.pendingBytes += chunk.length;
    this.term.write(chunk, () => {
      this.pendingBytes -= chunk.length;
      parsed?.();
    });
  }

  /**
   * Resize between the chunks already fed and the next ones (the program's output before the resize
   * was laid out at the old size).
   */
  resize(cols: number, rows: number): void {
    if (this.closed) return;
    this._cols = cols;
    this._rows = rows;
    this.term.write('', () => this.term.resize(cols, rows));
  }

  /** The screen once everything fed before this call has been parsed. */
  snapshot(): Promise<ScreenSnapshot> {
    if (this.closed) return Promise.reject(new Error('the screen is closed'));
    return new Promise((resolve) => {
      this.term.write('', () => {
        resolve({ screen: this.serializer.serialize(), cols: this.term.cols, rows: this.term.rows });
      });
    });
  }

  /** Release the emulator once the writes (and snapshots) already queued are done. */
  close(): void {
    if (this.closed) return;
    // Later calls are refused now; the emulator goes once what was queued before has run.
    this.closed = true;
    this.term.write('', () => this.term.dispose());
  }
}
