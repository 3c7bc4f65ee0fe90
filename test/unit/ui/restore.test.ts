/**
 * The terminal comes back whatever ends the console: a real child process on a real pty (node-pty), its
 * output replayed into @xterm/headless; SIGTERM, SIGHUP, an uncaught exception and an unhandled
 * rejection must all leave the alternate screen, show the cursor, and exit with the right status.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ptyModule from 'node-pty';
import xtermHeadless from '@xterm/headless';

const { Terminal } = xtermHeadless;
const CHILD = fileURLToPath(new URL('./fixtures/console-child.js', import.meta.url));

interface Run {
  output: string;
  exitCode: number;
  signal: number;
}

/** Starts the child on a pty, waits for the table, does `act`, and collects everything until exit. */
function run(mode: string, act: (p: ptyModule.IPty) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
    const p = ptyModule.spawn(process.execPath, [CHILD, mode], { name: 'xterm-256color', cols: 100, rows: 30, env });
    let output = '';
    let acted = false;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`child did not finish; output: ${JSON.stringify(output.slice(-400))}`));
    }, 20000);
    p.onData((d) => {
      output += d;
      if (!acted && output.includes('db') && output.includes('web') && output.includes('live')) {
        acted = true;
        act(p);
      }
    });
    p.onExit(({ exitCode, signal }) => {
      clearTimeout(timer);
      resolve({ output, exitCode, signal: signal ?? 0 });
    });
  });
}

/** Replays the output into a terminal and reports its final state. */
async function finalState(output: string): Promise<{ alternate: boolean; text: string }> {
  const t = new Terminal({ cols: 100, rows: 30, allowProposedApi: true });
  await new Promise<void>((r) => t.write(output, r));
  const b = t.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < t.rows; y++) lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
  const state = { alternate: b.type === 'alternate', text: lines.join('\n') };
  t.dispose();
  return state;
}

/** The last cursor-visibility switch in the output shows the cursor. */
function cursorShown(output: string): boolean {
  return output.lastIndexOf('\x1b[?25h') > output.lastIndexOf('\x1b[?25l');
}

describe('console: terminal restore', () => {
  for (const [sig, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`restores the terminal on ${sig}`, async () => {
      const r = await run('signal', (p) => process.kill(p.pid, sig));
      assert.equal(r.exitCode, code);
      const s = await finalState(r.output);
      assert.equal(s.alternate, false, 'back on the main screen');
      assert.ok(cursorShown(r.output), 'cursor shown');
      assert.ok(r.output.includes('\x1b[?1049l'));
    });
  }

  for (const mode of ['throw', 'reject'] as const) {
    it(`restores the terminal and prints one line on ${mode === 'throw' ? 'an uncaught exception' : 'an unhandled rejection'}`, async () => {
      const r = await run(mode, () => {});
      assert.equal(r.exitCode, 1);
      const s = await finalState(r.output);
      assert.equal(s.alternate, false);
      assert.ok(cursorShown(r.output));
      assert.match(s.text, /supervisorctl: console failed: (boom from a timer|rejected promise)/);
      assert.doesNotMatch(s.text, /^\s+at /m, 'no stack trace');
    });
  }

  it('quits with q: exit 0, main screen, cursor shown', async () => {
    const r = await run('signal', (p) => p.write('q'));
    assert.equal(r.exitCode, 0);
    const s = await finalState(r.output);
    assert.equal(s.alternate, false);
    assert.ok(cursorShown(r.output));
  });
});
