/**
 * The control socket as a raw DEALER sees it: well-formed calls, every kind of malformed input, a
 * vanishing client, and calls that run at the same time.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Dealer } from 'zeromq';
import { startHarness, waitFor, type Harness } from './fixtures.js';
import { ProtocolErrors } from '../../../src/api/protocol.js';
import { Faults } from '../../../src/api/faults.js';

let h: Harness;
const dealers: Dealer[] = [];

before(async () => {
  h = await startHarness({}, { maxRequestBytes: 64 * 1024 });
});
after(async () => {
  for (const d of dealers) d.close();
  await h.stop();
});

function dealer(): Dealer {
  const d = new Dealer({ linger: 0, receiveTimeout: 10000 });
  d.connect(h.server.endpoints.endpoint);
  dealers.push(d);
  return d;
}

async function roundTrip(d: Dealer, frames: (string | Buffer)[] | string | Buffer): Promise<any> {
  await d.send(frames as never);
  const [reply] = await d.receive();
  return JSON.parse(reply!.toString());
}

test('a call gets its result with the same id', async () => {
  const d = dealer();
  assert.deepEqual(await roundTrip(d, JSON.stringify({ id: 7, method: 'supervisor.getState', params: [] })), {
    id: 7,
    result: { statecode: 1, statename: 'RUNNING' },
  });
  // String ids and omitted params work too.
  assert.deepEqual(await roundTrip(d, JSON.stringify({ id: 'a-1', method: 'supervisor.getState' })), {
    id: 'a-1',
    result: { statecode: 1, statename: 'RUNNING' },
  });
});

test('a fault carries Supervisor code, name and fault string', async () => {
  const d = dealer();
  const r = await roundTrip(d, JSON.stringify({ id: 1, method: 'supervisor.getProcessInfo', params: ['nosuch'] }));
  assert.deepEqual(r, { id: 1, error: { code: Faults.BAD_NAME, name: 'BAD_NAME', message: 'BAD_NAME: nosuch' } });
});

test('unknown methods, wrong parameter types and a crashing method get error replies', async () => {
  const d = dealer();
  const unknown = await roundTrip(d, JSON.stringify({ id: 2, method: 'supervisor.nope', params: [] }));
  assert.deepEqual(unknown.error, { code: 1, name: 'UNKNOWN_METHOD', message: 'UNKNOWN_METHOD' });
  const types = await roundTrip(d, JSON.stringify({ id: 3, method: 'supervisor.getProcessInfo', params: [42] }));
  assert.equal(types.error.code, Faults.INCORRECT_PARAMETERS);
  const notArray = await roundTrip(d, JSON.stringify({ id: 4, method: 'supervisor.getState', params: { a: 1 } }));
  assert.deepEqual(notArray, {
    id: 4,
    error: { code: 2, name: 'INCORRECT_PARAMETERS', message: 'INCORRECT_PARAMETERS: params must be an array' },
  });
  const crash = await roundTrip(d, JSON.stringify({ id: 5, method: 'test.crash', params: [] }));
  assert.deepEqual(crash.error, { code: 30, name: 'FAILED', message: 'FAILED: TypeError:boom' });
  assert.ok(h.logger.messages().some((m) => m.includes('test.crash failed: boom')));
});

test('garbage, bad JSON, non-requests and extra frames get protocol errors', async () => {
  const d = dealer();
  const cases: [(string | Buffer)[] | string | Buffer, number, string][] = [
    ['{"id": 1, "method": ', ProtocolErrors.PARSE_ERROR, 'PARSE_ERROR'],
    [Buffer.from([0xff, 0xfe, 0x00, 0x80]), ProtocolErrors.PARSE_ERROR, 'PARSE_ERROR'],
    ['[1,2,3]', ProtocolErrors.INVALID_REQUEST, 'INVALID_REQUEST'],
    ['"just a string"', ProtocolErrors.INVALID_REQUEST, 'INVALID_REQUEST'],
    ['{"method": "supervisor.getState"}', ProtocolErrors.INVALID_REQUEST, 'INVALID_REQUEST'],
    [['{"id":1,"method":"supervisor.getState"}', 'extra'], ProtocolErrors.INVALID_REQUEST, 'INVALID_REQUEST'],
    [Buffer.alloc(0), ProtocolErrors.PARSE_ERROR, 'PARSE_ERROR'],
  ];
  for (const [frames, code, name] of cases) {
    const r = await roundTrip(d, frames);
    assert.equal(r.id, null, JSON.stringify(frames));
    assert.equal(r.error.code, code);
    assert.equal(r.error.name, name);
    assert.match(r.error.message, new RegExp(`^${name}: `));
  }
  const noMethod = await roundTrip(d, '{"id": 9}');
  assert.deepEqual(noMethod, { id: 9, error: { code: -32600, name: 'INVALID_REQUEST', message: 'INVALID_REQUEST: missing method' } });
  const badMethod = await roundTrip(d, '{"id": 10, "method": 5}');
  assert.equal(badMethod.error.code, ProtocolErrors.INVALID_REQUEST);
  // The same client is still served normally.
  assert.equal((await roundTrip(d, '{"id": 11, "method": "test.echo", "params": ["ok"]}')).result, 'ok');
});

test('frames adding up past the limit are refused; one oversized frame drops only that connection', async () => {
  const d = dealer();
  const half = Buffer.alloc(40 * 1024, 0x20);
  const r = await roundTrip(d, [half, half]);
  assert.equal(r.error.code, ProtocolErrors.REQUEST_TOO_LARGE);
  // A single frame past ZMQ_MAXMSGSIZE: libzmq closes that connection, no reply comes for it.
  const big = dealer();
  await big.send(Buffer.alloc(128 * 1024, 0x20));
  // The DEALER reconnects by itself and is served again.
  assert.equal((await roundTrip(big, '{"id": 1, "method": "test.echo", "params": ["again"]}')).result, 'again');
  // Other clients never noticed.
  assert.equal((await roundTrip(d, '{"id": 2, "method": "test.echo", "params": ["other"]}')).result, 'other');
});

test('a slow call delays neither a fast one from the same client nor one from another client', async () => {
  const a = dealer();
  const b = dealer();
  await a.send(JSON.stringify({ id: 'slow', method: 'test.sleep', params: [3000] }));
  await a.send(JSON.stringify({ id: 'fast-a', method: 'test.echo', params: ['a'] }));
  const first = JSON.parse((await a.receive())[0]!.toString());
  assert.equal(first.id, 'fast-a', 'the fast reply overtakes the slow one on the same connection');
  assert.equal((await roundTrip(b, JSON.stringify({ id: 'fast-b', method: 'test.echo', params: ['b'] }))).id, 'fast-b');
  const second = JSON.parse((await a.receive())[0]!.toString());
  assert.deepEqual(second, { id: 'slow', result: true });
});

test('a client that goes away mid-call breaks nothing; the late reply is dropped', async () => {
  const gone = new Dealer({ linger: 0 });
  gone.connect(h.server.endpoints.endpoint);
  const seen = h.sup.table.calls.length;
  await gone.send(JSON.stringify({ id: 1, method: 'test.sleep', params: [300] }));
  await waitFor(() => h.sup.table.calls.slice(seen).includes('test.sleep'), 'the call to reach the daemon');
  gone.close();
  // The call finishes and its reply goes nowhere.
  await waitFor(() => h.server.activeCalls() === 0, 'the orphaned call to finish');
  const other = dealer();
  assert.equal((await roundTrip(other, '{"id": 2, "method": "test.echo", "params": ["still here"]}')).result, 'still here');
});

test('ext.getEndpoints and ext.sync are on the table', async () => {
  const d = dealer();
  const ep = await roundTrip(d, '{"id": 1, "method": "ext.getEndpoints"}');
  assert.deepEqual(ep.result, { ...h.server.endpoints });
  assert.equal(ep.result.protocol, 1);
  assert.ok(h.sup.table.list().includes('ext.sync'));
  const bad = await roundTrip(d, '{"id": 2, "method": "ext.sync", "params": [3]}');
  assert.equal(bad.error.code, Faults.INCORRECT_PARAMETERS);
});

test('each call knows its transport and a stable id of its connection', async () => {
  const a = dealer();
  const b = dealer();
  const a1 = (await roundTrip(a, '{"id": 1, "method": "test.whoami"}')).result;
  const a2 = (await roundTrip(a, '{"id": 2, "method": "test.whoami"}')).result;
  const b1 = (await roundTrip(b, '{"id": 3, "method": "test.whoami"}')).result;
  assert.equal(a1.transport, 'zmq');
  assert.match(a1.clientId, /^[0-9a-f]+$/);
  assert.equal(a1.clientId, a2.clientId);
  assert.notEqual(a1.clientId, b1.clientId);
});
