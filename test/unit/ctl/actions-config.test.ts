/** avail, reread, update, add, remove. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ProcessStates } from '../../../src/api/states.js';
import { FakeSupervisor } from './fake-client.js';
import { lines, run } from './memory-io.js';

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat');
  s.add('a', { group: 'grp' });
  s.add('b', { group: 'grp', state: ProcessStates.STOPPED, start: 0, autostart: false });
  s.add('listener', { priority: -1, groupPriority: -1 });
  s.available.push({ ...s.proc('cat'), name: 'newp', group: 'newp', state: ProcessStates.STOPPED, pid: 0, autostart: false });
  return s;
}

test('avail: one line per configured process, in the server order', async () => {
  const r = await run(server(), 'avail');
  assert.equal(
    r.out,
    lines(
      'cat                              in use    auto      999:999',
      'grp:a                            in use    auto      999:999',
      'grp:b                            in use    manual    999:999',
      'listener                         in use    auto      -1:-1',
      'newp                             avail     manual    999:999',
    ),
  );
  assert.equal(r.status, 0);
});

test('avail: arguments and shutdown', async () => {
  const s = server();
  assert.deepEqual(
    await run(s, 'avail x').then((r) => [r.out, r.status]),
    ['Error: avail accepts no arguments\navail\t\t\tDisplay all configured processes\n', 1],
  );
  s.shuttingDown = true;
  assert.deepEqual(await run(s, 'avail').then((r) => [r.out, r.status]), ['ERROR: supervisor shutting down\n', 1]);
});

test('reread: changes sorted by name, or none; errors', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'reread').then((r) => [r.out, r.status]), ['No config updates to processes\n', 0]);
  s.changes = [['newp'], ['sleeper', 'grp'], ['gone']];
  assert.deepEqual(
    await run(s, 'reread').then((r) => [r.out, r.status]),
    [lines('gone: disappeared', 'grp: changed', 'newp: available', 'sleeper: changed'), 0],
  );
  assert.deepEqual(
    await run(s, 'reread x').then((r) => [r.out, r.status]),
    ["Error: reread accepts no arguments\nreread \t\t\tReload the daemon's configuration files without add/remove\n", 1],
  );
  s.faults.set('supervisor.reloadConfig', new RpcFault(Faults.CANT_REREAD, "File contains no section headers.\nfile: '/x'"));
  assert.deepEqual(
    await run(s, 'reread').then((r) => [r.out, r.status]),
    ["ERROR: CANT_REREAD: File contains no section headers.\nfile: '/x'\n", 1],
  );
  s.shuttingDown = true;
  assert.deepEqual(await run(s, 'reread').then((r) => [r.out, r.status]), ['ERROR: supervisor shutting down\n', 1]);
});

test('update: removed, changed (the whole group restarts), added; order of calls', async () => {
  const s = server();
  s.changes = [['newp'], ['grp'], ['cat']];
  const r = await run(s, 'update');
  assert.equal(
    r.out,
    lines(
      'cat: stopped',
      'cat: removed process group',
      'grp: stopped',
      'grp: updated process group',
      'newp: added process group',
    ),
  );
  assert.equal(r.status, 0);
  assert.deepEqual(
    s.calls.map((c) => `${c.method.slice(11)}(${c.params.join(',')})`),
    [
      'reloadConfig()',
      'stopProcessGroup(cat)',
      'removeProcessGroup(cat)',
      'stopProcessGroup(grp)',
      'removeProcessGroup(grp)',
      'addProcessGroup(grp)',
      'addProcessGroup(newp)',
    ],
  );
});

test('update: no changes prints nothing; `all` is everything; named groups only; unknown group', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'update').then((r) => [r.out, r.status]), ['', 0]);
  s.changes = [['newp'], ['grp'], []];
  assert.deepEqual(await run(s, 'update newp').then((r) => [r.out, r.status]), ['newp: added process group\n', 0]);
  s.changes = [[], ['grp'], []];
  assert.deepEqual(
    await run(s, 'update x grp').then((r) => [r.out, r.status]),
    ['ERROR: no such group: x\ngrp: stopped\ngrp: updated process group\n', 1],
  );
  assert.equal((await run(s, 'update all')).out, 'grp: stopped\ngrp: updated process group\n');
});

test('update: a removed group that fails to stop is not removed', async () => {
  const s = server();
  s.changes = [[], [], ['cat']];
  s.proc('cat').stopFailure = 'cat: could not stop';
  const r = await run(s, 'update');
  assert.deepEqual([r.out, r.status], ['cat: stopped\ncat: has problems; not removing\n', 1]);
  assert.ok(!s.calls.some((c) => c.method === 'supervisor.removeProcessGroup'));
});

test('update: shutting down', async () => {
  const s = server();
  s.shuttingDown = true;
  assert.deepEqual(await run(s, 'update').then((r) => [r.out, r.status]), ['ERROR: already shutting down\n', 1]);
});

test('add: added, already active keeps the exit status, no such group, shutting down', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'add newp').then((r) => [r.out, r.status]), ['newp: added process group\n', 0]);
  assert.deepEqual(await run(s, 'add cat').then((r) => [r.out, r.status]), ['ERROR: process group already active\n', 0]);
  assert.deepEqual(await run(s, 'add nosuch cat').then((r) => [r.out, r.status]), [
    'ERROR: no such process/group: nosuch\nERROR: process group already active\n',
    1,
  ]);
  assert.deepEqual(await run(s, 'add').then((r) => [r.out, r.status]), ['', 0]);
  s.shuttingDown = true;
  assert.deepEqual(await run(s, 'add cat').then((r) => [r.out, r.status]), ['ERROR: shutting down\n', 1]);
});

test('remove: removed, still running, no such group', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'remove cat').then((r) => [r.out, r.status]), ['ERROR: process/group still running: cat\n', 1]);
  s.proc('cat').state = ProcessStates.STOPPED;
  assert.deepEqual(await run(s, 'remove cat').then((r) => [r.out, r.status]), ['cat: removed process group\n', 0]);
  assert.deepEqual(await run(s, 'remove cat').then((r) => [r.out, r.status]), ['ERROR: no such process/group: cat\n', 1]);
});
