/**
 * The small lifecycle pieces: bind-error texts, the pidfile, rlimit reading, privilege messages,
 * the per-process locks, inherited descriptors, the profile summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import { ADDRESS_IN_USE, httpBindMessage } from '../../../daemon/lifecycle/transports.js';
import { Pidfile } from '../../../daemon/lifecycle/pidfile.js';
import { readRlimit } from '../../../daemon/lifecycle/rlimits.js';
import { dropPrivileges, setUidOrExit, ROOT_WITHOUT_USER } from '../../../daemon/lifecycle/privileges.js';
import { ProcessLocks } from '../../../daemon/rpc/locks.js';
import { closeInheritedFds } from '../../../daemon/lifecycle/fds.js';
import { summarize, type CpuProfile } from '../../../daemon/lifecycle/profile.js';

test("bind errors get Supervisor's texts", () => {
  assert.equal(httpBindMessage('EADDRINUSE'), ADDRESS_IN_USE);
  assert.equal(httpBindMessage('EACCES'), 'Cannot open an HTTP server: socket.error reported errno.EACCES (13)');
  assert.equal(httpBindMessage('EADDRNOTAVAIL'), 'Cannot open an HTTP server: socket.error reported errno.EADDRNOTAVAIL (99)');
});

test('pidfile: written with a newline, removed only when written by us', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pid-'));
  try {
    const logger = new MemoryLogger();
    const p = new Pidfile(join(dir, 'x.pid'));
    p.write(logger);
    assert.equal(readFileSync(p.path, 'utf8'), `${process.pid}\n`);
    assert.deepEqual(logger.messages(), [`supervisord started with pid ${process.pid}`]);
    p.remove();
    assert.ok(!existsSync(p.path));
    const bad = new Pidfile(join(dir, 'missing', 'x.pid'));
    bad.write(logger);
    assert.equal(logger.messages().at(-1), `could not write pidfile ${bad.path}`);
    bad.remove();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rlimits are read from /proc', () => {
  const nofile = readRlimit('Max open files');
  assert.ok(nofile.soft > 0 && (nofile.hard === -1 || nofile.hard >= nofile.soft));
  assert.throws(() => readRlimit('No such limit'), /no "No such limit"/);
});

test("privileges: Supervisor's messages", { skip: process.getuid?.() !== 0 && 'needs root to see the root branch' }, () => {
  assert.deepEqual(setUidOrExit(null), { critical: ROOT_WITHOUT_USER });
  assert.equal(dropPrivileges(0), null, 'already that uid');
  assert.deepEqual(setUidOrExit(0), { info: 'Set uid to user 0 succeeded' });
  assert.equal(dropPrivileges(424242), "Can't find uid 424242");
});

test('process locks: one key waits for its previous operation, other keys never do', async () => {
  const locks = new ProcessLocks<object>();
  const a = {};
  const b = {};
  let release!: () => void;
  const first = locks.run(a, () => new Promise<string>((r) => (release = () => r('first'))));
  assert.ok(locks.busy(a));
  const order: string[] = [];
  const second = (locks.run(a, () => 'second') as Promise<string>).then((v) => order.push(v));
  // Idle key: runs synchronously and returns a plain value.
  assert.equal(locks.run(b, () => 'b'), 'b');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, []);
  release();
  assert.equal(await first, 'first');
  await second;
  assert.deepEqual(order, ['second']);
  await new Promise((r) => setImmediate(r));
  assert.ok(!locks.busy(a));
  // A failing operation releases the key too.
  await assert.rejects(Promise.resolve(locks.run(a, () => Promise.reject(new Error('x')))), /x/);
  await new Promise((r) => setImmediate(r));
  assert.ok(!locks.busy(a));
});

test('inherited descriptors without close-on-exec are closed, others kept', () => {
  // openSync gives close-on-exec descriptors (Node opens everything with O_CLOEXEC): they stay.
  const fd = openSync('/dev/null', 'r');
  try {
    const closed = closeInheritedFds();
    assert.ok(!closed.includes(fd));
    assert.ok(fstatSync(fd));
  } finally {
    closeSync(fd);
  }
});

test('a descriptor inherited without close-on-exec is closed', async () => {
  // A shell opens fd 250 (not close-on-exec) and execs node, which closes it and reports. (Node
  // itself marks the low inherited descriptors close-on-exec at startup, but not such high ones.)
  const fdsModule = new URL('../../../daemon/lifecycle/fds.js', import.meta.url).href;
  const script = `import(${JSON.stringify(fdsModule)}).then((m) => process.stdout.write(JSON.stringify(m.closeInheritedFds())))`;
  const out = await new Promise<string>((resolve) => {
    const p = spawn('/bin/bash', ['-c', 'exec 250</dev/null; exec "$0" -e "$1"', process.execPath, script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    p.stdout!.on('data', (c: Buffer) => (text += c.toString()));
    p.once('exit', () => resolve(text));
  });
  assert.ok((JSON.parse(out) as number[]).includes(250), out);
});

test('profile summary: pstats-like, sorted by the keys asked for', () => {
  const frame = (functionName: string, lineNumber: number) => ({ functionName, url: 'file:///x/app.js', lineNumber });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', -1), children: [2] },
      { id: 2, callFrame: frame('main', 9), children: [3, 4] },
      { id: 3, callFrame: frame('busy', 19), hitCount: 3 },
      { id: 4, callFrame: frame('idle', 29), hitCount: 1 },
    ],
    startTime: 0,
    endTime: 4000,
    samples: [3, 3, 3, 4],
  };
  const stats = summarize(profile, { sortOptions: ['time'], callers: false }, '/tmp/p.cpuprofile');
  assert.match(stats, /^ {9}4 samples in 0\.004 seconds/);
  assert.match(stats, /Ordered by: internal time/);
  const rows = stats.split('\n').filter((l) => /app\.js/.test(l));
  assert.match(rows[0]!, /app\.js:20\(busy\)$/);
  const callers = summarize(profile, { sortOptions: ['cumulative'], callers: true }, '/tmp/p.cpuprofile');
  assert.match(callers, /Function\s+was called by\.\.\./);
  // Only the top 30% are listed (print_callers(.3)): main, called by the root in all 4 samples.
  assert.match(callers, /List reduced from 4 to 2 due to restriction <0\.3>/);
  assert.match(callers, /app\.js:10\(main\)\s+<-\s+4\s+0\.004\s+app\.js:0\(\(root\)\)/);
});
