/**
 * supervisor.* methods on processes (reference d.2): start/stop/signal in their single, group and
 * *All* forms with Supervisor's faults and deferred results, the per-process serialisation, info
 * structs, logs, stdin. Real Subprocess state machines over fake children and a FakeClock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Faults } from '../../../src/api/faults.js';
import { ProcessStates, SupervisorStates } from '../../../src/api/states.js';
import type { ProcessInfo, ProcessResult } from '../../../src/api/process-info.js';
import { faultOf, groupOf, withHarness, type Harness } from './fixtures.js';

const manual = { autostart: false };

/** Ends the main loop: every child killed, mood SHUTDOWN. */
async function shutdown(h: Harness): Promise<void> {
  h.sup.setMood(SupervisorStates.SHUTDOWN);
  await h.settle();
  for (const c of h.spawner.children) {
    const p = [...h.sup.groups.values()].flatMap((g) => [...g.processes.values()]).find((x) => x.pid === c.pid);
    if (p) c.killed('SIGTERM');
  }
  await h.settle();
}

test('version, identification, state and pid', async () => {
  await withHarness([groupOf('p', [manual])], async (h) => {
    assert.equal(await h.call('supervisor.getAPIVersion'), '3.0');
    assert.equal(await h.call('supervisor.getVersion'), '3.0');
    assert.equal(await h.call('supervisor.getSupervisorVersion'), '4.2.5');
    assert.equal(await h.call('supervisor.getIdentification'), 'unit');
    assert.deepEqual(await h.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    assert.equal(await h.call('supervisor.getPID'), 4242);
  });
});

test('startProcess: wait=false, ALREADY_STARTED, BAD_NAME, NO_FILE, NOT_EXECUTABLE', async () => {
  await withHarness(
    [groupOf('p', [manual]), groupOf('nf', [{ ...manual, argv: ['/nonexistent/binary'] }]), groupOf('nx', [manual])],
    async (h) => {
      void h.sup.run();
      const script = join(h.dir, 'not-exec.sh');
      writeFileSync(script, '#!/bin/sh\n');
      chmodSync(script, 0o644);
      (h.sup.findProcess('nx')!.config as { argv: string[] }).argv = [script];

      assert.equal(await h.call('supervisor.startProcess', 'p', false), true);
      assert.equal(h.sup.findProcess('p')!.state, ProcessStates.STARTING);
      assert.equal(await faultOf(h.call('supervisor.startProcess', 'p')), `${Faults.ALREADY_STARTED}:ALREADY_STARTED: p`);
      assert.equal(await faultOf(h.call('supervisor.startProcess', 'nosuch')), `${Faults.BAD_NAME}:BAD_NAME: nosuch`);
      assert.equal(await faultOf(h.call('supervisor.startProcess', 'p:nosuch')), `${Faults.BAD_NAME}:BAD_NAME: p:nosuch`);
      assert.equal(await faultOf(h.call('supervisor.startProcess', 'nosuch:*')), `${Faults.BAD_NAME}:BAD_NAME: nosuch:*`);
      assert.equal(
        await faultOf(h.call('supervisor.startProcess', 'nf')),
        `${Faults.NO_FILE}:NO_FILE: can't find command '/nonexistent/binary'`,
      );
      assert.equal(
        await faultOf(h.call('supervisor.startProcess', 'nx')),
        `${Faults.NOT_EXECUTABLE}:NOT_EXECUTABLE: command at '${script}' is not executable`,
      );
      // A spawn error of the spawner itself: the start fails with SPAWN_ERROR and the process backs off.
      h.spawner.failNext = 'boom';
      const p2 = groupOf('q', [manual]);
      h.sup.addProcessGroup(p2);
      assert.equal(await faultOf(h.call('supervisor.startProcess', 'q')), `${Faults.SPAWN_ERROR}:SPAWN_ERROR: q`);
      assert.equal(h.sup.findProcess('q')!.state, ProcessStates.BACKOFF);
      await shutdown(h);
    },
  );
});

test('startProcess with wait: true once RUNNING, SPAWN_ERROR when it exits too quickly', async () => {
  await withHarness([groupOf('p', [manual]), groupOf('quick', [manual])], async (h) => {
    void h.sup.run();
    const started = h.call('supervisor.startProcess', 'p');
    await h.settle();
    assert.equal(h.sup.findProcess('p')!.state, ProcessStates.STARTING);
    await h.advance(1.01);
    assert.equal(await started, true);

    const quick = h.call('supervisor.startProcess', 'quick');
    await h.settle();
    h.child('quick').exit(3);
    assert.equal(await faultOf(quick), `${Faults.SPAWN_ERROR}:SPAWN_ERROR: quick`);
    await shutdown(h);
  });
});

test('startProcess with wait: ABNORMAL_TERMINATION when it leaves STARTING for another state', async () => {
  await withHarness([groupOf('p', [manual])], async (h) => {
    void h.sup.run();
    const started = h.call('supervisor.startProcess', 'p');
    await h.settle();
    // A shutdown stops it while the start waits: STARTING -> STOPPING.
    h.sup.setMood(SupervisorStates.SHUTDOWN);
    assert.equal(await faultOf(started), `${Faults.ABNORMAL_TERMINATION}:ABNORMAL_TERMINATION: p`);
    h.child('p').killed('SIGTERM');
    await h.settle();
  });
});

test('startsecs=0 is RUNNING at once, so a waiting start answers immediately', async () => {
  await withHarness([groupOf('z', [{ ...manual, startsecs: 0 }])], async (h) => {
    void h.sup.run();
    assert.equal(await h.call('supervisor.startProcess', 'z'), true);
    assert.equal(h.sup.findProcess('z')!.state, ProcessStates.RUNNING);
    await shutdown(h);
  });
});

test('stopProcess: NOT_RUNNING, wait until stopped, and `waiting for x to stop`', async () => {
  await withHarness([groupOf('p', [{ ...manual, startsecs: 0 }])], async (h) => {
    void h.sup.run();
    assert.equal(await faultOf(h.call('supervisor.stopProcess', 'p')), `${Faults.NOT_RUNNING}:NOT_RUNNING: p`);
    await h.call('supervisor.startProcess', 'p');
    const stopped = h.call('supervisor.stopProcess', 'p');
    await h.settle();
    assert.equal(h.sup.findProcess('p')!.state, ProcessStates.STOPPING);
    assert.deepEqual(h.child('p').kills, [{ sig: 15, group: false }]);
    assert.ok(h.logger.messages().includes('waiting for p to stop'));
    let done = false;
    void stopped.then(() => (done = true));
    await h.settle();
    assert.equal(done, false);
    h.child('p').killed('SIGTERM');
    assert.equal(await stopped, true);
    assert.equal(h.sup.findProcess('p')!.state, ProcessStates.STOPPED);

    await h.call('supervisor.startProcess', 'p');
    assert.equal(await h.call('supervisor.stopProcess', 'p', false), true);
    assert.equal(h.sup.findProcess('p')!.state, ProcessStates.STOPPING);
    h.child('p').killed('SIGTERM');
    await h.settle();
  });
});

test('calls on one process are serialised; other processes never wait', async () => {
  await withHarness([groupOf('slow', [{ ...manual, startsecs: 0 }]), groupOf('other', [manual])], async (h) => {
    void h.sup.run();
    await h.call('supervisor.startProcess', 'slow');
    const order: string[] = [];
    const stop = h.call('supervisor.stopProcess', 'slow').then(() => order.push('stop slow'));
    const start = h.call('supervisor.startProcess', 'slow', false).then(
      () => order.push('start slow'),
      (e) => order.push(`start slow failed: ${(e as Error).message}`),
    );
    // A different process answers at once, while `slow` is still stopping.
    assert.equal(await h.call('supervisor.startProcess', 'other', false), true);
    order.push('start other');
    await h.settle();
    assert.deepEqual(order, ['start other']);
    h.child('slow').killed('SIGTERM');
    await Promise.all([stop, start]);
    assert.deepEqual(order, ['start other', 'stop slow', 'start slow']);
    await shutdown(h);
  });
});

test('group and *All* forms: result structs in Supervisor order', async () => {
  const g = groupOf('g', [
    { name: 'a', ...manual, priority: 2, startsecs: 0 },
    { name: 'b', ...manual, priority: 1, startsecs: 0 },
    { name: 'c', ...manual, priority: 3, argv: ['/nonexistent/c'] },
  ]);
  await withHarness([g, groupOf('solo', [{ ...manual, startsecs: 0 }], 5)], async (h) => {
    void h.sup.run();
    const ok = (name: string, group = 'g'): ProcessResult => ({ name, group, status: Faults.SUCCESS, description: 'OK' });
    // startsecs=0: every start is done at once, so the order is the priority order (b, a), then c's fault.
    assert.deepEqual(await h.call('supervisor.startProcessGroup', 'g'), [
      ok('b'),
      ok('a'),
      { name: 'c', group: 'g', status: Faults.NO_FILE, description: "NO_FILE: can't find command '/nonexistent/c'" },
    ]);
    // Already running processes are skipped.
    assert.deepEqual(await h.call('supervisor.startProcess', 'g:*'), [
      { name: 'c', group: 'g', status: Faults.NO_FILE, description: "NO_FILE: can't find command '/nonexistent/c'" },
    ]);
    assert.equal(await faultOf(h.call('supervisor.startProcessGroup', 'nosuch')), `${Faults.BAD_NAME}:BAD_NAME: nosuch`);
    // Groups in priority order: solo (5) before g (999).
    assert.deepEqual(await h.call('supervisor.startAllProcesses', false), [
      ok('solo', 'solo'),
      { name: 'c', group: 'g', status: Faults.NO_FILE, description: "NO_FILE: can't find command '/nonexistent/c'" },
    ]);
    await h.settle();

    // Stops that wait answer as the children die: a dies first, then solo, then b.
    const stopping = h.call('supervisor.stopAllProcesses') as Promise<ProcessResult[]>;
    await h.settle();
    for (const name of ['a', 'solo', 'b']) {
      h.child(name === 'solo' ? 'solo' : `g:${name}`).killed('SIGTERM');
      await h.settle();
    }
    assert.deepEqual(await stopping, [ok('a'), ok('solo', 'solo'), ok('b')]);
    assert.deepEqual(await h.call('supervisor.stopProcessGroup', 'g'), []);
    assert.equal(await faultOf(h.call('supervisor.stopProcessGroup', 'nosuch')), `${Faults.BAD_NAME}:BAD_NAME: nosuch`);
  });
});

test('signalProcess and its group forms', async () => {
  const g = groupOf('g', [
    { name: 'a', ...manual, startsecs: 0 },
    { name: 'b', ...manual, startsecs: 0 },
  ]);
  await withHarness([g], async (h) => {
    void h.sup.run();
    assert.equal(await faultOf(h.call('supervisor.signalProcess', 'g:a', 'HUP')), `${Faults.NOT_RUNNING}:NOT_RUNNING: g:a`);
    await h.call('supervisor.startProcess', 'g:a');
    assert.equal(await faultOf(h.call('supervisor.signalProcess', 'g:a', 'BOGUS')), `${Faults.BAD_SIGNAL}:BAD_SIGNAL: BOGUS`);
    assert.equal(await faultOf(h.call('supervisor.signalProcess', 'g:zz', 'HUP')), `${Faults.BAD_NAME}:BAD_NAME: g:zz`);
    assert.equal(await h.call('supervisor.signalProcess', 'g:a', 'usr1'), true);
    assert.equal(await h.call('supervisor.signalProcess', 'g:a', 'SIGHUP'), true);
    assert.equal(await h.call('supervisor.signalProcess', 'g:a', '10'), true);
    assert.deepEqual(h.child('g:a').kills, [{ sig: 10, group: false }, { sig: 1, group: false }, { sig: 10, group: false }]);
    // Group forms skip processes that cannot be signalled (b is stopped).
    const ok = { name: 'a', group: 'g', status: Faults.SUCCESS, description: 'OK' };
    assert.deepEqual(await h.call('supervisor.signalProcessGroup', 'g', 'TERM'), [ok]);
    assert.deepEqual(await h.call('supervisor.signalProcess', 'g:*', 'TERM'), [ok]);
    assert.deepEqual(await h.call('supervisor.signalAllProcesses', 'TERM'), [ok]);
    assert.deepEqual(await h.call('supervisor.signalAllProcesses', 'BOGUS'), [
      { name: 'a', group: 'g', status: Faults.BAD_SIGNAL, description: 'BAD_SIGNAL: BOGUS' },
    ]);
    assert.equal(await faultOf(h.call('supervisor.signalProcessGroup', 'x', 'TERM')), `${Faults.BAD_NAME}:BAD_NAME: x`);
    // While shutting down, signalAllProcesses checks the mood only at the end, but each
    // signalProcess it runs checks it first: nothing is signalled, and the answer is SHUTDOWN_STATE.
    h.sup.setMood(SupervisorStates.SHUTDOWN);
    const before = h.child('g:a').kills.length;
    assert.equal(await faultOf(h.call('supervisor.signalAllProcesses', 'USR1')), `${Faults.SHUTDOWN_STATE}:SHUTDOWN_STATE`);
    assert.ok(!h.child('g:a').kills.slice(before).some((k) => k.sig === 10));
    h.child('g:a').killed('SIGTERM');
    await h.settle();
  });
});

test('getProcessInfo and getAllProcessInfo (lexical order)', async () => {
  const g = groupOf('zg', [{ name: 'b', ...manual }, { name: 'a', ...manual }]);
  await withHarness([g, groupOf('ag', [manual], 1)], async (h) => {
    const info = (await h.call('supervisor.getProcessInfo', 'zg:a')) as ProcessInfo;
    assert.equal(info.name, 'a');
    assert.equal(info.group, 'zg');
    assert.equal(info.statename, 'STOPPED');
    assert.equal(info.description, 'Not started');
    assert.equal(info.stdout_logfile, join(h.dir, 'a-stdout.log'));
    assert.equal(await faultOf(h.call('supervisor.getProcessInfo', 'zg:*')), `${Faults.BAD_NAME}:BAD_NAME: zg:*`);
    assert.equal(await faultOf(h.call('supervisor.getProcessInfo', 'zg')), `${Faults.BAD_NAME}:BAD_NAME: zg`);
    const all = (await h.call('supervisor.getAllProcessInfo')) as ProcessInfo[];
    assert.deepEqual(all.map((i) => `${i.group}:${i.name}`), ['ag:ag', 'zg:a', 'zg:b']);
  });
});

test('getAllConfigInfo: every configured process, active or not, sorted by name', async () => {
  const g = groupOf('g', [
    { name: 'b', autostart: false, directory: '/tmp', uid: 65534, stdout: { logfile: { kind: 'none' }, maxbytes: 0, backups: 1, captureMaxbytes: 0, eventsEnabled: true, syslog: false } },
    { name: 'a', autostart: false, autorestart: 'true', stopsignal: 'KILL', exitcodes: [0, 2] },
  ], 7);
  await withHarness([g], async (h) => {
    const infos = (await h.call('supervisor.getAllConfigInfo')) as Record<string, unknown>[];
    assert.deepEqual(infos.map((i) => i.name), ['a', 'b']);
    const [a, b] = infos as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(a.group, 'g');
    assert.equal(a.group_prio, 7);
    assert.equal(a.process_prio, 999);
    assert.equal(a.inuse, true);
    assert.equal(a.autostart, false);
    assert.equal(a.autorestart, true);
    assert.equal(a.stopsignal, 9);
    assert.deepEqual(a.exitcodes, [0, 2]);
    assert.equal(a.directory, 'none');
    assert.equal(a.uid, 'none');
    assert.equal(a.serverurl, 'none');
    assert.equal(a.stdout_logfile, join(h.dir, 'a-stdout.log'));
    assert.equal(b.directory, '/tmp');
    assert.equal(b.uid, 65534);
    assert.equal(b.autorestart, 'unexpected');
    assert.equal(b.stdout_logfile, 'none');
    assert.equal(b.stdout_events_enabled, true);
    assert.equal(b.stdout_logfile_maxbytes, 0);
    assert.equal(b.stopsignal, 15);
    const keys = Object.keys(a).sort();
    assert.deepEqual(keys, [
      'autorestart', 'autostart', 'command', 'directory', 'exitcodes', 'group', 'group_prio', 'inuse', 'killasgroup',
      'name', 'process_prio', 'redirect_stderr', 'serverurl', 'startretries', 'startsecs', 'stderr_capture_maxbytes',
      'stderr_events_enabled', 'stderr_logfile', 'stderr_logfile_backups', 'stderr_logfile_maxbytes', 'stderr_syslog',
      'stdout_capture_maxbytes', 'stdout_events_enabled', 'stdout_logfile', 'stdout_logfile_backups',
      'stdout_logfile_maxbytes', 'stdout_syslog', 'stopsignal', 'stopwaitsecs', 'uid',
    ]);
    // An inactive group is still listed, inuse false, AUTO logs as 'auto'.
    await h.call('supervisor.removeProcessGroup', 'g');
    const after = (await h.call('supervisor.getAllConfigInfo')) as Record<string, unknown>[];
    assert.equal(after[0]!.inuse, false);
    assert.equal(after[0]!.stdout_logfile, 'auto');
  });
});

test('process logs: read, tail, clear, and the main log', async () => {
  await withHarness([groupOf('p', [manual])], async (h) => {
    assert.equal(
      await faultOf(h.call('supervisor.readProcessStdoutLog', 'p', 0, 0)),
      `${Faults.NO_FILE}:NO_FILE: ${join(h.dir, 'p-stdout.log')}`,
    );
    assert.deepEqual(await h.call('supervisor.tailProcessStdoutLog', 'p', 0, 10), ['', 0, false]);
    writeFileSync(join(h.dir, 'p-stdout.log'), 'hello world\n');
    writeFileSync(join(h.dir, 'p-stderr.log'), 'oops\n');
    assert.equal(await h.call('supervisor.readProcessStdoutLog', 'p', 0, 5), 'hello');
    assert.equal(await h.call('supervisor.readProcessLog', 'p', -6, 0), 'world\n');
    assert.equal(await h.call('supervisor.readProcessStderrLog', 'p', 0, 0), 'oops\n');
    assert.equal(await faultOf(h.call('supervisor.readProcessStdoutLog', 'p', -1, 5)), `${Faults.BAD_ARGUMENTS}:BAD_ARGUMENTS`);
    assert.deepEqual(await h.call('supervisor.tailProcessStdoutLog', 'p', 0, 5), ['orld\n', 12, true]);
    assert.deepEqual(await h.call('supervisor.tailProcessLog', 'p', 0, 100), ['hello world\n', 12, false]);
    assert.deepEqual(await h.call('supervisor.tailProcessStderrLog', 'p', 0, 100), ['oops\n', 5, false]);
    assert.equal(await faultOf(h.call('supervisor.tailProcessStdoutLog', 'x', 0, 1)), `${Faults.BAD_NAME}:BAD_NAME: x`);
    assert.equal(await faultOf(h.call('supervisor.readProcessStdoutLog', 'x', 0, 1)), `${Faults.BAD_NAME}:BAD_NAME: x`);

    assert.equal(await h.call('supervisor.clearProcessLogs', 'p'), true);
    assert.equal(await h.call('supervisor.clearProcessLog', 'p'), true);
    assert.equal(h.channels.get('p:stdout')!.cleared, 2);
    assert.equal(h.channels.get('p:stderr')!.cleared, 2);
    assert.deepEqual(await h.call('supervisor.clearAllProcessLogs'), [{ name: 'p', group: 'p', status: Faults.SUCCESS, description: 'OK' }]);
    assert.equal(await faultOf(h.call('supervisor.clearProcessLogs', 'x')), `${Faults.BAD_NAME}:BAD_NAME: x`);

    assert.equal(await faultOf(h.call('supervisor.readLog', 0, 0)), `${Faults.NO_FILE}:NO_FILE: ${h.mainLog.path}`);
    assert.equal(await faultOf(h.call('supervisor.clearLog')), `${Faults.NO_FILE}:NO_FILE`);
    writeFileSync(h.mainLog.path, 'line one\nline two\n');
    assert.equal(await h.call('supervisor.readLog', -9, 0), 'line two\n');
    assert.equal(await h.call('supervisor.readMainLog', 0, 4), 'line');
    assert.equal(await h.call('supervisor.clearLog'), true);
    assert.equal(h.mainLog.cleared, 1);
  });
});

test('sendProcessStdin and sendRemoteCommEvent', async () => {
  await withHarness([groupOf('p', [{ ...manual, startsecs: 0 }])], async (h) => {
    void h.sup.run();
    assert.equal(await faultOf(h.call('supervisor.sendProcessStdin', 'p', 'x')), `${Faults.NOT_RUNNING}:NOT_RUNNING: p`);
    assert.equal(await faultOf(h.call('supervisor.sendProcessStdin', 'nope', 'x')), `${Faults.BAD_NAME}:BAD_NAME: nope`);
    assert.equal(
      await faultOf(h.call('supervisor.sendProcessStdin', 'p', 5)),
      `${Faults.INCORRECT_PARAMETERS}:INCORRECT_PARAMETERS: parameter 2 of supervisor.sendProcessStdin must be string`,
    );
    await h.call('supervisor.startProcess', 'p');
    assert.equal(await h.call('supervisor.sendProcessStdin', 'p', 'héllo\n'), true);
    assert.deepEqual(h.child('p').stdin, [Buffer.from('héllo\n', 'utf8')]);
    h.child('p').stdinClosed = true;
    assert.equal(await faultOf(h.call('supervisor.sendProcessStdin', 'p', 'x')), `${Faults.NO_FILE}:NO_FILE: p`);

    assert.equal(await h.call('supervisor.sendRemoteCommEvent', 'mytype', 'data'), true);
    assert.ok(h.events.some((e) => e.kind === 'remote-communication' && e.commType === 'mytype' && e.data === 'data'));
    await shutdown(h);
    // The one method that still works while shutting down.
    assert.equal(await h.call('supervisor.sendRemoteCommEvent', 't', 'd'), true);
  });
});

test('SHUTDOWN_STATE once shutting down or restarting; ext.* keeps answering', async () => {
  for (const mood of [SupervisorStates.SHUTDOWN, SupervisorStates.RESTARTING]) {
    await withHarness([groupOf('p', [manual])], async (h) => {
      assert.equal(await h.call(mood === SupervisorStates.SHUTDOWN ? 'supervisor.shutdown' : 'supervisor.restart'), true);
      assert.equal(h.sup.mood, mood);
      const f = `${Faults.SHUTDOWN_STATE}:SHUTDOWN_STATE`;
      for (const [m, params] of [
        ['supervisor.getState', []],
        ['supervisor.getAPIVersion', []],
        ['supervisor.startProcess', ['p']],
        ['supervisor.stopAllProcesses', []],
        ['supervisor.getAllProcessInfo', []],
        ['supervisor.reloadConfig', []],
        ['supervisor.readLog', [0, 0]],
      ] as [string, unknown[]][]) {
        assert.equal(await faultOf(h.table.call(m, params)), f, m);
      }
      const snap = (await h.call('ext.getSnapshot')) as { state: { statecode: number } };
      assert.equal(snap.state.statecode, mood);
    });
  }
});

test('ext.getSnapshot and ext.getLogPaths', async () => {
  await withHarness([groupOf('g', [{ name: 'a', ...manual }, { name: 'b', ...manual, redirectStderr: true }])], async (h) => {
    const snap = (await h.call('ext.getSnapshot')) as Record<string, unknown>;
    assert.equal(snap.identification, 'unit');
    assert.equal(snap.pid, 4242);
    assert.equal(snap.version, '4.2.5');
    assert.deepEqual(snap.state, { statecode: 1, statename: 'RUNNING' });
    assert.deepEqual((snap.processes as ProcessInfo[]).map((p) => p.name), ['a', 'b']);
    assert.deepEqual(await h.call('ext.getLogPaths'), {
      main: h.mainLog.path,
      processes: [
        { namespec: 'g:a', name: 'a', group: 'g', stdout: join(h.dir, 'a-stdout.log'), stderr: join(h.dir, 'a-stderr.log') },
        { namespec: 'g:b', name: 'b', group: 'g', stdout: join(h.dir, 'b-stdout.log'), stderr: '' },
      ],
    });
  });
});
