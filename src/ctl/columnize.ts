/** The column layout of Python's cmd.Cmd.columnize(), used by `help`. */

/**
 * Lays `words` out in as few rows as fit `width`, filling columns top to bottom; each cell is padded to
 * its column's width and cells are joined by two spaces (trailing empty cells are dropped).
 */
export function columnize(words: readonly string[], width: number): string[] {
  const size = words.length;
  if (size === 0) return ['<empty>'];
  if (size === 1) return [words[0]!];
  let nrows = size;
  let ncols = 1;
  let colwidths = [0];
  for (let rows = 1; rows < size; rows++) {
    const cols = Math.ceil(size / rows);
    const widths: number[] = [];
    let total = -2;
    for (let col = 0; col < cols; col++) {
      let w = 0;
      for (let row = 0; row < rows; row++) {
        const i = row + rows * col;
        if (i >= size) break;
        w = Math.max(w, words[i]!.length);
      }
      widths.push(w);
      total += w + 2;
      if (total > width) break;
    }
    if (total <= width) {
      nrows = rows;
      ncols = cols;
      colwidths = widths;
      break;
    }
  }
  const lines: string[] = [];
  for (let row = 0; row < nrows; row++) {
    const texts: string[] = [];
    for (let col = 0; col < ncols; col++) {
      const i = row + nrows * col;
      texts.push(i >= size ? '' : words[i]!);
    }
    while (texts.length && !texts[texts.length - 1]) texts.pop();
    lines.push(texts.map((t, col) => t.padEnd(colwidths[col]!)).join('  '));
  }
  return lines;
}
