/**
 * The native spawner's cheap fd-table handling and its lazily wrapped stdin, with real children:
 * a child started while the daemon holds thousands of descriptors still gets exactly 0, 1 and 2;
 * the daemon's own 0-2 and its descriptor count are untouched by spawns (the stdio slots are put
 * back); the daemon's own 0-2 can be handed to a child; a stdin nobody wrote to is closed at the exit.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { realClock } from '../../../daemon/process/clock.js';
import { nativeAddon } from '../../../daemon/process/native-addon.js';
import { NativeSpawner } from '../../../daemon/process/spawn-native.js';
import { PipeChild } from '../../../daemon/process/spawn-pipe.js';
import type { ChildExit, ChildHandle, SpawnPlan } from '../../../daemon/process/spawner.js';
import { MemoryChannel, waitFor } from '../../unit/process/fixtures.js';

const addon = nativeAddon()!;
const started: ChildHandle[] = [];
const held: number[] = [];
after(() => {
  for (const h of started) {
    try {
      h.kill(9, true);
    } catch {
      // already gone
    }
  }
  for (const fd of held.splice(0)) closeSync(fd);
});

/** Prints the child's own descriptors, sorted. */
const OWN_FDS = 'import os; print(sorted(int(f) for f in os.listdir("/proc/self/fd") if os.path.exists("/proc/self/fd/" + f)))';

function plan(argv: string[], filename: string): SpawnPlan {
  return { name: 'fdtable', filename, argv, env: { PATH: '/usr/bin:/bin' }, cwd: null, umask: null, credentials: null };
}

function run(p: SpawnPlan) {
  const out = new MemoryChannel(null);
  let resolve!: (e: ChildExit) => void;
  const exit = new Promise<ChildExit>((r) => (resolve = r));
  const handle = new NativeSpawner(addon).spawn(p, { stdout: out, stderr: new MemoryChannel(null), clock: realClock, onExit: resolve });
  started.push(handle);
  return { handle, exit, text: () => out.bytes().toString() };
}

/** Whether this process holds a pidfd (an exit watch not closed yet). */
function pidfdOpen(): boolean {
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[pidfd]';
    } catch {
      return false; // the listing's own descriptor
    }
  });
}

/** The daemon's (this process's) open descriptors and what 0-2 point at. */
function ownFds(): { count: number; std: string[] } {
  return { count: readdirSync('/proc/self/fd').length, std: [0, 1, 2].map((fd) => readlinkSync(`/proc/self/fd/${fd}`)) };
}

test('with 2000 descriptors open in the daemon a child still gets only 0, 1 and 2', async () => {
  for (let i = 0; i < 2000; i++) held.push(openSync('/dev/null', 'r'));
  const { exit, text } = run(plan(['python3', '-c', OWN_FDS], '/usr/bin/python3'));
  assert.deepEqual(await exit, { code: 0, signal: null });
  assert.equal(text(), '[0, 1, 2]\n');
  for (const fd of held.splice(0)) closeSync(fd);
});

test('spawns leave the daemon its own 0-2 and no extra descriptor', async () => {
  // The first stream of a process makes libuv open its one spare descriptor (/dev/null, kept for
  // EMFILE on accept): spawn once before counting, so only what spawns leave behind is compared.
  assert.deepEqual(await run(plan(['true'], '/bin/true')).exit, { code: 0, signal: null });
  // Its exit watch closes the pidfd just after reporting the exit (libuv closes handles a turn later).
  await waitFor(() => !pidfdOpen(), 5000, "the warm-up child's pidfd to close");
  const before = ownFds();
  for (let i = 0; i < 20; i++) {
    const { exit } = run(plan(['true'], '/bin/true'));
    assert.deepEqual(await exit, { code: 0, signal: null });
  }
  // Output streams close asynchronously after the exit: wait for the count to come back.
  await waitFor(() => ownFds().count === before.count, 5000, 'the descriptor count to return');
  assert.deepEqual(ownFds(), before);
});

test("the daemon's own 0-2 can be a child's stdio (the slots take any source)", async () => {
  const [r, w] = addon.pipe();
  let code: number | null = -1;
  const { pid } = addon.spawn(
    { file: '/bin/sh', argv: ['sh', '-c', 'readlink /proc/self/fd/2 >&1'], envp: ['PATH=/usr/bin:/bin'], stdio: [0, w, 2] },
    (c) => (code = c),
  );
  closeSync(w);
  assert.ok(pid > 0);
  await waitFor(() => code !== -1, 5000, 'the exit');
  assert.equal(code, 0);
  const buf = Buffer.alloc(4096);
  const n = readSync(r, buf);
  closeSync(r);
  assert.equal(buf.subarray(0, n).toString().trim(), readlinkSync('/proc/self/fd/2'));
});

test('stdin as a bare descriptor: closed at the exit when never written, NO_FILE afterwards', () => {
  const [r, w] = addon.pipe();
  const io = { stdout: new MemoryChannel(null), stderr: null, clock: realClock, onExit: () => {} };
  const child = new PipeChild(process.pid, w, [], io, 10);
  fstatSync(w); // still open while the child runs
  child.exited(0, null);
  assert.throws(() => fstatSync(w), { code: 'EBADF' });
  assert.throws(() => child.writeStdin(Buffer.from('x')), { message: 'NO_FILE' });
  child.dispose(); // closing twice is harmless
  closeSync(r);
});

test('stdin as a bare descriptor: the first write wraps it and the bytes arrive', async () => {
  const { handle, exit, text } = run(plan(['head', '-c', '6'], '/usr/bin/head'));
  handle.writeStdin(Buffer.from('abc'));
  handle.writeStdin(Buffer.from('def'));
  assert.deepEqual(await exit, { code: 0, signal: null });
  assert.equal(text(), 'abcdef');
});
