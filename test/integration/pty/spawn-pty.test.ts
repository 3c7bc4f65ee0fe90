/**
 * The pty spawner on its own, with real children under real ptys: output, exit reporting, user and
 * groups through setpriv, umask, directory, TERM, group kills, backpressure and exec failures.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, type PtyOutputEvent } from '../../../daemon/events/bus.js';
import { realClock } from '../../../daemon/process/clock.js';
import { SpawnError, type ChildExit, type ChildHandle, type SpawnPlan } from '../../../daemon/process/spawner.js';
import type { GroupConfig } from '../../../src/config/types.js';
import { PtyHub } from '../../../daemon/pty/hub.js';
import type { PtySession } from '../../../daemon/pty/session.js';
import { MemoryChannel, makeProcessConfig, makeSupervisordConfig } from '../../unit/process/fixtures.js';
import { descendants, isAlive, waitUntil } from '../../helpers/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'pty-spawn-'));
const started: number[] = [];
after(() => {
  for (const pid of started.flatMap((p) => [p, ...descendants(p)])) {
    try {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  handle: ChildHandle;
  channel: MemoryChannel;
  exit: Promise<ChildExit>;
  text(): string;
}

function group(name: string, environment: Record<string, string> = {}): GroupConfig {
  return { name, kind: 'program', priority: 999, processes: [makeProcessConfig({ name, pty: true, environment })] };
}

function plan(name: string, argv: string[], over: Partial<SpawnPlan> = {}): SpawnPlan {
  return { name, filename: argv[0]!, argv, env: { PATH: '/usr/bin:/bin', TERM: 'dumb' }, cwd: null, umask: null, credentials: null, ...over };
}

function start(hub: PtyHub, bus: EventBus, g: GroupConfig, p: SpawnPlan, channel = new MemoryChannel(null)): Started {
  let resolveExit!: (e: ChildExit) => void;
  const exit = new Promise<ChildExit>((r) => (resolveExit = r));
  const spawner = hub.spawnerFor(g, { bus, supervisord: makeSupervisordConfig() });
  const handle = spawner.spawn(p, { stdout: channel, stderr: null, clock: realClock, onExit: resolveExit });
  started.push(handle.pid);
  channel.onDrain(() => handle.resumeOutput());
  return { handle, channel, exit, text: () => channel.bytes().toString('utf8') };
}

test('output reaches the stdout channel and the exit code is reported', async () => {
  const hub = new PtyHub();
  const s = start(hub, new EventBus(), group('out'), plan('out', ['/bin/sh', '-c', 'printf "one\\ntwo\\n"; exit 3']));
  assert.deepEqual(await s.exit, { code: 3, signal: null });
  // The terminal turns \n into \r\n, as on any terminal.
  assert.equal(s.text(), 'one\r\ntwo\r\n');
  assert.ok(s.channel.chunks.every((c) => c.pid === s.handle.pid));
  assert.equal(s.channel.ended, 1);
  assert.equal(hub.session('out', 'out'), undefined, 'the session is gone after the exit');
});

test('the program gets its own TERM, a pty as stdin/stdout and the size 80x24', async () => {
  const hub = new PtyHub();
  const cmd = 'echo "term=$TERM"; tty -s && echo tty; stty size';
  const s = start(hub, new EventBus(), group('term'), plan('term', ['/bin/sh', '-c', cmd]));
  await s.exit;
  // The daemon's TERM (dumb, in the plan's environment) is not the pty's.
  assert.equal(s.text(), 'term=xterm-256color\r\ntty\r\n24 80\r\n');
  const own = start(hub, new EventBus(), group('term2', { TERM: 'vt100' }), plan('term2', ['/bin/sh', '-c', 'echo $TERM']));
  await own.exit;
  assert.equal(own.text(), 'vt100\r\n');
});

test('user, groups, umask and directory apply under the pty', async () => {
  const hub = new PtyHub();
  const daemonUmask = process.umask();
  const cmd = 'id -u; id -g; id -G; umask; pwd';
  const s = start(
    hub,
    new EventBus(),
    group('who'),
    plan('who', ['/bin/sh', '-c', cmd], { credentials: { uid: 65534, gid: 65534 }, umask: 0o027, cwd: '/var/tmp' }),
  );
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  // setpriv --init-groups: nobody's own groups only, none of root's.
  assert.equal(s.text(), '65534\r\n65534\r\n65534\r\n0027\r\n/var/tmp\r\n');
  assert.equal(process.umask(), daemonUmask, 'the daemon keeps its own umask');
});

test('stdin writes go to the pty and resize reaches the program', async () => {
  const hub = new PtyHub();
  const s = start(hub, new EventBus(), group('rd'), plan('rd', ['/bin/sh', '-c', 'read line; echo "got $line"; read x; stty size']));
  s.handle.writeStdin(Buffer.from('abc\r'));
  await waitUntil(() => s.text().includes('got abc'), 10_000, 'the echo');
  (s.handle as PtySession).resize(100, 30);
  s.handle.writeStdin(Buffer.from('\r'));
  await s.exit;
  assert.match(s.text(), /got abc\r\n/);
  assert.match(s.text(), /30 100\r\n$/);
  assert.throws(() => s.handle.writeStdin(Buffer.from('late')), /NO_FILE/);
});

test('kill with group reaches every process of the pty session; a signal death is reported by name', async () => {
  const hub = new PtyHub();
  const s = start(hub, new EventBus(), group('tree'), plan('tree', ['/bin/sh', '-c', 'sleep 1000 & sleep 1000 & echo up; wait']));
  await waitUntil(() => s.text().includes('up') && descendants(s.handle.pid).length >= 2, 10_000, 'the sleeps');
  const kids = descendants(s.handle.pid);
  s.handle.kill(15, true);
  assert.deepEqual(await s.exit, { code: null, signal: 'SIGTERM' });
  await waitUntil(() => kids.every((k) => !isAlive(k)), 10_000, 'the sleeps to die');
});

test('a log writer that is behind pauses the pty: the child blocks and no byte is lost', async () => {
  const hub = new PtyHub();
  const channel = new MemoryChannel(null);
  channel.full = true;
  const total = 3_000_000;
  const s = start(hub, new EventBus(), group('flood'), plan('flood', ['/usr/bin/head', '-c', String(total), '/dev/zero']), channel);
  // head is blocked writing to the terminal: nothing reads it while the channel is full.
  await waitUntil(
    () => {
      try {
        return /wait_woken|n_tty_write/.test(readFileSync(`/proc/${s.handle.pid}/wchan`, 'utf8'));
      } catch {
        return false;
      }
    },
    10_000,
    'the child to block on the terminal',
  );
  const whileFull = channel.bytes().length;
  assert.ok(whileFull < total, `only part of the output was read while paused (${whileFull})`);
  channel.drain();
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  assert.equal(channel.bytes().length, total);
});

test('every chunk is published on the bus and the screen follows', async () => {
  const hub = new PtyHub();
  const bus = new EventBus();
  const events: PtyOutputEvent[] = [];
  let seq = 0;
  bus.on('pty-output', (e) => {
    events.push(e);
    e.published?.(++seq);
  });
  const s = start(hub, bus, group('pub'), plan('pub', ['/bin/sh', '-c', 'echo published; read x']));
  await waitUntil(() => s.text().includes('published'), 10_000, 'the output');
  const session = hub.session('pub', 'pub')!;
  const snap = await session.snapshot();
  assert.equal(snap.seq, seq, 'the snapshot is valid at the last published chunk');
  assert.match(snap.screen, /published/);
  assert.equal(Buffer.concat(events.map((e) => e.data)).toString(), s.text());
  assert.ok(events.every((e) => e.group === 'pub' && e.name === 'pub' && e.pid === s.handle.pid));
  s.handle.writeStdin(Buffer.from('\r'));
  await s.exit;
  await assert.rejects(session.snapshot(), /NOT_RUNNING/);
});

test('exec failures: a missing interpreter is a SpawnError at once; one found only by the child is reported at its exit', async () => {
  const hub = new PtyHub();
  const bad = join(dir, 'bad.sh');
  writeFileSync(bad, '#!/nonexistent/interp\n', { mode: 0o755 });
  assert.throws(
    () => start(hub, new EventBus(), group('bad'), plan('bad', [bad])),
    (err: unknown) => err instanceof SpawnError && err.message === `couldn't exec ${bad}: ENOENT`,
  );
  // A binary open for writing looks runnable, but execve refuses it (ETXTBSY): only the child finds out,
  // node-pty's own exec (exit 1) and setpriv's (exit 126) alike.
  const busy = join(dir, 'busy');
  copyFileSync('/bin/true', busy);
  chmodSync(busy, 0o755);
  const fd = openSync(busy, 'r+');
  try {
    const direct = start(hub, new EventBus(), group('busy'), plan('busy', [busy]));
    assert.deepEqual(await direct.exit, { code: 1, signal: null, spawnerr: `couldn't exec ${busy}: ETXTBSY` });
    const viaSetpriv = start(hub, new EventBus(), group('busy2'), plan('busy2', [busy], { credentials: { uid: 65534, gid: 65534 } }));
    assert.deepEqual(await viaSetpriv.exit, { code: 126, signal: null, spawnerr: `couldn't exec ${busy}: ETXTBSY` });
  } finally {
    closeSync(fd);
  }
});
