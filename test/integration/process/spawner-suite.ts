/**
 * The process engine with a real pipe spawner and real programs (/bin/sh scripts in a temp dir):
 * exit codes, spawn errors, environment, umask, user=, stop escalation with and without
 * stopasgroup, stdin, and backpressure. One suite, run against every pipe spawner
 * (spawn-pipe.test.ts: child_process; native-spawn.test.ts: the native addon).
 */
import { test, describe, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessStates as S } from '../../../src/api/states.js';
import { LogLevels } from '../../../daemon/logs/logger.js';
import type { ProcessConfig } from '../../../src/config/types.js';
import { realClock } from '../../../daemon/process/clock.js';
import { Subprocess } from '../../../daemon/process/subprocess.js';
import type { Spawner } from '../../../daemon/process/spawner.js';
import { makeEngine, makeProcessConfig, memoryChannels, waitFor, type MemoryChannel } from '../../unit/process/fixtures.js';

/** The shared tests, in a describe named `label`, each Subprocess spawned by `makeSpawner()`. */
export function spawnerSuite(label: string, makeSpawner: () => Spawner): void {
describe(label, () => {
  const dir = mkdtempSync(join(tmpdir(), 'proc-int-'));
  // user=nobody must be able to reach the scripts.
  chmodSync(dir, 0o755);
  const live: Subprocess[] = [];
  const strayPids: number[] = [];

  function kill(pid: number, sig: NodeJS.Signals = 'SIGKILL'): void {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }

  afterEach(async () => {
    for (const p of live.splice(0)) {
      if (p.pid) kill(-p.pid);
      await waitFor(() => p.pid === 0, 5000, `${p.name} to be reaped`).catch(() => {});
      await p.close();
    }
    for (const pid of strayPids.splice(0)) kill(pid);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A /bin/sh script in the temp dir. */
  function script(name: string, body: string): string {
    const f = join(dir, name);
    writeFileSync(f, `#!/bin/sh\n${body}\n`);
    chmodSync(f, 0o755);
    return f;
  }

  function start(overrides: Partial<ProcessConfig>, opts: { supervisordEnv?: Record<string, string> } = {}) {
    const engine = makeEngine({ clock: realClock, supervisord: { environment: opts.supervisordEnv ?? {} } });
    const channels = memoryChannels();
    const cfg = makeProcessConfig({ startsecs: 0, autostart: false, autorestart: 'false', ...overrides });
    const p = new Subprocess(cfg, engine.ctx, { spawner: makeSpawner(), channels: channels.factory });
    live.push(p);
    const out = () => channels.made.get(`${cfg.name}:stdout`)!;
    const err = () => channels.made.get(`${cfg.name}:stderr`)!;
    return { p, engine, out, err, channels };
  }

  /** Call transition() until `cond` holds, as the daemon's loop would. */
  async function drive(p: Subprocess, cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => {
      p.transition();
      return cond();
    }, timeoutMs, what);
  }

  function text(ch: MemoryChannel): string {
    return ch.bytes().toString();
  }

  /** A process is gone when /proc has no entry for it or it is a zombie waiting for its parent. */
  function gone(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
    } catch {
      return true;
    }
  }

  describe('spawn and exit', () => {
    test('exit code, output on both channels before the exit transition', async () => {
      const { p, out, err, engine } = start({ argv: [script('out.sh', 'echo out; echo err >&2; exit 3')] });
      let bytesAtExit = '';
      engine.bus.on('process-state', (e) => {
        if (e.to === S.EXITED) bytesAtExit = text(out()) + text(err());
      });
      const pid = p.spawn();
      assert.ok(pid && pid > 0);
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.equal(p.exitstatus, 3);
      assert.equal(text(out()), 'out\n');
      assert.equal(text(err()), 'err\n');
      assert.equal(bytesAtExit, 'out\nerr\n', 'every byte was handed over before EXITED');
      assert.ok(out().chunks.every((c) => c.pid === pid));
      assert.equal(out().ended, 1);
      assert.ok(engine.logger.messages().includes('exited: x (exit status 3; not expected)'));
    });

    test('killed by a signal', async () => {
      const { p, engine } = start({ argv: [script('selfkill.sh', 'kill -HUP $$; sleep 5')] });
      p.spawn();
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.equal(p.exitstatus, -1);
      assert.ok(engine.logger.messages().includes('exited: x (terminated by SIGHUP; not expected)'));
    });

    test('redirect_stderr: both streams reach the stdout channel', async () => {
      const { p, out, channels } = start({ redirectStderr: true, argv: [script('both.sh', 'echo one; echo two >&2')] });
      p.spawn();
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.deepEqual(text(out()).split('\n').sort(), ['', 'one', 'two']);
      assert.equal(channels.made.has('x:stderr'), false);
      assert.equal(out().ended, 1, 'EOF is reported once both pipes closed');
    });

    test('argv0 without a slash is found on the program PATH; argv[0] is kept', async () => {
      script('mytool', 'echo "$0 $1"');
      const { p, out } = start({ argv: ['mytool', 'arg'], environment: { PATH: `${dir}:/usr/bin:/bin` } });
      p.spawn();
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.equal(text(out()), `${join(dir, 'mytool')} arg\n`);
    });

    test('startsecs: STARTING -> RUNNING for a program that stays up', async () => {
      const { p } = start({ startsecs: 1, argv: ['/bin/sleep', '30'] });
      p.spawn();
      await drive(p, () => p.state === S.RUNNING, 'RUNNING');
      assert.match(p.info().description, /^pid \d+, uptime 0:00:0\d$/);
    });
  });

  describe('spawn errors', () => {
    test('missing and non-executable commands, a directory', () => {
      const plain = join(dir, 'plain.sh');
      writeFileSync(plain, '#!/bin/sh\n');
      chmodSync(plain, 0o644);
      for (const [argv, msg] of [
        [['/nonexistent/prog'], "can't find command '/nonexistent/prog'"],
        [[plain], `command at '${plain}' is not executable`],
        [[dir], `command at '${dir}' is a directory`],
      ] as const) {
        const { p } = start({ argv: [...argv] });
        assert.equal(p.spawn(), null);
        assert.equal(p.state, S.BACKOFF);
        assert.equal(p.spawnerr, msg);
      }
    });

    test('bad directory', () => {
      const { p, engine } = start({ argv: ['/bin/true'], directory: join(dir, 'missing') });
      assert.equal(p.spawn(), null);
      assert.equal(p.spawnerr, `couldn't chdir to ${join(dir, 'missing')}: ENOENT`);
      assert.ok(engine.logger.messages(LogLevels.info).includes(`spawnerr: couldn't chdir to ${join(dir, 'missing')}: ENOENT`));
    });

    test('an exec failure Node reports late (missing #! interpreter) is a spawn error, not a crash', async () => {
      const f = script('badinterp.sh', 'echo never');
      writeFileSync(f, '#!/nonexistent/interp\necho never\n');
      const { p } = start({ argv: [f] });
      assert.equal(p.spawn(), null);
      assert.equal(p.state, S.BACKOFF);
      assert.equal(p.spawnerr, `couldn't exec ${f}: ENOENT`);
      // Let the deferred 'error' event fire: it must be absorbed.
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(p.state, S.BACKOFF);
    });

    test('directory is applied', async () => {
      const { p, out } = start({ argv: ['/bin/pwd'], directory: dir });
      p.spawn();
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.equal(text(out()), `${dir}\n`);
    });
  });

  describe('child setup', () => {
    test('environment precedence and SUPERVISOR_* variables; HOME untouched', async () => {
      const { p, out } = start(
        {
          name: 'envy',
          group: 'grp',
          serverurl: 'unix:///tmp/test.sock',
          argv: [script('env.sh', 'env')],
          environment: { FROM_PROGRAM: 'p', SHARED: 'program' },
        },
        { supervisordEnv: { FROM_GLOBAL: 'g', SHARED: 'global' } },
      );
      p.spawn();
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      const env = Object.fromEntries(
        text(out())
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      assert.equal(env.SUPERVISOR_ENABLED, '1');
      assert.equal(env.SUPERVISOR_PROCESS_NAME, 'envy');
      assert.equal(env.SUPERVISOR_GROUP_NAME, 'grp');
      assert.equal(env.SUPERVISOR_SERVER_URL, 'unix:///tmp/test.sock');
      assert.equal(env.FROM_GLOBAL, 'g');
      assert.equal(env.FROM_PROGRAM, 'p');
      assert.equal(env.SHARED, 'program');
      assert.equal(env.HOME, process.env.HOME);
    });

    test('umask is applied to the child and restored in the daemon', async () => {
      const before = process.umask();
      const { p, out } = start({ umask: 0o077, argv: [script('umask.sh', 'umask')] });
      p.spawn();
      assert.equal(process.umask(), before);
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.equal(text(out()).trim(), '0077');
    });

    const isRoot = process.getuid?.() === 0;
    test('user=nobody gets uid, gid and the supplementary groups of nobody', { skip: !isRoot && 'needs root' }, async () => {
      const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
      const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
      const groups = execFileSync('id', ['-G', 'nobody']).toString().trim();
      const { p, out } = start({ user: 'nobody', uid, gid, argv: [script('id.sh', 'id -u; id -g; id -G; echo "$HOME"')] });
      p.spawn();
      await drive(p, () => p.state === S.EXITED, 'EXITED');
      assert.deepEqual(text(out()).split('\n'), [String(uid), String(gid), groups, process.env.HOME ?? '', '']);
    });
  });

  describe('stop', () => {
    test('a program that ignores TERM is killed with SIGKILL after stopwaitsecs', async () => {
      const pidfile = join(dir, 'stubborn.pid');
      const { p, engine } = start({
        name: 'stubborn',
        stopwaitsecs: 1,
        argv: [script('stubborn.sh', `trap '' TERM; sleep 1000 & echo $! > ${pidfile}; wait`)],
      });
      const pid = p.spawn()!;
      await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').endsWith('\n'), 5000, 'pidfile');
      const grandchild = Number(readFileSync(pidfile, 'utf8'));
      strayPids.push(grandchild);
      assert.equal(p.stop(), null);
      assert.equal(p.state, S.STOPPING);
      await drive(p, () => p.state === S.STOPPED, 'STOPPED');
      const log = engine.logger.messages();
      assert.ok(log.includes(`killing 'stubborn' (${pid}) with SIGKILL`));
      assert.ok(log.includes('stopped: stubborn (terminated by SIGKILL)'));
      assert.equal(gone(grandchild), false, 'without stopasgroup the grandchild survives');
    });

    test('stopasgroup: the grandchild is gone too', async () => {
      const pidfile = join(dir, 'grouped.pid');
      const { p, engine } = start({
        name: 'grouped',
        stopwaitsecs: 1,
        stopasgroup: true,
        killasgroup: true,
        argv: [script('grouped.sh', `trap '' TERM; sleep 1000 & echo $! > ${pidfile}; wait`)],
      });
      p.spawn();
      await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').endsWith('\n'), 5000, 'pidfile');
      const grandchild = Number(readFileSync(pidfile, 'utf8'));
      strayPids.push(grandchild);
      p.stop();
      await drive(p, () => p.state === S.STOPPED, 'STOPPED');
      assert.ok(engine.logger.messages().includes('stopped: grouped (terminated by SIGKILL)'));
      await waitFor(() => gone(grandchild), 5000, 'grandchild to die');
    });

    test('a TERM that works: stopped at INFO when the code is expected', async () => {
      const { p, engine, out } = start({
        argv: [script('polite.sh', "trap 'exit 0' TERM; echo ready; while :; do sleep 0.05; done")],
      });
      p.spawn();
      await drive(p, () => p.state === S.RUNNING && text(out()) === 'ready\n', 'RUNNING with the trap set');
      p.stop();
      await drive(p, () => p.state === S.STOPPED, 'STOPPED');
      assert.ok(engine.logger.messages(LogLevels.info).includes('stopped: x (exit status 0)'));
    });
  });

  describe('stdin', () => {
    test('bytes written reach the child', async () => {
      const { p, out } = start({ argv: ['/bin/cat'] });
      p.spawn();
      p.writeStdin(Buffer.from('hello\n'));
      await waitFor(() => text(out()) === 'hello\n', 5000, 'echo');
    });

    test('a child that closed its stdin: NO_FILE, never a crash', async () => {
      const { p } = start({ argv: [script('nostdin.sh', 'exec 0<&-; sleep 30')] });
      p.spawn();
      await waitFor(() => {
        try {
          p.writeStdin(Buffer.alloc(1024, 97));
          return false;
        } catch (err) {
          assert.equal((err as Error).message, 'NO_FILE');
          return true;
        }
      }, 5000, 'NO_FILE');
    });
  });

  describe('backpressure', () => {
    test('a channel that is behind holds the child; after drain every byte arrives', async () => {
      // More than any pipe holds: a native pipe grows to 1 MiB on a burst.
      const total = 4 * 1024 * 1024;
      const { p, out } = start({ argv: ['/usr/bin/head', '-c', String(total), '/dev/zero'] });
      let autoDrain = false;
      // Before out() exists the process must be constructed: it is, so make the channel behind.
      const ch = out();
      ch.full = true;
      const origWrite = ch.write.bind(ch);
      ch.write = (chunk, pid) => {
        const ok = origWrite(chunk, pid);
        if (autoDrain) {
          // Behind on every chunk, catching up a moment later: the pipe pauses and resumes each time.
          ch.full = true;
          setImmediate(() => ch.drain());
          return false;
        }
        return ok;
      };
      const pid = p.spawn()!;
      // The child blocks in write() on the full pipe or socketpair (Node's stdio): wchan says so.
      await waitFor(() => {
        try {
          return /pipe_write|sock_alloc_send|unix_stream_sendmsg|wait_for_space/.test(readFileSync(`/proc/${pid}/wchan`, 'utf8'));
        } catch {
          return false;
        }
      }, 10_000, 'the child to block on its pipe');
      assert.ok(ch.bytes().length < total, 'not everything was read');
      assert.notEqual(p.state, S.EXITED);
      autoDrain = true;
      ch.drain();
      await drive(p, () => p.state === S.EXITED, 'EXITED', 20_000);
      assert.equal(ch.bytes().length, total);
      assert.equal(p.exitstatus, 0);
    });
  });
});
}
