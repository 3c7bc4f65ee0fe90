/**
 * PubQueue with a `wants` predicate (the XPUB subscription tracker in the daemon): a message nobody
 * is subscribed to spends its seq and becomes its topic's `prev`, exactly as a message libzmq drops,
 * but is neither framed nor sent, and a lazy payload is never made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PubQueue, type PubFrames } from '../../../daemon/servers/zmq/pub-queue.js';

/** A sink that records what is handed to the socket and completes each send at once. */
function recordingSink() {
  const sent: PubFrames[] = [];
  return { sent, sink: async (f: PubFrames) => void sent.push(f) };
}
const header = (f: PubFrames) => JSON.parse(f[1]) as { seq: number; prev: number; kind: string };

test('unwanted messages take their seq and prev; a subscriber sees the same numbers as with libzmq dropping them', async () => {
  const s = recordingSink();
  const subscribed = new Set<string>(['state.b']);
  const q = new PubQueue(s.sink, { maxLogBytes: 1 << 20, wants: (t) => subscribed.has(t) });
  let built = 0;
  const lazy = () => {
    built++;
    return Buffer.from('{}');
  };
  q.pushUrgent({ topic: 'state.a', kind: 'state', payload: lazy, time: 1 }); // seq 1, nobody
  q.pushUrgent({ topic: 'state.b', kind: 'state', payload: lazy, time: 1 }); // seq 2, sent
  q.pushUrgent({ topic: 'state.a', kind: 'state', payload: lazy, time: 1 }); // seq 3, nobody
  await q.idle();
  subscribed.add('state.a'); // a subscriber arrives
  q.pushUrgent({ topic: 'state.a', kind: 'state', payload: lazy, time: 1 }); // seq 4, prev 3
  q.pushUrgent({ topic: 'state.b', kind: 'state', payload: Buffer.from('x'), time: 1 }); // seq 5, prev 2
  await q.idle();

  assert.deepEqual(
    s.sent.map((f) => [f[0], header(f).seq, header(f).prev]),
    [
      ['state.b', 2, 0],
      ['state.a', 4, 3],
      ['state.b', 5, 2],
    ],
  );
  assert.equal(built, 2, 'the payload is made only for the messages sent');
  assert.deepEqual(s.sent.map((f) => f[2].toString()), ['{}', '{}', 'x']);
  // The snapshot position counts every message, sent or not.
  assert.deepEqual(q.capture(), { seq: 5, topics: { 'state.a': 4, 'state.b': 5 } });
});

test('onSent is told the seq of a message nobody receives, and idle() resolves', async () => {
  const s = recordingSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 1 << 20, wants: () => false });
  const seqs: (number | null)[] = [];
  for (let i = 0; i < 3; i++) {
    q.pushLog({ topic: 'pty.g:p', kind: 'pty', payload: Buffer.from('a'), time: 1, onSent: (n) => seqs.push(n) });
  }
  await q.idle();
  assert.deepEqual(seqs, [1, 2, 3]);
  assert.equal(s.sent.length, 0);
  assert.equal(q.pending(), 0);
});

test('without a wants predicate every message is sent', async () => {
  const s = recordingSink();
  const q = new PubQueue(s.sink, { maxLogBytes: 1 << 20 });
  q.pushUrgent({ topic: 'state.a', kind: 'state', payload: () => Buffer.from('p'), time: 1 });
  await q.idle();
  assert.equal(s.sent.length, 1);
  assert.equal(s.sent[0]![2].toString(), 'p');
  assert.equal(header(s.sent[0]!).seq, 1);
});
