/**
 * The native spawner (native/ addon + NativeSpawner) with real programs: the shared pipe-spawner
 * suite, then what only the native path does or must guarantee: exec errors with their errno,
 * signals reset in the child, no inherited descriptors, its own process group, one pipe for fds 1 and 2
 * with redirect_stderr, growing a pipe on a burst, exit watching that leaves child_process alone,
 * and that the addon is built and used by the daemon (a silent fallback would hide a regression).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as cpSpawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realClock } from '../../../daemon/process/clock.js';
import { defaultSpawner } from '../../../daemon/process/group.js';
import { addonPath, nativeAddon, nativeAddonStatus } from '../../../daemon/process/native-addon.js';
import { NativeSpawner } from '../../../daemon/process/spawn-native.js';
import { SpawnError, type ChildExit, type ChildHandle, type SpawnPlan } from '../../../daemon/process/spawner.js';
import pty from 'node-pty';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import { MemoryChannel, waitFor } from '../../unit/process/fixtures.js';
import { startDaemon } from '../../helpers/daemon.js';
import { spawnerSuite } from './spawner-suite.js';

const addon = nativeAddon();

test('the native addon is built and loads on this machine', () => {
  assert.ok(addon, `nativeAddon() is null: ${nativeAddonStatus().reason}`);
  assert.equal(addon.pidfd, true);
  assert.equal(addon.closeRange, true);
  assert.equal(nativeAddonStatus().available, true);
});

spawnerSuite('NativeSpawner', () => new NativeSpawner(addon!));

const dir = mkdtempSync(join(tmpdir(), 'native-spawn-'));
const started: ChildHandle[] = [];
after(() => {
  for (const h of started) {
    try {
      h.kill(9, true);
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** An executable file in the temp dir. */
function file(name: string, content: string, mode = 0o755): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  chmodSync(f, mode);
  return f;
}

function plan(over: Partial<SpawnPlan> & { argv: string[] }): SpawnPlan {
  return { name: 'native', filename: over.argv[0]!, env: { PATH: '/usr/bin:/bin' }, cwd: null, umask: null, credentials: null, ...over };
}

/** Spawn through a NativeSpawner into memory channels; `exit` resolves with the reported exit. */
function run(p: SpawnPlan, opts: { redirect?: boolean; spawner?: NativeSpawner } = {}) {
  const out = new MemoryChannel(null);
  const err = opts.redirect ? null : new MemoryChannel(null);
  let resolve!: (e: ChildExit) => void;
  const exit = new Promise<ChildExit>((r) => (resolve = r));
  const handle = (opts.spawner ?? new NativeSpawner(addon!)).spawn(p, { stdout: out, stderr: err, clock: realClock, onExit: resolve });
  started.push(handle);
  return { handle, out, err, exit, text: () => out.bytes().toString() };
}

/** What the child's descriptors point at; /proc/<pid>/fd can be unreadable for a moment while its exec completes. */
async function fdLinks(pid: number, fds: number[]): Promise<string[]> {
  let links: string[] = [];
  await waitFor(
    () => {
      try {
        links = fds.map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
        return true;
      } catch {
        return false;
      }
    },
    5000,
    `/proc/${pid}/fd`,
  );
  return links;
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, session, …]. */
function stat(pid: number): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** Zombie children of this test process (a failed spawn must reap its child). */
function zombies(): number[] {
  const kids = readdirSync('/proc/self/task').flatMap((t) =>
    readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
  return kids.filter((k) => {
    try {
      return stat(k)[0] === 'Z';
    } catch {
      return false;
    }
  });
}

describe('NativeSpawner: exec errors', { skip: !addon && 'addon not built' }, () => {
  test('ENOENT, EACCES, ENOEXEC and a missing #! interpreter: Supervisor texts, the child reaped', () => {
    const noInterp = file('nointerp.sh', '#!/nonexistent/sh\necho never\n');
    const notExecInterp = file('plain-interp', 'not a program\n', 0o644);
    const badInterp = file('badinterp.sh', `#!${notExecInterp}\necho never\n`);
    const garbage = file('garbage.bin', '\x01\x02\x03 not an ELF and no #!\n');
    const noExecBit = file('noexec.sh', '#!/bin/sh\n', 0o644);
    const before = zombies().length;
    for (const [f, code] of [
      ['/nonexistent/prog', 'ENOENT'],
      [noInterp, 'ENOENT'],
      [badInterp, 'EACCES'],
      [noExecBit, 'EACCES'],
      [dir, 'EACCES'],
      [garbage, 'ENOEXEC'],
    ] as const) {
      assert.throws(
        () => run(plan({ argv: [f] })),
        (e: unknown) => e instanceof SpawnError && e.message === `couldn't exec ${f}: ${code}`,
        `${f} -> ${code}`,
      );
    }
    assert.equal(zombies().length, before, 'no zombie left by a failed exec');
  });

  test("a directory that cannot be entered: couldn't chdir", () => {
    const notDir = file('not-a-dir', '');
    assert.throws(() => run(plan({ argv: ['/bin/true'], cwd: join(dir, 'missing') })), {
      message: `couldn't chdir to ${join(dir, 'missing')}: ENOENT`,
    });
    assert.throws(() => run(plan({ argv: ['/bin/true'], cwd: notDir })), { message: `couldn't chdir to ${notDir}: ENOTDIR` });
  });

  test('the addon validates its arguments with a TypeError', () => {
    const base = { file: '/bin/true', argv: ['true'], envp: [], stdio: [0, 1, 2] as [number, number, number] };
    assert.throws(() => addon!.spawn({ ...base, stdio: [0, 1] as unknown as [number, number, number] }, () => {}), TypeError);
    assert.throws(() => addon!.spawn({ ...base, argv: ['a\0b'] }, () => {}), /null byte/);
    assert.throws(() => addon!.spawn({ ...base, umask: 0o1000 }, () => {}), /umask/);
  });
});

/** A program that prints the descriptors it has (the one listdir used is closed again by then). */
const OWN_FDS = "import os; print(sorted(int(f) for f in os.listdir('/proc/self/fd') if os.path.lexists('/proc/self/fd/' + f)))";

describe('NativeSpawner: the child', { skip: !addon && 'addon not built' }, () => {
  test('argv0, environment, directory and umask are applied', async () => {
    const { exit, text } = run(
      plan({ filename: '/bin/sh', argv: ['my-name', '-c', 'echo "$0|$FOO|$(pwd)|$(umask)"'], env: { FOO: 'bar baz' }, cwd: dir, umask: 0o027 }),
    );
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.equal(text(), `my-name|bar baz|${dir}|0027\n`);
  });

  test('exit by a signal is reported by name', async () => {
    const { exit } = run(plan({ filename: '/bin/sh', argv: ['sh', '-c', 'kill -TERM $$; sleep 5'] }));
    assert.deepEqual(await exit, { code: null, signal: 'SIGTERM' });
  });

  test('every signal at its default and none blocked; SIGPIPE ends `yes | head -1`', async () => {
    const { exit, text } = run(
      plan({
        filename: '/bin/bash',
        argv: ['bash', '-c', 'grep -E "^Sig(Ign|Blk)" /proc/self/status; yes | head -1; echo "yes: ${PIPESTATUS[0]}"'],
      }),
    );
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.equal(text(), 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\ny\nyes: 141\n');
  });

  test("its own process group in the daemon's session, as Supervisor's setpgrp(); pipes on 0, 1 and 2", async () => {
    const { handle, exit } = run(plan({ argv: ['/bin/sleep', '30'] }));
    const pid = handle.pid;
    const [, ppid, pgrp, session] = stat(pid);
    assert.equal(Number(ppid), process.pid);
    assert.equal(Number(pgrp), pid);
    assert.equal(Number(session), Number(stat(process.pid)[3]));
    for (const link of await fdLinks(pid, [0, 1, 2])) assert.match(link, /^pipe:/);
    handle.kill(15, true);
    assert.deepEqual(await exit, { code: null, signal: 'SIGTERM' });
  });

  test('only fds 0, 1 and 2 reach the program', async () => {
    const { exit, text } = run(plan({ filename: '/usr/bin/python3', argv: ['python3', '-c', OWN_FDS] }));
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.equal(text(), '[0, 1, 2]\n');
  });

  test('a descriptor the daemon holds without close-on-exec (a node-pty master) is not inherited', async () => {
    const term = pty.spawn('/bin/sleep', ['30'], {});
    try {
      const ptmx = readdirSync('/proc/self/fd').find((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === '/dev/ptmx';
        } catch {
          return false;
        }
      });
      assert.ok(ptmx, 'node-pty holds /dev/ptmx open');
      const flags = readFileSync(`/proc/self/fdinfo/${ptmx}`, 'utf8').match(/flags:\s+(\d+)/)![1]!;
      assert.equal(Number.parseInt(flags, 8) & 0o2000000, 0, 'the pty master is not close-on-exec');
      const { exit, text } = run(plan({ filename: '/usr/bin/python3', argv: ['python3', '-c', OWN_FDS] }));
      assert.deepEqual(await exit, { code: 0, signal: null });
      assert.equal(text(), '[0, 1, 2]\n');
    } finally {
      term.kill('SIGKILL');
    }
  });

  test('a core dump is reported (Supervisor adds " (core dumped)"); a plain signal death is not one', async (t) => {
    // The kernel writes cores only with a plain core_pattern (a file name) and a core size limit
    // the shell may raise; a pattern piping to a handler may or may not report a dump.
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    const hard = execFileSync('sh', ['-c', 'ulimit -H -c'], { encoding: 'utf8' }).trim();
    if (pattern.startsWith('|') || hard === '0') {
      t.skip(`this kernel does not write core files here (core_pattern ${pattern}, hard limit ${hard})`);
      return;
    }
    const cores = mkdtempSync(join(dir, 'cores-'));
    const dumped = run(plan({ filename: '/bin/sh', argv: ['sh', '-c', 'ulimit -c unlimited; kill -SEGV $$'], cwd: cores }));
    assert.deepEqual(await dumped.exit, { code: null, signal: 'SIGSEGV', coreDumped: true });
    const plain = run(plan({ filename: '/bin/sh', argv: ['sh', '-c', 'ulimit -c 0; kill -SEGV $$'], cwd: cores }));
    assert.deepEqual(await plain.exit, { code: null, signal: 'SIGSEGV' });
  });

  test('a child being watched keeps the event loop alive, as child_process children do', () => {
    // The helper has nothing else to do: without a referenced watch it would exit before the callback.
    const helper = join(dir, 'ref-helper.mjs');
    writeFileSync(
      helper,
      `import { createRequire } from 'node:module';
const addon = createRequire(import.meta.url)(${JSON.stringify(addonPath())});
addon.spawn({ file: '/bin/sh', argv: ['sh', '-c', 'sleep 0.2; exit 4'], envp: [], stdio: [0, 1, 2] }, (code, sig) => {
  console.log(JSON.stringify({ code, sig }));
});
`,
    );
    const out = execFileSync(process.execPath, [helper], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
    assert.deepEqual(JSON.parse(out), { code: 4, sig: null });
  });

  test('redirect_stderr: one pipe for fds 1 and 2, interleaved writes arrive in order', async () => {
    const { handle, exit, text } = run(
      plan({ filename: '/bin/sh', argv: ['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done; sleep 0.3'] }),
      { redirect: true },
    );
    const links = await fdLinks(handle.pid, [1, 2]);
    assert.equal(links[0], links[1]);
    assert.match(links[0]!, /^pipe:/);
    assert.deepEqual(await exit, { code: 0, signal: null });
    const expected = Array.from({ length: 300 }, (_, i) => `out ${i}\nerr ${i}\n`).join('');
    assert.equal(text(), expected);
  });

  test('stdin reaches the child; after the exit writes give NO_FILE', async () => {
    const { handle, exit, text } = run(plan({ filename: '/bin/sh', argv: ['sh', '-c', 'read line; echo "got $line"'] }));
    handle.writeStdin(Buffer.from('hello\n'));
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.equal(text(), 'got hello\n');
    assert.throws(() => handle.writeStdin(Buffer.from('late\n')), { message: 'NO_FILE' });
  });

  test('backpressure: a paused channel blocks the child, no byte lost, and the pipe grows on a full read', async () => {
    // The child writes 4 MiB of numbered lines, then prints its stdout pipe's capacity on stderr.
    const py =
      'import fcntl, sys\n' +
      'data = "".join("%07d\\n" % i for i in range(524288)).encode()\n' +
      'sys.stdout.buffer.write(data); sys.stdout.flush()\n' +
      'sys.stderr.write(str(fcntl.fcntl(1, 1032)))\n';
    const expected = Array.from({ length: 524288 }, (_, i) => `${String(i).padStart(7, '0')}\n`).join('');
    // Growth asked for explicitly: by default only a root daemon grows its pipes.
    const { handle, out, err, exit } = run(plan({ filename: '/usr/bin/python3', argv: ['python3', '-c', py] }), {
      spawner: new NativeSpawner(addon!, { burstPipeBytes: 1024 * 1024 }),
    });
    // Behind on every chunk, catching up 10 ms later: the pipe fills up while paused each time.
    const write = out.write.bind(out);
    let paused = 0;
    out.write = (chunk, pid) => {
      write(chunk, pid);
      paused++;
      setTimeout(() => handle.resumeOutput(), 10);
      return false;
    };
    await waitFor(() => {
      try {
        return /pipe_write|wait_for/.test(readFileSync(`/proc/${handle.pid}/wchan`, 'utf8'));
      } catch {
        return false;
      }
    }, 10_000, 'the child to block on its full pipe');
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.ok(paused > 1);
    assert.equal(out.bytes().toString(), expected, 'every byte, in order');
    assert.equal(err!.bytes().toString(), String(1024 * 1024), 'the stdout pipe grew to 1 MiB');
  });

  test('burstPipeBytes: 0 never grows a pipe', async () => {
    const py = 'import fcntl, sys\nsys.stdout.buffer.write(b"x" * 2000000); sys.stdout.flush()\nsys.stderr.write(str(fcntl.fcntl(1, 1032)))\n';
    const { handle, out, err, exit } = run(plan({ filename: '/usr/bin/python3', argv: ['python3', '-c', py] }), {
      spawner: new NativeSpawner(addon!, { burstPipeBytes: 0 }),
    });
    const write = out.write.bind(out);
    out.write = (chunk, pid) => {
      write(chunk, pid);
      setTimeout(() => handle.resumeOutput(), 5);
      return false;
    };
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.equal(out.bytes().length, 2000000);
    assert.equal(err!.bytes().toString(), '65536');
  });

  test("exit watching reaps only its own children: child_process still sees its children's exits", async () => {
    const cp = cpSpawn('/bin/sh', ['-c', 'sleep 0.2; exit 5'], { stdio: 'ignore' });
    const cpExit = new Promise<number | null>((r) => cp.once('exit', (code) => r(code)));
    const native = run(plan({ filename: '/bin/sh', argv: ['sh', '-c', 'sleep 0.1; exit 6'] }));
    assert.deepEqual(await native.exit, { code: 6, signal: null });
    assert.equal(await cpExit, 5);
  });

  const asRoot = { skip: process.getuid?.() !== 0 && 'needs root' };
  const nobody = (): { uid: number; gid: number } => ({
    uid: Number(execFileSync('id', ['-u', 'nobody']).toString()),
    gid: Number(execFileSync('id', ['-g', 'nobody']).toString()),
  });

  test('user= is switched in the child: no setpriv, argv[0] as written, the same pipes', asRoot, async () => {
    const { uid, gid } = nobody();
    const groups = execFileSync('id', ['-G', 'nobody']).toString().trim();
    // argv[0] is the command word as Supervisor passes it ("sh", not the resolved /bin/sh).
    const argv = ['sh', '-c', 'id -u; id -g; id -G; tr "\\0" " " < /proc/$$/cmdline; echo; readlink /proc/self/fd/1'];
    const r = run(plan({ filename: '/bin/sh', argv, credentials: { uid, gid } }));
    assert.deepEqual(await r.exit, { code: 0, signal: null });
    const lines = r.text().split('\n');
    assert.deepEqual(lines.slice(0, 4), [String(uid), String(gid), groups, `${argv.join(' ')} `]);
    assert.match(lines[4]!, /^pipe:/);
  });

  // A user that some group lists as a member, so that the supplementary groups are more than the primary.
  const member = execFileSync('getent', ['group'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(':')[3]?.split(',')[0])
    .find((u) => u && u !== 'root');
  test('user=: the supplementary groups of a user listed in /etc/group', { skip: asRoot.skip || (!member && 'no group lists a member here') }, async () => {
    const id = (flag: string) => execFileSync('id', [flag, member!], { encoding: 'utf8' }).trim();
    const r = run(plan({ filename: '/bin/sh', argv: ['sh', '-c', 'id -G'], credentials: { uid: Number(id('-u')), gid: Number(id('-g')) } }));
    assert.deepEqual(await r.exit, { code: 0, signal: null });
    assert.equal(r.text().trim(), id('-G'));
    assert.ok(id('-G').includes(' '), `${member} has more than one group`);
  });

  test('user=: the directory is entered as the user, as in Supervisor (a directory only root may enter fails)', asRoot, () => {
    const { uid, gid } = nobody();
    const locked = join(dir, 'root-only');
    execFileSync('mkdir', ['-m', '0700', locked]);
    assert.throws(
      () => run(plan({ filename: '/bin/true', argv: ['true'], cwd: locked, credentials: { uid, gid } })),
      (e: unknown) => e instanceof SpawnError && e.message === `couldn't chdir to ${locked}: EACCES`,
    );
    // As root the same directory works.
    assert.doesNotThrow(() => run(plan({ filename: '/bin/true', argv: ['true'], cwd: locked })));
  });

  test("user=: a uid without a passwd entry is Supervisor's `Can't find uid`", asRoot, () => {
    // The config checks the user when it is read; the entry can still be gone by the time of a spawn.
    const known = (id: number): boolean => {
      try {
        execFileSync('getent', ['passwd', String(id)], { stdio: 'ignore' });
        return true;
      } catch {
        return false; // getent exits 2 for an unknown key
      }
    };
    let uid = 54321;
    while (known(uid)) uid++;
    assert.throws(
      () => run(plan({ filename: '/bin/true', argv: ['true'], credentials: { uid, gid: uid } })),
      (e: unknown) => e instanceof SpawnError && e.message === `couldn't setuid to ${uid}: Can't find uid ${uid}`,
    );
  });
});

describe('which spawner the daemon uses', () => {
  const bin = fileURLToPath(new URL('../../../daemon/process/native-addon.js', import.meta.url));

  test('defaultSpawner is the native one here, and says so once at debug level', () => {
    const logger = new MemoryLogger();
    const s = defaultSpawner(logger);
    assert.ok(s instanceof NativeSpawner, `not native: ${nativeAddonStatus().reason}`);
    assert.equal(defaultSpawner(logger), s);
    assert.deepEqual(
      logger.messages().filter((m) => m.startsWith('pipe spawner:')),
      [`pipe spawner: native (loaded from ${addonPath()})`],
    );
  });

  test('SUPERVISOR_TS_NATIVE=0 turns the addon off, with the reason', () => {
    const code = `import(${JSON.stringify(bin)}).then((m) => console.log(JSON.stringify([m.nativeAddon(), m.nativeAddonStatus()])))`;
    const out = execFileSync(process.execPath, ['-e', code], { env: { ...process.env, SUPERVISOR_TS_NATIVE: '0' } }).toString();
    assert.deepEqual(JSON.parse(out), [null, { available: false, reason: 'SUPERVISOR_TS_NATIVE=0' }]);
  });

  for (const native of [true, false]) {
    test(`a real daemon ${native ? 'uses real pipes' : 'falls back to child_process with SUPERVISOR_TS_NATIVE=0'}`, async () => {
      const d = await startDaemon('[program:cat]\ncommand=/bin/cat\nredirect_stderr=true\nstartsecs=0\n', {
        loglevel: 'debug',
        prefix: native ? [] : ['env', 'SUPERVISOR_TS_NATIVE=0'],
      });
      try {
        await d.waitForLog(/success: cat entered RUNNING/);
        const line = await d.waitForLog(/pipe spawner: /);
        const pid = d.spawnedPid('cat');
        const link = readlinkSync(`/proc/${pid}/fd/1`);
        if (native) {
          assert.match(line, /pipe spawner: native \(loaded from .*supervisor_native\.node\)/);
          assert.match(link, /^pipe:/);
          assert.equal(readlinkSync(`/proc/${pid}/fd/2`), link, 'redirect_stderr: one pipe for 1 and 2');
        } else {
          assert.match(line, /pipe spawner: child_process \(native addon not used: SUPERVISOR_TS_NATIVE=0\)/);
          assert.match(link, /^socket:/);
        }
      } finally {
        assert.equal(await d.stop(), 0);
      }
    });
  }
});
