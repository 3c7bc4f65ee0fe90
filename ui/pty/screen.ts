/**
 * A pty program's screen, rebuilt from its bytes by @xterm/headless and read back as lines of text with
 * SGR colours, for the console's preview pane.
 */
import type { Terminal as XTerminal, IBufferCell } from '@xterm/headless';

type TerminalClass = typeof XTerminal;
let terminalClass: Promise<TerminalClass> | null = null;

/**
 * Loads @xterm/headless on first use: only pty previews need it, and evaluating it would add ~0.1 s to
 * every console start. It is CommonJS without an exports map: Terminal comes from the default import.
 */
export function loadTerminal(): Promise<TerminalClass> {
  terminalClass ??= import('@xterm/headless').then((m) => (m.default as unknown as { Terminal: TerminalClass }).Terminal);
  return terminalClass;
}

/** SGR parameters of a cell's colours and attributes (empty for the default look). */
function cellSgr(c: IBufferCell, colour: boolean): string {
  const p: Array<number | string> = [];
  if (c.isBold()) p.push(1);
  if (c.isDim()) p.push(2);
  if (c.isItalic()) p.push(3);
  if (c.isUnderline()) p.push(4);
  if (c.isInverse()) p.push(7);
  if (c.isStrikethrough()) p.push(9);
  if (colour) {
    if (c.isFgPalette()) {
      const n = c.getFgColor();
      p.push(n < 8 ? 30 + n : n < 16 ? 90 + n - 8 : `38;5;${n}`);
    } else if (c.isFgRGB()) {
      const v = c.getFgColor();
      p.push(`38;2;${(v >> 16) & 255};${(v >> 8) & 255};${v & 255}`);
    }
    if (c.isBgPalette()) {
      const n = c.getBgColor();
      p.push(n < 8 ? 40 + n : n < 16 ? 100 + n - 8 : `48;5;${n}`);
    } else if (c.isBgRGB()) {
      const v = c.getBgColor();
      p.push(`48;2;${(v >> 16) & 255};${(v >> 8) & 255};${v & 255}`);
    }
  }
  return p.join(';');
}

/** A pty program's screen (make one with PtyScreen.create). */
export class PtyScreen {
  private readonly term: XTerminal;
  private cell: IBufferCell | undefined;

  /**
   * The program drew with absolute cursor positioning (CUP, erase display) and has not scrolled since:
   * how full-screen programs that stay on the main screen (procps top) paint.
   */
  private drawn = false;

  /** Makes a screen of `cols` x `rows` (after loadTerminal() resolved to `Terminal`). */
  constructor(Terminal: TerminalClass, cols: number, rows: number) {
    this.term = new Terminal({ cols: Math.max(1, cols), rows: Math.max(1, rows), allowProposedApi: true, scrollback: 0 });
    const draws = (): boolean => {
      this.drawn = true;
      return false; // xterm still does the work
    };
    this.term.parser.registerCsiHandler({ final: 'H' }, draws);
    this.term.parser.registerCsiHandler({ final: 'f' }, draws);
    this.term.parser.registerCsiHandler({ final: 'J' }, draws);
    // Output that scrolls the screen is line-oriented (a shell, a REPL, a log).
    this.term.onScroll(() => (this.drawn = false));
  }

  /** A screen of `cols` x `rows`, loading the terminal emulator first if needed. */
  static async create(cols: number, rows: number): Promise<PtyScreen> {
    return new PtyScreen(await loadTerminal(), cols, rows);
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /** Feeds bytes; `done` runs once they are parsed (xterm parses asynchronously). */
  write(data: string | Uint8Array, done?: () => void): void {
    this.term.write(data, done);
  }

  /** Clears everything and feeds a serialized screen (from ext.ptyAttach). */
  reset(cols: number, rows: number, screen: string, done?: () => void): void {
    this.term.reset();
    // The serializer moves the cursor relatively, so a replay shows no CUP; but it includes the daemon's
    // scrollback: a screen that replays without scrolling never scrolled, as a full-screen program's.
    this.drawn = true;
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(Math.max(1, cols), Math.max(1, rows));
    this.term.write(screen, done);
  }

  /**
   * True for a full-screen program (top, vim, less: it shows the alternate screen, or paints the main
   * screen in place), as opposed to one that writes line after line (a shell, a REPL).
   */
  get fullScreen(): boolean {
    const b = this.term.buffer.active;
    if (b.type === 'alternate') return true;
    // On the main screen: painted in place, down to the last row (top); else it writes line by line.
    return this.drawn && (b.getLine(b.viewportY + this.term.rows - 1)?.translateToString(true) ?? '') !== '';
  }

  /** The cursor, in screen coordinates. */
  cursor(): { x: number; y: number } {
    const b = this.term.buffer.active;
    return { x: b.cursorX, y: b.cursorY };
  }

  /**
   * Rows `top`..`top+height` of the visible screen, each cut to `width` cells, as text with SGR.
   * The cursor cell is drawn inverse when `showCursor`.
   */
  lines(top: number, height: number, width: number, colour: boolean, showCursor = false): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    const cur = this.cursor();
    for (let y = top; y < top + height; y++) {
      const line = y < this.term.rows ? b.getLine(b.viewportY + y) : undefined;
      if (!line) {
        out.push('');
        continue;
      }
      let s = '';
      let current = '';
      const n = Math.min(width, this.term.cols);
      for (let x = 0; x < n; x++) {
        this.cell = line.getCell(x, this.cell);
        const c = this.cell;
        if (!c || c.getWidth() === 0) continue; // the right half of a wide character
        let sgr = cellSgr(c, colour);
        if (showCursor && y === cur.y && x === cur.x) sgr = sgr ? sgr + ';7' : '7';
        if (sgr !== current) {
          s += '\x1b[0m' + (sgr ? `\x1b[${sgr}m` : '');
          current = sgr;
        }
        s += c.getChars() || ' ';
      }
      if (current) s += '\x1b[0m';
      out.push(s.replace(/^\x1b\[0m/, '').replace(/ +$/, ''));
    }
    return out;
  }

  dispose(): void {
    this.term.dispose();
  }
}
