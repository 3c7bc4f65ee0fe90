/**
 * docs/protocol.md is enough to write a client: a Python client (pyzmq, Debian's python3-zmq) written
 * from the document alone makes a call, gets a fault and follows state over tcp with PLAIN auth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHarness } from './fixtures.js';

// The .py file is not compiled: take it from the source tree (dist/test/... → test/...).
const script = fileURLToPath(new URL('../../../../test/integration/zmq/third_party_client.py', import.meta.url));

/** Debian's python3 has python3-zmq; a pyenv python3 earlier on PATH may not. */
function python(): string {
  for (const p of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(p, ['-c', 'import zmq'], { stdio: 'ignore' }).status === 0) return p;
  }
  throw new Error('pyzmq is missing: apt-get install -y python3-zmq');
}

test('a Python client written from docs/protocol.md: call, fault, subscription', async () => {
  assert.ok(existsSync(script), script);
  const py = python();
  const h = await startHarness({
    endpoint: 'tcp://127.0.0.1:*',
    pubsubEndpoint: 'tcp://127.0.0.1:*',
    username: 'py',
    password: 'thon',
  });
  try {
    const child = spawn(py, [script, h.server.endpoints.endpoint, 'py', 'thon'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0, err);
    const r = JSON.parse(out);
    assert.deepEqual(r.state, { statecode: 1, statename: 'RUNNING' });
    assert.deepEqual(r.fault, { code: 10, name: 'BAD_NAME', message: 'BAD_NAME: nosuch' });
    assert.deepEqual(r.snapshot_states, { 'web:web': 'STOPPED', 'worker:worker': 'STOPPED' });
    assert.equal(r.start_result, true);
    assert.equal(r.gaps, 0);
    assert.deepEqual(
      r.applied.map((m: { statename: string; type: string; kind: string }) => [m.kind, m.type, m.statename]),
      [
        ['state', 'PROCESS_STATE_STARTING', 'STARTING'],
        ['state', 'PROCESS_STATE_RUNNING', 'RUNNING'],
      ],
    );
    assert.ok(r.applied[0].seq > r.snapshot_seq);
    assert.equal(r.applied[1].prev, r.applied[0].seq);
    assert.ok(r.applied[1].pid > 0);
    assert.equal(r.final_states['web:web'], 'RUNNING');
    // The wrong password is refused to the Python client too (ZAP).
    const bad = spawnSync(py, [script, h.server.endpoints.endpoint, 'py', 'wrong', '1'], { encoding: 'utf8', timeout: 60000 });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /TimeoutError/);
  } finally {
    await h.stop();
  }
});
