/**
 * The ZMTP 3.0 codec (src/client/zmtp-codec.ts): greetings, short and long frames cut anywhere into
 * chunks, MORE, commands, metadata, PLAIN's HELLO, and libzmq's misspelt ERROR command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameReader,
  GREETING_SIZE,
  MAX_FRAME_BYTES,
  checkGreeting,
  clientGreeting,
  encodeCommand,
  encodeFrame,
  encodeMetadata,
  parseCommand,
  parseMetadata,
  plainHello,
} from '../../../src/client/zmtp-codec.js';

/** Feeds `bytes` to a reader in pieces of `size` bytes and collects every frame. */
function readAll(bytes: Buffer, size: number): { command: boolean; more: boolean; body: string }[] {
  const r = new FrameReader();
  const out: { command: boolean; more: boolean; body: string }[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    r.push(bytes.subarray(i, i + size));
    for (let f = r.next(); f; f = r.next()) out.push({ command: f.command, more: f.more, body: f.body.toString('latin1') });
  }
  assert.equal(r.buffered, 0, 'nothing left over');
  return out;
}

test('the client greeting: signature, version 3.0, mechanism, as-server 0, 64 bytes in two parts', () => {
  const { start, rest } = clientGreeting('PLAIN');
  assert.deepEqual([...start], [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3]);
  const whole = Buffer.concat([start, rest]);
  assert.equal(whole.length, GREETING_SIZE);
  assert.equal(whole[11], 1, 'minor version 1: ZMTP 3.1, with PING and PONG');
  assert.equal(whole.subarray(12, 32).toString('latin1').replace(/\0+$/, ''), 'PLAIN');
  assert.equal(whole[32], 0, 'as-server 0');
  assert.ok(whole.subarray(33).every((b) => b === 0), 'filler');
});

test('checkGreeting decides as early as the bytes allow', () => {
  const server = Buffer.concat([clientGreeting('NULL').start, clientGreeting('NULL').rest]);
  server[11] = 1;
  server[32] = 1;
  assert.deepEqual(checkGreeting(server.subarray(0, 5)), { kind: 'partial' });
  assert.deepEqual(checkGreeting(server.subarray(0, 31)), { kind: 'partial' });
  assert.deepEqual(checkGreeting(server.subarray(0, 32)), { kind: 'zmtp3', mechanism: 'NULL' });
  assert.deepEqual(checkGreeting(server), { kind: 'zmtp3', mechanism: 'NULL' });
  assert.equal(checkGreeting(Buffer.from('H')).kind, 'bad', 'an HTTP answer is known from its first byte');
  const v2 = Buffer.from(server.subarray(0, 12));
  v2[10] = 1;
  assert.deepEqual(checkGreeting(v2), { kind: 'bad', reason: 'ZMTP version 1 instead of 3' });
  const noTail = Buffer.from(server.subarray(0, 10));
  noTail[9] = 0;
  assert.equal(checkGreeting(noTail).kind, 'bad');
});

test('short and long frames, MORE, commands: the same frames whatever the chunk size', () => {
  const long = Buffer.alloc(70_000, 'x');
  const bytes = Buffer.concat([
    ...encodeFrame(Buffer.from('a'.repeat(255)), true),
    ...encodeFrame(Buffer.from('b'.repeat(256))),
    encodeCommand('PING', Buffer.from([0, 10, 1, 2])),
    ...encodeFrame(long),
    ...encodeFrame(Buffer.alloc(0)),
  ]);
  // 255 bytes fit a short frame; 256 need the LONG flag and an 8-byte size.
  assert.equal(bytes[0], 0x01);
  assert.equal(bytes[1], 255);
  assert.equal(bytes[2 + 255], 0x02);
  assert.equal(bytes.readBigUInt64BE(3 + 255), 256n);
  const expected = [
    { command: false, more: true, body: 'a'.repeat(255) },
    { command: false, more: false, body: 'b'.repeat(256) },
    { command: true, more: false, body: '\x04PING\x00\x0a\x01\x02' },
    { command: false, more: false, body: long.toString('latin1') },
    { command: false, more: false, body: '' },
  ];
  for (const size of [1, 2, 3, 7, 9, 1000, 65_536, bytes.length]) assert.deepEqual(readAll(bytes, size), expected, `chunks of ${size}`);
});

test('a malformed frame header throws: reserved flag bits, a size beyond the limit', () => {
  const r = new FrameReader();
  r.push(Buffer.from([0x80, 1, 0]));
  assert.throws(() => r.next(), /bad frame flags 0x80/);
  const big = Buffer.alloc(9);
  big[0] = 0x02;
  big.writeBigUInt64BE(BigInt(MAX_FRAME_BYTES) + 1n, 1);
  const r2 = new FrameReader();
  r2.push(big);
  assert.throws(() => r2.next(), /too large/);
});

test('commands and metadata round-trip; names are case-insensitive', () => {
  const ready = encodeCommand('READY', encodeMetadata({ 'Socket-Type': 'DEALER', Identity: '' }));
  const r = new FrameReader();
  r.push(ready);
  const f = r.next()!;
  assert.ok(f.command);
  const { name, data } = parseCommand(f.body);
  assert.equal(name, 'READY');
  const props = parseMetadata(data);
  assert.equal(props.get('socket-type')?.toString(), 'DEALER');
  assert.equal(props.get('identity')?.length, 0);
  assert.throws(() => parseMetadata(Buffer.from([11, 0x53])), /malformed metadata/);
  assert.throws(() => parseCommand(Buffer.from([9, 0x41])), /malformed command/);
});

test("libzmq's ERROR command (0x5E \"RROR\", a C hex escape that ate the E) is read as ERROR", () => {
  // The bytes zeromq.js 6.8 sends when its ZAP handler refuses PLAIN credentials.
  const body = Buffer.from('5e52524f5203343030', 'hex');
  const { name, data } = parseCommand(body);
  assert.equal(name, 'ERROR');
  assert.equal(data.subarray(1).toString(), '400');
  assert.equal(parseCommand(Buffer.from('\x05ERROR\x03400', 'latin1')).name, 'ERROR', 'and the spelling of RFC 23');
});

test("PLAIN's HELLO: one-byte lengths; more than 255 bytes is refused", () => {
  assert.equal(plainHello('admin', 'pw').toString('latin1'), '\x05admin\x02pw');
  assert.throws(() => plainHello('u', 'p'.repeat(256)), /at most 255 bytes/);
});
