/**
 * The XML-RPC server (daemon/servers/http.ts) driven by our XML-RPC client and by raw HTTP, over a
 * unix socket and 127.0.0.1, with a small real method table.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ClientError, type Client } from '../../../src/client/types.js';
import { connectXmlRpc } from '../../../src/client/xmlrpc.js';
import { encodeMethodCall } from '../../../src/client/xmlrpc-codec.js';
import { LogLevels } from '../../../daemon/logs/logger.js';
import { freePort, inetConfig, rawRequest, startHarness, unixConfig, type Harness } from './helpers.js';

describe('XML-RPC over unix and inet, no auth', () => {
  let h: Harness;
  let sock: string;
  let port: number;
  let unixClient: Client;
  let inetClient: Client;

  before(async () => {
    port = await freePort();
    h = await startHarness((dir) => [unixConfig(path.join(dir, 'sv.sock')), inetConfig(port)]);
    sock = path.join(h.dir, 'sv.sock');
    unixClient = await connectXmlRpc(`unix://${sock}`, {});
    inetClient = await connectXmlRpc(`http://127.0.0.1:${port}`, {});
  });
  after(async () => {
    await unixClient?.close();
    await inetClient?.close();
    await h?.close();
  });

  test('logs as Supervisor at startup: rpcinterface lines and CRIT for no auth', () => {
    const msgs = h.logger.messages();
    // One line per interface per server, as make_http_servers does (system is not reported).
    assert.deepEqual(msgs.filter((m) => m.startsWith('RPC interface')), [
      "RPC interface 'supervisor' initialized",
      "RPC interface 'test' initialized",
      "RPC interface 'supervisor' initialized",
      "RPC interface 'test' initialized",
    ]);
    assert.deepEqual(h.logger.messages(LogLevels.critical), [
      "Server 'unix_http_server' running without any HTTP authentication checking",
      "Server 'inet_http_server' running without any HTTP authentication checking",
    ]);
  });

  test('calls answer on both sockets', async () => {
    assert.deepEqual(await unixClient.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    assert.deepEqual(await inetClient.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    assert.equal(await unixClient.call('supervisor.getAPIVersion', []), '3.0');
    assert.equal(h.table.calls.at(-1)!.ctx!.transport, 'xmlrpc');
  });

  test('every value type arrives as sent, base64 as text (Supervisor unmarshalling)', async () => {
    const sent = ['s <&> \r\n', 7, -2, true, false, 2.5, [1, [2]], { a: { b: 'c' } }, Buffer.from('bytes')];
    const got = (await unixClient.call('test.params', sent)) as unknown[];
    assert.deepEqual(got, ['s <&> \r\n', 7, -2, true, false, 2.5, [1, [2]], { a: { b: 'c' } }, 'bytes']);
    const date = new Date(Date.UTC(2020, 1, 29, 12, 0, 0));
    assert.deepEqual(await unixClient.call('test.echo', [date]), date);
  });

  test('ints beyond the XML-RPC range are capped on the way out', async () => {
    const info = (await inetClient.call('supervisor.getProcessInfo', ['cat'])) as Record<string, unknown>;
    assert.equal(info.start, 2 ** 31 - 1);
    assert.equal(await inetClient.call('test.echo', [2 ** 40]), 2 ** 31 - 1);
  });

  test('faults reach the client as RpcFault with code and string', async () => {
    await assert.rejects(unixClient.call('supervisor.getProcessInfo', ['nosuch']), (e: unknown) => {
      assert.ok(e instanceof RpcFault);
      assert.equal(e.code, Faults.BAD_NAME);
      assert.equal(e.message, 'BAD_NAME: nosuch');
      assert.equal(e.text, 'nosuch');
      return true;
    });
    await assert.rejects(inetClient.call('test.fault', [Faults.SHUTDOWN_STATE]), { code: 6, message: 'SHUTDOWN_STATE' });
  });

  test('names that are not exactly ns.method, or private ones, are UNKNOWN_METHOD without reaching the table', async () => {
    for (const name of ['nodots', 'a.b.c', 'supervisor._private', 'supervisor.__init__', '.x']) {
      const before = h.table.calls.length;
      await assert.rejects(unixClient.call(name), { code: Faults.UNKNOWN_METHOD, message: 'UNKNOWN_METHOD' }, name);
      assert.equal(h.table.calls.length, before, `${name} reached the table`);
    }
    await assert.rejects(unixClient.call('nosuch.method'), { code: Faults.UNKNOWN_METHOD });
  });

  test('multicall results: raw values and fault structs', async () => {
    const r = await unixClient.call('system.multicall', [
      [
        { methodName: 'supervisor.getAPIVersion', params: [] },
        { methodName: 'supervisor.startProcess', params: ['cat'] },
        { methodName: 'system.multicall', params: [[]] },
        { params: [] },
      ],
    ]);
    assert.deepEqual(r, [
      '3.0',
      { faultCode: 60, faultString: 'ALREADY_STARTED: cat' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' },
    ]);
  });

  test('a deferred call does not hold up other calls', async () => {
    const order: string[] = [];
    const slow = unixClient.call('test.slow', [400]).then((v) => order.push(String(v)));
    await inetClient.call('supervisor.getState').then(() => order.push('fast'));
    await slow;
    assert.deepEqual(order, ['fast', 'slept 400']);
  });

  test('unparseable XML and a missing method name → 400 with ERRO lines; GET /RPC2 → 400', async () => {
    const bad = await rawRequest({ socketPath: sock }, 'POST', '/RPC2', '<methodCall><oops', { 'Content-Type': 'text/xml' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /<p>Error code 400\.\r\n<p>Message: Bad Request\./);
    assert.equal(bad.headers['content-type'], 'text/html');
    const noName = await rawRequest({ port }, 'POST', '/RPC2', '<methodCall><params/></methodCall>');
    assert.equal(noName.status, 400);
    const errs = h.logger.messages(LogLevels.error).filter((m) => m.startsWith('XML-RPC request data'));
    assert.ok(errs.some((m) => m === 'XML-RPC request data "<methodCall><oops" is invalid: unmarshallable'), errs.join('\n'));
    assert.ok(errs.some((m) => m.endsWith('is invalid: no method name')));
    assert.equal((await rawRequest({ port }, 'GET', '/RPC2')).status, 400);
  });

  test('an unexpected exception → 500 and a CRIT line; so does an unmarshallable result', async () => {
    await assert.rejects(unixClient.call('test.boom'), (e: unknown) => {
      assert.ok(e instanceof ClientError);
      assert.equal(e.kind, 'protocol');
      assert.equal(e.message, '<ProtocolError for 127.0.0.1/RPC2: 500 Internal Server Error>');
      return true;
    });
    assert.ok(h.logger.messages(LogLevels.critical).some((m) => /unexpected exception: Error: kaboom/.test(m)));
    await assert.rejects(unixClient.call('test.null'), { kind: 'protocol' });
    assert.ok(h.logger.messages(LogLevels.critical).some((m) => /cannot marshal None/.test(m)));
    // The server keeps serving.
    assert.equal(await unixClient.call('supervisor.getAPIVersion'), '3.0');
  });

  test('responses are text/xml with a length, and the connection is kept alive', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const body = encodeMethodCall('supervisor.getAPIVersion');
    const post = () =>
      new Promise<{ reused: boolean; res: http.IncomingMessage; text: string }>((resolve, reject) => {
        const req = http.request({ socketPath: sock, path: '/RPC2', method: 'POST', agent, headers: { 'Content-Type': 'text/xml' } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ reused: req.reusedSocket, res, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const first = await post();
    const second = await post();
    agent.destroy();
    assert.equal(first.res.headers['content-type'], 'text/xml');
    assert.equal(Number(first.res.headers['content-length']), Buffer.byteLength(first.text));
    assert.match(first.text, /<string>3\.0<\/string>/);
    assert.equal(second.reused, true);
  });

  test('the web UI is absent: / says so, other paths are 404', async () => {
    const root = await rawRequest({ port }, 'GET', '/');
    assert.equal(root.status, 200);
    assert.match(root.body, /no web interface/);
    assert.equal((await rawRequest({ port }, 'GET', '/tail.html')).status, 404);
  });
});

describe('Basic auth', () => {
  let h: Harness;
  let port: number;
  const url = () => `http://127.0.0.1:${port}`;

  before(async () => {
    port = await freePort();
    // {SHA} of "test".
    h = await startHarness(() => [inetConfig(port, { username: 'user', password: '{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' })]);
  });
  after(async () => h?.close());

  test('no CRIT line when a username is set', () => {
    assert.deepEqual(h.logger.messages(LogLevels.critical), []);
  });

  test('right credentials pass, and the method sees the user', async () => {
    const c = await connectXmlRpc(url(), { username: 'user', password: 'test' });
    assert.equal(await c.call('test.whoami'), 'user');
    await c.close();
  });

  test('missing or wrong credentials → ClientError auth', async () => {
    for (const opts of [{}, { username: 'user', password: 'wrong' }, { username: 'other', password: 'test' }]) {
      const c = await connectXmlRpc(url(), opts);
      await assert.rejects(c.call('supervisor.getState'), (e: unknown) => {
        assert.ok(e instanceof ClientError);
        assert.equal(e.kind, 'auth');
        assert.equal(e.message, 'Server requires authentication');
        return true;
      });
      await c.close();
    }
  });

  test('401 carries realm "default" and closes; a malformed header is 400; every path is guarded', async () => {
    const r = await rawRequest({ port }, 'POST', '/RPC2', encodeMethodCall('supervisor.getState'));
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="default"');
    assert.equal(r.headers.connection, 'close');
    assert.match(r.body, /Message: Unauthorized\./);
    const m = await rawRequest({ port }, 'GET', '/RPC2', undefined, { Authorization: 'Basic abc' });
    assert.equal(m.status, 400);
    for (const p of ['/', '/logtail/cat', '/mainlogtail']) assert.equal((await rawRequest({ port }, 'GET', p)).status, 401, p);
  });

  test('followLog with wrong credentials → auth error naming the URL', async () => {
    const c = await connectXmlRpc(url(), { username: 'user', password: 'nope' });
    await assert.rejects(c.followLog({ name: 'cat', channel: 'stdout' }, () => {}), {
      kind: 'auth',
      message: `${url()}/logtail/cat/stdout Cannot read, status code 401`,
    });
    await c.close();
  });
});

describe('client connection errors', () => {
  test('refused, no such file, unknown scheme', async () => {
    const port = await freePort();
    const refused = await connectXmlRpc(`http://127.0.0.1:${port}`, {});
    await assert.rejects(refused.call('supervisor.getState'), { kind: 'refused', message: `http://127.0.0.1:${port} refused connection` });
    await assert.rejects(refused.followLog('main', () => {}), { kind: 'refused' });
    const nofile = await connectXmlRpc('unix:///nonexistent/dir/x.sock', {});
    await assert.rejects(nofile.call('supervisor.getState'), { kind: 'nofile', message: 'unix:///nonexistent/dir/x.sock no such file' });
    await assert.rejects(connectXmlRpc('ftp://x', {}), { kind: 'protocol', message: 'Unknown protocol for serverurl ftp://x' });
  });

  test('a call that outlives timeoutMs → timeout', async () => {
    const port = await freePort();
    const h = await startHarness(() => [inetConfig(port)]);
    try {
      const c = await connectXmlRpc(`http://127.0.0.1:${port}`, { timeoutMs: 100 });
      await assert.rejects(c.call('test.slow', [2000]), { kind: 'timeout' });
      await c.close();
    } finally {
      await h.close();
    }
  });
});

describe('kept-alive connections', () => {
  test('a reused socket the server reset is retried once on a new connection', async () => {
    const net = await import('node:net');
    const { encodeMethodResponse } = await import('../../../src/client/xmlrpc-codec.js');
    const body = encodeMethodResponse('ok');
    let connections = 0;
    // A server that answers the first request of each connection and resets on the second, as a
    // server closing idle connections does at the worst moment.
    const server = net.createServer((sock) => {
      connections++;
      let requests = 0;
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        if (!buf.includes('</methodCall>')) return;
        buf = '';
        if (++requests > 1) {
          sock.resetAndDestroy();
          return;
        }
        sock.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const c = await connectXmlRpc(`http://127.0.0.1:${port}`, {});
    try {
      assert.equal(await c.call('a.b'), 'ok');
      assert.equal(await c.call('a.b'), 'ok');
      assert.equal(connections, 2);
    } finally {
      await c.close();
      server.close();
    }
  });
});
