/**
 * Test helper: what a client's terminal shows after it wrote the given bytes (an attach screen, then
 * live pty chunks), read back from a fresh @xterm/headless terminal.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

/** The visible lines (trailing blanks trimmed) after writing `data` into a cols x rows terminal. */
export function renderScreen(data: string | Uint8Array | (string | Uint8Array)[], cols: number, rows: number): Promise<string[]> {
  const term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  for (const d of Array.isArray(data) ? data : [data]) term.write(d);
  return new Promise((resolve) => {
    term.write('', () => {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let y = 0; y < rows; y++) lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
      term.dispose();
      resolve(lines);
    });
  });
}
