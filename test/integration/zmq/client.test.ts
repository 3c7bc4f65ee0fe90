/**
 * The ZeroMQ Client against a real server (and a few real sockets that misbehave on purpose):
 * results, faults, connection errors, timeouts, lost connections, URL schemes, prompt exit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'zeromq';
import { startHarness, tempDir, type Harness } from './fixtures.js';
import { connectZmq } from '../../../src/client/zmq.js';
import { connect } from '../../../src/client/index.js';
import { ClientError, type Client } from '../../../src/client/types.js';
import { RpcFault } from '../../../src/api/faults.js';

let h: Harness;
const clients: Client[] = [];
const cleanups: (() => void | Promise<void>)[] = [];

before(async () => {
  h = await startHarness();
});
after(async () => {
  for (const c of clients) await c.close();
  for (const f of cleanups.reverse()) await f();
  await h.stop();
});

async function client(url = h.server.endpoints.endpoint, opts = {}): Promise<Client> {
  const c = await connectZmq(url, opts);
  clients.push(c);
  return c;
}

async function rejectsWith(p: Promise<unknown>, kind: string): Promise<ClientError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClientError, `expected a ClientError, got ${err}`);
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail(`expected a ${kind} ClientError`);
}

test('call returns results and rejects faults as RpcFault', async () => {
  const c = await client();
  assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  const many = await Promise.all([1, 2, 3, 4, 5].map((i) => c.call('test.echo', [`m${i}`])));
  assert.deepEqual(many, ['m1', 'm2', 'm3', 'm4', 'm5']);
  await assert.rejects(c.call('supervisor.getProcessInfo', ['nosuch']), (err: unknown) => {
    assert.ok(err instanceof RpcFault);
    assert.equal(err.code, 10);
    assert.equal(err.message, 'BAD_NAME: nosuch');
    assert.equal(err.text, 'nosuch');
    return true;
  });
  await assert.rejects(c.call('supervisor.nope'), (err: unknown) => err instanceof RpcFault && err.code === 1);
});

test('a missing socket file is nofile, a stale one is refused', async () => {
  const t = tempDir();
  cleanups.push(t.remove);
  const missing = await client(`ipc://${join(t.dir, 'none.zmq')}`);
  const e = await rejectsWith(missing.call('supervisor.getState'), 'nofile');
  assert.equal(e.message, `ipc://${join(t.dir, 'none.zmq')} no such file`);

  // A socket file whose owner died (SIGKILL leaves the file behind).
  const stale = join(t.dir, 'stale.zmq');
  const r = spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(existsSync(stale));
  const c = await client(`ipc://${stale}`);
  await rejectsWith(c.call('supervisor.getState'), 'refused');
});

test('a request refused while nobody listened never reaches a daemon that starts later', async () => {
  const t = tempDir();
  cleanups.push(t.remove);
  const path = join(t.dir, 'late.zmq');
  const r = spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(r.signal, 'SIGKILL');
  const c = await client(`ipc://${path}`);
  await rejectsWith(c.call('test.echo', ['early']), 'refused');
  // The daemon comes up at that path: only the request made after it may arrive.
  rmSync(path);
  const router = new Router({ linger: 0 });
  await router.bind(`ipc://${path}`);
  cleanups.push(() => router.close());
  const late = c.call('test.echo', ['late']);
  const [identity, frame] = await router.receive();
  const req = JSON.parse(frame!.toString());
  assert.deepEqual(req.params, ['late']);
  await router.send([identity!, JSON.stringify({ id: req.id, result: 'late' })]);
  assert.equal(await late, 'late');
});

test('a tcp port nobody listens on is refused', async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const c = await client(`tcp://127.0.0.1:${port}`);
  const e = await rejectsWith(c.call('supervisor.getState'), 'refused');
  assert.equal(e.message, `tcp://127.0.0.1:${port} refused connection`);
});

test('no reply within timeoutMs is a timeout; a lost connection fails the call in flight', async () => {
  const t = tempDir();
  cleanups.push(t.remove);
  const mute = new Router({ linger: 0 });
  const url = `ipc://${join(t.dir, 'mute.zmq')}`;
  await mute.bind(url);
  cleanups.push(() => mute.close());
  const c = await client(url, { timeoutMs: 300 });
  await rejectsWith(c.call('supervisor.getState'), 'timeout');

  // A server that takes the request and then goes away.
  const dying = new Router({ linger: 0 });
  const url2 = `ipc://${join(t.dir, 'dying.zmq')}`;
  await dying.bind(url2);
  const c2 = await client(url2);
  const call = c2.call('test.sleep', [100000]);
  await dying.receive();
  dying.close();
  const e = await rejectsWith(call, 'protocol');
  assert.match(e.message, /connection lost/);
});

test('calls after close reject; close() lets a process exit by itself', async () => {
  const c = await connectZmq(h.server.endpoints.endpoint);
  await c.call('supervisor.getState');
  await c.close();
  await rejectsWith(c.call('supervisor.getState'), 'closed');

  const index = fileURLToPath(new URL('../../../src/client/index.js', import.meta.url));
  const script = join(h.dir, 'exit.mjs');
  writeFileSync(
    script,
    `import { connect } from ${JSON.stringify(index)};
const c = await connect(process.argv[2]);
const st = await c.call('supervisor.getState');
const stop = await c.subscribe(['state.'], () => {});
stop();
await c.close();
console.log(st.statename);
`,
  );
  const child = spawn(process.execPath, [script, h.server.endpoints.endpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, out);
  assert.equal(out.trim(), 'RUNNING');
});

test('connect() picks the transport from the URL', async () => {
  const t = tempDir();
  cleanups.push(t.remove);
  // unix:///path with our .zmq socket beside it → ZeroMQ, reported under the unix URL.
  const unixPath = join(t.dir, 'supervisor.sock');
  const h2 = await startHarness({ endpoint: `ipc://${unixPath}.zmq`, pubsubEndpoint: `ipc://${unixPath}.pub.zmq` });
  cleanups.push(() => h2.stop());
  const z = await connect(`unix://${unixPath}`);
  clients.push(z);
  assert.equal(z.url, `unix://${unixPath}`);
  assert.equal(typeof z.subscribe, 'function');
  assert.deepEqual(await z.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  // Without the .zmq file it is XML-RPC (Python's supervisord), which has no push.
  const x = await connect(`unix://${join(t.dir, 'python.sock')}`);
  clients.push(x);
  assert.equal(x.subscribe, undefined);
  const y = await connect('http://127.0.0.1:9');
  clients.push(y);
  assert.equal(y.subscribe, undefined);
  await rejectsWith(connect('ftp://example'), 'protocol');
  await rejectsWith(connectZmq('ipc://'), 'protocol');
});
