/**
 * The syslog relay (daemon/logs/syslog.ts) with a real relay program: after it dies, the next lines
 * start another (after the pause), as Supervisor's syslog lines flow again once syslogd is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogSink } from '../../../daemon/logs/syslog.js';
import { waitFor } from '../process/fixtures.js';

const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8') : '');
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a relay that died is started again for later lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'syslog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const relay = join(dir, 'relay.txt');
  const pids = join(dir, 'pids.txt');
  // Each relay takes one line and exits.
  const sink = new SyslogSink(['sh', '-c', `echo $$ >> "${pids}"; head -n 1 >> "${relay}"`], 20);
  t.after(() => sink.close());
  sink.sendPrefixed('p ', 'one\n');
  await waitFor(() => read(relay) === 'p one\n', 5000, 'the first relay to write its line');
  const first = Number(read(pids).trim());
  await waitFor(() => !alive(first), 5000, 'the first relay to exit');
  // Lines sent while the death is being noticed, or during the pause, are dropped; one gets through.
  let n = 0;
  await waitFor(
    () => {
      sink.sendPrefixed('p ', `two-${n++}\n`);
      return /^p one\np two-\d+\n$/.test(read(relay));
    },
    5000,
    'a later line to reach a new relay',
  );
  // (A third may have started for a later line by now: each relay here takes one line.)
  assert.ok(read(pids).trim().split('\n').length >= 2, 'a second relay was started');
});
