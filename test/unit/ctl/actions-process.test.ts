/** start, stop, restart, signal: every output line and exit status of reference c.2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ProcessStates } from '../../../src/api/states.js';
import { FakeSupervisor } from './fake-client.js';
import { lines, run } from './memory-io.js';

const HELP_START = lines(
  'start <name>\t\tStart a process',
  'start <gname>:*\t\tStart all processes in a group',
  'start <name> <name>\tStart multiple processes or groups',
  'start all\t\tStart all processes',
);
const HELP_STOP = lines(
  'stop <name>\t\tStop a process',
  'stop <gname>:*\t\tStop all processes in a group',
  'stop <name> <name>\tStop multiple processes or groups',
  'stop all\t\tStop all processes',
);

/** cat, grp:a running; grp:b never started; quick fails to spawn; sleeper running. */
function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat');
  s.add('a', { group: 'grp' });
  s.add('b', { group: 'grp', state: ProcessStates.STOPPED, start: 0 });
  s.add('quick', { state: ProcessStates.STOPPED, start: 0, startFault: Faults.SPAWN_ERROR });
  s.add('sleeper');
  return s;
}

test('start: a stopped process starts; one already running is not an error', async () => {
  const s = server();
  s.proc('sleeper').state = ProcessStates.STOPPED;
  assert.deepEqual(await run(s, 'start sleeper').then((r) => [r.out, r.status]), ['sleeper: started\n', 0]);
  assert.deepEqual(await run(s, 'start sleeper').then((r) => [r.out, r.status]), ['sleeper: ERROR (already started)\n', 0]);
});

test('start: a spawn error exits 7, abnormal termination 7, no such process 1', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'start quick').then((r) => [r.out, r.status]), ['quick: ERROR (spawn error)\n', 7]);
  s.faults.set('supervisor.startProcess', new RpcFault(Faults.ABNORMAL_TERMINATION, 'x'));
  assert.deepEqual(await run(s, 'start cat').then((r) => [r.out, r.status]), ['cat: ERROR (abnormal termination)\n', 7]);
  assert.deepEqual(await run(s, 'start nosuch').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such process)\n', 1]);
  // A bare group name is a process name.
  assert.deepEqual(await run(s, 'start grp').then((r) => [r.out, r.status]), ['grp: ERROR (no such process)\n', 1]);
});

test('start: no such file and not executable exit 1', async () => {
  const s = server();
  s.proc('sleeper').state = ProcessStates.STOPPED;
  s.faults.set('supervisor.startProcess', new RpcFault(Faults.NO_FILE, "can't find command 'x'"));
  assert.deepEqual(await run(s, 'start sleeper').then((r) => [r.out, r.status]), ['sleeper: ERROR (no such file)\n', 1]);
  s.faults.set('supervisor.startProcess', new RpcFault(Faults.NOT_EXECUTABLE, 'x'));
  assert.deepEqual(await run(s, 'start grp:b').then((r) => [r.out, r.status]), ['grp:b: ERROR (file is not executable)\n', 1]);
});

test('start: an unexpected result code is a generic error', async () => {
  const s = server();
  s.faults.set('supervisor.startProcess', new RpcFault(Faults.FAILED, 'cat is in an unknown process state'));
  const r = await run(s, 'start cat');
  assert.equal(r.out, "error: <class 'ValueError'>, Unknown result code 30 for cat\n");
  assert.equal(r.status, 1);
});

test('start: group:*, all, unknown group, several names', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'start grp:*').then((r) => [r.out, r.status]), ['grp:b: started\n', 0]);
  assert.deepEqual(await run(s, 'start nosuch:*').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such group)\n', 2]);
  s.proc('cat').state = ProcessStates.STOPPED;
  const all = await run(s, 'start all');
  assert.equal(all.out, lines('cat: started', 'quick: ERROR (spawn error)'));
  assert.equal(all.status, 7);
  s.proc('sleeper').state = ProcessStates.STOPPED;
  const several = await run(s, 'start nosuch sleeper');
  assert.equal(several.out, lines('nosuch: ERROR (no such process)', 'sleeper: started'));
  assert.equal(several.status, 1);
  // `all` anywhere means all (only quick is not running).
  assert.equal((await run(s, 'start sleeper all')).out, 'quick: ERROR (spawn error)\n');
});

test('start: no name prints the error and the help, exit 2', async () => {
  const r = await run(server(), 'start');
  assert.equal(r.out, 'Error: start requires a process name\n' + HELP_START);
  assert.equal(r.status, 2);
});

test('stop: stopped, not running (exit 0), no such process, FAILED text as is', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'stop cat').then((r) => [r.out, r.status]), ['cat: stopped\n', 0]);
  assert.deepEqual(await run(s, 'stop cat').then((r) => [r.out, r.status]), ['cat: ERROR (not running)\n', 0]);
  assert.deepEqual(await run(s, 'stop nosuch').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such process)\n', 1]);
  s.proc('sleeper').stopFailure = 'sleeper: could not kill';
  assert.deepEqual(await run(s, 'stop sleeper').then((r) => [r.out, r.status]), ['FAILED: sleeper: could not kill\n', 1]);
  s.faults.set('supervisor.stopProcess', new RpcFault(Faults.BAD_SIGNAL, 'FOO'));
  assert.deepEqual(await run(s, 'stop grp:a').then((r) => [r.out, r.status]), ['grp:a: ERROR (bad signal name)\n', 1]);
});

test('stop: group:* with nothing running prints nothing; unknown group exits 1; all', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'stop grp:*').then((r) => [r.out, r.status]), ['grp:a: stopped\n', 0]);
  assert.deepEqual(await run(s, 'stop grp:*').then((r) => [r.out, r.status]), ['', 0]);
  assert.deepEqual(await run(s, 'stop nosuch:').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such group)\n', 1]);
  const all = await run(s, 'stop all');
  assert.equal(all.out, lines('cat: stopped', 'sleeper: stopped'));
  assert.equal(all.status, 0);
});

test('stop: no name prints the error and the help, exit 1', async () => {
  const r = await run(server(), 'stop');
  assert.equal(r.out, 'Error: stop requires a process name\n' + HELP_STOP);
  assert.equal(r.status, 1);
});

test('restart: stops everything named, then starts it', async () => {
  const s = server();
  const r = await run(s, 'restart sleeper quick');
  assert.equal(
    r.out,
    lines('sleeper: stopped', 'quick: ERROR (not running)', 'sleeper: started', 'quick: ERROR (spawn error)'),
  );
  assert.equal(r.status, 7);
  const names = s.calls.map((c) => c.method).filter((m) => !m.endsWith('getVersion'));
  assert.deepEqual(names, [
    'supervisor.stopProcess',
    'supervisor.stopProcess',
    'supervisor.startProcess',
    'supervisor.startProcess',
  ]);
  const g = await run(s, 'restart grp:*');
  assert.equal(g.out, lines('grp:a: stopped', 'grp:a: started', 'grp:b: started'));
  const all = await run(s, 'restart all');
  assert.equal(all.out.split('\n').filter((l) => l.endsWith('stopped')).length, 4);
});

test('restart: no name prints the error and the help, exit 1', async () => {
  const r = await run(server(), 'restart');
  assert.equal(
    r.out,
    lines(
      'Error: restart requires a process name',
      'restart <name>\t\tRestart a process',
      'restart <gname>:*\tRestart all processes in a group',
      'restart <name> <name>\tRestart multiple processes or groups',
      'restart all\t\tRestart all processes',
      'Note: restart does not reread config files. For that, see reread and update.',
    ),
  );
  assert.equal(r.status, 1);
});

test('signal: signalled, bad signal name, not running (7), no such process, groups, all', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'signal HUP sleeper').then((r) => [r.out, r.status]), ['sleeper: signalled\n', 0]);
  assert.deepEqual(s.signals, [{ name: 'sleeper', sig: 'HUP' }]);
  assert.deepEqual(await run(s, 'signal BOGUS sleeper').then((r) => [r.out, r.status]), ['sleeper: ERROR (bad signal name)\n', 1]);
  assert.deepEqual(await run(s, 'signal HUP quick').then((r) => [r.out, r.status]), ['quick: ERROR (not running)\n', 7]);
  assert.deepEqual(await run(s, 'signal HUP nosuch').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such process)\n', 1]);
  assert.deepEqual(await run(s, 'signal BOGUS grp:*').then((r) => [r.out, r.status]), ['grp:a: ERROR (bad signal name)\n', 1]);
  assert.deepEqual(await run(s, 'signal USR1 grp:*').then((r) => [r.out, r.status]), ['grp:a: signalled\n', 0]);
  assert.deepEqual(await run(s, 'signal HUP nosuch:*').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such group)\n', 1]);
  const all = await run(s, 'signal 1 all');
  assert.equal(all.out, lines('cat: signalled', 'grp:a: signalled', 'sleeper: signalled'));
});

test('signal: fewer than two arguments prints the error and the help, exit 1', async () => {
  for (const line of ['signal', 'signal HUP']) {
    const r = await run(server(), line);
    assert.equal(
      r.out,
      lines(
        'Error: signal requires a signal name and a process name',
        'signal <signal name> <name>\t\tSignal a process',
        'signal <signal name> <gname>:*\t\tSignal all processes in a group',
        'signal <signal name> <name> <name>\tSignal multiple processes or groups',
        'signal <signal name> all\t\tSignal all processes',
      ),
    );
    assert.equal(r.status, 1);
  }
});

test('the exit status is only ever overwritten within one command', async () => {
  const s = server();
  // quick gives 7, then sleeper's success leaves it at 7.
  s.proc('sleeper').state = ProcessStates.STOPPED;
  const r = await run(s, 'start quick sleeper');
  assert.equal(r.out, lines('quick: ERROR (spawn error)', 'sleeper: started'));
  assert.equal(r.status, 7);
});
