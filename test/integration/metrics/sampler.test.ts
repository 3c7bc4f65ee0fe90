/**
 * The resource sampler on real processes and the real /proc: CPU of a busy loop, RSS of a process
 * tree, spawn counts, and no /proc reading at all while nobody subscribes; then the same through a
 * real supervisord, its ext.statsSubscribe and the `stats.processes` PUB topic.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, type StatsEvent } from '../../../daemon/events/bus.js';
import { FakeClock } from '../../../daemon/process/clock.js';
import { ProcessStates } from '../../../src/api/states.js';
import { STATS_TOPIC, type StatsPayload } from '../../../src/api/metrics.js';
import { MetricsSampler } from '../../../daemon/metrics/sampler.js';
import { ProcReader } from '../../../daemon/metrics/proc.js';
import { connect } from '../../../src/client/index.js';
import { descendants, isAlive, startDaemon, waitUntil } from '../../helpers/daemon.js';

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) {
    for (const pid of [c.pid!, ...descendants(c.pid!)]) {
      try {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

/** `sh` busy-looping, with a sleeping child of its own. */
function busyTree(): ChildProcess {
  const c = spawn('/bin/sh', ['-c', 'sleep 1000 & while :; do :; done'], { stdio: 'ignore' });
  children.push(c);
  return c;
}

test('nothing is sampled while nobody subscribes; a heartbeat starts sampling and its lease ends it', () => {
  const clock = new FakeClock();
  const bus = new EventBus();
  const events: StatsEvent[] = [];
  bus.on('stats', (e) => events.push(e));
  const sampler = new MetricsSampler({ bus, clock, processes: () => [{ key: 'me:me', pid: process.pid }, { key: 'off:off', pid: 0 }] });
  try {
    clock.advance(60);
    assert.equal(sampler.samples, 0, 'no /proc reads without a subscriber');
    assert.equal(events.length, 0);

    sampler.touch();
    assert.equal(sampler.samples, 1, 'the baseline reading');
    assert.equal(events.length, 0, 'a baseline alone gives no CPU %: nothing is published');
    clock.advance(1);
    assert.equal(events.length, 1);
    const p = events[0]!.payload;
    assert.equal(p.time, clock.now());
    assert.ok(p.processes['me:me']!.rss > 0);
    assert.deepEqual(p.processes['off:off'], { cpu: 0, rss: 0, starts: 0 });
    assert.ok(p.daemon.rss > 0);

    // The lease is 10 s from the last heartbeat; after it, sampling stops by itself.
    clock.advance(30);
    assert.equal(sampler.active, false);
    const stopped = sampler.samples;
    assert.equal(stopped, 11);
    clock.advance(60);
    assert.equal(sampler.samples, stopped, 'no reads after the lease ran out');

    // Heartbeats every few seconds keep it going.
    sampler.touch();
    for (let i = 0; i < 5; i++) {
      clock.advance(4);
      sampler.touch();
    }
    assert.equal(sampler.active, true);
    assert.equal(sampler.samples, stopped + 1 + 20);
  } finally {
    sampler.close();
  }
});

test('starts counts every STARTING of a process', () => {
  const clock = new FakeClock();
  const bus = new EventBus();
  const events: StatsEvent[] = [];
  bus.on('stats', (e) => events.push(e));
  const sampler = new MetricsSampler({ bus, clock, processes: () => [{ key: 'g:a', pid: 0 }, { key: 'g:b', pid: 0 }] });
  try {
    const starting = (name: string) =>
      bus.emit({ kind: 'process-state', type: 'PROCESS_STATE_STARTING', name, group: 'g', from: ProcessStates.BACKOFF, to: ProcessStates.STARTING, pid: 0, tries: 0 });
    starting('a');
    starting('a');
    starting('a');
    bus.emit({ kind: 'process-state', type: 'PROCESS_STATE_RUNNING', name: 'b', group: 'g', from: ProcessStates.STARTING, to: ProcessStates.RUNNING, pid: 5, tries: 0 });
    sampler.touch();
    clock.advance(1);
    assert.equal(events.at(-1)!.payload.processes['g:a']!.starts, 3);
    assert.equal(events.at(-1)!.payload.processes['g:b']!.starts, 0);
  } finally {
    sampler.close();
  }
});

test('a busy loop shows more than 50 % CPU, and RSS counts the whole tree', async () => {
  const c = busyTree();
  const bus = new EventBus();
  let last: StatsPayload | null = null;
  bus.on('stats', (e) => (last = e.payload));
  const sampler = new MetricsSampler({ bus, intervalMs: 250, processes: () => [{ key: 'busy:busy', pid: c.pid! }] });
  try {
    sampler.touch();
    const busy = await waitUntil(() => {
      const s = (last as StatsPayload | null)?.processes['busy:busy'];
      return s && s.cpu > 50 ? s : null;
    }, 15_000, 'CPU above 50 %');
    assert.ok(busy.rss > 0);
    for (const childrenFiles of [true, false]) {
      const reader = new ProcReader('/proc', { childrenFiles });
      const tree = await waitUntil(() => {
        const t = reader.tree(c.pid!);
        return t && t.processes === 2 ? t : null;
      }, 10_000, 'sh and its sleep');
      const sleep = reader.children(c.pid!)[0]!;
      reader.beginSample();
      assert.equal(tree.rss, reader.rss(c.pid!) + reader.rss(sleep), `tree RSS (children files: ${childrenFiles})`);
      assert.ok(reader.rss(sleep) > 0);
    }
  } finally {
    sampler.close();
  }
});

test('through supervisord: ext.statsSubscribe, then stats.processes messages with CPU, RSS and starts', async () => {
  const d = await startDaemon(`[program:busy]
command=/bin/sh -c "sleep 1000 & while :; do :; done"
stopasgroup=true

[program:idle]
command=/bin/sleep 1000
autostart=false
`);
  const c = await connect(`unix://${d.socketPath}`, { timeoutMs: 30_000 });
  try {
    await d.waitForLog(/success: busy entered RUNNING/);
    for (const k of descendants(d.spawnedPid('busy'))) d.watched.add(k);
    const got: StatsPayload[] = [];
    await c.subscribe!(['stats.'], (m) => {
      if (m.topic === STATS_TOPIC && m.header.kind === 'stats') got.push(JSON.parse(m.payload.toString('utf8')) as StatsPayload);
    });
    assert.deepEqual(await c.call('ext.statsSubscribe'), { interval: 1, lease: 10 });
    const p = await waitUntil(() => got.find((s) => (s.processes['busy:busy']?.cpu ?? 0) > 50), 15_000, 'a busy sample');
    assert.equal(p.processes['busy:busy']!.starts, 1);
    assert.ok(p.processes['busy:busy']!.rss > 0);
    assert.deepEqual(p.processes['idle:idle'], { cpu: 0, rss: 0, starts: 0 });
    assert.ok(p.daemon.rss > 0 && p.daemon.cpu >= 0);
  } finally {
    await c.close();
    await d.stop();
  }
});

test('without children files, a sample scans /proc once and reads no stat twice', () => {
  const root = mkdtempSync(join(tmpdir(), 'fake-proc-'));
  try {
    // A fake /proc: 10 (2 CPU seconds) with a child 11 (1 CPU second), and an unrelated 12.
    const proc = (pid: number, ppid: number, ticks: number, rssKb: number): void => {
      mkdirSync(join(root, String(pid)), { recursive: true });
      const fields = ['S', ppid, ...Array<number>(9).fill(0), ticks, 0, 0, 0, 0];
      writeFileSync(join(root, String(pid), 'stat'), `${pid} (a (b) c) ${fields.join(' ')}\n`);
      writeFileSync(join(root, String(pid), 'status'), `Name:\tx\nVmRSS:\t    ${rssKb} kB\n`);
    };
    proc(10, 1, 200, 100);
    proc(11, 10, 100, 50);
    proc(12, 1, 999, 1);
    const reader = new ProcReader(root, { childrenFiles: false });
    reader.beginSample();
    assert.deepEqual(reader.tree(10), { cpuSeconds: 3, rss: 150 * 1024, processes: 2 });
    // Within the same sample the child's stat comes from the scan, not from another read.
    proc(11, 10, 500, 50);
    assert.equal(reader.tree(10)!.cpuSeconds, 3);
    reader.beginSample();
    assert.equal(reader.tree(10)!.cpuSeconds, 7, 'a new sample scans again');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
