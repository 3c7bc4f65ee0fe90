/**
 * Concurrency promises of the daemon, checked with the real supervisord and the real supervisorctl as
 * subprocesses: it keeps answering while it spawns hundreds of programs, a slow stop holds up only its
 * own process, and two calls on the same process are serialised (one start wins, the other is told
 * "already started").
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProcessInfo } from '../../../src/api/process-info.js';
import { isFault } from '../../../src/api/faults.js';
import { SUPERVISORD_BIN, prepareDaemonDir, startDaemon, waitUntil, type DaemonHandle } from '../../helpers/daemon.js';
import { runToEnd, type RunResult } from '../../helpers/run.js';

const CTL_BIN = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));

const daemons: DaemonHandle[] = [];
after(async () => {
  // stop() also fails the run if a spawned program outlived the daemon.
  for (const d of daemons) await d.stop(60_000);
});

type Run = RunResult;

/** One `supervisorctl -c <conf> ...args` run to its end. */
function ctl(d: DaemonHandle, args: string[]): Promise<Run> {
  return runToEnd(process.execPath, [CTL_BIN, '-c', d.confPath, ...args], { cwd: d.dir });
}

async function info(d: DaemonHandle, name: string): Promise<ProcessInfo> {
  return (await d.call('supervisor.getProcessInfo', [name])) as ProcessInfo;
}

async function reach(d: DaemonHandle, name: string, state: string, timeoutMs = 15_000): Promise<void> {
  await waitUntil(async () => (await info(d, name)).statename === state, timeoutMs, `${name} ${state}`);
}

/** How many times the activity log says `name` was spawned. */
const spawnCount = (d: DaemonHandle, name: string): number => d.log().match(new RegExp(`spawned: '${name}' with pid`, 'g'))?.length ?? 0;

const COUNT = 300;
const STATUS_ROW = /^(s:s_\d{3}) +(STOPPED|STARTING|RUNNING) +(Not started|pid \d+, uptime [\d:]+|)$/;

test(`while it spawns ${COUNT} programs the daemon keeps answering status, pid and getState`, async () => {
  const d = prepareDaemonDir(`[program:s]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)03d
numprocs=${COUNT}
startsecs=1
`);
  daemons.push(d);
  d.attach(spawn(process.execPath, [SUPERVISORD_BIN, '-n', '-c', d.confPath], { cwd: d.dir, stdio: ['ignore', 'pipe', 'pipe'] }));
  // From the moment the control socket exists (it is bound before the first program is spawned).
  const control = `${d.socketPath}.zmq`;
  await waitUntil(() => existsSync(control) || d.exitCode !== null, 15_000, 'the control socket');
  assert.equal(d.exitCode, null, `supervisord exited: ${d.stderr}`);

  let busyAnswers = 0; // answers that showed some program not RUNNING yet
  let rounds = 0;
  const allRunning = async (): Promise<boolean> => {
    const infos = (await d.call('supervisor.getAllProcessInfo')) as ProcessInfo[];
    return infos.length === COUNT && infos.every((p) => p.statename === 'RUNNING');
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    rounds++;
    // All three kinds of question at once, while the spawning goes on.
    const [status, pid, state, infos] = await Promise.all([
      ctl(d, ['status']),
      ctl(d, ['pid']),
      d.call('supervisor.getState'),
      d.call('supervisor.getAllProcessInfo') as Promise<ProcessInfo[]>,
    ]);
    assert.equal(status.stderr, '', 'status wrote nothing on stderr');
    const rows = status.stdout.split('\n').slice(0, -1);
    assert.equal(rows.length, COUNT, `one status row per program:\n${status.stdout.slice(0, 500)}`);
    for (const r of rows) assert.match(r, STATUS_ROW);
    const notRunning = rows.filter((r) => !/ RUNNING /.test(r));
    // STARTING counts as running for the exit status; a not yet spawned (STOPPED) one gives 3.
    assert.equal(status.code, rows.some((r) => / STOPPED /.test(r)) ? 3 : 0, status.stdout.slice(0, 500));
    if (notRunning.length) busyAnswers++;

    assert.deepEqual(pid, { code: 0, stdout: `${d.pid}\n`, stderr: '' });
    assert.deepEqual(state, { statecode: 1, statename: 'RUNNING' });
    assert.equal(infos.length, COUNT);
    if (infos.some((p) => p.statename !== 'RUNNING')) busyAnswers++;

    if (await allRunning()) break;
    assert.ok(Date.now() < deadline, `not all ${COUNT} programs RUNNING after 90 s (round ${rounds})`);
  }
  assert.ok(busyAnswers > 0, `at least one answer came while programs were still starting (${rounds} rounds)`);
  assert.equal(d.exitCode, null);
  assert.ok(!/ ERRO |spawnerr|gave up/.test(d.log()), 'no spawn error in the activity log');
});

const SLOW_CONF = `[program:slow]
command=/bin/sh -c "trap '' TERM; exec /bin/sleep 1000"
stopwaitsecs=10
startsecs=1

[program:other]
command=/bin/sleep 1000
autostart=false
startsecs=1

[program:x]
command=/bin/sleep 1000
autostart=false
startsecs=1
`;

let shared: DaemonHandle | null = null;
async function slowDaemon(): Promise<DaemonHandle> {
  if (!shared) {
    shared = await startDaemon(SLOW_CONF);
    daemons.push(shared);
  }
  return shared;
}

test('a program that takes 10 s to stop delays neither status nor start of another program', async () => {
  const d = await slowDaemon();
  await reach(d, 'slow', 'RUNNING');
  const slowPid = (await info(d, 'slow')).pid;

  let stopDone = false;
  const stop = ctl(d, ['stop', 'slow']).finally(() => (stopDone = true));
  await reach(d, 'slow', 'STOPPING');

  const status = await ctl(d, ['status']);
  const start = await ctl(d, ['start', 'other']);
  // Both answered while the stop was still waiting for the SIGKILL.
  assert.equal(stopDone, false, 'stop slow was still running');
  assert.equal((await info(d, 'slow')).statename, 'STOPPING');

  const rows = status.stdout.split('\n').slice(0, -1);
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /^other +STOPPED +Not started$/);
  assert.match(rows[1]!, new RegExp(`^slow +STOPPING +$`));
  assert.match(rows[2]!, /^x +STOPPED +Not started$/);
  assert.equal(status.code, 3);
  assert.deepEqual(start, { code: 0, stdout: 'other: started\n', stderr: '' });
  assert.equal((await info(d, 'other')).statename, 'RUNNING');

  // The stop ends with the SIGKILL after stopwaitsecs.
  assert.deepEqual(await stop, { code: 0, stdout: 'slow: stopped\n', stderr: '' });
  assert.match(d.log(), new RegExp(`WARN killing 'slow' \\(${slowPid}\\) with SIGKILL`));
  assert.match(d.log(), new RegExp(`WARN stopped: slow \\(terminated by SIGKILL\\)`));
  assert.equal((await info(d, 'slow')).statename, 'STOPPED');
});

test('two starts and two stops of the same process at once are serialised', async () => {
  const d = await slowDaemon();
  const before = spawnCount(d, 'x');

  // Two supervisorctl processes.
  const starts = await Promise.all([ctl(d, ['start', 'x']), ctl(d, ['start', 'x'])]);
  assert.deepEqual(starts.map((r) => r.stdout).sort(), ['x: ERROR (already started)\n', 'x: started\n']);
  assert.deepEqual(starts.map((r) => [r.code, r.stderr]), [[0, ''], [0, '']]);
  assert.equal((await info(d, 'x')).statename, 'RUNNING');
  assert.equal(spawnCount(d, 'x'), before + 1, 'x was spawned once');

  const stops = await Promise.all([ctl(d, ['stop', 'x']), ctl(d, ['stop', 'x'])]);
  assert.deepEqual(stops.map((r) => r.stdout).sort(), ['x: ERROR (not running)\n', 'x: stopped\n']);
  assert.deepEqual(stops.map((r) => [r.code, r.stderr]), [[0, ''], [0, '']]);
  assert.equal((await info(d, 'x')).statename, 'STOPPED');

  // Two API calls sent in the same tick on one connection: the second waits for the first.
  const outcomes = await Promise.all(
    [0, 1].map(() =>
      d.call('supervisor.startProcess', ['x', true]).then(
        (r) => `ok ${String(r)}`,
        (e: unknown) => (isFault(e) ? e.message : `unexpected ${String(e)}`),
      ),
    ),
  );
  assert.deepEqual(outcomes.sort(), ['ALREADY_STARTED: x', 'ok true']);
  assert.equal(spawnCount(d, 'x'), before + 2, 'x was spawned once more');
  assert.equal((await info(d, 'x')).statename, 'RUNNING');

  // A stop and a start sent together run in order: the start waits until the stop is done.
  const pid = (await info(d, 'x')).pid;
  const pair = await Promise.all([d.call('supervisor.stopProcess', ['x', true]), d.call('supervisor.startProcess', ['x', true])]);
  assert.deepEqual(pair, [true, true]);
  const now = await info(d, 'x');
  assert.equal(now.statename, 'RUNNING');
  assert.notEqual(now.pid, pid, 'a new process');
  assert.equal(spawnCount(d, 'x'), before + 3);
  assert.match(d.log(), new RegExp(`stopped: x \\(terminated by SIGTERM\\)[^]*spawned: 'x' with pid ${now.pid}`));
});
