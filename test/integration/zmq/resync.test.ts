/**
 * The client's gap detection and resync. Lost PUB messages cannot be produced on demand by the real
 * daemon, so here the test itself plays the daemon with real ROUTER/PUB sockets and publishes a
 * stream with a hole in it, then one from a "restarted" daemon whose seq starts over.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Publisher, Router } from 'zeromq';
import { tempDir, waitFor } from './fixtures.js';
import { connectZmq } from '../../../src/client/zmq.js';
import type { Client, StreamMessage } from '../../../src/client/types.js';

const t = tempDir();
const ctlUrl = `ipc://${join(t.dir, 'ctl.zmq')}`;
const pubUrl = `ipc://${join(t.dir, 'pub.zmq')}`;
let router: Router;
let pub: Publisher;
let c: Client;
let snapshots = 0;
/** What the fake daemon reports in its snapshots. */
let snapState = { seq: 0, topics: {} as Record<string, number>, web: 'STOPPED' };

async function publish(topic: string, seq: number, prev: number, payload: unknown): Promise<void> {
  await pub.send([topic, JSON.stringify({ seq, prev, time: Date.now() / 1000, kind: topic.startsWith('sync.') ? 'sync' : 'state' }), JSON.stringify(payload)]);
}

before(async () => {
  router = new Router({ linger: 0 });
  pub = new Publisher({ linger: 0 });
  await router.bind(ctlUrl);
  await pub.bind(pubUrl);
  void (async () => {
    for await (const [id, frame] of router) {
      const req = JSON.parse(frame!.toString());
      let result: unknown;
      if (req.method === 'ext.getEndpoints') result = { endpoint: ctlUrl, pubsub_endpoint: pubUrl, protocol: 1 };
      else if (req.method === 'ext.sync') {
        await publish(`sync.${req.params[0]}`, 0, 0, null);
        result = true;
      } else if (req.method === 'ext.getSnapshot') {
        snapshots++;
        result = {
          seq: snapState.seq,
          topics: snapState.topics,
          processes: [{ name: 'web', group: 'web', statename: snapState.web }],
          state: { statecode: 1, statename: 'RUNNING' },
        };
      }
      await router.send([id!, JSON.stringify({ id: req.id, result })]);
    }
  })();
  c = await connectZmq(ctlUrl);
});

after(async () => {
  await c.close();
  router.close();
  pub.close();
  t.remove();
});

test('a hole in a state topic reloads the snapshot; a restarted daemon does too', async () => {
  const T = 'state.process.web:web';
  snapState = { seq: 10, topics: { [T]: 10 }, web: 'STOPPED' };
  const got: StreamMessage[] = [];
  const stop = await c.subscribe!(['state.'], (m) => got.push(m));
  assert.equal(snapshots, 1);
  assert.equal(got[0]!.header.reason, 'initial');

  await publish(T, 9, 0, { statename: 'OLD' }); // already in the snapshot: ignored
  await publish(T, 11, 10, { statename: 'STARTING' });
  await waitFor(() => got.length === 2, 'the next message');
  assert.equal(JSON.parse(got[1]!.payload.toString()).statename, 'STARTING');

  // seq 12 (prev 11) is lost; 13 says its predecessor was 12.
  snapState = { seq: 13, topics: { [T]: 13 }, web: 'RUNNING' };
  await publish(T, 13, 12, { statename: 'RUNNING' });
  await waitFor(() => got.length === 3, 'the reloaded snapshot');
  assert.equal(snapshots, 2);
  assert.equal(got[2]!.topic, 'snapshot');
  assert.equal(got[2]!.header.reason, 'gap');
  assert.equal(JSON.parse(got[2]!.payload.toString()).processes[0].statename, 'RUNNING');
  // The message that revealed the hole is already in that snapshot, so it is not delivered again.
  await publish(T, 14, 13, { statename: 'STOPPING' });
  await waitFor(() => got.length === 4, 'the stream after the reload');
  assert.equal(JSON.parse(got[3]!.payload.toString()).statename, 'STOPPING');

  // A new daemon starts counting from 1 again.
  snapState = { seq: 1, topics: { [T]: 1 }, web: 'STARTING' };
  await publish(T, 1, 0, { statename: 'STARTING' });
  await waitFor(() => got.length === 5, 'the snapshot after the restart');
  assert.equal(got[4]!.header.reason, 'restart');
  assert.equal(snapshots, 3);
  await publish(T, 2, 1, { statename: 'RUNNING' });
  await waitFor(() => got.length === 6, 'the new daemon stream');
  assert.equal(JSON.parse(got[5]!.payload.toString()).statename, 'RUNNING');
  stop();
});

test('a hole in a log topic is reported to the follower', async () => {
  const T = 'log.web:web.stdout';
  const got: StreamMessage[] = [];
  const stop = await c.subscribe!(['log.'], (m) => got.push(m));
  const log = (seq: number, prev: number, text: string) =>
    pub.send([T, JSON.stringify({ seq, prev, time: 0, kind: 'log', name: 'web', group: 'web', channel: 'stdout' }), text]);
  await log(20, 0, 'a');
  await log(21, 20, 'b');
  await log(25, 23, 'c');
  await waitFor(() => got.length === 4, 'three chunks and a gap');
  assert.deepEqual(
    got.map((m) => [m.header.kind, m.payload.toString()]),
    [['log', 'a'], ['log', 'b'], ['gap', ''], ['log', 'c']],
  );
  stop();
});
