import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { RotatingFile } from '../../../daemon/logs/rotating-file.js';
import { pseudoRandom, rotatedFiles, waitFor, withTemp } from './fixtures.js';

function sizes(files: string[]): number[] {
  return files.map((f) => fs.statSync(f).size);
}

/** Runs `body` with the path `a.log` in a fresh temp dir (removed afterwards). */
function withLog(tag: string, body: (base: string, dir: string) => void | Promise<void>): Promise<void> {
  return withTemp(tag, (dir) => body(path.join(dir, 'a.log'), dir));
}

/**
 * A fifo in `dir` and a real reader (`cat`) copying it into `out`. `readerExited` resolves once the
 * reader has seen EOF and exited; the caller kills `reader` in its finally.
 */
function fifoReader(dir: string): { fifo: string; out: string; reader: ChildProcess; readerExited: Promise<void> } {
  const fifo = path.join(dir, 'fifo');
  const out = path.join(dir, 'out');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('sh', ['-c', `cat "${fifo}" > "${out}"`], { stdio: 'ignore' });
  const readerExited = new Promise<void>((resolve) => reader.once('exit', () => resolve()));
  return { fifo, out, reader, readerExited };
}

test('rotation: names .1 … .N, each backup reached maxbytes, the oldest beyond backups is gone', () =>
  withLog('rot', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 100, backups: 3 });
    const input = pseudoRandom(30 * 21);
    for (let i = 0; i < 21; i++) f.write(input.subarray(i * 30, (i + 1) * 30));
    await f.close();
    const files = rotatedFiles(base);
    assert.deepEqual(files, [`${base}.3`, `${base}.2`, `${base}.1`, base]);
    // 30-byte chunks: a file rotates after the chunk that reaches 100, i.e. at 120 bytes; five
    // rotations (the first two backups fell off the end), 30 bytes left in the base.
    assert.deepEqual(sizes(files), [120, 120, 120, 30]);
    const kept = Buffer.concat(files.map((p) => fs.readFileSync(p)));
    assert.deepEqual(kept, input.subarray(input.length - kept.length));
  }));

test('rotation: a chunk crossing maxbytes lands whole in the rotated file', () =>
  withLog('rot', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 100, backups: 2 });
    f.write(Buffer.alloc(90, 'a'));
    f.write(Buffer.alloc(50, 'b'));
    await f.flush();
    assert.equal(fs.readFileSync(`${base}.1`).toString(), 'a'.repeat(90) + 'b'.repeat(50));
    assert.equal(fs.statSync(base).size, 0);
    f.write(Buffer.from('c'));
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'c');
  }));

test('rotation: exactly maxbytes rotates; an existing file above maxbytes rotates after the next write', () =>
  withLog('rot', async (base) => {
    fs.writeFileSync(base, 'x'.repeat(500));
    const f = new RotatingFile(base, { maxbytes: 100, backups: 1 });
    f.write(Buffer.from('y'));
    await f.flush();
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), 'x'.repeat(500) + 'y');
    f.write(Buffer.alloc(100, 'z'));
    await f.close();
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), 'z'.repeat(100));
    assert.equal(fs.statSync(base).size, 0);
  }));

test('rotation: backups=0 truncates the base instead of renaming', () =>
  withLog('rot', async (base, dir) => {
    const f = new RotatingFile(base, { maxbytes: 10, backups: 0 });
    f.write(Buffer.from('0123456789AB'));
    f.write(Buffer.from('tail'));
    await f.close();
    assert.deepEqual(fs.readdirSync(dir), ['a.log']);
    assert.equal(fs.readFileSync(base, 'utf8'), 'tail');
  }));

test('rotation: maxbytes=0 never rotates', () =>
  withLog('rot', async (base, dir) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 5 });
    for (let i = 0; i < 100; i++) f.write(Buffer.alloc(1000, 'q'));
    await f.close();
    assert.deepEqual(fs.readdirSync(dir), ['a.log']);
    assert.equal(fs.statSync(base).size, 100000);
  }));

test('rotation: existing backups are shifted up and the file opens in append mode', () =>
  withLog('rot', async (base) => {
    fs.writeFileSync(base, 'old-base ');
    fs.writeFileSync(`${base}.1`, 'old-1');
    fs.writeFileSync(`${base}.2`, 'old-2');
    const f = new RotatingFile(base, { maxbytes: 12, backups: 3 });
    f.write(Buffer.from('new'));
    await f.close();
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), 'old-base new');
    assert.equal(fs.readFileSync(`${base}.2`, 'utf8'), 'old-1');
    assert.equal(fs.readFileSync(`${base}.3`, 'utf8'), 'old-2');
  }));

test('byte-exact: 20 MB in random chunks, maxbytes 1 MB, backups 30', () =>
  withTemp('exact', async (dir) => {
    const base = path.join(dir, 'big.log');
    const total = 20 * 1024 * 1024;
    const input = pseudoRandom(total, 7);
    const f = new RotatingFile(base, { maxbytes: 1024 * 1024, backups: 30, highWaterMark: 256 * 1024 });
    let off = 0;
    let seed = 99;
    // A producer that honours backpressure, as the engine pauses a child's pipe.
    await new Promise<void>((resolve) => {
      f.onDrain(() => produce());
      const produce = () => {
        while (off < total) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const n = Math.min(total - off, 1 + (seed % (128 * 1024)));
          const ok = f.write(input.subarray(off, off + n));
          off += n;
          if (!ok) return;
        }
        resolve();
      };
      produce();
    });
    await f.close();
    const files = rotatedFiles(base);
    assert.ok(files.length >= 20, `expected >= 20 files, got ${files.length}`);
    for (const s of sizes(files).slice(0, -1)) assert.ok(s >= 1024 * 1024 && s < 1024 * 1024 + 128 * 1024, `size ${s}`);
    assert.ok(Buffer.concat(files.map((p) => fs.readFileSync(p))).equals(input), 'concatenation equals input');
  }));

test('backpressure: write() returns false above the high-water mark and onDrain fires', () =>
  withLog('bp', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0, highWaterMark: 1024 });
    assert.equal(f.write(Buffer.alloc(100, 'a')), true);
    assert.equal(f.write(Buffer.alloc(4096, 'b')), false);
    assert.equal(f.behind, true);
    let drained = 0;
    f.onDrain(() => drained++);
    await waitFor(() => drained === 1, 'drain');
    assert.equal(f.behind, false);
    await f.close();
    assert.equal(fs.statSync(base).size, 4196);
  }));

test('done callbacks run in order, after the bytes are in the file', () =>
  withLog('done', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0 });
    const seen: string[] = [];
    for (const s of ['one ', 'two ', 'three']) {
      f.write(Buffer.from(s), () => seen.push(`${s.trim()}:${fs.readFileSync(base, 'utf8').includes(s)}`));
    }
    await f.close();
    assert.deepEqual(seen, ['one:true', 'two:true', 'three:true']);
  }));

test('reopen after an external rename (logrotate): old bytes stay in the moved file, new ones go to the path', () =>
  withLog('reopen', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0 });
    f.write(Buffer.from('before\n'));
    await f.flush();
    fs.renameSync(base, `${base}-20240101`);
    f.write(Buffer.from('still old fd\n'));
    await f.flush();
    f.reopen();
    f.write(Buffer.from('after\n'));
    await f.close();
    assert.equal(fs.readFileSync(`${base}-20240101`, 'utf8'), 'before\nstill old fd\n');
    assert.equal(fs.readFileSync(base, 'utf8'), 'after\n');
  }));

test('reopen while writes are queued loses and reorders nothing', () =>
  withLog('reopen', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0 });
    const input = pseudoRandom(4 * 1024 * 1024, 3);
    for (let i = 0; i < 64; i++) {
      f.write(input.subarray(i * 65536, (i + 1) * 65536));
      if (i === 20) {
        fs.renameSync(base, `${base}.moved`);
        f.reopen();
      }
    }
    await f.close();
    const both = Buffer.concat([fs.readFileSync(`${base}.moved`), fs.readFileSync(base)]);
    assert.ok(both.equals(input));
  }));

test('remove (clear) deletes the file and opens a new empty one; backups are kept', () =>
  withLog('clear', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 10, backups: 2 });
    f.write(Buffer.from('0123456789'));
    f.write(Buffer.from('abc'));
    await f.flush();
    f.remove();
    assert.equal(fs.statSync(base).size, 0);
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), '0123456789');
    f.write(Buffer.from('fresh'));
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'fresh');
  }));

test('remove throws a one-line error when the file cannot be recreated', () =>
  withTemp('clear', async (dir) => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    const base = path.join(sub, 'a.log');
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0, onError: () => {} });
    fs.rmSync(sub, { recursive: true });
    assert.throws(() => f.remove(), { message: `[Errno 2] No such file or directory: '${base}'` });
    await f.close();
  }));

test('a missing directory is a one-line error naming the file', () => {
  assert.throws(() => new RotatingFile('/nonexistent-dir/x.log', { maxbytes: 0, backups: 0 }), {
    message: "[Errno 2] No such file or directory: '/nonexistent-dir/x.log'",
  });
});

test('a pipe (special file) is written without rotation and without error', () =>
  withTemp('fifo', async (dir) => {
    const { fifo, out, reader, readerExited } = fifoReader(dir);
    try {
      const errors: string[] = [];
      const f = new RotatingFile(fifo, { maxbytes: 10, backups: 3, onError: (m) => errors.push(m) });
      assert.equal(f.isSpecial, true);
      for (let i = 0; i < 10; i++) f.write(Buffer.from(`line ${i} of the pipe\n`));
      await f.close();
      await readerExited;
      const expected = Array.from({ length: 10 }, (_, i) => `line ${i} of the pipe\n`).join('');
      assert.equal(fs.readFileSync(out, 'utf8'), expected);
      assert.deepEqual(errors, []);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['fifo', 'out']);
    } finally {
      reader.kill();
    }
  }));

test('a device is never rotated, and clearing it reopens it without deleting the node', () => {
  const f = new RotatingFile('/dev/null', { maxbytes: 1, backups: 2, sync: true });
  assert.equal(f.isSpecial, true);
  f.write(Buffer.from('xyz'));
  f.write(Buffer.from('xyz'));
  assert.ok(!fs.existsSync('/dev/null.1'));
  f.remove();
  assert.ok(fs.existsSync('/dev/null'));
  f.closeSync();
});

test('write errors (ENOSPC on /dev/full) are reported once, and close() does not hang', async () => {
  const errors: string[] = [];
  const f = new RotatingFile('/dev/full', { maxbytes: 0, backups: 0, onError: (m) => errors.push(m) });
  f.write(Buffer.from('a'));
  f.write(Buffer.from('b'));
  await waitFor(() => errors.length > 0, 'an error report');
  await f.close();
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^cannot write to \/dev\/full: \[Errno 28\] No space left on device/);
});

test('sync mode: bytes are in the file when write() returns, and rotation applies', () =>
  withLog('sync', (base) => {
    const f = new RotatingFile(base, { maxbytes: 8, backups: 1, sync: true });
    f.write(Buffer.from('1234'));
    assert.equal(fs.readFileSync(base, 'utf8'), '1234');
    f.write(Buffer.from('5678'));
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), '12345678');
    assert.equal(fs.readFileSync(base, 'utf8'), '');
    f.closeSync();
  }));

/** The paths this process has open (its /proc/self/fd links). */
function openPaths(): string[] {
  return fs.readdirSync('/proc/self/fd').map((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
}

test('direct: a chunk for a regular file is in the file when write() returns; done runs after', () =>
  withLog('direct', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0, direct: true });
    const seen: string[] = [];
    assert.equal(f.write(Buffer.from('one '), () => seen.push('one')), true);
    assert.equal(fs.readFileSync(base, 'utf8'), 'one ');
    assert.equal(f.pending, 0);
    assert.equal(seen.length, 0, 'done never runs inside write()');
    f.write(Buffer.from('two'), () => seen.push('two'));
    await Promise.resolve();
    assert.deepEqual(seen, ['one', 'two']);
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'one two');
  }));

test('direct: rotation happens after the chunk that reaches maxbytes, as in the queued mode', () =>
  withLog('direct', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 100, backups: 2, direct: true });
    f.write(Buffer.alloc(90, 'a'));
    f.write(Buffer.alloc(50, 'b'));
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), 'a'.repeat(90) + 'b'.repeat(50));
    assert.equal(fs.statSync(base).size, 0);
    f.write(Buffer.from('c'));
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'c');
  }));

test('direct: a chunk over the high-water mark is queued and pauses the producer; order is kept', () =>
  withLog('direct', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0, highWaterMark: 1024, direct: true });
    assert.equal(f.write(Buffer.alloc(100, 'a')), true);
    assert.equal(f.pending, 0);
    assert.equal(f.write(Buffer.alloc(4096, 'b')), false);
    // Behind: later small chunks queue up behind the big one instead of overtaking it.
    f.write(Buffer.from('c'));
    assert.equal(f.pending, 4097);
    let drained = 0;
    f.onDrain(() => drained++);
    await waitFor(() => drained === 1, 'drain');
    await f.flush();
    assert.equal(f.write(Buffer.from('d')), true);
    assert.equal(f.pending, 0, 'direct again once the queue is empty');
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'a'.repeat(100) + 'b'.repeat(4096) + 'cd');
  }));

test('direct: a pipe still goes through the queue', () =>
  withTemp('direct-fifo', async (dir) => {
    const { fifo, out, reader, readerExited } = fifoReader(dir);
    try {
      const f = new RotatingFile(fifo, { maxbytes: 0, backups: 0, direct: true, lazy: true });
      assert.equal(f.isSpecial, true);
      f.write(Buffer.from('through the pipe\n'));
      assert.equal(f.pending, 17);
      await f.close();
      await readerExited;
      assert.equal(fs.readFileSync(out, 'utf8'), 'through the pipe\n');
    } finally {
      reader.kill();
    }
  }));

test('lazy: the file is created at once but held open only from its first write', () =>
  withLog('lazy', async (base) => {
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0, direct: true, lazy: true });
    assert.equal(fs.existsSync(base), true);
    assert.equal(openPaths().includes(base), false);
    f.write(Buffer.from('first\n'));
    assert.equal(openPaths().includes(base), true);
    assert.equal(fs.readFileSync(base, 'utf8'), 'first\n');
    await f.close();
    assert.equal(openPaths().includes(base), false);
  }));

test('lazy: an existing file is appended to, and reopen/remove leave the path created but closed', () =>
  withLog('lazy', async (base) => {
    fs.writeFileSync(base, 'x'.repeat(150));
    const f = new RotatingFile(base, { maxbytes: 100, backups: 1, direct: true, lazy: true });
    // Opened at the first write: the size is known then, and the full file rotates after the chunk.
    f.write(Buffer.from('y'));
    assert.equal(fs.readFileSync(`${base}.1`, 'utf8'), 'x'.repeat(150) + 'y');
    fs.renameSync(base, `${base}.moved`);
    f.reopen();
    assert.equal(fs.existsSync(base), true);
    assert.equal(openPaths().includes(base), false);
    f.write(Buffer.from('after reopen\n'));
    f.remove();
    assert.equal(fs.statSync(base).size, 0);
    assert.equal(openPaths().includes(base), false);
    f.write(Buffer.from('after remove\n'));
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'after remove\n');
  }));

test('lazy: a path that cannot be opened any more at the first write is reported and retried, nothing lost', () =>
  withTemp('lazy', async (dir) => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    const base = path.join(sub, 'a.log');
    const errors: string[] = [];
    const f = new RotatingFile(base, { maxbytes: 0, backups: 0, direct: true, lazy: true, onError: (m) => errors.push(m) });
    fs.rmSync(sub, { recursive: true });
    f.write(Buffer.from('kept\n'));
    await waitFor(() => errors.length > 0, 'an error report');
    assert.match(errors[0]!, /No such file or directory/);
    fs.mkdirSync(sub);
    await f.flush();
    await f.close();
    assert.equal(fs.readFileSync(base, 'utf8'), 'kept\n');
  }));

test('deferOpen (a file just created): no descriptor before the first write, which finds the real size', () =>
  withTemp('defer', async (dir) => {
    const f = path.join(dir, 'auto.log');
    // The caller's file: here already holding 60 bytes (a config object whose file was written before).
    fs.writeFileSync(f, 'x'.repeat(60));
    const fdsBefore = fs.readdirSync('/proc/self/fd').length;
    const w = new RotatingFile(f, { maxbytes: 100, backups: 1, lazy: true, deferOpen: true, direct: true });
    assert.equal(fs.readdirSync('/proc/self/fd').length, fdsBefore, 'nothing is opened by the constructor');
    // 60 + 50 crosses maxbytes: the rotation must count the 60 bytes already there.
    w.write(Buffer.from('y'.repeat(50)));
    w.write(Buffer.from('z'.repeat(10)));
    await w.flush();
    await w.close();
    assert.equal(fs.readFileSync(`${f}.1`, 'utf8'), 'x'.repeat(60) + 'y'.repeat(50));
    assert.equal(fs.readFileSync(f, 'utf8'), 'z'.repeat(10));
  }));
