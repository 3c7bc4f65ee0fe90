/**
 * Child output through a real supervisord: SIGUSR2 while a child writes continuously loses no byte
 * (logrotate-style rename, then reopen), and 200 MB of output with rotation arrives byte-exact
 * across the backups and the base file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitUntil } from '../../helpers/daemon.js';

/** Prints 0..N-1, one per line, as fast as the pipe takes them, then says it is done and sleeps. */
const COUNTER = `#!/bin/sh
i=0
while [ $i -lt $1 ]; do echo $i; i=$((i+1)); done
touch "$2"
exec sleep 1000
`;

test('SIGUSR2 while a child writes: renamed file + new file hold the whole sequence', async () => {
  const N = 60000;
  const d = await startDaemon(
    `[program:counter]\ncommand=%(here)s/counter.sh ${N} %(here)s/done\nstdout_logfile=%(here)s/counter.log\n` +
      'stdout_logfile_maxbytes=0\nstartsecs=0\n',
    { files: { 'counter.sh': COUNTER } },
  );
  try {
    const log = join(d.dir, 'counter.log');
    await waitUntil(() => existsSync(log) && statSync(log).size > 1000, 15_000, 'some output');
    // logrotate moves the file away, then asks supervisord to reopen its logs.
    renameSync(log, `${log}.1`);
    d.signal('SIGUSR2');
    await d.waitForLog(/INFO received SIGUSR2 indicating log reopen request/);
    await d.waitForLog(/INFO supervisord logreopen/);
    await waitUntil(() => existsSync(join(d.dir, 'done')), 60_000, 'the counter to finish');
    await d.call('supervisor.stopProcess', ['counter']);
    const before = readFileSync(`${log}.1`, 'utf8');
    const after = readFileSync(log, 'utf8');
    assert.ok(before.length > 0 && after.length > 0, 'both files got output');
    const numbers = (before + after).split('\n').filter(Boolean).map(Number);
    assert.equal(numbers.length, N);
    for (let i = 0; i < N; i++) if (numbers[i] !== i) assert.fail(`line ${i} is ${numbers[i]}`);
    assert.equal(await d.stop(), 0);
  } finally {
    d.cleanup();
  }
});

/** Writes `mb` MiB of deterministic pseudo-random bytes and their sha256 into the file `$2` at the end. */
const GENERATOR = `
const { createHash } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const total = Number(process.argv[2]) * 1024 * 1024;
const hash = createHash('sha256');
let x = 0x9e3779b9, sent = 0;
function chunk(n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b.writeInt32LE(x | 0, i); }
  return b;
}
function pump() {
  while (sent < total) {
    const b = chunk(Math.min(256 * 1024, total - sent));
    sent += b.length;
    hash.update(b);
    if (!process.stdout.write(b)) return process.stdout.once('drain', pump);
  }
  writeFileSync(process.argv[3], hash.digest('hex'));
  setInterval(() => {}, 1 << 30);
}
pump();
`;

test('200 MB with rotation arrive byte-exact across backups and base', { timeout: 600_000 }, async () => {
  const MB = 200;
  const d = await startDaemon(
    `[program:gen]\ncommand=${process.execPath} %(here)s/gen.cjs ${MB} %(here)s/sha256\n` +
      'stdout_logfile=%(here)s/gen.log\nstdout_logfile_maxbytes=8MB\nstdout_logfile_backups=40\nstartsecs=0\n',
    { files: { 'gen.cjs': GENERATOR } },
  );
  try {
    const shaFile = join(d.dir, 'sha256');
    // writeFileSync creates the file before it writes the digest: wait for all 64 hex digits.
    const digest = () => (existsSync(shaFile) ? readFileSync(shaFile, 'utf8').trim() : '');
    await waitUntil(() => digest().length === 64, 540_000, 'the generator to finish');
    const want = digest();
    // The generator has written everything; the daemon may still be draining the pipe.
    const base = join(d.dir, 'gen.log');
    const files = () => {
      const out: string[] = [];
      for (let i = 40; i >= 1; i--) if (existsSync(`${base}.${i}`)) out.push(`${base}.${i}`);
      return [...out, base];
    };
    // A rotation may be renaming files while we look: a missing one counts as not done yet.
    const size = (f: string) => (existsSync(f) ? statSync(f, { throwIfNoEntry: false })?.size ?? -1 : -1);
    const total = () => files().reduce((n, f) => n + size(f), 0);
    await waitUntil(() => total() === MB * 1024 * 1024, 120_000, 'all bytes in the files');
    assert.ok(files().length >= 25, `rotated into ${files().length} files`);
    const hash = createHash('sha256');
    for (const f of files()) {
      await new Promise<void>((resolve, reject) =>
        createReadStream(f).on('data', (c) => hash.update(c)).on('end', resolve).on('error', reject),
      );
    }
    assert.equal(hash.digest('hex'), want);
    assert.equal(await d.stop(), 0);
  } finally {
    d.cleanup();
  }
});
