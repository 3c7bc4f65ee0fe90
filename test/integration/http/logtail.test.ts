/**
 * /logtail and /mainlogtail: where a stream starts, following appends, truncation, rotation, 404s, the
 * reply headers, and the end of a stream when the server closes. Driven by our client's followLog and
 * by raw HTTP, over a unix socket.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Client } from '../../../src/client/types.js';
import { connectXmlRpc } from '../../../src/client/xmlrpc.js';
import { rawRequest, startHarness, unixConfig, waitFor, type Harness } from './helpers.js';

/** Follows a target and collects what arrives. */
async function follow(c: Client, target: Parameters<Client['followLog']>[0]) {
  const got = { text: '', ended: false };
  const stop = await c.followLog(
    target,
    (chunk) => (got.text += chunk.toString('utf8')),
    undefined,
    () => (got.ended = true),
  );
  return { got, stop };
}

describe('log streams', () => {
  let h: Harness;
  let sock: string;
  let client: Client;

  before(async () => {
    h = await startHarness((dir) => [unixConfig(path.join(dir, 'sv.sock'))]);
    sock = path.join(h.dir, 'sv.sock');
    client = await connectXmlRpc(`unix://${sock}`, {});
  });
  after(async () => {
    await client?.close();
    await h?.close();
  });

  test('starts 1024 bytes before the end, then follows appends', async () => {
    const head = Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join('');
    fs.writeFileSync(h.files.catOut, head);
    const { got, stop } = await follow(client, { name: 'cat', channel: 'stdout' });
    try {
      await waitFor(() => got.text.length >= 1024, 'the first 1024 bytes');
      assert.equal(got.text, head.slice(-1024));
      fs.appendFileSync(h.files.catOut, 'appended 1\n');
      await waitFor(() => got.text.endsWith('appended 1\n'), 'the appended line');
      fs.appendFileSync(h.files.catOut, 'appended 2\n');
      await waitFor(() => got.text.endsWith('appended 2\n'), 'the second appended line');
      assert.equal(got.text, head.slice(-1024) + 'appended 1\nappended 2\n');
    } finally {
      stop();
    }
  });

  test('a short file is sent whole; stderr and group:name forms work', async () => {
    fs.writeFileSync(h.files.catErr, 'err line\n');
    const { got, stop } = await follow(client, { name: 'cat:cat', channel: 'stderr' });
    try {
      await waitFor(() => got.text === 'err line\n', 'the whole short file');
    } finally {
      stop();
    }
  });

  test('truncation prints the notice, then the file from its start', async () => {
    fs.writeFileSync(h.files.catOut, 'before truncation, a long enough line\n');
    const { got, stop } = await follow(client, { name: 'cat', channel: 'stdout' });
    try {
      await waitFor(() => got.text.includes('long enough'), 'the first content');
      fs.writeFileSync(h.files.catOut, 'short\n');
      await waitFor(() => got.text.endsWith('==> File truncated <==\nshort\n'), 'the truncation notice and new content');
    } finally {
      stop();
    }
  });

  test('rotation: the rest of the old file, then the new file from its start', async () => {
    fs.writeFileSync(h.files.catOut, 'old 1\n');
    const { got, stop } = await follow(client, { name: 'cat', channel: 'stdout' });
    try {
      await waitFor(() => got.text === 'old 1\n', 'the old content');
      // A writer that rotates: appends to the old file, renames it away, starts a new one.
      fs.appendFileSync(h.files.catOut, 'old 2\n');
      fs.renameSync(h.files.catOut, `${h.files.catOut}.1`);
      fs.writeFileSync(h.files.catOut, 'new 1\n');
      await waitFor(() => got.text.includes('new 1\n'), 'the new file');
      fs.appendFileSync(h.files.catOut, 'new 2\n');
      await waitFor(() => got.text.endsWith('new 2\n'), 'appends to the new file');
      assert.equal(got.text, 'old 1\nold 2\nnew 1\nnew 2\n');
    } finally {
      stop();
    }
  });

  test('a deleted then re-created file (clearProcessLogs) is followed again', async () => {
    fs.writeFileSync(h.files.catOut, 'first\n');
    const { got, stop } = await follow(client, { name: 'cat', channel: 'stdout' });
    try {
      await waitFor(() => got.text === 'first\n', 'the first content');
      fs.unlinkSync(h.files.catOut);
      fs.writeFileSync(h.files.catOut, 'again\n');
      await waitFor(() => got.text.endsWith('again\n'), 'the re-created file');
    } finally {
      stop();
    }
  });

  test('/mainlogtail follows the activity log', async () => {
    fs.writeFileSync(h.files.main, '2024-01-01 00:00:00,000 INFO supervisord started\n');
    const { got, stop } = await follow(client, 'main');
    try {
      await waitFor(() => got.text.includes('supervisord started'), 'the main log');
      fs.appendFileSync(h.files.main, '2024-01-01 00:00:01,000 INFO spawned\n');
      await waitFor(() => got.text.endsWith('INFO spawned\n'), 'a new main log line');
    } finally {
      stop();
    }
  });

  test('reply headers as Supervisor: chunked text/plain, Last-Modified, X-Accel-Buffering on /logtail', async () => {
    fs.writeFileSync(h.files.catOut, 'x\n');
    const headers = (p: string) =>
      new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
        const req = http.get({ socketPath: sock, path: p, agent: false }, (res) => {
          resolve(res.headers);
          req.destroy();
        });
        req.on('error', reject);
      });
    const lt = await headers('/logtail/cat');
    assert.equal(lt['content-type'], 'text/plain;charset=utf-8');
    assert.equal(lt['transfer-encoding'], 'chunked');
    assert.equal(lt['x-accel-buffering'], 'no');
    assert.ok(!Number.isNaN(Date.parse(lt['last-modified']!)));
    const ml = await headers('/mainlogtail');
    assert.equal(ml['transfer-encoding'], 'chunked');
    assert.equal(ml['x-accel-buffering'], undefined);
  });

  test('404: no such process, no log file configured, no file on disk; 400 for POST', async () => {
    fs.rmSync(h.files.catErr, { force: true });
    for (const p of ['/logtail/nosuch', '/logtail/nolog/stdout', '/logtail/cat/stderr', '/logtail/cat/stdin', '/logtail']) {
      assert.equal((await rawRequest({ socketPath: sock }, 'GET', p)).status, 404, p);
    }
    assert.equal((await rawRequest({ socketPath: sock }, 'POST', '/logtail/cat', 'x')).status, 400);
    await assert.rejects(client.followLog({ name: 'nosuch', channel: 'stdout' }, () => {}), {
      kind: 'protocol',
      message: `unix://${sock}/logtail/nosuch/stdout Cannot read, status code 404`,
    });
  });

  test('closing the server ends open streams (onEnd)', async () => {
    const other = await startHarness((dir) => [unixConfig(path.join(dir, 'other.sock'))]);
    const c = await connectXmlRpc(`unix://${path.join(other.dir, 'other.sock')}`, {});
    try {
      fs.writeFileSync(other.files.main, 'line\n');
      const { got } = await follow(c, 'main');
      await waitFor(() => got.text === 'line\n', 'the main log');
      await other.server.close();
      await waitFor(() => got.ended, 'the end of the stream');
    } finally {
      await c.close();
      await other.close();
    }
  });
});
