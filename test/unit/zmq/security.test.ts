import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { curveKeyPair } from 'zeromq';
import { parseEndpoint, isLoopbackHost } from '../../../daemon/servers/zmq/endpoint.js';
import { planSecurity } from '../../../daemon/servers/zmq/security.js';
import { z85Encode, isZ85Key } from '../../../daemon/servers/zmq/z85.js';
import { decide } from '../../../daemon/servers/zmq/zap.js';
import { passwordMatches } from '../../../daemon/servers/password.js';
import { pubUrlFor } from '../../../src/client/zmq.js';
import { zmqConfig } from '../../integration/zmq/fixtures.js';

// The endpoints are passed to planSecurity apart (eps below): only the security options matter here.
const base = zmqConfig('/tmp');
const eps = (...urls: string[]) => urls.map((u, i) => [i ? 'pubsub_endpoint' : 'endpoint', parseEndpoint(u, 'endpoint')] as [string, ReturnType<typeof parseEndpoint>]);

test('endpoints parse; bad ones get one-line errors', () => {
  assert.deepEqual(parseEndpoint('ipc:///run/s.zmq', 'endpoint'), { transport: 'ipc', url: 'ipc:///run/s.zmq', path: '/run/s.zmq' });
  assert.deepEqual(parseEndpoint('ipc://@abstract', 'endpoint'), { transport: 'ipc', url: 'ipc://@abstract', path: null });
  assert.deepEqual(parseEndpoint('tcp://[::1]:9', 'endpoint'), { transport: 'tcp', url: 'tcp://[::1]:9', host: '[::1]', port: '9' });
  assert.throws(() => parseEndpoint('http://x:1', 'endpoint'), /^Error: \[zmq_server\] endpoint http:\/\/x:1: unsupported transport http:\/\//);
  assert.throws(() => parseEndpoint('tcp://nohost', 'pubsub_endpoint'), /pubsub_endpoint tcp:\/\/nohost must be tcp:\/\/host:port/);
  assert.throws(() => parseEndpoint('/tmp/x', 'endpoint'), /is not a ZeroMQ endpoint/);
});

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '*', '10.0.0.1', 'eth0', 'example.com', '[::]', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);
});

test('security plans: none, PLAIN, CURVE, and their errors', () => {
  assert.equal(planSecurity(base, eps('tcp://127.0.0.1:1', 'tcp://localhost:2')).policy, null);
  const plain = planSecurity({ ...base, username: 'u', password: 'p' }, eps('tcp://0.0.0.0:1'));
  assert.equal(plain.policy?.mechanism, 'PLAIN');
  assert.deepEqual(plain.socketOptions, { plainServer: true, zapDomain: 'supervisor' });
  const k = curveKeyPair();
  const curve = planSecurity({ ...base, username: 'u', password: 'p', curveSecretKey: k.secretKey, curveAllowedClients: [k.publicKey] }, eps('tcp://*:1'));
  assert.equal(curve.policy?.mechanism, 'CURVE');
  assert.deepEqual(curve.warnings, ['zmq: CURVE is in use, so username/password are ignored']);
  assert.throws(() => planSecurity(base, eps('tcp://10.1.2.3:9')), {
    message: '[zmq_server] endpoint tcp://10.1.2.3:9 is not loopback and has no credentials: set username/password or curve keys',
  });
  assert.throws(() => planSecurity({ ...base, username: 'u' }, []), /username is set but password is not/);
  assert.throws(() => planSecurity({ ...base, password: 'p' }, []), /password is set but username is not/);
  assert.throws(() => planSecurity({ ...base, curveSecretKey: k.secretKey }, []), /curve_allowed_clients is empty/);
  assert.throws(() => planSecurity({ ...base, curveSecretKey: k.secretKey, curveAllowedClients: ['x'] }, []), /curve_allowed_clients: "x" is not/);
  assert.throws(() => planSecurity({ ...base, curveAllowedClients: [k.publicKey] }, []), /curve_secretkey is not/);
});

test('Z85 matches the RFC 32 test vector and libzmq keys', () => {
  assert.equal(z85Encode(Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])), 'HelloWorld');
  const k = curveKeyPair();
  assert.ok(isZ85Key(k.publicKey));
  assert.ok(!isZ85Key('short'));
  assert.ok(!isZ85Key(`${k.publicKey.slice(0, 39)}~`));
  assert.throws(() => z85Encode(Buffer.alloc(3)), /multiple of 4/);
});

test('ZAP decisions: PLAIN with plain and {SHA} passwords, CURVE allow-list, wrong mechanism', () => {
  const b = (s: string) => Buffer.from(s);
  const plain = { mechanism: 'PLAIN' as const, username: 'admin', password: 'pw' };
  assert.equal(decide(plain, 'PLAIN', [b('admin'), b('pw')]), 'admin');
  assert.equal(decide(plain, 'PLAIN', [b('admin'), b('pW')]), null);
  assert.equal(decide(plain, 'PLAIN', [b('root'), b('pw')]), null);
  assert.equal(decide(plain, 'PLAIN', [b('admin')]), null);
  assert.equal(decide(plain, 'CURVE', [Buffer.alloc(32)]), null);
  const sha = `{SHA}${createHash('sha1').update('pw').digest('hex')}`;
  assert.ok(passwordMatches(sha, b('pw')));
  assert.ok(!passwordMatches(sha, b(sha)));
  // As in Supervisor, the digest is compared as written with the lowercase hexdigest().
  assert.ok(!passwordMatches(sha.toUpperCase(), b('pw')));
  const key = Buffer.alloc(32, 7);
  const curve = { mechanism: 'CURVE' as const, allowedClients: new Set([z85Encode(key)]) };
  assert.equal(decide(curve, 'CURVE', [key]), z85Encode(key));
  assert.equal(decide(curve, 'CURVE', [Buffer.alloc(32, 8)]), null);
  assert.equal(decide(curve, 'NULL', []), null);
});

test('a PUB bound to a wildcard is reached at the control host', () => {
  assert.equal(pubUrlFor('tcp://0.0.0.0:9003', 'tcp://10.0.0.5:9002'), 'tcp://10.0.0.5:9003');
  assert.equal(pubUrlFor('tcp://*:9003', 'tcp://[::1]:9002'), 'tcp://[::1]:9003');
  assert.equal(pubUrlFor('tcp://127.0.0.1:9003', 'tcp://localhost:9002'), 'tcp://127.0.0.1:9003');
  assert.equal(pubUrlFor('ipc:///tmp/p.zmq', 'ipc:///tmp/c.zmq'), 'ipc:///tmp/p.zmq');
});
