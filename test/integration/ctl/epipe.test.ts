/**
 * `supervisorctl status | head -1`: the reader closes the pipe early. supervisorctl must stop quietly,
 * with no stack trace on stderr (regression: an unhandled EPIPE error event).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDaemon } from '../../helpers/daemon.js';

const BIN = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));

test('a reader that closes the pipe early gets no stack trace', async () => {
  // Enough processes that status writes more than one line after the reader has gone.
  let conf = '';
  for (let i = 0; i < 40; i++) conf += `[program:p${i}]\ncommand=/bin/sleep 1000\nstartsecs=0\n`;
  const d = await startDaemon(conf);
  try {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, '-c', d.confPath, 'status'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c));
      // Close our end before it writes, as `head -1` does after its first line: every write fails.
      child.stdout.destroy();
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.stderr, '');
    assert.notEqual(r.code, null);
  } finally {
    await d.stop();
    d.cleanup();
  }
});
