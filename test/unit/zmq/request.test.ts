import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest, errorFor, encodeReply, controlError } from '../../../daemon/servers/zmq/request.js';
import { RpcFault, Faults } from '../../../src/api/faults.js';

const frame = (s: string): Buffer[] => [Buffer.from(s)];

test('a well-formed request parses; params default to []', () => {
  assert.deepEqual(parseRequest(frame('{"id":1,"method":"supervisor.getState","params":[]}')), {
    ok: true,
    id: 1,
    method: 'supervisor.getState',
    params: [],
  });
  assert.deepEqual(parseRequest(frame('{"id":"x","method":"m"}')), { ok: true, id: 'x', method: 'm', params: [] });
});

test('each malformed request names its problem', () => {
  const cases: [Buffer[], number, string, unknown][] = [
    [frame('nope'), -32700, /^PARSE_ERROR: bad JSON/.source, null],
    [[Buffer.from([0xc3, 0x28])], -32700, 'PARSE_ERROR: request is not UTF-8', null],
    [frame('null'), -32600, 'INVALID_REQUEST: request must be a JSON object', null],
    [frame('{"id":true,"method":"m"}'), -32600, /^INVALID_REQUEST: id must be/.source, null],
    [frame(`{"id":"${'x'.repeat(300)}","method":"m"}`), -32600, /^INVALID_REQUEST: id must be/.source, null],
    [frame('{"id":3}'), -32600, 'INVALID_REQUEST: missing method', 3],
    [frame('{"id":3,"method":[]}'), -32600, 'INVALID_REQUEST: method must be a string', 3],
    [frame('{"id":3,"method":"m","params":"a"}'), 2, 'INCORRECT_PARAMETERS: params must be an array', 3],
    [[Buffer.from('{}'), Buffer.from('{}')], -32600, 'INVALID_REQUEST: expected 1 frame, got 2', null],
    [[], -32600, 'INVALID_REQUEST: expected 1 frame, got 0', null],
  ];
  for (const [frames, code, message, id] of cases) {
    const r = parseRequest(frames);
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.error.code, code, message);
    assert.match(r.error.message, new RegExp(message.startsWith('^') ? message : `^${message.replace(/[.*+?()[\]]/g, '\\$&')}$`));
    assert.equal(r.id, id);
  }
});

test('the size limit counts every frame', () => {
  const r = parseRequest([Buffer.alloc(600), Buffer.alloc(600)], 1000);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(r.error, controlError(-32001, '1200 bytes, the limit is 1000'));
});

test('faults keep their code and string; other errors become FAILED', () => {
  assert.deepEqual(errorFor(new RpcFault(Faults.BAD_NAME, 'x')), { code: 10, name: 'BAD_NAME', message: 'BAD_NAME: x' });
  assert.deepEqual(errorFor(new RpcFault(Faults.SHUTDOWN_STATE)), { code: 6, name: 'SHUTDOWN_STATE', message: 'SHUTDOWN_STATE' });
  assert.deepEqual(errorFor(new RangeError('bad')), { code: 30, name: 'FAILED', message: 'FAILED: RangeError:bad' });
});

test('replies serialise; undefined is null; an unserialisable result is FAILED', () => {
  assert.equal(encodeReply({ id: 1, result: undefined }), '{"id":1,"result":null}');
  assert.equal(encodeReply({ id: 'a', result: [1, 'x'] }), '{"id":"a","result":[1,"x"]}');
  const bad = JSON.parse(encodeReply({ id: 2, result: { n: 1n } }));
  assert.equal(bad.id, 2);
  assert.equal(bad.error.code, 30);
});
