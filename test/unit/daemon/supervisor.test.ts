/**
 * The Supervisor's main loop (reference b.7, b.8, e.3): startup order, ordered shutdown, signals,
 * restart, reloadConfig's diff and adding/removing groups, TICK events; with real Subprocess state
 * machines over fake children and a FakeClock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults } from '../../../src/api/faults.js';
import { ProcessStates, SupervisorStates } from '../../../src/api/states.js';
import type { GroupEvent, ProcessStateEvent, SupervisorStateEvent, TickEvent } from '../../../daemon/events/bus.js';
import { diffGroups, sameGroupConfig } from '../../../daemon/lifecycle/config-diff.js';
import { splitNamespec, makeNamespec } from '../../../daemon/rpc/namespec.js';
import { faultOf, groupOf, serverConfig, withHarness, type Harness } from '../rpc/fixtures.js';

const stateEvents = (h: Harness) => h.events.filter((e): e is ProcessStateEvent => e.kind === 'process-state');

/** Kill every live fake child (as if each obeyed its stop signal). */
async function killAll(h: Harness): Promise<void> {
  for (const g of h.sup.groups.values()) {
    for (const p of g.processes.values()) if (p.pid) h.child(`${g.name}:${p.name}`).killed('SIGTERM');
  }
  await h.settle();
}

test('namespecs', () => {
  assert.deepEqual(splitNamespec('a'), ['a', 'a']);
  assert.deepEqual(splitNamespec('g:a'), ['g', 'a']);
  assert.deepEqual(splitNamespec('g:'), ['g', null]);
  assert.deepEqual(splitNamespec('g:*'), ['g', null]);
  assert.deepEqual(splitNamespec('g:a:b'), ['g', 'a:b']);
  assert.equal(makeNamespec('a', 'a'), 'a');
  assert.equal(makeNamespec('g', 'a'), 'g:a');
});

test('startup: group-added events, RUNNING, then every autostart process in one pass, in priority order', async () => {
  await withHarness([groupOf('late', [{}], 10), groupOf('b', [{}], 1), groupOf('a', [{}], 1), groupOf('off', [{ autostart: false }], 1)], async (h) => {
    // Group configs come from the loader sorted by priority, then name; addInitialGroups keeps that order.
    assert.deepEqual(
      h.events.filter((e): e is GroupEvent => e.kind === 'group').map((e) => e.group),
      ['late', 'b', 'a', 'off'],
    );
    const outcome = h.sup.run();
    // The first pass runs at once: no 1-second delay before the first spawn.
    assert.deepEqual(
      h.spawner.children.map((c) => h.sup.allProcesses().find(([, p]) => p.pid === c.pid)![1].name),
      ['b', 'a', 'late'],
    );
    assert.equal(h.events.findIndex((e) => e.kind === 'supervisor-state') < h.events.findIndex((e) => e.kind === 'process-state'), true);
    h.sup.setMood(SupervisorStates.SHUTDOWN);
    await h.settle();
    await killAll(h);
    assert.equal(await outcome, 'shutdown');
  });
});

test('shutdown: one group at a time, highest priority first; BACKOFF gives up; waiting-to-die report', async () => {
  const groups = [
    groupOf('first', [{ startsecs: 0 }], 1),
    groupOf('mid', [{ name: 'm1', startsecs: 0, priority: 1 }, { name: 'm2', startsecs: 0, priority: 2 }], 5),
    groupOf('last', [{ startsecs: 0 }], 9),
    groupOf('flaky', [{ startsecs: 10 }], 3),
  ];
  await withHarness(groups, async (h) => {
    const outcome = h.sup.run();
    await h.advance(0.5);
    h.child('flaky').exit(1); // STARTING -> BACKOFF
    await h.settle();
    assert.equal(h.sup.findProcess('flaky')!.state, ProcessStates.BACKOFF);

    h.sup.receiveSignal('SIGTERM');
    await h.settle();
    assert.ok(h.logger.messages().includes('received SIGTERM indicating exit request'));
    const stopping = h.events.find((e): e is SupervisorStateEvent => e.kind === 'supervisor-state' && e.type === 'SUPERVISOR_STATE_CHANGE_STOPPING');
    assert.ok(stopping);
    // Only the highest-priority group is being stopped.
    const live = () => stateEvents(h).filter((e) => e.type === 'PROCESS_STATE_STOPPING').map((e) => e.name);
    assert.deepEqual(live(), ['last']);
    assert.match(h.logger.messages().find((m) => m.startsWith('waiting for'))!, /^waiting for (first|m1|m2|last|flaky)(, \w+)* to die$/);
    h.child('last').killed('SIGTERM');
    await h.settle();
    // Inside a group, descending process priority: m2 before m1.
    assert.deepEqual(live(), ['last', 'm2', 'm1']);
    h.child('mid:m2').killed('SIGTERM');
    h.child('mid:m1').killed('SIGTERM');
    await h.settle();
    // flaky (3) was in BACKOFF: it gives up instead of being signalled.
    assert.equal(h.sup.findProcess('flaky')!.state, ProcessStates.FATAL);
    assert.deepEqual(live(), ['last', 'm2', 'm1', 'first']);
    let ended = false;
    void outcome.then(() => (ended = true));
    await h.settle();
    assert.equal(ended, false);
    h.child('first').killed('SIGTERM');
    assert.equal(await outcome, 'shutdown');
  });
});

test('the waiting-to-die report repeats every 3 s while something is left', async () => {
  await withHarness([groupOf('stubborn', [{ startsecs: 0 }])], async (h) => {
    const outcome = h.sup.run();
    h.sup.receiveSignal('SIGINT');
    await h.settle();
    const reports = () => h.logger.messages().filter((m) => m === 'waiting for stubborn to die').length;
    assert.equal(reports(), 1);
    await h.advance(2);
    assert.equal(reports(), 1);
    await h.advance(1.5);
    assert.equal(reports(), 2);
    // stopwaitsecs (10) later: SIGKILL.
    await h.advance(7);
    assert.ok(h.logger.messages().some((m) => /^killing 'stubborn' \(\d+\) with SIGKILL$/.test(m)));
    h.child('stubborn').killed('SIGKILL');
    assert.equal(await outcome, 'shutdown');
    assert.ok(h.logger.messages().includes('received SIGINT indicating exit request'));
  });
});

test('signals: HUP restarts, HUP during shutdown is ignored, USR2 reopens, others are logged', async () => {
  await withHarness([groupOf('p', [{ startsecs: 0 }])], async (h) => {
    const outcome = h.sup.run();
    h.sup.receiveSignal('SIGUSR2');
    h.sup.receiveSignal('SIGCHLD');
    h.sup.receiveSignal('SIGWINCH');
    // A signal already waiting is not queued twice.
    h.sup.receiveSignal('SIGUSR2');
    await h.settle();
    const msgs = h.logger.messages();
    assert.equal(msgs.filter((m) => m === 'received SIGUSR2 indicating log reopen request').length, 1);
    assert.ok(msgs.includes('supervisord logreopen'));
    assert.ok(msgs.includes('received SIGCHLD indicating a child quit'));
    assert.ok(msgs.includes('received SIGWINCH indicating nothing'));
    assert.equal(h.mainLog.reopened, 1);
    assert.equal(h.channels.get('p:stdout')!.reopened, 1);
    assert.equal(h.channels.get('p:stderr')!.reopened, 1);

    h.sup.receiveSignal('SIGHUP');
    await h.settle();
    assert.ok(h.logger.messages().includes('received SIGHUP indicating restart request'));
    assert.equal(h.sup.mood, SupervisorStates.RESTARTING);
    await killAll(h);
    assert.equal(await outcome, 'restart');
  });
  await withHarness([groupOf('p', [{ startsecs: 0 }])], async (h) => {
    const outcome = h.sup.run();
    h.sup.receiveSignal('SIGQUIT');
    await h.settle();
    h.sup.receiveSignal('SIGHUP');
    await h.settle();
    assert.ok(h.logger.messages().includes('ignored SIGHUP indicating restart request (shutdown in progress)'));
    assert.equal(h.sup.mood, SupervisorStates.SHUTDOWN);
    await killAll(h);
    assert.equal(await outcome, 'shutdown');
  });
});

test('no automatic restart while shutting down', async () => {
  await withHarness([groupOf('p', [{ startsecs: 0, autorestart: 'true' }])], async (h) => {
    const outcome = h.sup.run();
    await h.call('supervisor.shutdown');
    await h.settle();
    h.child('p').killed('SIGTERM');
    assert.equal(await outcome, 'shutdown');
    assert.equal(h.spawner.children.length, 1);
  });
});

test('reloadConfig: added, changed and removed groups; CANT_REREAD', async () => {
  const keep = groupOf('keep', [{ autostart: false }]);
  const change = groupOf('change', [{ autostart: false }]);
  const gone = groupOf('gone', [{ autostart: false }]);
  await withHarness([keep, change, gone], async (h) => {
    const moved = structuredClone(keep);
    moved.processes[0]!.source = { file: '/other.conf', line: 99 };
    const changed = structuredClone(change);
    changed.processes[0]!.startsecs = 5;
    const added = groupOf('added', [{ autostart: false }]);
    h.nextConfig = serverConfig([added, moved, changed], h.dir);
    // A moved section (only `source` differs) is not a change.
    assert.deepEqual(await h.call('supervisor.reloadConfig'), [[['added'], ['change'], ['gone']]]);
    // Nothing that runs changed.
    assert.deepEqual([...h.sup.groups.keys()], ['keep', 'change', 'gone']);

    h.nextConfig = new Error("Invalid user name bogus in section 'program:x' (file: '/x.conf')");
    assert.equal(
      await faultOf(h.call('supervisor.reloadConfig')),
      `${Faults.CANT_REREAD}:CANT_REREAD: Invalid user name bogus in section 'program:x' (file: '/x.conf')`,
    );
  });
});

test('addProcessGroup / removeProcessGroup', async () => {
  await withHarness([groupOf('a', [{ autostart: false, startsecs: 0 }])], async (h) => {
    void h.sup.run();
    h.nextConfig = serverConfig([groupOf('a', [{ autostart: false, startsecs: 0 }]), groupOf('b', [{ startsecs: 0 }])], h.dir);
    await h.call('supervisor.reloadConfig');
    assert.equal(await faultOf(h.call('supervisor.addProcessGroup', 'a')), `${Faults.ALREADY_ADDED}:ALREADY_ADDED: a`);
    assert.equal(await faultOf(h.call('supervisor.addProcessGroup', 'zz')), `${Faults.BAD_NAME}:BAD_NAME: zz`);
    assert.equal(await h.call('supervisor.addProcessGroup', 'b'), true);
    assert.ok(h.events.some((e) => e.kind === 'group' && e.type === 'PROCESS_GROUP_ADDED' && e.group === 'b'));
    // An added group's autostart processes start on the next pass.
    await h.settle();
    assert.equal(h.sup.findProcess('b')!.state, ProcessStates.RUNNING);

    assert.equal(await faultOf(h.call('supervisor.removeProcessGroup', 'b')), `${Faults.STILL_RUNNING}:STILL_RUNNING: b`);
    assert.equal(await faultOf(h.call('supervisor.removeProcessGroup', 'zz')), `${Faults.BAD_NAME}:BAD_NAME: zz`);
    await h.call('supervisor.stopProcess', 'b', false);
    h.child('b').killed('SIGTERM');
    await h.settle();
    assert.equal(await h.call('supervisor.removeProcessGroup', 'b'), true);
    assert.ok(h.events.some((e) => e.kind === 'group' && e.type === 'PROCESS_GROUP_REMOVED' && e.group === 'b'));
    assert.ok(h.channels.get('b:stdout')!.closed);
    assert.deepEqual([...h.sup.groups.keys()], ['a']);
    h.sup.setMood(SupervisorStates.SHUTDOWN);
    await h.settle();
  });
});

test('TICK_5 / TICK_60 at the slice boundaries', async () => {
  await withHarness([groupOf('p', [{ autostart: false }])], async (h) => {
    const outcome = h.sup.run();
    const start = h.clock.now();
    const ticks = () => h.events.filter((e): e is TickEvent => e.kind === 'tick');
    await h.advance(61);
    const fives = ticks().filter((t) => t.type === 'TICK_5');
    assert.ok(fives.length >= 12 && fives.length <= 13, `${fives.length} TICK_5`);
    for (const t of fives) assert.equal(t.when % 5, 0);
    assert.equal(fives[0]!.when, Math.floor(start / 5) * 5 + 5);
    const sixties = ticks().filter((t) => t.type === 'TICK_60');
    assert.equal(sixties.length, 1);
    assert.equal(sixties[0]!.when % 60, 0);
    h.sup.setMood(SupervisorStates.SHUTDOWN);
    assert.equal(await outcome, 'shutdown');
  });
});

test('config diff ignores `source` but sees every other field', () => {
  const a = groupOf('g', [{ name: 'x' }]);
  const b = structuredClone(a);
  b.processes[0]!.source = { file: '/elsewhere', line: 7 };
  assert.ok(sameGroupConfig(a, b));
  const c = structuredClone(a);
  c.priority = 1;
  assert.ok(!sameGroupConfig(a, c));
  const d = structuredClone(a);
  d.processes[0]!.environment = { A: '1' };
  assert.ok(!sameGroupConfig(a, d));
  const diff = diffGroups([a, groupOf('old')], [groupOf('new'), c]);
  assert.deepEqual(
    { added: diff.added.map((g) => g.name), changed: diff.changed.map((g) => g.name), removed: diff.removed.map((g) => g.name) },
    { added: ['new'], changed: ['g'], removed: ['old'] },
  );
});
