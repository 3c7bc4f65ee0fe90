/**
 * The XML-RPC client's close(): a followLog request still waiting for its response headers is
 * aborted (it used to stay open and keep the process alive), followLog then rejects, and the function
 * followLog resolves to ends an answered stream. Against a real server that never answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitFor } from './helpers.js';
import { connectXmlRpc } from '../../../src/client/xmlrpc.js';
import { ClientError } from '../../../src/client/types.js';

/** A unix-socket server that reads requests and answers only when told to. */
async function silentServer(path: string): Promise<{ server: Server; sockets: Socket[]; requests: string[] }> {
  const sockets: Socket[] = [];
  const requests: string[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n\r\n')) requests.push(buf.split('\r\n')[0]!);
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(path, r));
  return { server, sockets, requests };
}

test('close() aborts a followLog still waiting for its headers; followLog rejects', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 's.sock');
  const srv = await silentServer(sock);
  t.after(() => srv.server.close());
  const client = await connectXmlRpc(`unix://${sock}`);
  const following = client.followLog({ name: 'web', channel: 'stdout' }, () => {});
  const outcome = following.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  await waitFor(() => srv.requests.includes('GET /logtail/web/stdout HTTP/1.1'), 'the request at the server');
  await client.close();
  const e = await outcome;
  assert.ok(e instanceof ClientError, `followLog rejected with a ClientError, got ${String(e)}`);
  assert.equal(e.kind, 'closed');
  assert.match(e.message, /client is closed/);
  await waitFor(() => srv.sockets.every((s) => s.destroyed || s.readableEnded), 'the connection closed');
});

test('the function followLog resolves to closes an answered stream', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 's.sock');
  const srv = await silentServer(sock);
  t.after(() => srv.server.close());
  const client = await connectXmlRpc(`unix://${sock}`);
  t.after(() => client.close());
  const got: string[] = [];
  const following = client.followLog({ name: 'web', channel: 'stdout' }, (b) => got.push(b.toString()));
  await waitFor(() => srv.requests.length === 1, 'the request');
  srv.sockets[0]!.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
  const stop = await following;
  await waitFor(() => got.join('') === 'hello', 'the first chunk');
  stop();
  await waitFor(() => srv.sockets[0]!.destroyed || srv.sockets[0]!.readableEnded, 'the connection closed');
});

test('a process whose followLog never got an answer exits by itself after close()', { timeout: 30000 }, async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 's.sock');
  const srv = await silentServer(sock);
  t.after(() => srv.server.close());
  const xmlrpc = fileURLToPath(new URL('../../../src/client/xmlrpc.js', import.meta.url));
  const script = join(dir, 'exit.mjs');
  writeFileSync(
    script,
    `import { connectXmlRpc } from ${JSON.stringify(xmlrpc)};
const c = await connectXmlRpc(process.argv[2]);
const f = c.followLog('main', () => {});
f.catch((e) => console.log(e.message));
// The test says when its server has the request.
await new Promise((r) => process.stdin.once('data', r));
process.stdin.destroy();
await c.close();
`,
  );
  const child = spawn(process.execPath, [script, `unix://${sock}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  await waitFor(() => srv.requests.includes('GET /mainlogtail HTTP/1.1'), 'the request at the server');
  child.stdin.end('go\n');
  const code = await exited;
  assert.equal(code, 0, out);
  assert.equal(out.trim(), `unix://${sock}: client is closed`);
});
