/**
 * The exit backstop: after the shutdown, supervisord exits even when something still holds the event
 * loop open, and then says at WARN level what was open, so a leaked handle does not go unnoticed. A
 * real daemon (daemon/main.ts's main) in a child node process with a shortened backstop; the leak is
 * an interval the child starts itself. Without a leak, no such line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendants, isAlive, waitUntil } from '../../helpers/daemon.js';

const MAIN = fileURLToPath(new URL('../../../daemon/main.js', import.meta.url));
const BACKSTOP = /WARN still running 300 ms after the shutdown, exiting anyway; open: (.*)$/m;

/** Runs main() in a child node with a 300 ms backstop (and a leaked interval when `leak`), SIGTERMs it once up. */
async function runDaemon(t: { after(fn: () => void): void }, leak: boolean): Promise<{ code: number | null; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'backstop-'));
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(
    conf,
    '[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\nnodaemon=true\nsilent=true\n' +
      '[unix_http_server]\nfile=%(here)s/s.sock\n[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n',
  );
  const script =
    `const { main } = await import(${JSON.stringify(MAIN)});\n` +
    (leak ? 'setInterval(() => {}, 1 << 30);\n' : '') +
    `process.exitCode = await main(['-c', ${JSON.stringify(conf)}], { exitBackstopMs: 300 });\n`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => {
    for (const pid of [child.pid!, ...descendants(child.pid!)]) {
      try {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const logfile = join(dir, 'supervisord.log');
  const log = () => (existsSync(logfile) ? readFileSync(logfile, 'utf8') : '');
  await waitUntil(() => log().includes('success: sleeper entered RUNNING state'), 15_000, 'the program to run');
  child.kill('SIGTERM');
  const code = await exited;
  return { code, log: log() };
}

test('a handle left open after the shutdown: exit anyway with the status, and log what was open', async (t) => {
  const { code, log } = await runDaemon(t, true);
  assert.equal(code, 0);
  assert.match(log, /stopped: sleeper \(terminated by SIGTERM\)/);
  const m = BACKSTOP.exec(log);
  assert.ok(m, `no backstop warning in:\n${log}`);
  assert.match(m[1]!, /\bTimeout\b/);
});

test('a clean shutdown exits by itself: no backstop warning', async (t) => {
  const { code, log } = await runDaemon(t, false);
  assert.equal(code, 0);
  assert.match(log, /stopped: sleeper \(terminated by SIGTERM\)/);
  assert.doesNotMatch(log, BACKSTOP);
});
