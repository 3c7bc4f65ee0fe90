/**
 * The texts Supervisor's users see: status descriptions (timedelta and date formats), signal names,
 * decode_wait_status, repr quoting, and the command checks behind NO_FILE / NOT_EXECUTABLE.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessStates as S } from '../../../src/api/states.js';
import { FakeClock } from '../../../daemon/process/clock.js';
import { Subprocess } from '../../../daemon/process/subprocess.js';
import { describeInfo } from '../../../daemon/process/describe.js';
import { pyRepr } from '../../../src/config/pyrepr.js';
import { formatStopTime, formatTimedelta } from '../../../daemon/process/status-times.js';
import { decodeWaitStatus, signalNumber, signame } from '../../../daemon/process/signals.js';
import { checkCommand, searchPath } from '../../../daemon/process/command.js';
import { childEnvironment } from '../../../daemon/process/environment.js';
import { FakeSpawner, makeEngine, makeProcessConfig, memoryChannels } from './fixtures.js';

describe('status descriptions', () => {
  test('timedelta formatting', () => {
    assert.equal(formatTimedelta(0), '0:00:00');
    assert.equal(formatTimedelta(13), '0:00:13');
    assert.equal(formatTimedelta(3600 + 62), '1:01:02');
    assert.equal(formatTimedelta(86400 + 2 * 3600 + 3 * 60 + 4), '1 day, 2:03:04');
    assert.equal(formatTimedelta(3 * 86400), '3 days, 0:00:00');
    assert.equal(formatTimedelta(-5), '0:00:00');
  });

  test('stop time in local time, 12-hour clock', () => {
    const t = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo, d, h, mi, 30).getTime() / 1000;
    assert.equal(formatStopTime(t(2026, 10, 23, 18, 36)), 'Nov 23 06:36 PM');
    assert.equal(formatStopTime(t(2026, 0, 5, 0, 7)), 'Jan 05 12:07 AM');
    assert.equal(formatStopTime(t(2026, 6, 1, 12, 0)), 'Jul 01 12:00 PM');
    assert.equal(formatStopTime(t(2026, 2, 9, 9, 59)), 'Mar 09 09:59 AM');
  });

  test('descriptions per state', () => {
    const base = { name: 'web', start: 1000, stop: 0, now: 1013, pid: 6446, spawnerr: '' };
    assert.equal(describeInfo({ ...base, state: S.RUNNING }), 'pid 6446, uptime 0:00:13');
    assert.equal(describeInfo({ ...base, state: S.RUNNING, now: 1000 + 93784 }), 'pid 6446, uptime 1 day, 2:03:04');
    assert.equal(describeInfo({ ...base, state: S.RUNNING, now: 900 }), 'pid 6446, uptime 0:00:00');
    assert.equal(describeInfo({ ...base, state: S.FATAL }), 'unknown error (try "tail web")');
    assert.equal(describeInfo({ ...base, state: S.BACKOFF, spawnerr: 'Exited too quickly (process log may have details)' }), 'Exited too quickly (process log may have details)');
    assert.equal(describeInfo({ ...base, state: S.STOPPED, start: 0 }), 'Not started');
    const stop = new Date(2026, 10, 23, 18, 36).getTime() / 1000;
    assert.equal(describeInfo({ ...base, state: S.EXITED, stop }), 'Nov 23 06:36 PM');
    for (const st of [S.STARTING, S.STOPPING, S.UNKNOWN]) assert.equal(describeInfo({ ...base, state: st }), '');
  });

  test('info() of a process through its life', () => {
    const start = new Date(2026, 10, 23, 18, 0, 0).getTime() / 1000;
    const clock = new FakeClock(start);
    const engine = makeEngine({ clock });
    const spawner = new FakeSpawner();
    const p = new Subprocess(makeProcessConfig({ name: 'web', group: 'g' }), engine.ctx, { spawner, channels: memoryChannels().factory });
    let info = p.info();
    assert.deepEqual(
      { ...info },
      {
        name: 'web',
        group: 'g',
        start: 0,
        stop: 0,
        now: start,
        state: S.STOPPED,
        statename: 'STOPPED',
        spawnerr: '',
        exitstatus: 0,
        logfile: '/logs/web-stdout.log',
        stdout_logfile: '/logs/web-stdout.log',
        stderr_logfile: '/logs/web-stderr.log',
        pid: 0,
        description: 'Not started',
      },
    );
    p.transition();
    assert.equal(p.info().description, '');
    clock.advance(93784.7);
    p.transition();
    info = p.info();
    assert.equal(info.statename, 'RUNNING');
    assert.equal(info.description, `pid ${p.pid}, uptime 1 day, 2:03:04`);
    clock.advance(60 * 36);
    spawner.last.exit(2);
    info = p.info();
    assert.equal(info.statename, 'EXITED');
    assert.equal(info.exitstatus, 2);
    assert.equal(info.spawnerr, 'Bad exit code 2');
    assert.equal(info.stop, Math.trunc(start + 93784.7 + 2160));
    assert.equal(info.description, 'Nov 24 08:39 PM');
  });
});

describe('signals', () => {
  test('names and numbers as Supervisor spells them', () => {
    assert.equal(signame(15), 'SIGTERM');
    assert.equal(signame(6), 'SIGABRT');
    assert.equal(signame(17), 'SIGCHLD');
    assert.equal(signame(29), 'SIGPOLL');
    assert.equal(signame(34), 'SIGRTMIN');
    assert.equal(signame(35), 'signal 35');
    assert.equal(signalNumber('TERM'), 15);
    assert.equal(signalNumber('sigterm'), 15);
    assert.equal(signalNumber(' hup '), 1);
    assert.equal(signalNumber('9'), 9);
    assert.equal(signalNumber(0), 0, 'SIG_DFL counts as a valid number');
    assert.equal(signalNumber('CLD'), 17);
    assert.equal(signalNumber('NOPE'), null);
    assert.equal(signalNumber(99), null);
    assert.equal(signalNumber(33), null);
  });

  test('decode_wait_status texts', () => {
    assert.deepEqual(decodeWaitStatus(0, null), { exitstatus: 0, message: 'exit status 0' });
    assert.deepEqual(decodeWaitStatus(127, null), { exitstatus: 127, message: 'exit status 127' });
    assert.deepEqual(decodeWaitStatus(null, 'SIGTERM'), { exitstatus: -1, message: 'terminated by SIGTERM' });
    assert.deepEqual(decodeWaitStatus(null, 'SIGIOT'), { exitstatus: -1, message: 'terminated by SIGABRT' });
    assert.deepEqual(decodeWaitStatus(null, null), { exitstatus: -1, message: 'unknown termination cause 0x0000' });
    assert.deepEqual(decodeWaitStatus(null, 'SIGSEGV', true), { exitstatus: -1, message: 'terminated by SIGSEGV (core dumped)' });
  });
});

describe('repr', () => {
  test('Python quoting', () => {
    assert.equal(pyRepr('abc'), "'abc'");
    assert.equal(pyRepr("it's"), '"it\'s"');
    assert.equal(pyRepr('a\'b"c'), "'a\\'b\"c'");
    assert.equal(pyRepr('a\\b\n'), "'a\\\\b\\n'");
  });
});

describe('checkCommand', () => {
  let dir: string;
  test.before(() => {
    dir = mkdtempSync(join(tmpdir(), 'proc-cmd-'));
    writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
    chmodSync(join(dir, 'tool'), 0o755);
    writeFileSync(join(dir, 'plain'), 'x');
    chmodSync(join(dir, 'plain'), 0o644);
    mkdirSync(join(dir, 'sub'));
  });
  test.after(() => rmSync(dir, { recursive: true, force: true }));

  test('PATH: the program environment, else the daemon, else the default', () => {
    const cfg = makeProcessConfig({ environment: { PATH: '/a:/b' } });
    assert.deepEqual(searchPath(cfg, { PATH: '/x' }), ['/a', '/b']);
    assert.deepEqual(searchPath(makeProcessConfig(), { PATH: '/x:/y' }), ['/x', '/y']);
    assert.deepEqual(searchPath(makeProcessConfig(), { PATH: '/x' }, { PATH: '/g' }), ['/g']);
    assert.deepEqual(searchPath(makeProcessConfig(), {}), ['/bin', '/usr/bin', '/usr/local/bin']);
    assert.deepEqual(searchPath(makeProcessConfig(), { PATH: '' }), ['/bin', '/usr/bin', '/usr/local/bin']);
  });

  test('resolution and Supervisor texts', () => {
    const env = { PATH: `/nonexistent:${dir}` };
    assert.deepEqual(checkCommand(makeProcessConfig({ argv: ['tool', '-v'] }), env), {
      ok: true,
      filename: join(dir, 'tool'),
      argv: ['tool', '-v'],
    });
    assert.deepEqual(checkCommand(makeProcessConfig({ argv: ['missing'] }), env), {
      ok: false,
      code: 'NO_FILE',
      message: "can't find command 'missing'",
    });
    assert.deepEqual(checkCommand(makeProcessConfig({ argv: ['plain'] }), env), {
      ok: false,
      code: 'NOT_EXECUTABLE',
      message: `command at '${join(dir, 'plain')}' is not executable`,
    });
    assert.deepEqual(checkCommand(makeProcessConfig({ argv: ['sub'] }), env), {
      ok: false,
      code: 'NOT_EXECUTABLE',
      message: `command at '${join(dir, 'sub')}' is a directory`,
    });
    assert.deepEqual(checkCommand(makeProcessConfig({ argv: [] }), env), {
      ok: false,
      code: 'NOT_EXECUTABLE',
      message: 'command is empty',
    });
    const abs = checkCommand(makeProcessConfig({ argv: [join(dir, 'nope')] }), env);
    assert.equal(abs.ok === false && abs.message, `can't find command '${join(dir, 'nope')}'`);
  });
});

describe('environment', () => {
  test('daemon env, SUPERVISOR_*, [supervisord] environment, then the program', () => {
    const cfg = makeProcessConfig({
      name: 'web_01',
      group: 'web',
      serverurl: 'unix:///tmp/s.sock',
      environment: { B: 'program', C: 'program' },
    });
    const env = childEnvironment(cfg, { environment: { A: 'global', B: 'global', SUPERVISOR_GROUP_NAME: 'over' } }, {
      A: 'daemon',
      HOME: '/root',
      UNSET: undefined,
    });
    assert.deepEqual(env, {
      A: 'global',
      HOME: '/root',
      SUPERVISOR_ENABLED: '1',
      SUPERVISOR_SERVER_URL: 'unix:///tmp/s.sock',
      SUPERVISOR_PROCESS_NAME: 'web_01',
      SUPERVISOR_GROUP_NAME: 'over',
      B: 'program',
      C: 'program',
    });
    const none = childEnvironment(makeProcessConfig(), { environment: {} }, {});
    assert.equal('SUPERVISOR_SERVER_URL' in none, false);
  });
});
