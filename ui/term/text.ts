/**
 * Text measuring and cutting for terminal cells. Every string the console draws is made of printable
 * characters and SGR sequences only (sanitize() guarantees it for program output), so widths and cuts
 * can be computed here exactly, row by row, and Ink is handed lines that already fit.
 */

/** Matches one SGR sequence (CSI params m). */
const SGR_RE = /\x1b\[[0-9;:]*m/y;

/** True for code points that take two cells (East Asian wide/fullwidth, most emoji). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Cells taken by one code point: 0 for combining marks and zero-width characters. */
export function charWidth(cp: number): number {
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0xfeff) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x20d0 && cp <= 0x20ff)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Splits a line into SGR sequences and single characters, calling `fn` for each. */
function scan(s: string, fn: (piece: string, isSgr: boolean, width: number) => boolean | void): void {
  for (let i = 0; i < s.length; ) {
    if (s.charCodeAt(i) === 0x1b) {
      SGR_RE.lastIndex = i;
      const m = SGR_RE.exec(s);
      if (m) {
        if (fn(m[0], true, 0) === false) return;
        i += m[0].length;
        continue;
      }
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (fn(ch, false, charWidth(cp)) === false) return;
    i += ch.length;
  }
}

/** Visible width in cells (SGR sequences count 0). */
export function textWidth(s: string): number {
  let w = 0;
  // Fast path: plain ASCII.
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  scan(s, (_p, _sgr, cw) => {
    w += cw;
  });
  return w;
}

/** The SGR sequences and characters of `s` up to `width` cells; SGR state is reset at the end if used. */
export function truncate(s: string, width: number, ellipsis = ''): string {
  if (width <= 0) return '';
  if (textWidth(s) <= width) return s;
  const room = width - textWidth(ellipsis);
  let out = '';
  let w = 0;
  let styled = false;
  scan(s, (p, sgr, cw) => {
    if (sgr) {
      out += p;
      styled = true;
      return;
    }
    if (w + cw > room) return false;
    out += p;
    w += cw;
  });
  return out + (styled ? '\x1b[0m' : '') + ellipsis;
}

/** `s` cut or padded with spaces to exactly `width` cells. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(s, width, width > 1 ? '…' : '');
  const gap = Math.max(0, width - textWidth(t));
  return align === 'left' ? t + ' '.repeat(gap) : ' '.repeat(gap) + t;
}

/**
 * Splits `s` into rows of at most `width` cells, carrying the active SGR state onto each following row
 * (a colour started on one row continues on the next). Always returns at least one row.
 */
export function wrapRows(s: string, width: number): string[] {
  if (width <= 0) return [''];
  if (textWidth(s) <= width) return [s];
  const rows: string[] = [];
  let row = '';
  let w = 0;
  let active = ''; // SGR sequences in effect since the last reset
  scan(s, (p, sgr, cw) => {
    if (sgr) {
      row += p;
      active = p === '\x1b[0m' || p === '\x1b[m' ? '' : active + p;
      return;
    }
    if (w + cw > width) {
      rows.push(active ? row + '\x1b[0m' : row);
      row = active;
      w = 0;
    }
    row += p;
    w += cw;
  });
  rows.push(row);
  return rows;
}

/** Removes every SGR sequence. */
export function stripSgr(s: string): string {
  return s.replace(/\x1b\[[0-9;:]*m/g, '');
}

/**
 * An SGR parameter list without its colour parameters (foreground, background, underline colour,
 * including 256-colour and true-colour forms); null when nothing is left of it.
 */
export function withoutColour(params: string): string | null {
  if (params === '' || params === '0') return params;
  const ps = params.split(/[;:]/);
  const kept: string[] = [];
  for (let i = 0; i < ps.length; i++) {
    const n = Number(ps[i]);
    if (n === 38 || n === 48 || n === 58) {
      // 38;5;N or 38;2;R;G;B: skip the arguments too.
      i += ps[i + 1] === '5' ? 2 : ps[i + 1] === '2' ? 4 : 0;
      continue;
    }
    if ((n >= 30 && n <= 39) || (n >= 40 && n <= 49) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) || n === 59) continue;
    kept.push(ps[i]!);
  }
  return kept.length ? kept.join(';') : null;
}

/**
 * Makes program output safe to draw inside a pane: SGR sequences are kept (or, with `colour` false,
 * only their non-colour attributes are), every other escape sequence (cursor movement, erase, OSC
 * titles, charset switches) and control character is dropped, tabs become spaces to the next stop of 8.
 * A carriage return not followed by a newline starts the line again (progress bars show their last state).
 */
export function sanitize(line: string, colour = true): string {
  if (line.includes('\r')) {
    const parts = line.split('\r');
    // The last non-empty segment is what a terminal would show (for a progress bar: its final state).
    let last = '';
    for (const p of parts) if (p !== '') last = p;
    line = last;
  }
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f]|\t/.test(line)) return line;
  let out = '';
  let col = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x1b) {
      const next = line[i + 1];
      if (next === '[') {
        // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e.
        let j = i + 2;
        while (j < line.length && line.charCodeAt(j) >= 0x30 && line.charCodeAt(j) <= 0x3f) j++;
        const params = line.slice(i + 2, j);
        while (j < line.length && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++;
        const final = line[j];
        if (final === 'm' && /^[0-9;:]*$/.test(params)) {
          const p = colour ? params : withoutColour(params);
          if (p !== null) out += `\x1b[${p}m`;
        }
        i = j;
        continue;
      }
      if (next === ']' || next === 'P' || next === '_' || next === '^') {
        // OSC / DCS / APC / PM: up to BEL or ST.
        let j = i + 2;
        while (j < line.length && line.charCodeAt(j) !== 0x07 && !(line[j] === '\x1b' && line[j + 1] === '\\')) j++;
        i = line[j] === '\x1b' ? j + 1 : j;
        continue;
      }
      // Two- or three-byte escapes (charset designations take one more byte).
      i += next !== undefined && '()*+'.includes(next) ? 2 : 1;
      continue;
    }
    if (c === 0x09) {
      const n = 8 - (col % 8);
      out += ' '.repeat(n);
      col += n;
      continue;
    }
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) continue;
    out += line[i];
    col++;
  }
  return out;
}

/** Highlights every case-insensitive occurrence of `needle` in a line (SGR 7), keeping its other SGR. */
export function highlight(line: string, needle: string): string {
  if (!needle) return line;
  const plain = stripSgr(line);
  const lower = plain.toLowerCase();
  const n = needle.toLowerCase();
  const marks: Array<[number, number]> = [];
  for (let at = lower.indexOf(n); at !== -1; at = lower.indexOf(n, at + n.length)) marks.push([at, at + n.length]);
  if (!marks.length) return line;
  // Walk the styled line, mapping plain offsets to positions.
  let out = '';
  let pos = 0;
  let m = 0;
  scan(line, (p, sgr) => {
    if (sgr) {
      out += p;
      return;
    }
    if (m < marks.length && pos === marks[m]![0]) out += '\x1b[7m';
    out += p;
    pos += p.length;
    if (m < marks.length && pos === marks[m]![1]) {
      out += '\x1b[27m';
      m++;
    }
  });
  return out;
}
