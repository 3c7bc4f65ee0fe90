import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  autoLogPrefix,
  channelLogfile,
  childLogPattern,
  cleanupChildLogDir,
  createAutoLogFile,
} from '../../../daemon/logs/auto-names.js';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import { channelConfig, mkTemp, processConfig, rmTemp, supervisordConfig } from './fixtures.js';

test('AUTO files: mkstemp-like name, created empty with mode 0600, never reused', () => {
  const dir = mkTemp('auto');
  try {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const f = createAutoLogFile(dir, 'sleeper', 'stdout', 'supervisor');
      assert.match(path.basename(f), /^sleeper-stdout---supervisor-[a-z0-9_]{8}\.log$/);
      assert.equal(path.dirname(f), dir);
      const st = fs.statSync(f);
      assert.equal(st.size, 0);
      assert.equal(st.mode & 0o777, 0o600);
      assert.ok(!seen.has(f));
      seen.add(f);
    }
    assert.equal(autoLogPrefix('web', 'stderr', 'id1'), 'web-stderr---id1-');
  } finally {
    rmTemp(dir);
  }
});

test('AUTO files: a missing childlogdir is a one-line OSError text', () => {
  assert.throws(() => createAutoLogFile('/nonexistent-childlogdir', 'p', 'stdout', 'supervisor'), {
    message: /^\[Errno 2\] No such file or directory: '\/nonexistent-childlogdir\/p-stdout---supervisor-[a-z0-9_]{8}\.log'$/,
  });
});

test('channelLogfile: path as configured, NONE is null, AUTO created once per config object and channel', () => {
  const dir = mkTemp('auto');
  try {
    const sd = supervisordConfig(dir, { identifier: 'ident' });
    const cfg = processConfig('web', {
      stdout: channelConfig({ logfile: { kind: 'auto' } }),
      stderr: channelConfig({ logfile: { kind: 'path', path: '/var/log/web.err' } }),
    });
    const a = channelLogfile(cfg, 'stdout', sd);
    assert.equal(channelLogfile(cfg, 'stdout', sd), a);
    assert.match(path.basename(a!), /^web-stdout---ident-/);
    assert.equal(channelLogfile(cfg, 'stderr', sd), '/var/log/web.err');
    assert.equal(channelLogfile(processConfig('x'), 'stdout', sd), null);
    // A reloaded config (a new object) gets a new file, as Supervisor names AUTO logs per config.
    const again = channelLogfile({ ...cfg }, 'stdout', sd);
    assert.notEqual(again, a);
    assert.equal(fs.readdirSync(dir).length, 2);
  } finally {
    rmTemp(dir);
  }
});

test('cleanup regex: which names match (prefix match, rotated suffixes included)', () => {
  const re = childLogPattern('supervisor');
  const table: [string, boolean][] = [
    ['sleeper-stdout---supervisor-t6yxylfx.log', true],
    ['sleeper-stdout---supervisor-t6yxylfx.log.1', true],
    ['sleeper-stdout---supervisor-t6yxylfx.log.10', true],
    ['a-stderr---supervisor-x.log.bak', true],
    ['web-stdout---other-abcdefgh.log', false],
    ['---supervisor-abc.log', false],
    ['sleeper-stdout---supervisor-.log', false],
    ['sleeper-stdout---supervisor-abc.txt', false],
    ['supervisord.log', false],
    ['sleeper-stdout--supervisor-abc.log', false],
  ];
  for (const [name, want] of table) assert.equal(re.test(name), want, name);
  // The identifier is a pattern, as in Supervisor: a dot matches any character.
  assert.equal(childLogPattern('sup.rvisor').test('p-stdout---supXrvisor-abc.log'), true);
  // An identifier that is not a valid pattern is matched literally.
  assert.equal(childLogPattern('a(b').test('p-stdout---a(b-abc.log'), true);
});

test('cleanupChildLogDir removes matching files, keeps the rest, and warns as Supervisor', () => {
  const dir = mkTemp('clean');
  try {
    const names = [
      'sleeper-stdout---supervisor-t6yxylfx.log',
      'sleeper-stdout---supervisor-t6yxylfx.log.1',
      'sleeper-stderr---supervisor-abcdefgh.log.3',
      'web-stdout---other-abcdefgh.log',
      'supervisord.log',
      'notes.txt',
    ];
    for (const n of names) fs.writeFileSync(path.join(dir, n), 'x');
    // A directory that matches cannot be unlinked: WARN, and the rest goes on.
    const stuck = path.join(dir, 'stuck-stdout---supervisor-dir.log');
    fs.mkdirSync(stuck);
    const logger = new MemoryLogger();
    const removed = cleanupChildLogDir(dir, 'supervisor', logger);
    assert.equal(removed.length, 3);
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'notes.txt',
      'stuck-stdout---supervisor-dir.log',
      'supervisord.log',
      'web-stdout---other-abcdefgh.log',
    ]);
    assert.deepEqual(logger.messages(), [`Failed to clean up '${stuck}'`]);
    assert.equal(logger.lines[0].level, 30);
  } finally {
    rmTemp(dir);
  }
});

test('cleanupChildLogDir on a missing directory: WARN Could not clear childlog dir', () => {
  const logger = new MemoryLogger();
  assert.deepEqual(cleanupChildLogDir('/nonexistent-childlogdir', 'supervisor', logger), []);
  assert.deepEqual(logger.lines, [{ level: 30, msg: 'Could not clear childlog dir' }]);
});
