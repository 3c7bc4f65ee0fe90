import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLogRange, tailLogRange } from '../../../daemon/logs/read.js';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { mkTemp, rmTemp } from './fixtures.js';

// Expected values were produced by Supervisor 4.2.5's own readFile/tailFile on the same 10-byte file.
const READS: [number, number, string][] = [
  [0, 0, '0123456789'],
  [0, 3, '012'],
  [3, 4, '3456'],
  [8, 5, '89'],
  [100, 0, ''],
  [100, 3, ''],
  [-3, 0, '789'],
  [-100, 0, '0123456789'],
];
const READ_FAULTS: [number, number][] = [
  [-3, 1],
  [0, -1],
  [-1, -1],
];
const TAILS: [number, number, [string, number, boolean]][] = [
  [0, 0, ['', 10, true]],
  [0, 3, ['789', 10, true]],
  [0, 10, ['0123456789', 10, false]],
  [0, 20, ['0123456789', 10, false]],
  [5, 3, ['789', 10, true]],
  [5, 5, ['56789', 10, false]],
  [7, 5, ['56789', 10, false]],
  [10, 5, ['', 10, false]],
  [20, 5, ['', 10, false]],
  [9, 1, ['9', 10, false]],
  [0, -1, ['', 10, true]],
  [-5, 3, ['789', 10, true]],
  [3, -2, ['', 10, true]],
  [-20, 5, ['56789', 10, true]],
];

function withTen(fn: (file: string, dir: string) => void): void {
  const dir = mkTemp('read');
  try {
    const file = path.join(dir, 'ten.log');
    fs.writeFileSync(file, '0123456789');
    fn(file, dir);
  } finally {
    rmTemp(dir);
  }
}

function fault(code: number, text = ''): (e: unknown) => boolean {
  return (e) => e instanceof RpcFault && e.code === code && e.text === text;
}

test('readLogRange: every offset/length branch of readFile', () => {
  withTen((file) => {
    for (const [offset, length, want] of READS) {
      assert.equal(readLogRange(file, offset, length), want, `readLogRange(${offset}, ${length})`);
    }
  });
});

test('readLogRange: BAD_ARGUMENTS for a negative length, or a negative offset with a length', () => {
  withTen((file) => {
    for (const [offset, length] of READ_FAULTS) {
      assert.throws(() => readLogRange(file, offset, length), fault(Faults.BAD_ARGUMENTS), `${offset}, ${length}`);
    }
  });
});

test('readLogRange: NO_FILE names the path; a null path is plain NO_FILE; I/O errors are FAILED', () => {
  withTen((_file, dir) => {
    const missing = path.join(dir, 'missing.log');
    assert.throws(() => readLogRange(missing, 0, 0), fault(Faults.NO_FILE, missing));
    assert.throws(() => readLogRange(null, 0, 0), fault(Faults.NO_FILE));
    // A directory exists but cannot be read: FAILED, even with bad arguments (the open comes first).
    assert.throws(() => readLogRange(dir, 0, 0), fault(Faults.FAILED));
    assert.throws(() => readLogRange(dir, -1, 1), fault(Faults.FAILED));
    assert.equal(new RpcFault(Faults.NO_FILE, missing).message, `NO_FILE: ${missing}`);
  });
});

test('tailLogRange: every branch of tailFile', () => {
  withTen((file) => {
    for (const [offset, length, want] of TAILS) {
      assert.deepEqual(tailLogRange(file, offset, length), want, `tailLogRange(${offset}, ${length})`);
    }
  });
});

test('tailLogRange: no file gives ["", 0, false]; an unreadable one keeps the offset; empty file', () => {
  withTen((_file, dir) => {
    assert.deepEqual(tailLogRange(path.join(dir, 'missing'), 3, 4), ['', 0, false]);
    assert.deepEqual(tailLogRange(null, 3, 4), ['', 0, false]);
    assert.deepEqual(tailLogRange(dir, 3, 4), ['', 3, false]);
    const empty = path.join(dir, 'empty.log');
    fs.writeFileSync(empty, '');
    for (const [o, l] of [[0, 0], [0, 5], [3, 5], [-1, 1]]) assert.deepEqual(tailLogRange(empty, o, l), ['', 0, false]);
  });
});

test('bytes are decoded as UTF-8 with replacement characters', () => {
  withTen((_file, dir) => {
    const f = path.join(dir, 'utf.log');
    fs.writeFileSync(f, Buffer.from([0x68, 0xc3, 0xa9, 0xff, 0x21]));
    assert.equal(readLogRange(f, 0, 0), 'h\u00e9\ufffd!');
    // Starting inside a multi-byte character.
    assert.equal(readLogRange(f, 2, 0), '\ufffd\ufffd!');
    assert.deepEqual(tailLogRange(f, 0, 3), ['\ufffd\ufffd!', 5, true]);
  });
});
