import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PubQueue, type PubFrames, type OutMessage } from '../../../daemon/servers/zmq/pub-queue.js';

/** A sink that records frames and completes each send when the test says so. */
function gatedSink() {
  const sent: PubFrames[] = [];
  const gates: (() => void)[] = [];
  return {
    sent,
    sink: (f: PubFrames) => {
      sent.push(f);
      return new Promise<void>((r) => gates.push(r));
    },
    /** Lets every waiting send finish, repeatedly, until the queue is drained. */
    async drain(q: PubQueue) {
      while (q.pending() > 0 || gates.length > 0) {
        gates.splice(0).forEach((g) => g());
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

const msg = (topic: string, kind: OutMessage['kind'], bytes = 0): OutMessage => ({
  topic,
  kind,
  payload: Buffer.alloc(bytes, 0x61),
  time: 1,
});
const header = (f: PubFrames) => JSON.parse(f[1]);

test('seq is one global counter; prev links the messages of each topic', async () => {
  const s = gatedSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 1 << 20 });
  q.pushUrgent(msg('state.a', 'state'));
  q.pushLog(msg('log.a', 'log', 3));
  q.pushUrgent(msg('state.b', 'state'));
  q.pushUrgent(msg('state.a', 'state'));
  await s.drain(q);
  assert.deepEqual(
    s.sent.map((f) => [f[0], header(f).seq, header(f).prev]),
    [
      ['state.a', 1, 0],
      ['state.b', 2, 0],
      ['state.a', 3, 1],
      ['log.a', 4, 0],
    ],
  );
  assert.deepEqual(q.capture(), { seq: 4, topics: { 'state.a': 3, 'state.b': 2 } });
});

test('state overtakes waiting logs; only the chunk in flight goes first', async () => {
  const s = gatedSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 1 << 20 });
  for (let i = 0; i < 100; i++) q.pushLog(msg('log.x', 'log', 10));
  q.pushUrgent(msg('state.x', 'state'));
  await s.drain(q);
  assert.equal(s.sent[0]![0], 'log.x');
  assert.equal(s.sent[1]![0], 'state.x');
  assert.equal(s.sent.length, 101);
});

test('past maxLogBytes the oldest chunks go, and a skipped notice takes their place', async () => {
  const s = gatedSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 100 });
  q.pushLog({ ...msg('log.a', 'log', 10), fields: { name: 'a', group: 'a', channel: 'stdout' } }); // in flight
  for (let i = 0; i < 30; i++) q.pushLog({ ...msg('log.a', 'log', 10), fields: { name: 'a', group: 'a', channel: 'stdout' } });
  q.pushLog(msg('log.b', 'log', 10));
  await s.drain(q);
  const kinds = s.sent.map((f) => [f[0], header(f).kind, header(f).bytes ?? f[2].length]);
  // 1 in flight, then the notice for the 21 dropped chunks of log.a, then the 10 newest.
  assert.deepEqual(kinds[0], ['log.a', 'log', 10]);
  assert.deepEqual(kinds[1], ['log.a', 'skipped', 210]);
  assert.equal(header(s.sent[1]!).name, 'a');
  assert.equal(kinds.filter((k) => k[1] === 'log').length, 1 + 9 + 1);
  const total = kinds.reduce((n, k) => n + (k[2] as number), 0);
  assert.equal(total, 32 * 10);
});

test('a notice for a topic with nothing left still goes out; close() drops the rest', async () => {
  const s = gatedSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 10 });
  q.pushLog(msg('log.a', 'log', 10)); // in flight
  q.pushLog(msg('log.a', 'log', 10));
  q.pushLog(msg('log.b', 'log', 10)); // pushes log.a's waiting chunk out
  await s.drain(q);
  assert.deepEqual(s.sent.map((f) => [f[0], header(f).kind]), [
    ['log.a', 'log'],
    ['log.a', 'skipped'],
    ['log.b', 'log'],
  ]);
  q.close();
  q.pushUrgent(msg('state.a', 'state'));
  assert.equal(q.pending(), 0);
  await q.idle();
});

test('settled(topic): the seq once the chunks queued on that topic so far are out (sent or dropped)', async () => {
  const s = gatedSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 10 });
  // Nothing queued on the topic: the current position at once.
  assert.equal(await q.settled('log.a'), 0);
  q.pushLog(msg('log.a', 'log', 4)); // goes out first (seq 1), its send is held
  q.pushLog(msg('log.b', 'log', 4));
  q.pushLog(msg('log.a', 'log', 4));
  let cut: number | null = null;
  void q.settled('log.a').then((n) => (cut = n));
  // Queued after the call: must get a higher seq than the cut.
  q.pushLog(msg('log.a', 'log', 1));
  await s.drain(q);
  const seqs = s.sent.map((f) => [f[0], header(f).seq] as const);
  assert.deepEqual(seqs, [['log.a', 1], ['log.b', 2], ['log.a', 3], ['log.a', 4]]);
  assert.equal(cut, 3, 'the last log.a chunk queued before the call');

  // A chunk dropped for the backlog settles with the seq given out when it was dropped.
  const g = gatedSink();
  const d = new PubQueue(g.sink, { maxLogBytes: 6 });
  d.pushLog(msg('log.a', 'log', 4)); // in flight, seq 1
  d.pushLog(msg('log.a', 'log', 4));
  let dropped: number | null = null;
  void d.settled('log.a').then((n) => (dropped = n));
  d.pushLog(msg('log.b', 'log', 4)); // over the bound: the waiting log.a chunk is dropped
  d.pushLog(msg('log.b', 'log', 4));
  await new Promise((r) => setImmediate(r));
  assert.equal(dropped, 1);
  await g.drain(d);
});
