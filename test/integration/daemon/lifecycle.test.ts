/**
 * A real supervisord in a temp dir (bin/supervisord.js -n): spawning, the crash loop to FATAL with
 * its backoff, stop escalation to SIGKILL with and without stopasgroup, SIGHUP restart, SIGTERM
 * leaving no process behind. Checked through the activity log, /proc and the daemon's transport.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, startDaemon, waitUntil, type DaemonHandle } from '../../helpers/daemon.js';

/** Seconds since the epoch of an activity-log line (`YYYY-MM-DD HH:MM:SS,mmm ...`). */
function lineTime(line: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) /.exec(line);
  assert.ok(m, `not a log line: ${line}`);
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as number[];
  return new Date(y!, mo! - 1, d!, h!, mi!, s!, ms!).getTime() / 1000;
}

async function withDaemon(conf: string, fn: (d: DaemonHandle) => Promise<void>, loglevel?: string): Promise<void> {
  const d = await startDaemon(conf, { loglevel });
  try {
    await fn(d);
    assert.equal(await d.stop(), 0);
  } finally {
    d.cleanup();
  }
}

test('spawns autostart programs at once; SIGTERM stops them and exits 0 leaving nothing', async () => {
  await withDaemon(
    `[program:sleeper]\ncommand=/bin/sleep 1000\n\n[program:other]\ncommand=/bin/sh -c "exec sleep 1000"\nstartsecs=0\n`,
    async (d) => {
      await d.waitForLog(/success: sleeper entered RUNNING state/);
      await d.waitForLog(/success: other entered RUNNING state/);
      const pids = [d.spawnedPid('sleeper'), d.spawnedPid('other')];
      for (const p of pids) assert.ok(isAlive(p));
      const info = (await d.call('supervisor.getProcessInfo', ['sleeper'])) as { pid: number; statename: string };
      assert.equal(info.statename, 'RUNNING');
      assert.equal(info.pid, pids[0]);
      d.signal('SIGTERM');
      assert.equal(await d.waitForExit(), 0);
      const log = d.log();
      assert.match(log, /WARN received SIGTERM indicating exit request/);
      assert.match(log, /stopped: sleeper \(terminated by SIGTERM\)/);
      assert.match(log, /stopped: other \(terminated by SIGTERM\)/);
      for (const p of pids) assert.ok(!isAlive(p), `pid ${p} left`);
    },
  );
});

test('a crash loop backs off 1, 2, 3 s and ends FATAL', async () => {
  await withDaemon(`[program:crash]\ncommand=/bin/sh -c "exit 3"\nstartretries=3\n`, async (d) => {
    await d.waitForLog(/gave up: crash entered FATAL state, too many start retries too quickly/, 20_000);
    const lines = d.log().split('\n');
    const spawns = lines.filter((l) => /INFO spawned: 'crash' with pid \d+$/.test(l));
    assert.equal(spawns.length, 4, 'one start and startretries=3 retries');
    assert.equal(lines.filter((l) => /WARN exited: crash \(exit status 3; not expected\)$/.test(l)).length, 4);
    // Each retry waits at least one second more than the one before (1, 2, 3 s).
    const times = spawns.map(lineTime);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i]! - times[i - 1]! >= i - 0.05, `retry ${i} came after ${(times[i]! - times[i - 1]!).toFixed(3)} s`);
    }
    const info = (await d.call('supervisor.getProcessInfo', ['crash'])) as { statename: string; spawnerr: string };
    assert.equal(info.statename, 'FATAL');
    assert.equal(info.spawnerr, 'Exited too quickly (process log may have details)');
  });
});

/** A program that ignores SIGTERM and has a grandchild (which inherits the ignored TERM). */
const STUBBORN = `#!/bin/sh
trap '' TERM
sleep 1000 &
echo $! > "$1"
wait
`;

test('stop escalates to SIGKILL; without stopasgroup the grandchild survives, with it the group dies', async () => {
  for (const asgroup of [false, true]) {
    const d = await startDaemon(
      `[program:stubborn]\ncommand=%(here)s/stubborn.sh %(here)s/grandchild.pid\nstopwaitsecs=1\nstartsecs=0\n` +
        `stopasgroup=${asgroup}\n`,
      { files: { 'stubborn.sh': STUBBORN }, loglevel: 'debug' },
    );
    try {
      const gcFile = join(d.dir, 'grandchild.pid');
      const gc = await waitUntil(() => {
        try {
          return Number(readFileSync(gcFile, 'utf8').trim()) || 0;
        } catch {
          return 0;
        }
      });
      d.watched.add(gc);
      const pid = d.spawnedPid('stubborn');
      assert.equal(await d.call('supervisor.stopProcess', ['stubborn']), true);
      const log = d.log();
      assert.match(log, new RegExp(`DEBG killing stubborn \\(pid ${pid}\\) ${asgroup ? 'process group ' : ''}with signal SIGTERM`));
      assert.match(log, new RegExp(`WARN killing 'stubborn' \\(${pid}\\) with SIGKILL`));
      assert.match(log, /stopped: stubborn \(terminated by SIGKILL\)/);
      assert.ok(!isAlive(pid));
      if (asgroup) {
        await waitUntil(() => !isAlive(gc), 5000, 'the grandchild to die with its group');
      } else {
        // Supervisor's behaviour: only the child is killed; the orphan lives on until we kill it.
        assert.ok(isAlive(gc), 'without stopasgroup the grandchild is not signalled');
        process.kill(gc, 'SIGKILL');
        await waitUntil(() => !isAlive(gc), 5000, 'the grandchild to die');
      }
      assert.equal(await d.stop(), 0);
    } finally {
      d.cleanup();
    }
  }
});

test('SIGHUP restarts everything in the same process and rewrites the pidfile', async () => {
  await withDaemon(`[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:b]\ncommand=/bin/sleep 1001\nstartsecs=0\n`, async (d) => {
    await d.waitForLog(/success: b entered RUNNING/);
    const before = [d.spawnedPid('a'), d.spawnedPid('b')];
    d.signal('SIGHUP');
    await d.waitForLog(/WARN received SIGHUP indicating restart request/);
    await waitUntil(() => d.spawnedPid('a') !== before[0] && d.spawnedPid('b') !== before[1], 15_000, 'both restarted');
    for (const p of before) assert.ok(!isAlive(p));
    assert.equal(readFileSync(d.pidfile, 'utf8'), `${d.pid}\n`);
    assert.equal(d.log().split('\n').filter((l) => l.endsWith(`supervisord started with pid ${d.pid}`)).length, 2);
    // The RPC restart does the same.
    await waitUntil(async () => {
      try {
        return ((await d.call('supervisor.getState')) as { statename: string }).statename === 'RUNNING';
      } catch {
        return false;
      }
    });
    const mid = d.spawnedPid('a');
    assert.equal(await d.call('supervisor.restart'), true);
    await waitUntil(() => d.spawnedPid('a') !== mid, 15_000, 'a restarted by the restart RPC');
    assert.ok(!isAlive(mid));
  });
});
