/**
 * The two pieces of the PUB path that pty screens rely on: the bus bridge publishes pty chunks and
 * stats, and the queue tells each pty chunk's sender which seq it got, or that it was dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../daemon/events/bus.js';
import { PubQueue, type PubFrames } from '../../../daemon/servers/zmq/pub-queue.js';
import { bridgeBus } from '../../../daemon/servers/zmq/bus-bridge.js';

function queue(maxLogBytes = 1 << 20): { q: PubQueue; sent: PubFrames[] } {
  const sent: PubFrames[] = [];
  const q = new PubQueue(async (f) => {
    sent.push(f);
  }, { maxLogBytes });
  return { q, sent };
}

test('pty output goes out on pty.<group>:<name> and its sender learns the seq', async () => {
  const { q, sent } = queue();
  const bus = new EventBus();
  const off = bridgeBus(bus, q);
  const seqs: (number | null)[] = [];
  bus.emit({ kind: 'pty-output', name: 'sh', group: 'g', pid: 42, data: Buffer.from('$ '), published: (s) => seqs.push(s) });
  bus.emit({ kind: 'stats', payload: { time: 1, processes: {}, daemon: { cpu: 0, rss: 1 } } });
  await q.idle();
  off();
  const pty = sent.find((f) => f[0] === 'pty.g:sh')!;
  const header = JSON.parse(pty[1]) as Record<string, unknown>;
  assert.deepEqual([header.kind, header.name, header.group, header.pid], ['pty', 'sh', 'g', 42]);
  assert.equal(pty[2].toString(), '$ ');
  assert.deepEqual(seqs, [header.seq]);
  const stats = sent.find((f) => f[0] === 'stats.processes')!;
  assert.equal((JSON.parse(stats[1]) as { kind: string }).kind, 'stats');
  assert.deepEqual(JSON.parse(stats[2].toString()), { time: 1, processes: {}, daemon: { cpu: 0, rss: 1 } });
});

test('a chunk dropped for viewers, or still waiting when the queue closes, is reported as null', async () => {
  const { q } = queue(10);
  const told: Record<string, number | null> = {};
  const chunk = (id: string, bytes: number) => ({
    topic: 'pty.g:sh', kind: 'pty' as const, payload: Buffer.alloc(bytes), time: 0,
    onSent: (s: number | null) => (told[id] = s),
  });
  // The first one is taken by the sender at once; the next ones wait, and the oldest waiting is dropped.
  q.pushLog(chunk('a', 8));
  q.pushLog(chunk('b', 8));
  q.pushLog(chunk('c', 8));
  assert.equal(told.b, null, 'dropped to stay within the bound');
  q.close();
  assert.equal(told.c, null, 'closed before it was sent');
  q.pushLog(chunk('d', 1));
  assert.equal(told.d, null, 'pushed after the close');
  assert.equal(typeof told.a, 'number');
});
