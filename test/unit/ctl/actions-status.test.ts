/** status (and --json) and pid: columns, every state's description, exit statuses 0/3/4, 7. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessStates } from '../../../src/api/states.js';
import { formatStatusLines } from '../../../src/ctl/actions/status.js';
import { FakeSupervisor, timedelta } from './fake-client.js';
import { lines, run } from './memory-io.js';

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat', { pid: 7897, start: s.now - 13 });
  s.add('a', { group: 'grp', pid: 7898, start: s.now - 93784 });
  s.add('b', { group: 'grp', state: ProcessStates.STOPPED, start: 0 });
  return s;
}

const col = (spec: string, state: string, desc: string, width = 33): string => spec.padEnd(width) + state.padEnd(10) + desc;

test('status: one line per process, state column at 33, Supervisor descriptions', async () => {
  const r = await run(server(), 'status');
  assert.equal(
    r.out,
    lines(
      col('cat', 'RUNNING', 'pid 7897, uptime 0:00:13'),
      col('grp:a', 'RUNNING', 'pid 7898, uptime 1 day, 2:03:04'),
      col('grp:b', 'STOPPED', 'Not started'),
    ),
  );
  assert.equal(r.status, 3, 'a stopped process makes the status 3');
});

test('status: exit 0 when everything shown runs; BACKOFF, STARTING and STOPPING count as running', async () => {
  const s = server();
  s.proc('grp:b').state = ProcessStates.BACKOFF;
  s.add('st', { state: ProcessStates.STARTING });
  s.add('sp', { state: ProcessStates.STOPPING });
  const r = await run(s, 'status');
  assert.equal(r.status, 0);
  assert.ok(r.out.includes(col('st', 'STARTING', '') + '\n'), 'STARTING has an empty description, padding kept');
  assert.ok(r.out.includes(col('sp', 'STOPPING', '') + '\n'));
  assert.ok(r.out.includes(col('grp:b', 'BACKOFF', 'unknown error (try "tail b")') + '\n'));
});

test('status: every state description', async () => {
  const s = new FakeSupervisor();
  s.add('backoff', { state: ProcessStates.BACKOFF, spawnerr: 'Exited too quickly (process log may have details)' });
  s.add('exited', { state: ProcessStates.EXITED, start: 1_699_999_000, stop: 1_700_000_000 });
  s.add('fatal', { state: ProcessStates.FATAL, spawnerr: '' });
  s.add('stopped', { state: ProcessStates.STOPPED, start: 1_699_999_000, stop: 1_699_999_999 });
  s.add('unknown', { state: ProcessStates.UNKNOWN });
  const r = await run(s, 'status');
  assert.equal(
    r.out,
    lines(
      col('backoff', 'BACKOFF', 'Exited too quickly (process log may have details)'),
      col('exited', 'EXITED', 'Nov 14 10:13 PM'),
      col('fatal', 'FATAL', 'unknown error (try "tail fatal")'),
      col('stopped', 'STOPPED', 'Nov 14 10:13 PM'),
      col('unknown', 'UNKNOWN', ''),
    ),
  );
  assert.equal(r.status, 3);
  for (const state of ['EXITED', 'FATAL', 'UNKNOWN'] as const) {
    const one = new FakeSupervisor();
    one.add('x', { state: ProcessStates[state] });
    assert.equal((await run(one, 'status')).status, 3, `${state} is not running`);
  }
});

test('status: a long name widens the first column to its length + 3', async () => {
  const s = server();
  const long = 'a_very_long_program_name_that_is_40_chars';
  s.add(long);
  const r = await run(s, 'status');
  const width = `${long}`.length + 3;
  assert.ok(r.out.includes(col(long, 'RUNNING', `pid ${s.proc(long).pid}, uptime 0:00:13`, width) + '\n'));
  assert.ok(r.out.includes('\n' + col('cat', 'RUNNING', 'pid 7897, uptime 0:00:13', width) + '\n'));
  // Width counts characters, not bytes or UTF-16 units.
  const u = formatStatusLines([{ ...s.info(s.proc('cat')), name: 'ünïcødé😀', group: 'ünïcødé😀' }]);
  assert.equal(u[0], 'ünïcødé😀' + ' '.repeat(33 - 8) + 'RUNNING   pid 7897, uptime 0:00:13');
});

test('status: names, group:*, all; errors first; bad names give 4 unless a stopped one is shown', async () => {
  const s = server();
  const one = await run(s, 'status cat');
  assert.deepEqual([one.out, one.status], [lines(col('cat', 'RUNNING', 'pid 7897, uptime 0:00:13')), 0]);
  const bad = await run(s, 'status nosuch');
  assert.deepEqual([bad.out, bad.status], ['nosuch: ERROR (no such process)\n', 4]);
  const mixed = await run(s, 'status nosuch grp:* grp:x nog:* cat');
  assert.equal(
    mixed.out,
    lines(
      'nosuch: ERROR (no such process)',
      'grp:x: ERROR (no such process)',
      'nog: ERROR (no such group)',
      col('grp:a', 'RUNNING', 'pid 7898, uptime 1 day, 2:03:04'),
      col('grp:b', 'STOPPED', 'Not started'),
      col('cat', 'RUNNING', 'pid 7897, uptime 0:00:13'),
    ),
  );
  assert.equal(mixed.status, 3, 'a stopped process shown overrides the 4');
  const badRunning = await run(s, 'status cat nosuch');
  assert.equal(badRunning.status, 4);
  // A bare group name is a process name; `all` anywhere means everything.
  assert.equal((await run(s, 'status grp')).out, 'grp: ERROR (no such process)\n');
  assert.equal((await run(s, 'status nosuch all')).out.split('\n').length, 4);
  assert.equal((await run(s, 'status grp:')).out.split('\n').length, 3);
});

test('status --json: the same processes as a JSON array, same exit codes, errors on stderr', async () => {
  const s = server();
  const r = await run(s, 'status --json grp:* nosuch');
  const doc = JSON.parse(r.out) as Record<string, unknown>[];
  assert.deepEqual(
    doc.map((d) => [d.namespec, d.name, d.group, d.statename, d.state, d.pid, d.description]),
    [
      ['grp:a', 'a', 'grp', 'RUNNING', 20, 7898, 'pid 7898, uptime 1 day, 2:03:04'],
      ['grp:b', 'b', 'grp', 'STOPPED', 0, 0, 'Not started'],
    ],
  );
  for (const key of ['start', 'stop', 'now', 'spawnerr', 'exitstatus', 'stdout_logfile', 'stderr_logfile', 'logfile']) {
    assert.ok(key in doc[0]!, `has ${key}`);
  }
  assert.equal(r.err, 'nosuch: ERROR (no such process)\n');
  assert.equal(r.status, 3);
  const all = await run(s, 'status --json');
  assert.equal((JSON.parse(all.out) as unknown[]).length, 3);
  const running = await run(s, 'status cat --json');
  assert.equal(running.status, 0);
  const none = await run(s, 'status --json nosuch');
  assert.deepEqual([JSON.parse(none.out), none.status], [[], 4]);
});

test('status: an upcheck failure exits 4 whatever the upcheck said', async () => {
  const s = server();
  s.down = 'nofile';
  const r = await run(s, 'status');
  assert.deepEqual([r.out, r.status], ['unix:///tmp/fake.sock no such file\n', 4]);
  s.down = 'refused';
  const h = await run(s, 'status', { settings: { serverurl: 'http://127.0.0.1:9001' } });
  assert.deepEqual([h.out, h.status], ['http://127.0.0.1:9001 refused connection\n', 4]);
  s.down = null;
  s.version = '2.0';
  assert.equal((await run(s, 'status')).status, 4);
});

test('pid: supervisord, one, several, all; unknown exits 1; a pid of 0 exits 7', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'pid').then((r) => [r.out, r.status]), ['4242\n', 0]);
  assert.deepEqual(await run(s, 'pid cat').then((r) => [r.out, r.status]), ['7897\n', 0]);
  assert.deepEqual(await run(s, 'pid grp:b').then((r) => [r.out, r.status]), ['0\n', 7]);
  assert.deepEqual(await run(s, 'pid nosuch').then((r) => [r.out, r.status]), ['No such process nosuch\n', 1]);
  assert.deepEqual(await run(s, 'pid grp:*').then((r) => [r.out, r.status]), ['No such process grp:*\n', 1]);
  assert.deepEqual(await run(s, 'pid cat grp:a').then((r) => [r.out, r.status]), ['7897\n7898\n', 0]);
  assert.deepEqual(await run(s, 'pid all').then((r) => [r.out, r.status]), ['7897\n7898\n0\n', 0]);
});

test('timedelta matches Python', () => {
  assert.equal(timedelta(0), '0:00:00');
  assert.equal(timedelta(3599), '0:59:59');
  assert.equal(timedelta(86400), '1 day, 0:00:00');
  assert.equal(timedelta(2 * 86400 + 3661), '2 days, 1:01:01');
});
