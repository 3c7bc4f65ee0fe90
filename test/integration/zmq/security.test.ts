/**
 * Security of the transport with real sockets: ipc file mode and owner, stale and live socket files,
 * PLAIN through ZAP (plain and {SHA} passwords), CURVE with an allow-list, the non-loopback refusal.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { curveKeyPair } from 'zeromq';
import { startHarness, tempDir, zmqConfig, type Harness } from './fixtures.js';
import { connectZmq, greetingMechanism, GREETING_START, type ZmqClientOptions } from '../../../src/client/zmq.js';
import { ClientError, type Client } from '../../../src/client/types.js';
import { startZmqServer } from '../../../daemon/servers/zmq.js';
import { EventBus } from '../../../daemon/events/bus.js';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import { TestTable } from './fixtures.js';

const clients: Client[] = [];
const harnesses: Harness[] = [];
after(async () => {
  for (const c of clients) await c.close();
  for (const h of harnesses) await h.stop();
});

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  harnesses.push(h);
  return h;
}

async function client(h: Harness, opts: ZmqClientOptions = {}): Promise<Client> {
  const c = await connectZmq(h.server.endpoints.endpoint, { timeoutMs: 5000, ...opts });
  clients.push(c);
  return c;
}

async function authRefused(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof ClientError && err.kind === 'auth');
}

const pathOf = (url: string): string => url.slice('ipc://'.length);
const modeOf = (url: string): number => statSync(pathOf(url)).mode & 0o777;

function idOf(flag: '-u' | '-g', user: string): number {
  return Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
}

test('ipc sockets are 0700 by default; chmod and chown are applied to both', async () => {
  const h = await harness();
  assert.equal(modeOf(h.server.endpoints.endpoint), 0o700);
  assert.equal(modeOf(h.server.endpoints.pubsub_endpoint), 0o700);
  // The private bind directory is gone again.
  assert.deepEqual(readdirSync(h.dir).sort(), ['sv.pub.zmq', 'sv.zmq']);

  const uid = idOf('-u', 'nobody');
  const gid = idOf('-g', 'nobody');
  const h2 = await harness({ chmod: 0o770, chown: [uid, gid] });
  for (const url of [h2.server.endpoints.endpoint, h2.server.endpoints.pubsub_endpoint]) {
    const st = statSync(pathOf(url));
    assert.equal(st.mode & 0o777, 0o770);
    assert.equal(st.uid, uid);
    assert.equal(st.gid, gid);
  }
  // close() removes the socket files.
  const files = [h2.server.endpoints.endpoint, h2.server.endpoints.pubsub_endpoint].map(pathOf);
  await h2.server.close();
  for (const f of files) assert.ok(!existsSync(f), f);
});

test('a socket path too long for the private detour is bound in place and still secured', async () => {
  const t = tempDir();
  const deep = join(t.dir, 'd'.repeat(Math.max(1, 98 - t.dir.length)));
  mkdirSync(deep);
  const cfg = zmqConfig(deep, { endpoint: `ipc://${join(deep, 'c.zmq')}`, pubsubEndpoint: `ipc://${join(deep, 'p.zmq')}` });
  assert.ok(cfg.endpoint.length - 'ipc://'.length > 90);
  const deps = { table: new TestTable(), bus: new EventBus(), logger: new MemoryLogger(), logfile: () => null };
  const s = await startZmqServer(cfg, deps);
  try {
    assert.equal(modeOf(cfg.endpoint), 0o700);
    assert.equal(modeOf(cfg.pubsubEndpoint), 0o700);
    assert.deepEqual(readdirSync(deep).sort(), ['c.zmq', 'p.zmq']);
  } finally {
    await s.close();
    t.remove();
  }
});

test('a stale socket file is replaced; a live daemon on the path is an error', async () => {
  const t = tempDir();
  const cfg = zmqConfig(t.dir);
  // The file a SIGKILLed daemon leaves behind.
  const r = spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(pathOf(cfg.endpoint))}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(r.signal, 'SIGKILL');
  const deps = { table: new TestTable(), bus: new EventBus(), logger: new MemoryLogger(), logfile: () => null };
  deps.table.register({ name: 'supervisor.getState', help: '', signature: ['struct'] }, () => ({ statecode: 1 }));
  const first = await startZmqServer(cfg, deps);
  try {
    await assert.rejects(startZmqServer(cfg, { ...deps, table: new TestTable() }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'EADDRINUSE');
      assert.equal(err.message, `cannot bind ${cfg.endpoint}: another program is already listening on ${pathOf(cfg.endpoint)}`);
      return true;
    });
    // The first daemon was not disturbed.
    const c = await connectZmq(cfg.endpoint);
    clients.push(c);
    assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1 });
  } finally {
    await first.close();
  }
  writeFileSync(pathOf(cfg.endpoint), 'not a socket');
  await assert.rejects(startZmqServer(cfg, deps), /exists and is not a socket/);
  t.remove();
});

test('PLAIN over tcp: the right credentials work, wrong or missing ones are refused', async () => {
  const tcp = { endpoint: 'tcp://127.0.0.1:*', pubsubEndpoint: 'tcp://127.0.0.1:*' };
  const h = await harness({ ...tcp, username: 'admin', password: 's3cret' });
  const ok = await client(h, { username: 'admin', password: 's3cret' });
  assert.deepEqual(await ok.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  // The PUB socket is secured the same way, and the right client gets its stream.
  const got: string[] = [];
  await ok.subscribe!(['state.'], (m) => got.push(m.topic));
  assert.deepEqual(got, ['snapshot']);

  await authRefused((await client(h, { username: 'admin', password: 'wrong' })).call('supervisor.getState'));
  await authRefused((await client(h, { username: 'root', password: 's3cret' })).call('supervisor.getState'));
  await authRefused((await client(h)).call('supervisor.getState'));

  const sha = `{SHA}${createHash('sha1').update('hashed pw').digest('hex')}`;
  const h2 = await harness({ ...tcp, username: 'admin', password: sha });
  assert.ok(await (await client(h2, { username: 'admin', password: 'hashed pw' })).call('supervisor.getState'));
  await authRefused((await client(h2, { username: 'admin', password: sha })).call('supervisor.getState'));
});

test('a client without credentials learns the server wants PLAIN from its greeting, and is refused every time', async () => {
  // libzmq reports a mechanism mismatch only now and then (the server may reset the connection before
  // its greeting is read, and libzmq quietly reconnects), so the client's endpoint probe reads the
  // server's ZMTP greeting itself. Pin what that relies on: the half greeting gets the whole one back.
  for (const tcp of [{}, { endpoint: 'tcp://127.0.0.1:*', pubsubEndpoint: 'tcp://127.0.0.1:*' }]) {
    const h = await harness({ ...tcp, username: 'admin', password: 's3cret' });
    const url = h.server.endpoints.endpoint;
    const head = await new Promise<Buffer>((resolve, reject) => {
      const m = /^tcp:\/\/([^:]+):(\d+)$/.exec(url);
      const sock = m ? createConnection(Number(m[2]), m[1]) : createConnection(url.slice('ipc://'.length));
      let got = Buffer.alloc(0);
      sock.on('connect', () => sock.write(GREETING_START));
      sock.on('data', (c: Buffer) => {
        got = Buffer.concat([got, c]);
        if (got.length >= 32) {
          sock.destroy();
          resolve(got);
        }
      });
      sock.on('error', reject);
    });
    assert.equal(greetingMechanism(head), 'PLAIN');
    for (let i = 0; i < 8; i++) await authRefused((await client(h)).call('supervisor.getState'));
  }
});

test('CURVE over tcp: an allowed client key works, an unknown one is refused', async () => {
  const server = curveKeyPair();
  const allowed = curveKeyPair();
  const stranger = curveKeyPair();
  const h = await harness({
    endpoint: 'tcp://127.0.0.1:*',
    pubsubEndpoint: 'tcp://127.0.0.1:*',
    curveSecretKey: server.secretKey,
    curvePublicKey: server.publicKey,
    curveAllowedClients: [allowed.publicKey],
  });
  const ok = await client(h, { curveServerKey: server.publicKey, curvePublicKey: allowed.publicKey, curveSecretKey: allowed.secretKey });
  assert.deepEqual(await ok.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  const got: string[] = [];
  await ok.subscribe!(['state.'], (m) => got.push(m.topic));
  assert.deepEqual(got, ['snapshot']);

  const bad = await client(h, { curveServerKey: server.publicKey, curvePublicKey: stranger.publicKey, curveSecretKey: stranger.secretKey });
  await authRefused(bad.call('supervisor.getState'));
  await authRefused((await client(h, { username: 'x', password: 'y' })).call('supervisor.getState'));
});

test('tcp on a non-loopback address without credentials is refused before binding', async () => {
  const t = tempDir();
  const deps = { table: new TestTable(), bus: new EventBus(), logger: new MemoryLogger(), logfile: () => null };
  await assert.rejects(startZmqServer(zmqConfig(t.dir, { endpoint: 'tcp://0.0.0.0:9002' }), deps), {
    message: '[zmq_server] endpoint tcp://0.0.0.0:9002 is not loopback and has no credentials: set username/password or curve keys',
  });
  await assert.rejects(startZmqServer(zmqConfig(t.dir, { pubsubEndpoint: 'tcp://*:9003' }), deps), {
    message: '[zmq_server] pubsub_endpoint tcp://*:9003 is not loopback and has no credentials: set username/password or curve keys',
  });
  await assert.rejects(startZmqServer(zmqConfig(t.dir, { curveSecretKey: 'short' }), deps), /curve_secretkey is not a 40-character Z85 key/);
  // Nothing was left bound.
  assert.ok(!existsSync(join(t.dir, 'sv.zmq')));
  t.remove();
});
