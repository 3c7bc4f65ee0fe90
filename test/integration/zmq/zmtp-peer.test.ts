/**
 * The built-in ZMTP peer (src/client/zmtp.ts) as the ZeroMQ client's request channel, with real
 * sockets: our ZeroMQ server (libzmq's ROUTER) over ipc and tcp, PLAIN, big replies (long frames over
 * many TCP chunks), out-of-order replies, a real supervisord killed mid-call, and servers that are not
 * what they should be (garbage, silence, ZMTP 2, a PUB, a PLAIN server that hangs up), none of which
 * may leave a call hanging.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Router } from 'zeromq';
import { startHarness, tempDir, type Harness } from './fixtures.js';
import { startDaemon, waitUntil, type DaemonHandle } from '../../helpers/daemon.js';
import { connectZmq, type ZmqClientOptions } from '../../../src/client/zmq.js';
import { ClientError, type Client } from '../../../src/client/types.js';
import { FrameReader, GREETING_SIZE, clientGreeting, encodeCommand, encodeFrame, encodeMetadata, parseCommand } from '../../../src/client/zmtp-codec.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
});

const TCP = { endpoint: 'tcp://127.0.0.1:*', pubsubEndpoint: 'tcp://127.0.0.1:*' };

async function harness(over: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(over);
  cleanups.push(() => h.stop());
  return h;
}

async function client(url: string, opts: ZmqClientOptions = {}): Promise<Client> {
  const c = await connectZmq(url, opts);
  cleanups.push(() => c.close());
  return c;
}

async function rejectsWith(p: Promise<unknown>, kind: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ClientError, `expected a ClientError, got ${err}`);
    assert.equal(err.kind, kind, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** A plain TCP server on loopback doing `onConnection`; resolves to its tcp:// URL. */
async function tcpServer(onConnection: (s: Socket) => void): Promise<string> {
  const srv: Server = createServer(onConnection);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const sockets = new Set<Socket>();
  srv.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => srv.close(r));
  });
  return `tcp://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

/**
 * A hand-made ZMTP 3 server (NULL mechanism, written from RFC 23 with the codec): greets, sends READY
 * with `socketType`, then hands each message frame to `onMessage` with a way to answer. Commands go to
 * `onCommand`.
 */
function fakeZmtpServer(opts: {
  socketType?: string;
  afterReady?: (send: (b: Buffer) => void) => void;
  onMessage?: (frame: Buffer, send: (b: Buffer) => void) => void;
  onCommand?: (name: string, data: Buffer) => void;
}): Promise<string> {
  return tcpServer((s) => {
    const r = new FrameReader();
    const greeting = Buffer.concat([clientGreeting('NULL').start, clientGreeting('NULL').rest]);
    greeting[32] = 1;
    let sentGreeting = false;
    let greeted = false;
    const send = (b: Buffer): void => void s.write(b);
    s.on('data', (chunk: Buffer) => {
      r.push(chunk);
      if (!greeted) {
        // The whole greeting answers the client's signature and major version.
        if (!sentGreeting && r.buffered >= 11) {
          sentGreeting = true;
          s.write(greeting);
        }
        if (r.buffered < GREETING_SIZE) return;
        r.take(GREETING_SIZE);
        greeted = true;
      }
      for (let f = r.next(); f; f = r.next()) {
        if (!f.command) {
          opts.onMessage?.(f.body, send);
          continue;
        }
        const { name, data } = parseCommand(f.body);
        opts.onCommand?.(name, data);
        if (name === 'READY') {
          s.write(encodeCommand('READY', encodeMetadata({ 'Socket-Type': opts.socketType ?? 'ROUTER' })));
          opts.afterReady?.(send);
        }
      }
    });
  });
}

test('NULL over ipc and over tcp loopback: calls work, faults come back, several at once', async () => {
  for (const over of [{}, TCP]) {
    const h = await harness(over);
    const c = await client(h.server.endpoints.endpoint);
    assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    await assert.rejects(c.call('supervisor.getProcessInfo', ['nosuch']), /BAD_NAME: nosuch/);
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => c.call('test.echo', [`m${i}`])));
    assert.deepEqual(many, Array.from({ length: 20 }, (_, i) => `m${i}`));
    // The daemon sees one connection: the same client id on every call.
    const ids = new Set(await Promise.all([1, 2, 3].map(async () => ((await c.call('test.whoami')) as { clientId: unknown }).clientId)));
    assert.equal(ids.size, 1);
  }
});

test('replies of 300 B, 100 KiB and 3 MiB (long frames, many TCP chunks) arrive whole', async () => {
  for (const over of [{}, TCP]) {
    const h = await harness(over);
    const c = await client(h.server.endpoints.endpoint);
    for (const size of [300, 100 * 1024, 3 * 1024 * 1024]) {
      const text = 'é'.repeat(size / 2);
      assert.equal(await c.call('test.echo', [text]), text, `${size} bytes over ${h.server.endpoints.endpoint}`);
    }
  }
});

test('replies in another order than the requests are matched by id', async () => {
  const t = tempDir();
  cleanups.push(t.remove);
  const router = new Router({ linger: 0 });
  const url = `ipc://${join(t.dir, 'order.zmq')}`;
  await router.bind(url);
  cleanups.push(() => router.close());
  const c = await client(url);
  const calls = ['a', 'b', 'c', 'd'].map((x) => c.call('test.echo', [x]));
  const got: [Buffer, { id: number; params: string[] }][] = [];
  for (let i = 0; i < 4; i++) {
    const [identity, frame] = await router.receive();
    got.push([identity!, JSON.parse(frame!.toString())]);
  }
  // Answer last first, and once with an id nobody asked for (ignored).
  await router.send([got[0]![0], JSON.stringify({ id: 999, result: 'stray' })]);
  for (const [identity, req] of got.reverse()) await router.send([identity, JSON.stringify({ id: req.id, result: req.params[0]!.toUpperCase() })]);
  assert.deepEqual(await Promise.all(calls), ['A', 'B', 'C', 'D']);
});

test('PLAIN: the right credentials work, wrong ones are refused; credentials a NULL server does not want are not needed', async () => {
  const h = await harness({ ...TCP, username: 'admin', password: 's3cret' });
  const url = h.server.endpoints.endpoint;
  const ok = await client(url, { username: 'admin', password: 's3cret' });
  assert.deepEqual(await ok.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  const wrong = await client(url, { username: 'admin', password: 'nope' });
  await rejectsWith(wrong.call('supervisor.getState'), 'auth', /authentication failed/);
  // The refusal sticks: the next call fails at once, without a new connection.
  await rejectsWith(wrong.call('supervisor.getState'), 'auth');
  await rejectsWith((await client(url)).call('supervisor.getState'), 'auth', /authentication failed/);
  // As Python's supervisorctl against an HTTP server without auth: the credentials go unused, calls
  // and streams work.
  const open = await harness(TCP);
  const extra = await client(open.server.endpoints.endpoint, { username: 'a', password: 'b' });
  assert.deepEqual(await extra.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  const stop = await extra.subscribe!(['state.'], () => {});
  stop();
});

test('a real supervisord killed during a call fails it as a lost connection; the next call is refused', async () => {
  const d: DaemonHandle = await startDaemon('[program:slow]\ncommand=/bin/sleep 1000\nautostart=false\nstartsecs=60\n');
  cleanups.push(() => d.cleanup());
  const c = await client(`ipc://${d.socketPath}.zmq`);
  assert.equal(await c.call('supervisor.getPID'), d.pid);
  // startProcess with wait answers only once the program has run for startsecs.
  const call = c.call('supervisor.startProcess', ['slow', true]);
  await d.waitForLog(/spawned: 'slow'/);
  d.signal('SIGKILL');
  await rejectsWith(call, 'protocol', /connection lost/);
  await waitUntil(() => d.exitCode !== null, 10_000, 'the daemon to die');
  await rejectsWith(c.call('supervisor.getPID'), 'refused', /refused connection$/);
});

test("heartbeats: the daemon's PONGs keep a long call alive; a frozen daemon fails the waiting call as lost", async () => {
  const d: DaemonHandle = await startDaemon('[program:slow]\ncommand=/bin/sleep 1000\nautostart=false\nstartsecs=2\n');
  cleanups.push(() => d.cleanup());
  const heartbeat = { intervalMs: 100, timeoutMs: 500 };
  const c = await client(`ipc://${d.socketPath}.zmq`, { heartbeat });
  // startProcess with wait answers after startsecs (2 s): four timeouts long, with nothing but PONGs.
  assert.equal(await c.call('supervisor.startProcess', ['slow', true]), true);
  d.signal('SIGSTOP');
  cleanups.push(() => d.signal('SIGCONT'));
  await rejectsWith(c.call('supervisor.getPID'), 'protocol', /connection lost/);
  d.signal('SIGCONT');
});

test('servers that are no ZeroMQ peer give a clean error at once, never a hang', async () => {
  const http = await tcpServer((s) => s.on('data', () => s.end('HTTP/1.0 400 Bad Request\r\n\r\n')));
  await rejectsWith((await client(http)).call('supervisor.getState'), 'protocol', /not a ZeroMQ server \(not a ZMTP greeting\)/);

  const closer = await tcpServer((s) => s.destroy());
  await rejectsWith((await client(closer)).call('supervisor.getState'), 'protocol', /closed the connection during the handshake/);

  const zmtp2 = await tcpServer((s) => s.once('data', () => s.write(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 5]))));
  await rejectsWith((await client(zmtp2)).call('supervisor.getState'), 'protocol', /ZMTP version 1 instead of 3/);

  const silent = await tcpServer(() => {});
  await rejectsWith((await client(silent, { probeTimeoutMs: 300 })).call('supervisor.getState'), 'timeout', /no answer within 300 ms/);

  const pub = await fakeZmtpServer({ socketType: 'PUB' });
  await rejectsWith((await client(pub)).call('supervisor.getState'), 'protocol', /PUB socket, which a DEALER cannot talk to/);

  // A PLAIN server that hangs up on HELLO (older libzmq sends no ERROR) refuses the credentials.
  const plainCloser = await tcpServer((s) => {
    let n = 0;
    s.on('data', (c: Buffer) => {
      n += c.length;
      if (n === 11) {
        const g = Buffer.concat([clientGreeting('PLAIN').start, clientGreeting('PLAIN').rest]);
        g[32] = 1;
        s.write(g);
      } else if (n > GREETING_SIZE) s.destroy();
    });
  });
  await rejectsWith((await client(plainCloser, { username: 'u', password: 'p' })).call('supervisor.getState'), 'auth');
});

test('a hand-made ZMTP server: READY metadata, a PING answered with PONG, a multipart reply', async () => {
  const commands: [string, string][] = [];
  const url = await fakeZmtpServer({
    afterReady: (send) => send(encodeCommand('PING', Buffer.from([0, 10, 0xca, 0xfe]))),
    onCommand: (name, data) => commands.push([name, data.toString('hex')]),
    onMessage: (frame, send) => {
      const req = JSON.parse(frame.toString()) as { id: number };
      // The JSON first, then a part the client does not need.
      send(Buffer.concat([...encodeFrame(Buffer.from(JSON.stringify({ id: req.id, result: 'ok' })), true), ...encodeFrame(Buffer.from('extra'))]));
    },
  });
  const c = await client(url);
  assert.equal(await c.call('any.method'), 'ok');
  await waitUntil(() => commands.some(([n]) => n === 'PONG'), 5000, 'the PONG');
  const ready = commands.find(([n]) => n === 'READY')!;
  assert.equal(Buffer.from(ready[1], 'hex').toString('latin1'), '\x0bSocket-Type\x00\x00\x00\x06DEALER');
  assert.deepEqual(commands.find(([n]) => n === 'PONG'), ['PONG', 'cafe'], 'the PING context echoed');
});

test('the zeromq DEALER channel (CURVE needs it) still serves calls and reports a missing file', async () => {
  const h = await harness();
  const c = await client(h.server.endpoints.endpoint, { requestChannel: 'zeromq' });
  assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  const t = tempDir();
  cleanups.push(t.remove);
  await rejectsWith((await client(`ipc://${join(t.dir, 'none.zmq')}`, { requestChannel: 'zeromq' })).call('supervisor.getState'), 'nofile');
});
