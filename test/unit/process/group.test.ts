/** Process groups: transition, unstopped, stop_all order (reference b.8), deadlines, close. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessStates as S } from '../../../src/api/states.js';
import type { GroupConfig } from '../../../src/config/types.js';
import { FakeClock } from '../../../daemon/process/clock.js';
import { Group, makeGroupFactory } from '../../../daemon/process/group.js';
import { FakeSpawner, makeEngine, makeProcessConfig, memoryChannels } from './fixtures.js';

function makeGroup(kind: GroupConfig['kind'] = 'group') {
  const engine = makeEngine();
  const spawner = new FakeSpawner();
  const channels = memoryChannels();
  const config: GroupConfig = {
    name: 'g',
    kind,
    priority: 999,
    processes: [
      makeProcessConfig({ name: 'low', group: 'g', priority: 1 }),
      makeProcessConfig({ name: 'high', group: 'g', priority: 50 }),
      makeProcessConfig({ name: 'mid_a', group: 'g', priority: 10 }),
      makeProcessConfig({ name: 'mid_b', group: 'g', priority: 10 }),
      makeProcessConfig({ name: 'failing', group: 'g', priority: 5, argv: ['/nonexistent/x'] }),
    ],
  };
  const group = makeGroupFactory({ channels: channels.factory, spawner })(config, engine.ctx) as Group;
  return { engine, spawner, channels, group, clock: engine.clock as FakeClock };
}

test('transition starts every autostart process; unstopped lists the live ones', () => {
  const { group } = makeGroup();
  assert.deepEqual([...group.processes.keys()], ['low', 'high', 'mid_a', 'mid_b', 'failing']);
  assert.equal(group.unstopped().length, 0);
  group.transition();
  const states = Object.fromEntries([...group.processes].map(([n, p]) => [n, p.state]));
  assert.deepEqual(states, { low: S.STARTING, high: S.STARTING, mid_a: S.STARTING, mid_b: S.STARTING, failing: S.BACKOFF });
  assert.equal(group.unstopped().length, 5);
});

test('stopAll: descending priority (equal priorities in reverse order), BACKOFF gives up', () => {
  const { group, spawner, engine } = makeGroup();
  group.transition();
  const order: string[] = [];
  engine.bus.on('process-state', (e) => order.push(`${e.name}:${e.type}`));
  group.stopAll();
  assert.deepEqual(order, [
    'high:PROCESS_STATE_STOPPING',
    'mid_b:PROCESS_STATE_STOPPING',
    'mid_a:PROCESS_STATE_STOPPING',
    'failing:PROCESS_STATE_FATAL',
    'low:PROCESS_STATE_STOPPING',
  ]);
  for (const c of spawner.children) c.killed('SIGTERM');
  assert.equal(group.unstopped().length, 0);
});

test('nextDeadline is the earliest of its processes; close closes every channel', async () => {
  const { group, channels, clock } = makeGroup();
  assert.equal(group.nextDeadline(), clock.now());
  group.transition();
  // STARTING ones are due after startsecs (1 s), the BACKOFF one after its 1 s delay.
  assert.ok(Math.abs(group.nextDeadline()! - (clock.now() + 1.001)) < 1e-9);
  await group.close();
  assert.equal(channels.made.size, 10);
  for (const ch of channels.made.values()) assert.equal(ch.closed, true);
});

test('listener pools are spawned and stopped like programs', () => {
  const { group, spawner } = makeGroup('eventlistener');
  group.transition();
  assert.equal(spawner.children.length, 4);
  group.stopAll();
  assert.equal(spawner.children.every((c) => c.kills.length === 1), true);
});

test('pty programs use the pty spawner when one is given', () => {
  const engine = makeEngine();
  const pipe = new FakeSpawner();
  const pty = new FakeSpawner();
  const config: GroupConfig = {
    name: 'g',
    kind: 'group',
    priority: 1,
    processes: [makeProcessConfig({ name: 'a', group: 'g' }), makeProcessConfig({ name: 'b', group: 'g', pty: true })],
  };
  const group = makeGroupFactory({ channels: memoryChannels().factory, spawner: pipe, ptySpawner: pty })(config, engine.ctx);
  group.transition();
  assert.deepEqual([pipe.children.length, pty.children.length], [1, 1]);
  assert.equal(pty.last.plan.name, 'b');
});
