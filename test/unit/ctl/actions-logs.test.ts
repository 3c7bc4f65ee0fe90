/** tail, maintail, clear, tail -f, maintail -f, fg. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ProcessStates } from '../../../src/api/states.js';
import { Controller } from '../../../src/ctl/controller.js';
import { FakeSupervisor } from './fake-client.js';
import { lines, MemoryIO, run, settings, until } from './memory-io.js';

const HELP_TAIL = lines(
  'tail [-f] <name> [stdout|stderr] (default stdout)',
  'Ex:',
  'tail -f <name>\t\tContinuous tail of named process stdout',
  '\t\t\tCtrl-C to exit.',
  'tail -100 <name>\tlast 100 *bytes* of process stdout',
  'tail <name> stderr\tlast 1600 *bytes* of process stderr',
);
const HELP_MAINTAIL = lines(
  'maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)',
  'maintail -100\tlast 100 *bytes* of supervisord main log file',
  'maintail\tlast 1600 *bytes* of supervisor main log file',
  '',
);

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat', { stdout: 'hello\nworld\n', stderr: 'oops\n' });
  s.add('nolog', { stdout: null, stderr: null, state: ProcessStates.STOPPED, start: 0 });
  s.add('a', { group: 'grp' });
  s.add('b', { group: 'grp', state: ProcessStates.STOPPED, start: 0 });
  return s;
}

test('tail: the last 1600 bytes of stdout, then a newline; -N; stderr; channel case', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'tail cat').then((r) => [r.out, r.status]), ['hello\nworld\n\n', 0]);
  assert.deepEqual(s.calls.at(-1), { method: 'supervisor.readProcessStdoutLog', params: ['cat', -1600, 0] });
  assert.equal((await run(s, 'tail -6 cat')).out, 'world\n\n');
  assert.equal((await run(s, 'tail cat stderr')).out, 'oops\n\n');
  assert.equal((await run(s, 'tail -3 cat STDERR')).out, 'ps\n\n');
  assert.deepEqual(s.calls.at(-1), { method: 'supervisor.readProcessStderrLog', params: ['cat', -3, 0] });
  // -0 reads the whole log (offset 0, length 0), as Supervisor does.
  await run(s, 'tail -0 cat');
  assert.deepEqual(s.calls.at(-1)!.params, ['cat', 0, 0]);
});

test('tail: argument errors', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'tail').then((r) => [r.out, r.status]), ['Error: too few arguments\n' + HELP_TAIL, 1]);
  assert.deepEqual(await run(s, 'tail a b c d').then((r) => [r.out, r.status]), ['Error: too many arguments\n' + HELP_TAIL, 1]);
  assert.deepEqual(await run(s, 'tail cat foo').then((r) => [r.out, r.status]), ["Error: bad channel 'foo'\n", 1]);
  assert.deepEqual(await run(s, 'tail -x cat').then((r) => [r.out, r.status]), ['Error: bad argument -x\n', 1]);
  assert.deepEqual(await run(s, 'tail -f').then((r) => [r.out, r.status]), ['Error: tail requires process name\n', 1]);
  // Three words without a modifier: the last is the channel.
  assert.deepEqual(await run(s, 'tail cat stdout x').then((r) => [r.out, r.status]), ["Error: bad channel 'x'\n", 1]);
});

test('tail: no log file, no such process, unknown read error', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'tail nolog').then((r) => [r.out, r.status]), ['nolog: ERROR (no log file)\n', 1]);
  assert.deepEqual(await run(s, 'tail nosuch').then((r) => [r.out, r.status]), ['nosuch: ERROR (no such process name)\n', 1]);
  s.faults.set('supervisor.readProcessStdoutLog', new RpcFault(Faults.FAILED, 'x'));
  assert.deepEqual(await run(s, 'tail cat').then((r) => [r.out, r.status]), ['cat: ERROR (unknown error reading log)\n', 1]);
});

test('maintail: default, -N, errors', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'maintail').then((r) => [r.out, r.status]), ['main log line 1\nmain log line 2\n\n', 0]);
  assert.deepEqual(s.calls.at(-1), { method: 'supervisor.readLog', params: [-1600, 0] });
  assert.equal((await run(s, 'maintail -2')).out, '2\n\n');
  assert.deepEqual(await run(s, 'maintail 1 2').then((r) => [r.out, r.status]), ['Error: too many arguments\n' + HELP_MAINTAIL, 1]);
  assert.deepEqual(await run(s, 'maintail x').then((r) => [r.out, r.status]), ['Error: bad argument x\n', 1]);
  assert.deepEqual(await run(s, 'maintail -y').then((r) => [r.out, r.status]), ['Error: bad argument -y\n', 1]);
  s.mainLog = null;
  assert.deepEqual(await run(s, 'maintail').then((r) => [r.out, r.status]), ['supervisord: ERROR (no log file)\n', 1]);
  s.faults.set('supervisor.readLog', new RpcFault(Faults.FAILED, 'x'));
  assert.deepEqual(await run(s, 'maintail').then((r) => [r.out, r.status]), ['supervisord: ERROR (unknown error reading log)\n', 1]);
});

test('clear: one, several, all, errors, and g:* clears the whole group', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'clear cat').then((r) => [r.out, r.status]), ['cat: cleared\n', 0]);
  assert.equal(s.proc('cat').stdout, '');
  assert.deepEqual(await run(s, 'clear cat nosuch').then((r) => [r.out, r.status]), ['cat: cleared\nnosuch: ERROR (no such process)\n', 1]);
  s.proc('grp:a').clearFails = true;
  assert.deepEqual(await run(s, 'clear grp:a').then((r) => [r.out, r.status]), ['grp:a: ERROR (failed)\n', 1]);
  const all = await run(s, 'clear all');
  assert.equal(all.out, lines('cat: cleared', 'grp:a: ERROR (failed)', 'grp:b: cleared', 'nolog: cleared'));
  assert.equal(all.status, 1);
  s.proc('grp:a').clearFails = false;
  // Supervisor prints `grp:None: ERROR (no such process)` here; we clear each process of the group.
  assert.deepEqual(await run(s, 'clear grp:*').then((r) => [r.out, r.status]), ['grp:a: cleared\ngrp:b: cleared\n', 0]);
  assert.deepEqual(await run(s, 'clear nog:*').then((r) => [r.out, r.status]), ['nog: ERROR (no such group)\n', 1]);
  assert.deepEqual(
    await run(s, 'clear').then((r) => [r.out, r.status]),
    [
      lines(
        'Error: clear requires a process name',
        "clear <name>\t\tClear a process' log files.",
        "clear <name> <name>\tClear multiple process' log files",
        "clear all\t\tClear all process' log files",
      ),
      1,
    ],
  );
});

/** Starts `line` on a controller without awaiting it, for streaming actions. */
function start(s: FakeSupervisor, line: string, io = new MemoryIO()) {
  const ctl = new Controller(settings(), io, s.connector());
  const done = ctl.onecmd(line);
  return { io, ctl, done };
}

test('tail -f: banner, pushed chunks as they come, Ctrl-C ends with an empty line, exit 0', async () => {
  const s = server();
  const { io, ctl, done } = start(s, 'tail -f cat stderr');
  await until(() => s.listeners.size === 1 && io.listening === 1, 5000, 'following');
  s.emit('cat:stderr', 'one ');
  s.emit('cat:stderr', 'two\n');
  s.emit('cat:stdout', 'not this\n');
  io.interrupt();
  await done;
  assert.equal(io.stdout, '==> Press Ctrl-C to exit <==\none two\n\n');
  assert.equal(ctl.exitstatus, 0);
  assert.equal(s.listeners.size, 0, 'stopped following');
  assert.equal(io.listening, 0, 'Ctrl-C handler removed');
});

test('tail -f: no log file gives the 404 line on stderr, exit 0; the server ending the stream ends it', async () => {
  const s = server();
  const r = await run(s, 'tail -f nolog');
  assert.equal(r.out, '==> Press Ctrl-C to exit <==\n');
  assert.equal(r.err, 'unix:///tmp/fake.sock/logtail/nolog/stdout Cannot read, status code 404\n');
  assert.equal(r.status, 0);
  const { io, done } = start(s, 'tail -f cat');
  await until(() => s.listeners.size === 1, 5000, 'following');
  s.endStreams();
  await done;
  assert.equal(io.stdout, '==> Press Ctrl-C to exit <==\n');
});

test('maintail -f streams the main log until Ctrl-C', async () => {
  const s = server();
  const { io, done } = start(s, 'maintail -f');
  await until(() => s.listeners.size === 1 && io.listening === 1, 5000, 'following');
  s.emit('main', '2026-01-01 INFO x\n');
  io.interrupt();
  await done;
  assert.equal(io.stdout, '==> Press Ctrl-C to exit <==\n2026-01-01 INFO x\n\n');
});

test('fg: argument and state errors', async () => {
  const s = server();
  assert.deepEqual(
    await run(s, 'fg').then((r) => [r.out, r.status]),
    ['ERROR: no process name supplied\nfg <process>\tConnect to a process in foreground mode\n\t\tCtrl-C to exit\n', 1],
  );
  assert.deepEqual(await run(s, 'fg a b').then((r) => [r.out, r.status]), ['ERROR: too many process names supplied\n', 1]);
  assert.deepEqual(await run(s, 'fg nosuch').then((r) => [r.out, r.status]), ['ERROR: bad process name supplied\n', 1]);
  assert.deepEqual(await run(s, 'fg grp:b').then((r) => [r.out, r.status]), ['ERROR: process not running\n', 1]);
});

test('fg: streams stdout and stderr, sends typed lines to stdin, Ctrl-C leaves', async () => {
  const s = server();
  const { io, ctl, done } = start(s, 'fg cat');
  await until(() => s.listeners.size === 2 && io.waiting, 5000, 'attached');
  s.emit('cat:stdout', 'out\n');
  s.emit('cat:stderr', 'err\n');
  io.answer('hello');
  await until(() => s.stdin.length === 1 && io.waiting, 5000, 'line sent');
  assert.deepEqual(s.stdin, [{ name: 'cat', chars: 'hello\n' }]);
  io.interrupt();
  await done;
  assert.equal(io.stdout, '==> Press Ctrl-C to exit <==\nout\nExiting foreground\n');
  assert.equal(io.stderr, 'err\n');
  assert.equal(ctl.exitstatus, 0);
  assert.equal(s.listeners.size, 0);
});

test('fg: end of input leaves; a process that died is reported', async () => {
  const s = server();
  const eof = start(s, 'fg cat');
  await until(() => eof.io.waiting, 5000, 'attached');
  eof.io.end();
  await eof.done;
  assert.equal(eof.io.stdout, '==> Press Ctrl-C to exit <==\nExiting foreground\n');

  // The process stops after the line was sent: getProcessInfo says so.
  const died = start(s, 'fg cat');
  await until(() => died.io.waiting, 5000, 'attached');
  const stopAfterSend = s.handle.bind(s);
  s.handle = (m, p) => {
    const r = stopAfterSend(m, p);
    if (m === 'supervisor.sendProcessStdin') s.proc('cat').state = ProcessStates.EXITED;
    return r;
  };
  died.io.answer('bye');
  await died.done;
  assert.equal(died.io.stdout, '==> Press Ctrl-C to exit <==\nProcess got killed\nExiting foreground\n');
});

test('fg: sendProcessStdin faults', async () => {
  const s = server();
  const notRunning = start(s, 'fg cat');
  await until(() => notRunning.io.waiting, 5000, 'attached');
  s.faults.set('supervisor.sendProcessStdin', new RpcFault(Faults.NOT_RUNNING, 'cat'));
  notRunning.io.answer('x');
  await notRunning.done;
  assert.equal(notRunning.io.stdout, '==> Press Ctrl-C to exit <==\nProcess got killed\nExiting foreground\n');

  const other = start(s, 'fg cat');
  await until(() => other.io.waiting, 5000, 'attached');
  s.faults.set('supervisor.sendProcessStdin', new RpcFault(Faults.NO_FILE, 'cat'));
  other.io.answer('x');
  await other.done;
  assert.equal(other.io.stdout, "==> Press Ctrl-C to exit <==\nERROR: <Fault 20: 'NO_FILE: cat'>\nExiting foreground\n");
});
