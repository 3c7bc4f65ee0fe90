/** The controller: upcheck, connection errors, authentication, generic errors, lazy connection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ClientError } from '../../../src/client/types.js';
import { Controller } from '../../../src/ctl/controller.js';
import { genericErrorLine } from '../../../src/ctl/errors.js';
import { FakeSupervisor } from './fake-client.js';
import { MemoryIO, run, settings } from './memory-io.js';

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat');
  return s;
}

/** The actions that run the upcheck, with arguments that would otherwise succeed. */
const UPCHECKED = ['tail cat', 'maintail', 'status', 'pid', 'start cat', 'stop cat', 'signal HUP cat', 'restart cat', 'clear cat', 'version', 'fg cat'];

test('upcheck: no socket file prints `<url> no such file`, exit 7 (status: 4)', async () => {
  for (const line of UPCHECKED) {
    const s = server();
    s.down = 'nofile';
    const r = await run(s, line);
    assert.equal(r.out, 'unix:///tmp/fake.sock no such file\n', line);
    assert.equal(r.status, line === 'status' ? 4 : 7, line);
  }
});

test('upcheck: refused connection prints `<url> refused connection`, exit 4', async () => {
  for (const line of UPCHECKED) {
    const s = server();
    s.down = 'refused';
    const r = await run(s, line, { settings: { serverurl: 'http://127.0.0.1:9001' } });
    assert.equal(r.out, 'http://127.0.0.1:9001 refused connection\n', line);
    assert.equal(r.status, 4, line);
  }
});

test('upcheck: a wrong API version exits 5; no supervisor namespace exits 3', async () => {
  const s = server();
  s.version = '2.0';
  const v = await run(s, 'pid');
  assert.equal(
    v.out,
    'Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is 2.0.\n',
  );
  assert.equal(v.status, 5);
  const n = server();
  n.unknownMethods.add('supervisor.getVersion');
  const u = await run(n, 'stop cat');
  assert.equal(
    u.out,
    'Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses ' +
      'to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file ' +
      '(see sample.conf).\n',
  );
  assert.equal(u.status, 3);
  assert.equal(n.calls.length, 1, 'nothing after the failed upcheck');
});

test('upcheck: a timeout or other fault is a generic error, exit 1', async () => {
  const s = server();
  s.down = 'timeout';
  assert.deepEqual(
    await run(s, 'pid').then((r) => [r.out, r.status]),
    ["error: <class 'TimeoutError'>, timed out: unix:///tmp/fake.sock\n", 1],
  );
  const t = server();
  t.shuttingDown = true;
  assert.deepEqual(
    await run(t, 'status').then((r) => [r.out, r.status]),
    ["error: <class 'xmlrpc.client.Fault'>, <Fault 6: 'SHUTDOWN_STATE'>\n", 1],
  );
});

test('actions without upcheck report a missing server as a generic error, exit 1', async () => {
  for (const line of ['reread', 'avail', 'update', 'add x', 'remove x', 'reload']) {
    const s = server();
    s.down = 'nofile';
    const r = await run(s, line);
    assert.equal(r.out, "error: <class 'FileNotFoundError'>, [Errno 2] No such file or directory: unix:///tmp/fake.sock\n", line);
    assert.equal(r.status, 1);
    s.down = 'refused';
    const h = await run(s, line, { settings: { serverurl: 'http://localhost:9001' } });
    assert.equal(h.out, "error: <class 'ConnectionRefusedError'>, [Errno 111] Connection refused: http://localhost:9001\n", line);
  }
});

test('an unknown URL scheme is Supervisor\'s "Unknown protocol" error', async () => {
  const s = server();
  const r = await run(s, 'status', { settings: { serverurl: 'foo:bar' } });
  assert.deepEqual([r.out, r.status], ["error: <class 'ValueError'>, Unknown protocol for serverurl foo:bar\n", 1]);
});

test('authentication: not on a terminal, print `Server requires authentication`, exit 1, send nothing twice', async () => {
  const s = server();
  s.auth = { username: 'u', password: 'p' };
  const r = await run(s, 'status');
  assert.deepEqual([r.out, r.status], ['Server requires authentication\n', 1]);
  assert.equal(r.io.asked.length, 0);
  const ok = await run(s, 'pid', { settings: { username: 'u', password: 'p' } });
  assert.deepEqual([ok.out, ok.status], ['4242\n', 0]);
  // Also for actions without upcheck.
  assert.deepEqual(await run(s, 'reread').then((x) => [x.out, x.status]), ['Server requires authentication\n', 1]);
});

test('authentication: interactive on a terminal, ask Username:/Password: (hidden), then run the command again once', async () => {
  const s = server();
  s.auth = { username: 'u', password: 'p' };
  // A one-shot command (not -i) never asks, even on a terminal, as Supervisor.
  const once = new MemoryIO(true);
  const o = await run(s, 'pid cat', { io: once });
  assert.deepEqual([o.out, o.status, once.asked.length], ['Server requires authentication\n', 1, 0]);

  const io = new MemoryIO(true);
  io.answer('u', 'p');
  const r = await run(s, 'pid cat', { io, settings: { interactive: true } });
  assert.equal(r.out, 'Server requires authentication\nUsername:Password:\n1000\n');
  assert.deepEqual(io.asked, [
    { prompt: 'Username:', echo: true },
    { prompt: 'Password:', echo: false },
  ]);
  assert.equal(r.status, 0);
  assert.equal(r.ctl.settings.username, 'u');

  const wrong = new MemoryIO(true);
  wrong.answer('u', 'bad');
  const w = await run(s, 'pid', { io: wrong, settings: { interactive: true } });
  assert.equal(w.out, 'Server requires authentication\nUsername:Password:\nServer requires authentication\n');
  assert.equal(w.status, 1);
  assert.equal(wrong.asked.length, 2, 'asked once only');

  const eof = new MemoryIO(true);
  eof.end();
  const e = await run(s, 'pid', { io: eof, settings: { interactive: true } });
  assert.equal(e.status, 1);
});

test('the client connects lazily, once, and not at all for commands that need no server', async () => {
  const s = server();
  let connects = 0;
  const io = new MemoryIO();
  const ctl = new Controller(settings(), io, async (url, opts) => {
    connects++;
    return s.connector()(url, opts);
  });
  await ctl.onecmd('help');
  await ctl.onecmd('tail');
  assert.equal(connects, 1, 'tail ran the upcheck');
  await ctl.onecmd('status');
  await ctl.onecmd('pid');
  assert.equal(connects, 1);
  await ctl.close();
  const fresh = new Controller(settings(), io, async () => {
    connects++;
    throw new Error('should not connect');
  });
  await fresh.onecmd('help start');
  await fresh.onecmd('start');
  assert.equal(connects, 2, 'start checks the server before its arguments, like Supervisor');
});

test('a failed connect is retried by the next command', async () => {
  const s = server();
  let fail = true;
  const io = new MemoryIO();
  const ctl = new Controller(settings(), io, async (url, opts) => {
    if (fail) throw new ClientError('nofile', 'gone');
    return s.connector()(url, opts);
  });
  await ctl.onecmd('pid');
  assert.equal(io.stdout, 'unix:///tmp/fake.sock no such file\n');
  fail = false;
  io.stdout = '';
  await ctl.onecmd('pid');
  assert.equal(io.stdout, '4242\n');
  await ctl.close();
});

test('setExitFromFault: Supervisor\'s mapping', () => {
  const ctl = new Controller(settings(), new MemoryIO(), server().connector());
  ctl.setExitFromFault(Faults.SUCCESS);
  assert.equal(ctl.exitstatus, 0);
  ctl.setExitFromFault(Faults.ALREADY_STARTED, Faults.ALREADY_STARTED);
  assert.equal(ctl.exitstatus, 0);
  for (const code of [Faults.SPAWN_ERROR, Faults.ABNORMAL_TERMINATION, Faults.NOT_RUNNING]) {
    ctl.exitstatus = 0;
    ctl.setExitFromFault(code);
    assert.equal(ctl.exitstatus, 7);
  }
  for (const code of [Faults.BAD_NAME, Faults.NO_FILE, Faults.FAILED, Faults.BAD_SIGNAL]) {
    ctl.exitstatus = 0;
    ctl.setExitFromFault(code);
    assert.equal(ctl.exitstatus, 1);
  }
});

test('genericErrorLine for every kind of error', () => {
  const url = 'unix:///x.sock';
  assert.equal(genericErrorLine(new RpcFault(Faults.BAD_NAME, 'x'), url), "error: <class 'xmlrpc.client.Fault'>, <Fault 10: 'BAD_NAME: x'>");
  assert.equal(
    genericErrorLine(new ClientError('auth', 'no'), url),
    "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for unix:///x.sock: 401 Unauthorized>",
  );
  assert.equal(genericErrorLine(new ClientError('protocol', 'bad reply'), url), "error: <class 'xmlrpc.client.ProtocolError'>, bad reply");
  assert.equal(genericErrorLine(new TypeError('boom'), url), "error: <class 'TypeError'>, boom");
  assert.equal(genericErrorLine('weird', url), "error: <class 'Exception'>, weird");
});
