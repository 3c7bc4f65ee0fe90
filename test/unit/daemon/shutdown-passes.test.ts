/**
 * The cost of a shutdown (review: every child exit used to visit every process, so N exits cost
 * O(N²)): passes are batched per turn of the event loop, each pass visits only what changed, and
 * the order stays Supervisor's (groups in descending priority, processes in descending priority).
 * Real Supervisor, groups and Subprocess state machines over fake children and a FakeClock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessStates } from '../../../src/api/states.js';
import type { ProcessConfig } from '../../../src/config/types.js';
import type { ProcessStateEvent } from '../../../daemon/events/bus.js';
import type { Process } from '../../../daemon/process/types.js';
import { groupOf, withHarness, type Harness } from '../rpc/fixtures.js';

const PER_GROUP = 50;
const GROUPS = 4;
const N = PER_GROUP * GROUPS;

/** One turn of the event loop: the passes queued before it have run. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** `g<i>` with PER_GROUP processes whose priorities repeat 0..4 (so the order inside a group is tested too). */
function bigGroup(i: number) {
  const procs: Partial<ProcessConfig>[] = [];
  for (let j = 0; j < PER_GROUP; j++) procs.push({ name: `g${i}p${j}`, startsecs: 0, priority: j % 5 });
  return groupOf(`g${i}`, procs, i);
}

/** Supervisor's stop order of one group: stable sort by priority, then reversed. */
function stopOrder(i: number): string[] {
  const names = Array.from({ length: PER_GROUP }, (_, j) => ({ name: `g${i}p${j}`, priority: j % 5 }));
  return names.sort((a, b) => a.priority - b.priority).reverse().map((p) => p.name);
}

/** Counts every visit of a process: transition(), nextDeadline(), and each process a group method walks. */
function countVisits(h: Harness): { visits: number } {
  const count = { visits: 0 };
  for (const g of h.sup.groups.values()) {
    const size = g.processes.size;
    const unstopped = g.unstopped.bind(g);
    g.unstopped = () => {
      count.visits += size;
      return unstopped();
    };
    const stopAll = g.stopAll.bind(g);
    g.stopAll = () => {
      count.visits += size;
      stopAll();
    };
    for (const p of g.processes.values()) {
      const transition = p.transition.bind(p);
      p.transition = () => {
        count.visits++;
        transition();
      };
      const nextDeadline = p.nextDeadline.bind(p);
      p.nextDeadline = () => {
        count.visits++;
        return nextDeadline();
      };
    }
  }
  return count;
}

test('shutdown of 200 processes: one pass per turn, O(N) visits in all, Supervisor order kept', async () => {
  const groups = Array.from({ length: GROUPS }, (_, i) => bigGroup(i + 1));
  await withHarness(groups, async (h) => {
    const outcome = h.sup.run();
    await h.settle();
    const all = h.sup.allProcesses().map(([, p]) => p);
    assert.equal(all.length, N);
    assert.ok(all.every((p) => p.state === ProcessStates.RUNNING));
    const stopping = () =>
      h.events.filter((e): e is ProcessStateEvent => e.kind === 'process-state' && e.type === 'PROCESS_STATE_STOPPING').map((e) => e.name);
    const byName = new Map<string, Process>(all.map((p) => [p.name, p]));
    const exit = (name: string) => h.child(`${byName.get(name)!.group}:${name}`).killed('SIGTERM');

    const count = countVisits(h);
    h.sup.receiveSignal('SIGTERM');
    await h.settle();
    // The highest-priority group is stopped first, its processes in descending priority.
    assert.deepEqual(stopping(), stopOrder(4));
    // One report, naming every process not yet stopped (groups in the order they were added).
    const reports = h.logger.messages().filter((m) => m.startsWith('waiting for'));
    assert.deepEqual(reports, [`waiting for ${all.map((p) => p.name).sort(byGroupOrder(groups)).join(', ')} to die`]);

    // g4: one exit per turn. Each exit is one pass; the last one empties the group, whose pop wakes
    // one more pass (it stops g3: 50 STOPPING events, batched into one further pass).
    let before = h.sup.passes;
    for (const name of stopOrder(4)) {
      exit(name);
      await turn();
    }
    await h.settle();
    assert.equal(h.sup.passes - before, PER_GROUP + 2);
    assert.deepEqual(stopping(), [...stopOrder(4), ...stopOrder(3)]);

    // g3: every exit in the same turn is one pass (+ the pop's pass that stops g2, + its batch).
    before = h.sup.passes;
    for (const name of stopOrder(3)) exit(name);
    await h.settle();
    assert.equal(h.sup.passes - before, 3);
    assert.deepEqual(stopping(), [...stopOrder(4), ...stopOrder(3), ...stopOrder(2)]);

    for (const name of stopOrder(2)) {
      exit(name);
      await turn();
    }
    await h.settle();
    assert.deepEqual(stopping(), [...stopOrder(4), ...stopOrder(3), ...stopOrder(2), ...stopOrder(1)]);
    for (const name of stopOrder(1)) {
      exit(name);
      await turn();
    }
    assert.equal(await outcome, 'shutdown');
    assert.ok(all.every((p) => p.state === ProcessStates.STOPPED));

    // About 7.5 visits a process now; when every pass visited every process it was 111,250.
    assert.ok(count.visits <= 10 * N, `${count.visits} process visits for ${N} exits`);
  });
});

/** Sorts process names as the report lists them: groups in config order, then the group's own order. */
function byGroupOrder(groups: { processes: { name: string }[] }[]) {
  const index = new Map<string, number>();
  for (const g of groups) for (const p of g.processes) index.set(p.name, index.size);
  return (a: string, b: string) => index.get(a)! - index.get(b)!;
}

test('deadlines of processes outside the group being stopped still fire during a shutdown', async () => {
  const groups = [groupOf('slow', [{ startsecs: 5 }], 1), groupOf('stubborn', [{ startsecs: 0 }], 2)];
  await withHarness(groups, async (h) => {
    const outcome = h.sup.run();
    await h.settle();
    h.sup.receiveSignal('SIGTERM');
    await h.settle();
    assert.equal(h.sup.findProcess('stubborn')!.state, ProcessStates.STOPPING);
    assert.equal(h.sup.findProcess('slow')!.state, ProcessStates.STARTING);
    // STARTING -> RUNNING after startsecs, while only `stubborn` is being stopped (as Supervisor does).
    await h.advance(6);
    assert.equal(h.sup.findProcess('slow')!.state, ProcessStates.RUNNING);
    assert.ok(h.logger.messages().includes('success: slow entered RUNNING state, process has stayed up for > than 5 seconds (startsecs)'));
    // stopwaitsecs (10) after the stop: SIGKILL, then the next group.
    await h.advance(5);
    assert.ok(h.logger.messages().some((m) => /^killing 'stubborn' \(\d+\) with SIGKILL$/.test(m)));
    h.child('stubborn').killed('SIGKILL');
    await h.settle();
    assert.equal(h.sup.findProcess('slow')!.state, ProcessStates.STOPPING);
    h.child('slow').killed('SIGTERM');
    assert.equal(await outcome, 'shutdown');
  });
});
