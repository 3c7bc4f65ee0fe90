/**
 * End to end against the real daemon (bin/supervisord -n) with a real child: a conf written for
 * Python Supervisor gets ZeroMQ sockets beside its unix socket; the client finds them from the
 * unix:// URL, calls, follows state through a stop/start and follows the child's output and the
 * activity log; shutdown removes the socket files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { waitFor, withZmqDaemon } from './fixtures.js';
import type { StreamMessage } from '../../../src/client/types.js';
import type { ProcessStatePayload, Snapshot } from '../../../src/api/protocol.js';

test('the real daemon over ZeroMQ: call, state stream through stop/start, output, main log', async () => {
  const program = `[program:ticker]
command=/bin/sh -c 'while true; do echo tick; sleep 0.1; done'
startsecs=0
`;
  await withZmqDaemon(program, async (client, d) => {
    const sock = d.socketPath;
    assert.equal(client.url, `unix://${sock}`);
    assert.equal(typeof client.subscribe, 'function', 'unix:// with a .zmq socket beside it is ZeroMQ');
    assert.deepEqual(await client.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });

    const states: string[] = [];
    const seqs: StreamMessage[] = [];
    let snapshot: Snapshot | null = null;
    const stopState = await client.subscribe!(['state.process.'], (m) => {
      if (m.topic === 'snapshot') snapshot = JSON.parse(m.payload.toString());
      else {
        seqs.push(m);
        states.push((JSON.parse(m.payload.toString()) as ProcessStatePayload).statename);
      }
    });
    assert.ok(snapshot, 'the snapshot came first');
    const snap = snapshot as Snapshot;
    assert.equal(typeof snap.seq, 'number');
    assert.deepEqual(snap.processes.map((p) => p.name), ['ticker']);

    const out: string[] = [];
    const stopOut = await client.followLog({ name: 'ticker', channel: 'stdout' }, (b) => out.push(b.toString()));
    const main: string[] = [];
    const stopMain = await client.followLog('main', (b) => main.push(b.toString()));
    await waitFor(() => out.join('').includes('tick\n'), 'the child output');

    await client.call('supervisor.stopProcess', ['ticker']);
    await client.call('supervisor.startProcess', ['ticker']);
    await waitFor(() => states.includes('RUNNING'), 'RUNNING again');
    await waitFor(() => main.join('').includes("spawned: 'ticker'"), 'the activity log line');
    assert.deepEqual(states.slice(0, 4), ['STOPPING', 'STOPPED', 'STARTING', 'RUNNING']);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i]!.header.prev, seqs[i - 1]!.seq, 'no gap');
    assert.ok(seqs[0]!.seq > snap.seq);
    stopState();
    stopOut();
    stopMain();
    await client.close();
    d.signal('SIGTERM');
    assert.equal(await d.waitForExit(), 0);
    assert.ok(!existsSync(`${sock}.zmq`) && !existsSync(`${sock}.pub.zmq`), 'shutdown removed the socket files');
  });
});
