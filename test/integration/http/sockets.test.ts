/**
 * Binding as Supervisor: unix socket mode and owner, stale sockets, a socket in use, removal on
 * close, an inet port in use, all interfaces for an empty host.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connectXmlRpc } from '../../../src/client/xmlrpc.js';
import { freePort, inetConfig, rawRequest, startHarness, tempDir, unixConfig } from './helpers.js';

/** A socket file nobody listens on, as a daemon killed with SIGKILL leaves behind. */
function makeStaleSocket(file: string): void {
  const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  execFileSync(py, ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', file]);
  assert.ok(fs.statSync(file).isSocket());
}

/** Runs `fn` with process.stderr.write captured (the server writes Supervisor's stderr notes there). */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const orig = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), stderr };
  } finally {
    process.stderr.write = orig;
  }
}

describe('unix socket', () => {
  test('mode 0700 by default, chmod honoured, no temp file left, removed on close', async () => {
    const h = await startHarness((dir) => [unixConfig(path.join(dir, 'a.sock')), unixConfig(path.join(dir, 'b.sock'), { chmod: 0o766 })]);
    try {
      const a = fs.statSync(path.join(h.dir, 'a.sock'));
      assert.ok(a.isSocket());
      assert.equal(a.mode & 0o777, 0o700);
      assert.equal(fs.statSync(path.join(h.dir, 'b.sock')).mode & 0o777, 0o766);
      assert.deepEqual(fs.readdirSync(h.dir).filter((f) => f.includes('.sock.')), []);
      const c = await connectXmlRpc(`unix://${path.join(h.dir, 'b.sock')}`, {});
      assert.equal(await c.call('supervisor.getAPIVersion'), '3.0');
      await c.close();
      await h.server.close();
      assert.equal(fs.existsSync(path.join(h.dir, 'a.sock')), false);
      assert.equal(fs.existsSync(path.join(h.dir, 'b.sock')), false);
    } finally {
      await h.close();
    }
  });

  test('chown to another user', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async () => {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
    const h = await startHarness((dir) => [unixConfig(path.join(dir, 'o.sock'), { chown: [uid, gid] })]);
    try {
      const st = fs.statSync(path.join(h.dir, 'o.sock'));
      assert.equal(st.uid, uid);
      assert.equal(st.gid, gid);
    } finally {
      await h.close();
    }
  });

  test('a stale socket is unlinked with Supervisor\'s message on stderr', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'stale.sock');
    try {
      makeStaleSocket(file);
      const { value: h, stderr } = await captureStderr(() => startHarness(() => [unixConfig(file)]));
      try {
        assert.equal(stderr, `Unlinking stale socket ${file}\n`);
        const c = await connectXmlRpc(`unix://${file}`, {});
        assert.equal(await c.call('supervisor.getAPIVersion'), '3.0');
        await c.close();
      } finally {
        await h.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a socket in use is EADDRINUSE, and the running server is untouched', async () => {
    const h = await startHarness((dir) => [unixConfig(path.join(dir, 'busy.sock'))]);
    const file = path.join(h.dir, 'busy.sock');
    try {
      await assert.rejects(startHarness(() => [unixConfig(file)]), (e: unknown) => {
        assert.equal((e as { code?: string }).code, 'EADDRINUSE');
        assert.match((e as Error).message, /^Another program is already listening on a port that one of our HTTP servers/);
        return true;
      });
      assert.ok(fs.statSync(file).isSocket());
      const c = await connectXmlRpc(`unix://${file}`, {});
      assert.equal(await c.call('supervisor.getAPIVersion'), '3.0');
      await c.close();
      assert.deepEqual(fs.readdirSync(h.dir).filter((f) => f.includes('.sock.')), []);
    } finally {
      await h.close();
    }
  });

  test('a socket in a missing directory is a clear error', async () => {
    await assert.rejects(startHarness(() => [unixConfig('/nonexistent-dir/x.sock')]), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'ENOENT');
      assert.equal((e as Error).message, 'Cannot open an HTTP server: socket.error reported errno.ENOENT (2)');
      return true;
    });
  });
});

describe('inet socket', () => {
  test('a port in use is EADDRINUSE, and earlier servers are closed again', async () => {
    const port = await freePort();
    const h = await startHarness(() => [inetConfig(port)]);
    const dir = tempDir();
    try {
      const sock = path.join(dir, 'first.sock');
      await assert.rejects(startHarness(() => [unixConfig(sock), inetConfig(port)]), { code: 'EADDRINUSE' });
      // The unix server started before the failure was closed and its file removed.
      assert.equal(fs.existsSync(sock), false);
    } finally {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an empty host listens on every interface', async () => {
    const port = await freePort();
    const h = await startHarness(() => [inetConfig(port, { host: '' })]);
    try {
      assert.equal((await rawRequest({ port }, 'GET', '/')).status, 200);
      const c = await connectXmlRpc(`http://localhost:${port}`, {});
      assert.equal(await c.call('supervisor.getAPIVersion'), '3.0');
      await c.close();
    } finally {
      await h.close();
    }
  });

  test('a host name is resolved (localhost → 127.0.0.1)', async () => {
    const port = await freePort();
    const h = await startHarness(() => [inetConfig(port, { host: 'localhost' })]);
    try {
      assert.equal((await rawRequest({ port }, 'GET', '/')).status, 200);
    } finally {
      await h.close();
    }
  });
});
