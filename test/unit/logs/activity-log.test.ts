import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  ActivityLog,
  formatAsctime,
  formatLine,
  parseLogLevel,
  type ActivityLogOptions,
} from '../../../daemon/logs/activity-log.js';
import { EventBus } from '../../../daemon/events/bus.js';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { supervisordConfig, waitFor, withTemp } from './fixtures.js';

const LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (CRIT|ERRO|WARN|INFO|DEBG|TRAC|BLAT) .*$/;

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

interface LogRig {
  log: ActivityLog;
  /** The log file, `supervisord.log` in a fresh temp dir. */
  file: string;
  /** The text of every `mainlog` event published, in order. */
  events: string[];
}

/**
 * Runs `body` with an ActivityLog (level info, no rotation unless `over` says otherwise) that is not
 * opened yet, on a bus whose mainlog events are collected; closes it and removes the dir afterwards.
 */
function withActivityLog(over: Partial<ActivityLogOptions>, body: (rig: LogRig) => void): Promise<void> {
  return withTemp('act', (dir) => {
    const file = path.join(dir, 'supervisord.log');
    const bus = new EventBus();
    const events: string[] = [];
    bus.on('mainlog', (e) => events.push(e.text));
    const log = new ActivityLog({ logfile: file, maxbytes: 0, backups: 0, level: 'info', bus, ...over });
    try {
      body({ log, file, events });
    } finally {
      log.close();
    }
  });
}

test('line format: local asctime with truncated milliseconds, 4-letter level, message, newline', () => {
  const d = new Date(2026, 10, 23, 18, 5, 8, 371);
  assert.equal(formatAsctime(d), '2026-11-23 18:05:08,371');
  assert.equal(formatLine(20, 'spawned: \'x\' with pid 1', d), "2026-11-23 18:05:08,371 INFO spawned: 'x' with pid 1\n");
  assert.equal(formatLine(10, 'a', new Date(2026, 0, 2, 3, 4, 5, 6)), '2026-01-02 03:04:05,006 DEBG a\n');
  assert.deepEqual(
    [50, 40, 30, 20, 10, 5, 3].map((l) => formatLine(l, 'm', d).split(' ')[2]),
    ['CRIT', 'ERRO', 'WARN', 'INFO', 'DEBG', 'TRAC', 'BLAT'],
  );
  assert.equal(parseLogLevel('warn'), 30);
  assert.throws(() => parseLogLevel('loud'), { message: /^invalid loglevel "loud": expected one of critical/ });
});

test('level filtering, file format and mainlog events', () =>
  withActivityLog({}, ({ log, file, events }) => {
    log.open();
    log.blather('b');
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.critical('c');
    log.log(20, 'multi\nline');
    const got = fs.readFileSync(file, 'utf8');
    const ls = got.split('\n');
    assert.deepEqual(
      lines(file).map((l) => (LINE.test(l) ? l.slice(24) : l)),
      ['INFO i', 'WARN w', 'ERRO e', 'CRIT c', 'INFO multi', 'line'],
    );
    for (const l of ls.slice(0, 5)) assert.match(l, LINE);
    assert.equal(events.join(''), got);
    assert.equal(events.length, 5);
    log.close();
  }));

test('lines logged before open() are written in order when it opens, and only then', () =>
  withActivityLog({ level: 'debug' }, ({ log, file, events }) => {
    log.critical('Supervisor is running as root.');
    log.debug('early debug');
    log.trace('dropped: below the level');
    assert.equal(fs.existsSync(file), false);
    assert.equal(events.length, 0);
    log.open();
    log.info('after open');
    assert.deepEqual(
      lines(file).map((l) => l.slice(24)),
      ['CRIT Supervisor is running as root.', 'DEBG early debug', 'INFO after open'],
    );
    assert.equal(events.length, 3);
    log.close();
  }));

test('clear (clearLog): the file is deleted and reopened; like 4.2.5 the new file starts empty', () =>
  withActivityLog({}, ({ log, file, events }) => {
    log.open();
    log.info('old line');
    log.clear();
    // The INFO goes out before the reopen (to stdout and the bus), as Supervisor 4.2.5 does.
    assert.equal(fs.readFileSync(file, 'utf8'), '');
    assert.match(events.at(-1)!, / INFO reopening log file\n$/);
    log.info('new line');
    assert.deepEqual(lines(file).map((l) => l.slice(24)), ['INFO new line']);
    fs.unlinkSync(file);
    assert.throws(() => log.clear(), (e) => e instanceof RpcFault && e.code === Faults.NO_FILE);
    log.close();
  }));

test('reopen (SIGUSR2) after logrotate moved the file', () =>
  withActivityLog({}, ({ log, file }) => {
    log.open();
    log.info('one');
    fs.renameSync(file, `${file}.1`);
    log.info('two');
    log.reopen();
    log.info('three');
    assert.deepEqual(lines(`${file}.1`).map((l) => l.slice(29)), ['one', 'two']);
    assert.deepEqual(lines(file).map((l) => l.slice(29)), ['three']);
    log.close();
  }));

test('the activity log rotates per logfile_maxbytes / logfile_backups', () =>
  withActivityLog({ maxbytes: 200, backups: 2 }, ({ log, file }) => {
    log.open();
    for (let i = 0; i < 30; i++) log.info(`message number ${i}`);
    log.close();
    assert.ok(fs.existsSync(`${file}.1`) && fs.existsSync(`${file}.2`));
    assert.ok(!fs.existsSync(`${file}.3`));
    assert.ok(fs.statSync(`${file}.1`).size >= 200);
    const all = [`${file}.2`, `${file}.1`, file].flatMap(lines).map((l) => l.slice(29));
    assert.equal(all.at(-1), 'message number 29');
    for (let i = 1; i < all.length; i++) {
      assert.equal(Number(all[i].split(' ')[2]), Number(all[i - 1].split(' ')[2]) + 1);
    }
  }));

test('a write failure never throws and is reported once', () => {
  const reports: string[] = [];
  const log = new ActivityLog({ logfile: '/dev/full', maxbytes: 0, backups: 0, level: 'info', onError: (m) => reports.push(m) });
  log.open();
  log.info('a');
  log.info('b');
  log.warn('c');
  assert.equal(reports.length, 1);
  assert.match(reports[0], /No space left on device/);
  log.close();
});

test('open() on a missing directory is a one-line error', () => {
  const log = new ActivityLog({ logfile: '/nonexistent-dir/supervisord.log', maxbytes: 0, backups: 0, level: 'info' });
  assert.throws(() => log.open(), { message: "[Errno 2] No such file or directory: '/nonexistent-dir/supervisord.log'" });
});

test('stdout copy when nodaemon and not silent (real child process)', () =>
  withTemp('act', (dir) => {
    const mod = new URL('../../../daemon/logs/activity-log.js', import.meta.url).href;
    const run = (nodaemon: boolean, silent: boolean) => {
      const cfg = supervisordConfig(dir, { nodaemon, silent, logfile: path.join(dir, `${nodaemon}-${silent}.log`) });
      const script = `import { ActivityLog } from ${JSON.stringify(mod)};
        const log = ActivityLog.fromConfig(${JSON.stringify(cfg)});
        log.open(); log.info('to stdout too'); log.debug('filtered'); log.close();`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(lines(cfg.logfile).length, 1);
      return r.stdout;
    };
    const out = run(true, false);
    assert.match(out, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO to stdout too\n$/);
    assert.equal(run(true, true), '');
    assert.equal(run(false, false), '');
  }));

test('logfile=syslog: each line of a message goes to the relay, formatted; path is null and clear is NO_FILE', () =>
  withTemp('act', async (dir) => {
    const out = path.join(dir, 'relay.txt');
    const log = new ActivityLog({
      logfile: 'syslog',
      maxbytes: 0,
      backups: 0,
      level: 'info',
      syslogCommand: ['sh', '-c', `cat >> "${out}"`],
    });
    log.open();
    assert.equal(log.path, null);
    log.info('first');
    log.warn('two\nlines\n');
    assert.throws(() => log.clear(), (e) => e instanceof RpcFault && e.code === Faults.NO_FILE);
    log.close();
    await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').split('\n').length === 4, 'relay output');
    const got = fs.readFileSync(out, 'utf8').split('\n');
    assert.match(got[0], /^\S+ \S+ INFO first$/);
    assert.match(got[1], /^\S+ \S+ WARN two$/);
    assert.match(got[2], /^\S+ \S+ WARN lines$/);
  }));

test('logfile=syslog without a working syslog fails quietly', async () => {
  const log = new ActivityLog({ logfile: 'syslog', maxbytes: 0, backups: 0, level: 'info', syslogCommand: ['/nonexistent/logger'] });
  assert.doesNotThrow(() => {
    log.open();
    log.info('nobody hears this');
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.doesNotThrow(() => {
    log.info('nor this');
    log.close();
  });
});
