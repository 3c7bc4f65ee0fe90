/**
 * Every edge of Supervisor's process state machine (reference e.2) with its activity-log line and
 * its process-state event, driven by a FakeClock and a fake spawner.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessStates as S, type ProcessState } from '../../../src/api/states.js';
import { LogLevels } from '../../../daemon/logs/logger.js';
import type { ProcessConfig } from '../../../src/config/types.js';
import { FakeClock } from '../../../daemon/process/clock.js';
import { Subprocess } from '../../../daemon/process/subprocess.js';
import { FakeSpawner, makeEngine, makeProcessConfig, memoryChannels } from './fixtures.js';

const T0 = 1_700_000_000;

function setup(overrides: Partial<ProcessConfig> = {}, setupEnv?: { env: Record<string, string>; uid: number }) {
  const engine = makeEngine();
  const spawner = new FakeSpawner();
  const channels = memoryChannels();
  const cfg = makeProcessConfig(overrides);
  const p = new Subprocess(cfg, engine.ctx, { spawner, channels: channels.factory, setup: setupEnv });
  const clock = engine.clock as FakeClock;
  return { engine, spawner, channels, p, clock, logger: engine.logger, events: engine.events };
}

/** The last log line at exactly `level`. */
function lastAt(logger: { lines: { level: number; msg: string }[] }, level: number): string | undefined {
  return logger.lines.filter((l) => l.level === level).map((l) => l.msg).pop();
}

function stateTypes(events: { type: string }[]): string[] {
  return events.map((e) => e.type);
}

describe('spawn', () => {
  test('autostart: STOPPED -> STARTING with the spawned line and a STARTING event', () => {
    const { p, spawner, logger, events } = setup();
    p.transition();
    assert.equal(p.state, S.STARTING);
    assert.equal(p.pid, spawner.last.pid);
    assert.equal(p.laststart, T0);
    assert.ok(logger.lines.some((l) => l.level === LogLevels.info && l.msg === `spawned: 'x' with pid ${p.pid}`));
    assert.deepEqual(events[0], {
      kind: 'process-state',
      type: 'PROCESS_STATE_STARTING',
      name: 'x',
      group: 'x',
      from: S.STOPPED,
      to: S.STARTING,
      pid: 0,
      tries: 0,
    });
  });

  test('the event is emitted after the state is set', () => {
    const { p, engine } = setup();
    const seen: ProcessState[] = [];
    engine.bus.on('process-state', () => seen.push(p.state));
    p.transition();
    assert.deepEqual(seen, [S.STARTING]);
  });

  test('autostart=false, a mood other than RUNNING, and a second pass do not spawn', () => {
    const a = setup({ autostart: false });
    a.p.transition();
    assert.equal(a.p.state, S.STOPPED);
    assert.equal(a.spawner.children.length, 0);

    const b = setup();
    b.engine.setMood(-1);
    b.p.transition();
    assert.equal(b.p.state, S.STOPPED);
    b.engine.setMood(0);
    b.p.transition();
    assert.equal(b.spawner.children.length, 0);

    // Started once and stopped by hand: autostart does not apply again (laststart != 0).
    const c = setup();
    c.p.transition();
    c.clock.advance(2);
    c.p.transition();
    c.p.stop();
    c.spawner.last.killed('SIGTERM');
    assert.equal(c.p.state, S.STOPPED);
    c.p.transition();
    assert.equal(c.spawner.children.length, 1);
  });

  test('spawn() on a running process warns and returns null', () => {
    const { p, logger } = setup();
    p.spawn();
    assert.equal(p.spawn(), null);
    assert.equal(lastAt(logger, LogLevels.warn), "process 'x' already running");
  });

  test('an exit at the very instant of the spawn is not "too quickly" (Supervisor warns instead)', () => {
    const { p, spawner, logger, events } = setup();
    p.spawn();
    const pid = p.pid;
    spawner.last.exit(0);
    assert.equal(
      lastAt(logger, LogLevels.warn),
      `process 'x' (${pid}) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly`,
    );
    // STARTING -> RUNNING -> EXITED in the exit handler.
    assert.deepEqual(stateTypes(events), ['PROCESS_STATE_STARTING', 'PROCESS_STATE_RUNNING', 'PROCESS_STATE_EXITED']);
  });

  test('passes the resolved plan to the spawner', () => {
    const { p, spawner } = setup({ argv: ['sh', '-c', 'true'], environment: { A: '1' }, umask: 0o077 }, { env: { PATH: '/usr/bin:/bin' }, uid: 0 });
    p.spawn();
    const plan = spawner.last.plan;
    assert.equal(plan.filename, '/usr/bin/sh');
    assert.deepEqual(plan.argv, ['sh', '-c', 'true']);
    assert.equal(plan.env.A, '1');
    assert.equal(plan.env.SUPERVISOR_PROCESS_NAME, 'x');
    assert.equal(plan.umask, 0o077);
    assert.equal(plan.credentials, null);
  });
});

describe('spawn errors -> BACKOFF', () => {
  let dir: string;
  test.before(() => {
    dir = mkdtempSync(join(tmpdir(), 'proc-unit-'));
  });
  test.after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, () => Partial<ProcessConfig>, string][] = [
    ['missing command', () => ({ argv: ['/nonexistent/prog'] }), "can't find command '/nonexistent/prog'"],
    ['missing on PATH', () => ({ argv: ['no-such-prog-xyz'], environment: { PATH: '/nonexistent' } }), "can't find command 'no-such-prog-xyz'"],
    [
      'not executable',
      () => {
        const f = join(dir, 'noexec');
        writeFileSync(f, '#!/bin/sh\n');
        chmodSync(f, 0o644);
        return { argv: [f] };
      },
      'command at \'DIR/noexec\' is not executable',
    ],
    ['a directory', () => ({ argv: [dir] }), "command at 'DIR' is a directory"],
    ['bad directory', () => ({ directory: '/nonexistent/dir' }), "couldn't chdir to /nonexistent/dir: ENOENT"],
  ];
  for (const [what, cfg, text] of cases) {
    test(what, () => {
      const { p, logger, events, spawner } = setup(cfg());
      const expected = text.replaceAll('DIR', dir);
      assert.equal(p.spawn(), null);
      assert.equal(p.state, S.BACKOFF);
      assert.equal(p.spawnerr, expected);
      assert.equal(p.pid, 0);
      assert.equal(p.backoff, 1);
      assert.equal(spawner.children.length, 0);
      assert.equal(lastAt(logger, LogLevels.info), `spawnerr: ${expected}`);
      assert.deepEqual(stateTypes(events), ['PROCESS_STATE_STARTING', 'PROCESS_STATE_BACKOFF']);
      assert.equal(events[1]!.tries, 1);
      assert.equal(p.info().description, expected);
    });
  }

  test('user= when the daemon is not root', () => {
    const { p } = setup({ user: 'nobody', uid: 65534, gid: 65534 }, { env: process.env as Record<string, string>, uid: 1000 });
    p.spawn();
    assert.equal(p.state, S.BACKOFF);
    assert.equal(p.spawnerr, "couldn't setuid to 65534: Can't drop privilege as nonroot user");
  });

  test('user= equal to the daemon user needs no switch; root switching gets credentials', () => {
    const same = setup({ user: 'u', uid: 1000, gid: 1000 }, { env: process.env as Record<string, string>, uid: 1000 });
    same.p.spawn();
    assert.equal(same.spawner.last.plan.credentials, null);
    const root = setup({ user: 'nobody', uid: 65534, gid: 65534 }, { env: process.env as Record<string, string>, uid: 0 });
    root.p.spawn();
    assert.deepEqual(root.spawner.last.plan.credentials, { uid: 65534, gid: 65534 });
  });

  test('a SpawnError from the spawner becomes spawnerr', () => {
    const { p, spawner, logger } = setup();
    spawner.failNext = "couldn't exec /bin/sh: EACCES";
    assert.equal(p.spawn(), null);
    assert.equal(p.state, S.BACKOFF);
    assert.equal(p.spawnerr, "couldn't exec /bin/sh: EACCES");
    assert.equal(lastAt(logger, LogLevels.info), "spawnerr: couldn't exec /bin/sh: EACCES");
  });

  test('spawn errors retry with backoff and then give up', () => {
    const { p, clock, logger, events } = setup({ argv: ['/nonexistent/prog'], startretries: 1 });
    p.transition(); // STOPPED -> STARTING -> BACKOFF (tries 1)
    clock.advance(1.001);
    p.transition(); // BACKOFF -> STARTING -> BACKOFF (tries 2), and 2 > 1: BACKOFF -> FATAL
    assert.equal(p.state, S.FATAL);
    assert.equal(lastAt(logger, LogLevels.info), 'gave up: x entered FATAL state, too many start retries too quickly');
    assert.equal(p.info().description, "can't find command '/nonexistent/prog'");
    assert.deepEqual(stateTypes(events).slice(-1), ['PROCESS_STATE_FATAL']);
  });
});

describe('STARTING', () => {
  test('-> RUNNING strictly after startsecs', () => {
    const { p, clock, logger, events } = setup({ startsecs: 3 });
    p.transition();
    clock.advance(3);
    p.transition();
    assert.equal(p.state, S.STARTING, 'exactly startsecs is not enough');
    clock.advance(0.01);
    p.transition();
    assert.equal(p.state, S.RUNNING);
    assert.equal(
      lastAt(logger, LogLevels.info),
      'success: x entered RUNNING state, process has stayed up for > than 3 seconds (startsecs)',
    );
    const ev = events[events.length - 1]!;
    assert.equal(ev.type, 'PROCESS_STATE_RUNNING');
    assert.equal(ev.from, S.STARTING);
    assert.equal(ev.pid, p.pid);
  });

  test('startsecs=0: RUNNING on the next transition', () => {
    const { p } = setup({ startsecs: 0 });
    p.transition();
    assert.equal(p.state, S.STARTING, 'not in the pass that spawned it');
    p.transition();
    assert.equal(p.state, S.RUNNING);
  });

  test('exit within startsecs -> BACKOFF, Exited too quickly', () => {
    const { p, spawner, clock, logger, events } = setup();
    p.transition();
    clock.advance(0.5);
    spawner.last.exit(3);
    assert.equal(p.state, S.BACKOFF);
    assert.equal(p.spawnerr, 'Exited too quickly (process log may have details)');
    assert.equal(p.exitstatus, null);
    assert.equal(p.pid, 0);
    assert.equal(p.laststop, T0 + 0.5);
    assert.equal(lastAt(logger, LogLevels.warn), 'exited: x (exit status 3; not expected)');
    const ev = events[events.length - 1]!;
    assert.deepEqual([ev.type, ev.from, ev.tries], ['PROCESS_STATE_BACKOFF', S.STARTING, 1]);
    assert.equal(p.info().description, 'Exited too quickly (process log may have details)');
  });

  test('startsecs=0 exits never go to BACKOFF: autorestart=true restarts forever', () => {
    const { p, spawner, clock } = setup({ startsecs: 0, autorestart: 'true' });
    for (let i = 0; i < 5; i++) {
      p.transition();
      clock.advance(0.01);
      spawner.last.exit(1);
      assert.equal(p.state, S.EXITED);
    }
    p.transition();
    assert.equal(spawner.children.length, 6);
  });

  test('the exit handler wakes the owner', () => {
    const { p, spawner, engine } = setup();
    p.transition();
    const before = engine.wakes;
    spawner.last.exit(0);
    assert.equal(engine.wakes, before + 1);
  });

  test('an exit of an old child is ignored', () => {
    const { p, spawner, clock } = setup({ startsecs: 0 });
    p.transition();
    const first = spawner.last;
    clock.advance(0.1);
    first.exit(0);
    p.spawn();
    first.exit(0); // reported again: not the current child
    assert.equal(p.state, S.STARTING);
  });
});

describe('BACKOFF schedule', () => {
  test('spawns at t0, +1 s, +3 s after each exit, then FATAL (startretries=2)', () => {
    const { p, spawner, clock, logger, events } = setup({ startretries: 2 });
    const spawnTimes: number[] = [];
    const exitTimes: number[] = [];
    p.transition();
    spawnTimes.push(clock.now());
    for (let round = 0; round < 3; round++) {
      clock.advance(0.1);
      exitTimes.push(clock.now());
      spawner.last.exit(1);
      assert.equal(p.state, S.BACKOFF);
      assert.equal(p.backoff, round + 1);
      if (round === 2) break;
      // Not yet at delay = exit + backoff (strict).
      clock.advance(round + 1);
      p.transition();
      assert.equal(p.state, S.BACKOFF, `round ${round}: exactly at the delay is too early`);
      clock.advance(0.001);
      p.transition();
      assert.equal(p.state, S.STARTING);
      spawnTimes.push(clock.now());
    }
    assert.equal(spawner.children.length, 3, '1 + startretries spawns');
    assert.ok(Math.abs(spawnTimes[1]! - exitTimes[0]! - 1.001) < 1e-6);
    assert.ok(Math.abs(spawnTimes[2]! - exitTimes[1]! - 2.001) < 1e-6);
    p.transition();
    assert.equal(p.state, S.FATAL);
    assert.equal(p.backoff, 0);
    assert.equal(lastAt(logger, LogLevels.info), 'gave up: x entered FATAL state, too many start retries too quickly');
    const tries = events.filter((e) => e.type === 'PROCESS_STATE_STARTING').map((e) => e.tries);
    assert.deepEqual(tries, [0, 1, 2]);
    assert.equal(events[events.length - 1]!.type, 'PROCESS_STATE_FATAL');
  });

  test('no retry while supervisord is not RUNNING, but it still gives up', () => {
    const { p, spawner, clock, engine } = setup({ startretries: 0 });
    p.transition();
    clock.advance(0.1);
    spawner.last.exit(1);
    engine.setMood(-1);
    clock.advance(5);
    p.transition();
    assert.equal(p.state, S.FATAL);
    assert.equal(spawner.children.length, 1);
  });

  test('a successful start resets the backoff counter', () => {
    const { p, spawner, clock } = setup();
    p.transition();
    clock.advance(0.1);
    spawner.last.exit(1);
    clock.advance(1.1);
    p.transition();
    clock.advance(1.1);
    p.transition();
    assert.equal(p.state, S.RUNNING);
    assert.equal(p.backoff, 0);
  });
});

describe('RUNNING -> EXITED', () => {
  function running(overrides: Partial<ProcessConfig> = {}) {
    const s = setup(overrides);
    s.p.transition();
    s.clock.advance(1.5);
    s.p.transition();
    assert.equal(s.p.state, S.RUNNING);
    return s;
  }

  test('expected exit: INFO line, expected event, no restart with autorestart=unexpected', () => {
    const { p, spawner, logger, events } = running();
    const pid = p.pid;
    spawner.last.exit(0);
    assert.equal(p.state, S.EXITED);
    assert.equal(p.exitstatus, 0);
    assert.equal(p.spawnerr, null);
    assert.equal(lastAt(logger, LogLevels.info), 'exited: x (exit status 0; expected)');
    const ev = events[events.length - 1]!;
    assert.deepEqual([ev.type, ev.from, ev.expected, ev.pid], ['PROCESS_STATE_EXITED', S.RUNNING, true, pid]);
    p.transition();
    assert.equal(p.state, S.EXITED);
    assert.equal(spawner.children.length, 1);
  });

  test('unexpected exit: WARN line, Bad exit code, restart with autorestart=unexpected', () => {
    const { p, spawner, logger, events } = running();
    spawner.last.exit(3);
    assert.equal(p.state, S.EXITED);
    assert.equal(p.spawnerr, 'Bad exit code 3');
    assert.equal(p.info().exitstatus, 3);
    assert.equal(lastAt(logger, LogLevels.warn), 'exited: x (exit status 3; not expected)');
    assert.equal(events[events.length - 1]!.expected, false);
    p.transition();
    assert.equal(p.state, S.STARTING);
    assert.equal(spawner.children.length, 2);
  });

  test('killed by a signal: exitstatus -1, never expected', () => {
    const { p, spawner, logger } = running({ exitcodes: [0, 1] });
    spawner.last.killed('SIGHUP');
    assert.equal(p.exitstatus, -1);
    assert.equal(p.info().exitstatus, -1);
    assert.equal(lastAt(logger, LogLevels.warn), 'exited: x (terminated by SIGHUP; not expected)');
  });

  test('exitcodes decide what is expected', () => {
    const { p, spawner, logger } = running({ exitcodes: [0, 3] });
    spawner.last.exit(3);
    assert.equal(lastAt(logger, LogLevels.info), 'exited: x (exit status 3; expected)');
    p.transition();
    assert.equal(p.state, S.EXITED);
  });

  test('autorestart=true restarts an expected exit; false restarts nothing', () => {
    const t = running({ autorestart: 'true' });
    t.spawner.last.exit(0);
    t.p.transition();
    assert.equal(t.p.state, S.STARTING);

    const f = running({ autorestart: 'false' });
    f.spawner.last.exit(1);
    f.p.transition();
    assert.equal(f.p.state, S.EXITED);
    assert.equal(f.spawner.children.length, 1);
  });

  test('no autorestart while supervisord shuts down', () => {
    const { p, spawner, engine } = running({ autorestart: 'true' });
    spawner.last.exit(0);
    engine.setMood(0);
    p.transition();
    assert.equal(p.state, S.EXITED);
  });
});

describe('stop', () => {
  function running(overrides: Partial<ProcessConfig> = {}) {
    const s = setup(overrides);
    s.p.transition();
    s.clock.advance(1.5);
    s.p.transition();
    return s;
  }

  test('RUNNING -> STOPPING -> STOPPED with stopsignal, the DEBG kill line and the stopped line', () => {
    const { p, spawner, logger, events } = running();
    const pid = p.pid;
    assert.equal(p.stop(), null);
    assert.equal(p.state, S.STOPPING);
    assert.deepEqual(spawner.last.kills, [{ sig: 15, group: false }]);
    assert.equal(lastAt(logger, LogLevels.debug), `killing x (pid ${pid}) with signal SIGTERM`);
    assert.equal(events[events.length - 1]!.type, 'PROCESS_STATE_STOPPING');
    spawner.last.killed('SIGTERM');
    assert.equal(p.state, S.STOPPED);
    assert.equal(p.pid, 0);
    // -1 is not in exitcodes: WARN.
    assert.equal(lastAt(logger, LogLevels.warn), 'stopped: x (terminated by SIGTERM)');
    const ev = events[events.length - 1]!;
    assert.deepEqual([ev.type, ev.from, ev.pid], ['PROCESS_STATE_STOPPED', S.STOPPING, pid]);
    assert.equal(p.stoppedByAdmin, true);
    p.transition();
    assert.equal(p.state, S.STOPPED, 'a stopped process is not restarted');
  });

  test('stopped with an exit code in exitcodes is logged at INFO', () => {
    const { p, spawner, logger } = running();
    p.stop();
    spawner.last.exit(0);
    assert.equal(lastAt(logger, LogLevels.info), 'stopped: x (exit status 0)');
  });

  test('STARTING -> STOPPING, with the configured stopsignal', () => {
    const { p, spawner } = setup({ stopsignal: 'INT' });
    p.transition();
    p.stop();
    assert.equal(p.state, S.STOPPING);
    assert.deepEqual(spawner.last.kills, [{ sig: 2, group: false }]);
  });

  test('SIGKILL after stopwaitsecs, repeated every stopwaitsecs', () => {
    const { p, spawner, clock, logger } = running({ stopwaitsecs: 5 });
    const pid = p.pid;
    p.stop();
    clock.advance(4.99);
    p.transition();
    assert.equal(spawner.last.kills.length, 1);
    clock.advance(0.01);
    p.transition();
    assert.deepEqual(spawner.last.kills[1], { sig: 9, group: false });
    assert.equal(lastAt(logger, LogLevels.warn), `killing 'x' (${pid}) with SIGKILL`);
    assert.equal(lastAt(logger, LogLevels.debug), `killing x (pid ${pid}) with signal SIGKILL`);
    clock.advance(4.99);
    p.transition();
    assert.equal(spawner.last.kills.length, 2);
    clock.advance(0.01);
    p.transition();
    assert.deepEqual(spawner.last.kills[2], { sig: 9, group: false });
    assert.equal(p.state, S.STOPPING);
    spawner.last.killed('SIGKILL');
    assert.equal(p.state, S.STOPPED);
    assert.equal(lastAt(logger, LogLevels.warn), 'stopped: x (terminated by SIGKILL)');
  });

  test('stopasgroup signals -pgid for the stop signal and the SIGKILL', () => {
    const { p, spawner, clock, logger } = running({ stopasgroup: true, killasgroup: true, stopwaitsecs: 2 });
    const pid = p.pid;
    p.stop();
    assert.equal(lastAt(logger, LogLevels.debug), `killing x (pid ${pid}) process group with signal SIGTERM`);
    clock.advance(2);
    p.transition();
    assert.deepEqual(spawner.last.kills, [
      { sig: 15, group: true },
      { sig: 9, group: true },
    ]);
  });

  test('killasgroup alone: the stop signal to the pid, SIGKILL to the group', () => {
    const { p, spawner, clock } = running({ killasgroup: true, stopwaitsecs: 2 });
    p.stop();
    clock.advance(2);
    p.transition();
    assert.deepEqual(spawner.last.kills, [
      { sig: 15, group: false },
      { sig: 9, group: true },
    ]);
  });

  test('BACKOFF -> STOPPED without a signal', () => {
    const { p, spawner, clock, logger, events } = setup();
    p.transition();
    clock.advance(0.1);
    spawner.last.exit(1);
    assert.equal(p.state, S.BACKOFF);
    assert.equal(p.stop(), null);
    assert.equal(p.state, S.STOPPED);
    assert.equal(spawner.last.kills.length, 0);
    assert.equal(lastAt(logger, LogLevels.debug), 'Attempted to kill x, which is in BACKOFF state.');
    assert.equal(events[events.length - 1]!.from, S.BACKOFF);
  });

  test('stop of a process that is not running returns the message', () => {
    const { p, logger } = setup();
    assert.equal(p.stop(), "attempted to kill x with sig SIGTERM but it wasn't running");
    assert.equal(lastAt(logger, LogLevels.debug), "attempted to kill x with sig SIGTERM but it wasn't running");
  });

  test('ESRCH on kill: stays STOPPING, the exit does the rest', () => {
    const { p, spawner, logger } = running();
    const pid = p.pid;
    spawner.last.killError = 'ESRCH';
    assert.equal(p.stop(), null);
    assert.equal(p.state, S.STOPPING);
    assert.equal(
      lastAt(logger, LogLevels.debug),
      `unable to signal x (pid ${pid}), it probably just exited on its own: [Errno 3] No such process`,
    );
    spawner.last.exit(0);
    assert.equal(p.state, S.STOPPED);
  });

  test('any other kill error -> UNKNOWN with a CRIT line', () => {
    const { p, spawner, logger, events } = running();
    const pid = p.pid;
    spawner.last.killError = 'EPERM';
    const msg = p.stop();
    const expected = `unknown problem killing x (${pid}):PermissionError: [Errno 1] Operation not permitted`;
    assert.equal(msg, expected);
    assert.equal(p.state, S.UNKNOWN);
    assert.equal(lastAt(logger, LogLevels.critical), expected);
    assert.deepEqual(stateTypes(events).slice(-2), ['PROCESS_STATE_STOPPING', 'PROCESS_STATE_UNKNOWN']);
    assert.equal(p.nextDeadline(), null, 'no SIGKILL escalation from UNKNOWN');
    spawner.last.exit(0);
    assert.equal(p.state, S.EXITED);
  });

  test('giveUp: BACKOFF -> FATAL', () => {
    const { p, spawner, clock, events } = setup();
    p.transition();
    clock.advance(0.1);
    spawner.last.exit(1);
    p.giveUp();
    assert.equal(p.state, S.FATAL);
    assert.equal(p.backoff, 0);
    assert.equal(p.stoppedBySystem, true);
    assert.equal(events[events.length - 1]!.type, 'PROCESS_STATE_FATAL');
    assert.throws(() => p.giveUp(), /Assertion failed for x: FATAL not in BACKOFF/);
  });

  test('a manual start from FATAL is allowed', () => {
    const { p, spawner, clock } = setup({ startretries: 0 });
    p.transition();
    clock.advance(0.1);
    spawner.last.exit(1);
    p.transition();
    assert.equal(p.state, S.FATAL);
    assert.ok(p.spawn());
    assert.equal(p.state, S.STARTING);
  });

  test('waiting for x to stop, at most every 2 s', () => {
    const { p, clock, logger } = running();
    p.stop();
    p.stopReport();
    p.stopReport();
    clock.advance(1);
    p.stopReport();
    clock.advance(1.5);
    p.stopReport();
    assert.equal(logger.messages().filter((m) => m === 'waiting for x to stop').length, 2);
  });
});

describe('signal', () => {
  test('signals the pid (not the group), by name or number', () => {
    const { p, spawner, logger } = setup({ stopasgroup: true, killasgroup: true });
    p.transition();
    assert.equal(p.signal('HUP'), null);
    assert.equal(p.signal(10), null);
    assert.deepEqual(spawner.last.kills, [
      { sig: 1, group: false },
      { sig: 10, group: false },
    ]);
    assert.equal(lastAt(logger, LogLevels.debug), `sending x (pid ${p.pid}) sig SIGUSR1`);
    assert.equal(p.state, S.STARTING, 'signal() does not change the state');
  });

  test('not running, and errors', () => {
    const { p, spawner } = setup();
    assert.equal(p.signal('HUP'), "attempted to send x sig SIGHUP but it wasn't running");
    p.transition();
    assert.equal(p.signal('NOPE'), 'bad signal name NOPE');
    spawner.last.killError = 'ESRCH';
    assert.equal(p.signal('HUP'), null);
    spawner.last.killError = 'EPERM';
    assert.match(p.signal('HUP')!, /^unknown problem sending sig x \(\d+\):PermissionError/);
    assert.equal(p.state, S.UNKNOWN);
  });
});

describe('stdin, logs, waitForState, nextDeadline', () => {
  test('writeStdin: NOT_RUNNING when stopped or stopping, NO_FILE when closed', () => {
    const { p, spawner } = setup();
    assert.throws(() => p.writeStdin(Buffer.from('a')), /^Error: NOT_RUNNING$/);
    p.transition();
    p.writeStdin(Buffer.from('hello\n'));
    assert.deepEqual(spawner.last.stdin.map(String), ['hello\n']);
    spawner.last.stdinClosed = true;
    assert.throws(() => p.writeStdin(Buffer.from('a')), /^Error: NO_FILE$/);
    p.stop();
    assert.throws(() => p.writeStdin(Buffer.from('a')), /^Error: NOT_RUNNING$/);
  });

  test('log channels: paths, redirect_stderr, reopen, clear, close, drain resumes the child', async () => {
    const { p, channels, spawner } = setup();
    assert.equal(p.logfile('stdout'), '/logs/x-stdout.log');
    assert.equal(p.logfile('stderr'), '/logs/x-stderr.log');
    p.reopenLogs();
    p.clearLogs();
    const out = channels.made.get('x:stdout')!;
    const err = channels.made.get('x:stderr')!;
    assert.deepEqual([out.reopened, err.reopened, out.cleared, err.cleared], [1, 1, 1, 1]);
    p.transition();
    out.drain();
    err.drain();
    assert.equal(spawner.last.resumed, 2);
    await p.close();
    assert.ok(out.closed && err.closed);

    const r = setup({ redirectStderr: true });
    assert.equal(r.p.logfile('stderr'), null);
    assert.equal(r.channels.made.has('x:stderr'), false);
    assert.equal(r.p.info().stderr_logfile, '');
  });

  test('waitForState resolves on the next change into one of the states', async () => {
    const { p, spawner, clock } = setup();
    const running = p.waitForState([S.RUNNING]);
    const stopped = p.waitForState([S.STOPPED, S.EXITED]);
    p.transition();
    clock.advance(1.1);
    p.transition();
    assert.equal(await running, S.RUNNING);
    spawner.last.exit(0);
    assert.equal(await stopped, S.EXITED);
  });

  test('nextDeadline follows the pending edge', () => {
    const { p, spawner, clock, engine } = setup({ startsecs: 2, stopwaitsecs: 7 });
    assert.equal(p.nextDeadline(), T0, 'autostart is due now');
    engine.setMood(-1);
    assert.equal(p.nextDeadline(), null);
    engine.setMood(1);
    p.transition();
    assert.ok(Math.abs(p.nextDeadline()! - (T0 + 2.001)) < 1e-9);
    clock.advance(2.5);
    p.transition();
    assert.equal(p.nextDeadline(), null, 'RUNNING has nothing pending');
    p.stop();
    assert.equal(p.nextDeadline(), T0 + 2.5 + 7);
    spawner.last.killed('SIGTERM');
    assert.equal(p.nextDeadline(), null);
    p.spawn();
    clock.advance(0.5);
    spawner.last.exit(1);
    assert.ok(Math.abs(p.nextDeadline()! - (T0 + 3 + 1.001)) < 1e-9, 'BACKOFF: the retry time');
  });
});
