import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pidsWithTag, reap, runTimed, spawnTagged, subTag } from '../../../bench/lib/procs.js';
import { ActivityLog, RUNNING_LINE } from '../../../bench/lib/daemon.js';
import { cpuMs, isAlive, rssKiB } from '../../../bench/lib/sys.js';
import { waitFor } from '../../../bench/lib/wait.js';

test('reap kills a tagged process and the grandchild it left in another session', async () => {
  const tag = subTag('test.reap');
  // setsid puts the grandchild in its own session, as a daemon's programs are; only the tag finds it.
  const child = spawnTagged('sh', ['-c', 'setsid sleep 1000 & sleep 1000'], { tag, cwd: os.tmpdir(), stdio: 'ignore' });
  try {
    const pids = await waitFor(() => (pidsWithTag(tag).length >= 3 ? pidsWithTag(tag) : null), { timeoutMs: 5000, what: 'tagged processes' });
    assert.ok(pids.includes(child.pid!));
    assert.ok(!pids.includes(process.pid));
    assert.ok(await reap(tag) >= 3);
    assert.deepEqual(pidsWithTag(tag), []);
    for (const p of pids) assert.equal(isAlive(p), false);
  } finally {
    await reap(tag);
  }
});

test('reap leaves processes of other tags alone', async () => {
  const mine = subTag('test.mine');
  const other = subTag('test.other');
  const a = spawnTagged('sleep', ['1000'], { tag: mine, cwd: os.tmpdir(), stdio: 'ignore' });
  const b = spawnTagged('sleep', ['1000'], { tag: other, cwd: os.tmpdir(), stdio: 'ignore' });
  try {
    await waitFor(() => pidsWithTag(mine).length === 1 && pidsWithTag(other).length === 1, { timeoutMs: 5000, what: 'both sleepers' });
    await reap(mine);
    assert.equal(isAlive(a.pid!), false);
    assert.equal(isAlive(b.pid!), true);
  } finally {
    await reap(mine);
    await reap(other);
  }
});

test('runTimed reports exit status, output and a positive wall time', async () => {
  const tag = subTag('test.run');
  try {
    const r = await runTimed('sh', ['-c', 'echo out; echo err >&2; exit 3'], { tag, cwd: os.tmpdir(), timeoutMs: 5000 });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.ok(r.ms > 0);
    await assert.rejects(runTimed('sleep', ['1000'], { tag, cwd: os.tmpdir(), timeoutMs: 200 }), /took more than 200 ms/);
  } finally {
    await reap(tag);
  }
});

test('/proc readers see this process and nothing for a pid that does not exist', () => {
  assert.ok((rssKiB(process.pid) ?? 0) > 1000);
  assert.ok((cpuMs(process.pid) ?? -1) >= 0);
  assert.equal(rssKiB(2 ** 22 + 1), null);
  assert.equal(cpuMs(2 ** 22 + 1), null);
});

test('ActivityLog reads appended lines incrementally, holding back a partial line', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-log-test-'));
  try {
    const log = new ActivityLog(join(dir, 'supervisord.log'));
    log.poll(); // no file yet: nothing, no error
    assert.equal(log.lines.length, 0);
    const ok = '2026-01-01 00:00:00,000 INFO success: p1 entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)\n';
    appendFileSync(log.path, `2026-01-01 00:00:00,000 INFO spawned: 'p1' with pid 1\n${ok}2026-01-01 00:00:00,000 INFO succ`);
    log.poll();
    assert.equal(log.lines.length, 2);
    assert.equal(log.count(RUNNING_LINE), 1);
    appendFileSync(log.path, `ess: p2 entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)\n`);
    log.poll();
    assert.equal(log.count(RUNNING_LINE), 2);
    assert.equal(log.count(RUNNING_LINE, 2), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
