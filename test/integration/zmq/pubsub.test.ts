/**
 * The event stream end to end: snapshot + sequence rules, consistency under concurrent changes,
 * log following, state ahead of a log flood, the bounded log backlog.
 */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitFor, type Harness } from './fixtures.js';
import { connectZmq } from '../../../src/client/zmq.js';
import type { Client, StreamMessage } from '../../../src/client/types.js';
import { ProcessStates } from '../../../src/api/states.js';
import type { ProcessStatePayload, Snapshot } from '../../../src/api/protocol.js';

const open: { h?: Harness; c?: Client }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.c?.close();
    await o.h?.stop();
  }
});

async function setup(tuning = {}): Promise<{ h: Harness; c: Client }> {
  const h = await startHarness({}, tuning);
  const c = await connectZmq(h.server.endpoints.endpoint);
  open.push({ h, c });
  return { h, c };
}

const json = (m: StreamMessage): any => JSON.parse(m.payload.toString());

test('a state subscription starts with a snapshot, then sequenced state messages', async () => {
  const { c } = await setup();
  const got: StreamMessage[] = [];
  const stop = await c.subscribe!(['state.'], (m) => got.push(m));
  assert.equal(got[0]?.topic, 'snapshot');
  assert.equal(got[0]!.header.reason, 'initial');
  const snap = json(got[0]!) as Snapshot;
  assert.deepEqual(
    snap.processes.map((p) => [p.name, p.statename]),
    [['web', 'STOPPED'], ['worker', 'STOPPED']],
  );
  assert.deepEqual(snap.state, { statecode: 1, statename: 'RUNNING' });

  await c.call('supervisor.startProcess', ['web']);
  await waitFor(() => got.length >= 3, 'two state messages');
  const [starting, running] = got.slice(1) as [StreamMessage, StreamMessage];
  assert.equal(starting.topic, 'state.process.web:web');
  assert.equal(starting.header.kind, 'state');
  assert.equal(starting.header.name, 'web');
  assert.equal(starting.header.group, 'web');
  assert.equal(typeof starting.header.time, 'number');
  assert.ok(starting.seq > snap.seq);
  assert.equal(running.seq, starting.seq + 1);
  assert.equal(running.header.prev, starting.seq, 'prev links the messages of one topic');
  const p = json(running) as ProcessStatePayload;
  assert.equal(p.type, 'PROCESS_STATE_RUNNING');
  assert.equal(p.fromname, 'STARTING');
  assert.equal(p.state, ProcessStates.RUNNING);
  assert.equal(p.statename, 'RUNNING');
  assert.ok(p.pid > 0);
  stop();
});

test('snapshot plus stream equals the real state while changes race the subscription', async () => {
  const { h, c } = await setup();
  // Flip both processes continuously while the client subscribes: nothing may slip between.
  let flips = 0;
  const procs = [...h.sup.procs.values()];
  const timer = setInterval(() => {
    for (const x of procs) {
      h.sup.setState(x, x.state === ProcessStates.RUNNING ? ProcessStates.STOPPED : ProcessStates.RUNNING);
      flips++;
    }
  }, 1);
  const view = new Map<string, number>();
  let lastSeq = 0;
  const stop = await c.subscribe!(['state.process.'], (m) => {
    if (m.topic === 'snapshot') {
      for (const p of (json(m) as Snapshot).processes) view.set(`${p.group}:${p.name}`, p.state);
    } else {
      const p = json(m) as ProcessStatePayload;
      view.set(`${p.group}:${p.name}`, p.state);
    }
    lastSeq = Math.max(lastSeq, m.seq);
  });
  const atSubscribe = flips;
  await waitFor(() => flips > atSubscribe + 200, 'flips after subscribing');
  clearInterval(timer);
  await h.server.queue.idle();
  const final = h.server.queue.capture().seq;
  await waitFor(() => lastSeq === final, 'the last message');
  for (const x of procs) assert.equal(view.get(`${x.group}:${x.name}`), x.state, `${x.name} matches`);
  stop();
});

test('followLog gets a process channel and the main log after their (here empty) tails', async () => {
  const { h, c } = await setup();
  const emit = (data: string, channel: 'stdout' | 'stderr' = 'stdout', name = 'web') =>
    h.bus.emit({ kind: 'output', name, group: name, pid: 42, channel, data: Buffer.from(data) });
  emit('before following\n');
  const out: string[] = [];
  const stop = await c.followLog({ name: 'web', channel: 'stdout' }, (b) => out.push(b.toString()));
  const main: string[] = [];
  const stopMain = await c.followLog('main', (b) => main.push(b.toString()));
  emit('one\n');
  emit('not this channel\n', 'stderr');
  emit('not this process\n', 'stdout', 'worker');
  emit('two\n');
  h.bus.emit({ kind: 'mainlog', text: '2024-01-01 00:00:00,000 INFO spawned\n' });
  await waitFor(() => out.length === 2 && main.length === 1, 'the chunks');
  assert.deepEqual(out, ['one\n', 'two\n']);
  assert.deepEqual(main, ['2024-01-01 00:00:00,000 INFO spawned\n']);
  await assert.rejects(c.followLog({ name: 'nosuch', channel: 'stdout' }, () => {}), /BAD_NAME: nosuch/);
  stop();
  stopMain();
});

test('a state change is published ahead of a log flood queued before it', async () => {
  const { h, c } = await setup();
  const got: StreamMessage[] = [];
  const stop = await c.subscribe!(['state.process.web', 'log.'], (m) => got.push(m));
  got.length = 0;
  const chunk = Buffer.alloc(4096, 0x61);
  for (let i = 0; i < 2000; i++) h.bus.emit({ kind: 'output', name: 'worker', group: 'worker', pid: 1, channel: 'stdout', data: chunk });
  h.sup.setState(h.sup.procs.get('web:web')!, ProcessStates.RUNNING);
  await h.server.queue.idle();
  const final = h.server.queue.capture().seq;
  await waitFor(() => got.length > 0 && got[got.length - 1]!.seq === final, 'everything');
  const state = got.find((m) => m.topic === 'state.process.web:web')!;
  const logs = got.filter((m) => m.header.kind === 'log');
  assert.equal(logs.length, 2000);
  // Only the chunk already being sent when the state change came may precede it.
  assert.ok(logs.filter((m) => m.seq < state.seq).length <= 1, `state went out at seq ${state.seq}`);
  stop();
});

test('a log backlog past its bound drops the oldest chunks and says how many bytes', async () => {
  const { h, c } = await setup({ maxLogBacklogBytes: 64 * 1024 });
  const data: Buffer[] = [];
  const notices: string[] = [];
  const stop = await c.followLog(
    { name: 'web', channel: 'stdout' },
    (b) => data.push(b),
    (n) => notices.push(n),
  );
  const total = 1000;
  for (let i = 0; i < total; i++) {
    const b = Buffer.alloc(4096, 0x20);
    b.write(`${i}\n`);
    h.bus.emit({ kind: 'output', name: 'web', group: 'web', pid: 1, channel: 'stdout', data: b });
  }
  await h.server.queue.idle();
  await waitFor(() => {
    const skipped = notices.reduce((n, t) => n + Number(/skipped (\d+) bytes/.exec(t)?.[1] ?? 0), 0);
    return data.reduce((n, b) => n + b.length, 0) + skipped === total * 4096;
  }, 'every byte delivered or accounted for');
  assert.ok(notices.length > 0, 'some bytes were skipped');
  assert.ok(data.length < total);
  // What arrives is in order, and the newest chunk always arrives.
  const idx = data.map((b) => parseInt(b.toString('latin1', 0, 8), 10));
  assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
  assert.equal(idx[idx.length - 1], total - 1);
  stop();
});
