/**
 * The e2e tier's own machinery: the private tmux (test/helpers/tmux.ts) and the screenshot route of
 * scripts/screenshots.js (captured ANSI → headless xterm → HTML → PNG), so that a failing console
 * test is never a broken harness.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tmux, shellQuote } from '../helpers/tmux.js';
import { skipReason } from './fixtures.js';

const SCREENSHOTS = new URL('../../../scripts/screenshots.js', import.meta.url).href;

interface ScreenshotsModule {
  screenToHtml(ansi: string, cols: number, rows: number): Promise<string>;
  screenToPng(ansi: string, cols: number, rows: number, out: string): Promise<void>;
  windowSize(cols: number, rows: number): [number, number];
}

function haveChromium(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v chromium'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the private tmux', { skip: skipReason() }, () => {
  test('runs the command with NODE_ENV=production, extra variables, at the given size', async () => {
    const t = await Tmux.start(['sh', '-c', 'echo "NODE_ENV=$NODE_ENV X=$X SIZE=$(stty size)"'], { cols: 90, rows: 20, env: { X: 'a b' } });
    try {
      assert.match(await t.waitFor(/EXITED=0/), /NODE_ENV=production X=a b SIZE=20 90/);
    } finally {
      await t.kill();
    }
  });

  test('drops an inherited CI variable', async () => {
    const saved = process.env.CI;
    process.env.CI = 'true';
    const t = await Tmux.start(['sh', '-c', 'echo "CI=${CI-unset}"']);
    try {
      assert.match(await t.waitFor(/EXITED=0/), /CI=unset/);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
      await t.kill();
    }
  });

  test('sends keys one at a time and in order, types literally, resizes, reports modes and exit', async () => {
    // A reader in raw mode that prints each byte it gets, one read at a time, then the new size.
    const reader = `stty raw -echo; for i in 1 2 3 4; do c=$(dd bs=1 count=1 2>/dev/null | od -An -c | tr -d ' '); printf '[%s]' "$c"; done; stty sane; printf '\\n'; read line; echo "line=$line"; stty size`;
    const t = await Tmux.start(['sh', '-c', reader], { cols: 80, rows: 24 });
    try {
      await t.send('a', 'b', 'C-]', 'Enter');
      await t.waitFor(/\[a\]\[b\]\[035\]\[\\r\]/, 5_000, 'the four keys in order');
      await t.type('it\'s "quoted" $HOME');
      await t.resize(100, 30);
      await t.send('Enter');
      const s = await t.waitFor(/EXITED=0\nTTY=.*\n\$/);
      assert.match(s, /line=it's "quoted" \$HOME/);
      assert.match(s, /^30 100$/m);
      assert.match(s, /TTY=icanon echo/);
      assert.deepEqual(await t.modes(), { alternate: false, cursorVisible: true, keypadCursor: false, mouse: false });
    } finally {
      await t.kill();
    }
  });

  test('capture(true) keeps colours, inverse and trailing spaces', async () => {
    const t = await Tmux.start(['sh', '-c', `printf '\\033[31mred\\033[0m \\033[7mbar   \\033[0m\\n'`], { cols: 40, rows: 5 });
    try {
      await t.waitFor(/EXITED=0/);
      const ansi = await t.capture(true);
      assert.match(ansi, /\x1b\[31mred/);
      assert.match(ansi, /\x1b\[7mbar {3}/, 'the inverse bar keeps its trailing spaces');
      assert.doesNotMatch(await t.capture(), /\x1b/, 'plain capture has no escapes');
    } finally {
      await t.kill();
    }
  });

  test('kill() ends the private server and is safe to call twice', async () => {
    const t = await Tmux.start(['sleep', '1000']);
    await t.kill();
    await t.kill();
    await assert.rejects(t.tmux('list-sessions'), 'no server is left on the private socket');
  });

  test('shellQuote keeps words intact through the shell', () => {
    for (const w of ["it's", 'a b', '$HOME', '"q"', 'plain-word_1.js', '']) {
      assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(w) || "''"}`], { encoding: 'utf8' }), w);
    }
  });
});

describe('the screenshot route', () => {
  test('screenToHtml rebuilds colours, bold and inverse, and does not scroll on the last newline', async () => {
    const { screenToHtml } = (await import(SCREENSHOTS)) as ScreenshotsModule;
    const ansi = 'top row\n\x1b[32mRUNNING\x1b[0m \x1b[1mbold\x1b[0m\n\x1b[7m bar \x1b[0m\n';
    const html = await screenToHtml(ansi, 20, 3);
    assert.match(html, /top row/, 'the first row is still there');
    assert.match(html, /<span style='color: #4e9a06;'>RUNNING<\/span>/);
    assert.match(html, /font-weight: bold;'>bold/);
    assert.match(html, /background-color: #[0-9A-Fa-f]{6};'> bar /, 'inverse becomes a background');
    assert.match(html, /DejaVu Sans Mono/);
  });

  test('screenToPng writes a PNG of the computed size', { skip: !haveChromium() && 'chromium is not installed (scripts/screenshots.js installs it)' }, async () => {
    const { screenToPng, windowSize } = (await import(SCREENSHOTS)) as ScreenshotsModule;
    const dir = mkdtempSync(join(tmpdir(), 'shot-test-'));
    try {
      const out = join(dir, 'x.png');
      await screenToPng('\x1b[32mhello\x1b[0m\n', 30, 4, out);
      const png = readFileSync(out);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], windowSize(30, 4));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
