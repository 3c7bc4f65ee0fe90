/**
 * Log chunks on the PUB socket only for topics somebody subscribed to (the XPUB tells), without a
 * subscriber missing a chunk: state messages always go out, child output and activity-log lines only
 * while followed.
 */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitFor, type Harness } from './fixtures.js';
import { connectZmq } from '../../../src/client/zmq.js';
import type { Client, StreamMessage } from '../../../src/client/types.js';
import { ProcessStates } from '../../../src/api/states.js';

const open: { h?: Harness; c?: Client }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.c?.close();
    await o.h?.stop();
  }
});

async function setup(): Promise<{ h: Harness; c: Client }> {
  const h = await startHarness();
  const c = await connectZmq(h.server.endpoints.endpoint);
  open.push({ h, c });
  return { h, c };
}

const output = (h: Harness, name: string, data: string): void =>
  h.bus.emit({ kind: 'output', name, group: name, pid: 7, channel: 'stdout', data: Buffer.from(data) });

test('with nobody subscribed, child output and activity-log lines are not queued; state still is', async () => {
  const { h } = await setup();
  const before = h.server.queue.capture().seq;
  for (let i = 0; i < 50; i++) output(h, 'web', `line ${i}\n`);
  h.bus.emit({ kind: 'mainlog', text: '2024-01-01 00:00:00,000 INFO nobody reads this\n' });
  assert.equal(h.server.queue.pending(), 0);
  await h.server.queue.idle();
  assert.equal(h.server.queue.capture().seq, before, 'no seq was spent on unfollowed chunks');
  h.sup.setState(h.sup.procs.get('web:web')!, ProcessStates.RUNNING);
  await h.server.queue.idle();
  assert.equal(h.server.queue.capture().seq, before + 1);
});

test('a subscriber gets every chunk of its topics once live, and none after it unsubscribed', async () => {
  const { h, c } = await setup();
  const got: StreamMessage[] = [];
  // subscribe() returns once the subscription is live (ext.sync), as every client does.
  const stop = await c.subscribe!(['log.web:'], (m) => got.push(m));
  got.length = 0;
  for (let i = 0; i < 100; i++) output(h, 'web', `web ${i}\n`);
  output(h, 'worker', 'not subscribed\n');
  await h.server.queue.idle();
  await waitFor(() => got.length >= 100, 'the subscribed chunks');
  assert.deepEqual(
    got.map((m) => m.payload.toString()),
    Array.from({ length: 100 }, (_, i) => `web ${i}\n`),
  );
  // prev links the chunks of the topic with no hole between them.
  for (let i = 1; i < got.length; i++) assert.equal(got[i]!.header.prev, got[i - 1]!.seq);

  stop();
  await waitFor(() => {
    const seq = h.server.queue.capture().seq;
    output(h, 'web', 'after unsubscribe\n');
    return h.server.queue.capture().seq === seq && h.server.queue.pending() === 0;
  }, 'the unsubscription to reach the daemon');
});

test('a log follower sees the chunks written after its tail, with the filter in place', async () => {
  const { h, c } = await setup();
  output(h, 'web', 'before anybody follows\n');
  const out: string[] = [];
  const stopFollow = await c.followLog({ name: 'web', channel: 'stdout' }, (b) => out.push(b.toString()));
  for (let i = 0; i < 20; i++) output(h, 'web', `live ${i}\n`);
  await waitFor(() => out.length === 20, 'the live chunks');
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => `live ${i}\n`));
  stopFollow();
});
