/**
 * pty programs in a real supervisord: attach, type, resize, several viewers and one typist through
 * ext.pty* over ZeroMQ, output on the pty topic and in the log, user/umask under the pty, spawn errors,
 * stop and kill reaching the whole process group, and `supervisorctl fg` on a pty program.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../../src/client/index.js';
import type { Client, StreamMessage } from '../../../src/client/types.js';
import type { PtyAttachResult } from '../../../src/api/pty.js';
import type { ProcessInfo } from '../../../src/api/process-info.js';
import { Faults, isFault } from '../../../src/api/faults.js';
import { descendants, isAlive, startDaemon, waitUntil, type DaemonHandle } from '../../helpers/daemon.js';
import { renderScreen } from './render.js';
import { spawnCtl } from './ctl-terminal.js';


const CONF = `[program:shell]
command=/bin/sh -i
pty=true
environment=PS1="$ "
; an interactive shell ignores SIGTERM
stopsignal=HUP

[program:pipe]
command=/bin/sleep 1000

[program:who]
command=/bin/sh -c "id -u; id -g; id -G; umask; pwd; exec sleep 1000"
pty=true
user=nobody
umask=027
directory=/var/tmp

[program:missing]
command=/nonexistent/command
pty=true
startretries=1

[program:busy]
command=%(here)s/busy.sh
pty=true
startretries=1
autostart=false

[program:treestop]
command=/bin/sh -c "sleep 1000 & sleep 1000 & wait"
pty=true
stopasgroup=true

[program:treekill]
command=/bin/sh -c "trap '' TERM; sleep 1000 & sleep 1000 & wait"
pty=true
stopwaitsecs=1
killasgroup=true
`;

let d: DaemonHandle;
const clients: Client[] = [];

before(async () => {
  d = await startDaemon(CONF, { files: { 'busy.sh': '#!/bin/sh\nexit 0\n' } });
  await d.waitForLog(/success: shell entered RUNNING/);
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await d?.stop();
});

async function client(): Promise<Client> {
  const c = await connect(`unix://${d.socketPath}`, { timeoutMs: 30_000 });
  clients.push(c);
  return c;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Collects the pty messages of one program. */
async function watch(c: Client, topic: string): Promise<{ msgs: StreamMessage[]; after(seq: number): string }> {
  const msgs: StreamMessage[] = [];
  await c.subscribe!([topic], (m) => {
    if (m.header.kind === 'pty') msgs.push(m);
  });
  return { msgs, after: (seq) => Buffer.concat(msgs.filter((m) => m.seq > seq).map((m) => m.payload)).toString('utf8') };
}

async function faultOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isFault(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a fault');
}

test('attach, type, see the echo on the pty topic and on the screen; viewers and one typist; resize', async () => {
  const c1 = await client();
  const c2 = await client();
  const live = await watch(c1, 'pty.shell:shell');

  const a1 = (await c1.call('ext.ptyAttach', ['shell', { write: true, cols: 100, rows: 30 }])) as PtyAttachResult;
  assert.equal(a1.writer, true);
  assert.deepEqual([a1.name, a1.group, a1.cols, a1.rows], ['shell', 'shell', 100, 30]);

  assert.equal(await c1.call('ext.ptyInput', ['shell', b64('echo hello\r')]), true);
  await waitUntil(() => live.after(a1.seq).includes('\r\nhello\r\n'), 10_000, 'the echo on the pty topic');

  // A second viewer gets the same screen as the first built from its screen plus the live chunks.
  const a2 = (await c2.call('ext.ptyAttach', ['shell', {}])) as PtyAttachResult;
  assert.equal(a2.writer, false);
  await waitUntil(() => a2.seq <= a1.seq || live.msgs.some((m) => m.seq === a2.seq), 10_000, 'c1 to see up to the snapshot');
  const upTo = live.msgs.filter((m) => m.seq > a1.seq && m.seq <= a2.seq).map((m) => m.payload);
  const fromLive = await renderScreen([a1.screen, ...upTo], 100, 30);
  const fromSnapshot = await renderScreen(a2.screen, a2.cols, a2.rows);
  assert.deepEqual(fromSnapshot, fromLive, 'no chunk lost or doubled between attach and live');
  assert.ok(fromSnapshot.includes('hello'), `the snapshot shows the output: ${JSON.stringify(fromSnapshot)}`);
  assert.ok(fromSnapshot.includes('$ echo hello'));

  // One typist: the viewer may neither type nor resize.
  const refused = await faultOf(c2.call('ext.ptyInput', ['shell', b64('echo intruder\r')]));
  assert.deepEqual(refused, { code: Faults.FAILED, message: 'FAILED: another client is typing' });
  assert.equal((await faultOf(c2.call('ext.ptyResize', ['shell', 50, 10]))).code, Faults.FAILED);
  const a3 = (await c2.call('ext.ptyAttach', ['shell', { write: true }])) as PtyAttachResult;
  assert.equal(a3.writer, false, 'asking to type while another types gives a viewer');

  await c1.call('ext.ptyInput', ['shell', b64('stty size\r')]);
  await waitUntil(() => live.after(a1.seq).includes('\r\n30 100\r\n'), 10_000, 'stty size 30 100');
  assert.equal(await c1.call('ext.ptyResize', ['shell', 40, 12]), true);
  await c1.call('ext.ptyInput', ['shell', b64('stty size\r')]);
  await waitUntil(() => live.after(a1.seq).includes('\r\n12 40\r\n'), 10_000, 'stty size 12 40');

  // The typist leaves; the other client may type now.
  assert.equal(await c1.call('ext.ptyDetach', ['shell']), true);
  assert.equal(await c2.call('ext.ptyInput', ['shell', b64('echo second\r')]), true);
  await waitUntil(() => live.after(a1.seq).includes('\r\nsecond\r\n'), 10_000, 'the second typist');
  assert.equal((await faultOf(c1.call('ext.ptyInput', ['shell', b64('x')]))).code, Faults.FAILED);
  await c2.call('ext.ptyDetach', ['shell']);

  // sendProcessStdin reaches the pty too, and everything is in the stdout log.
  await d.call('supervisor.sendProcessStdin', ['shell', 'echo viastdin\n']);
  await waitUntil(() => live.after(a1.seq).includes('\r\nviastdin\r\n'), 10_000, 'sendProcessStdin output');
  const info = (await d.call('supervisor.getProcessInfo', ['shell'])) as ProcessInfo;
  await waitUntil(() => readFileSync(info.stdout_logfile, 'utf8').includes('viastdin\r\n'), 10_000, 'the stdout log');
  const logged = readFileSync(info.stdout_logfile, 'utf8');
  assert.match(logged, /\r\nhello\r\n/);
  assert.match(logged, /\r\n12 40\r\n/);
});

test('ext.pty* faults: unknown name, not a pty program, not running, bad arguments', async () => {
  const c = await client();
  assert.equal((await faultOf(c.call('ext.ptyAttach', ['nope', {}]))).code, Faults.BAD_NAME);
  assert.deepEqual(await faultOf(c.call('ext.ptyAttach', ['pipe', {}])), { code: Faults.FAILED, message: 'FAILED: not a pty program' });
  assert.equal((await faultOf(c.call('ext.ptyInput', ['pipe', b64('x')]))).code, Faults.FAILED);
  assert.equal((await faultOf(c.call('ext.ptyAttach', ['busy', {}]))).code, Faults.NOT_RUNNING);
  assert.equal((await faultOf(c.call('ext.ptyInput', ['shell', '***']))).code, Faults.BAD_ARGUMENTS);
  assert.equal((await faultOf(c.call('ext.ptyResize', ['shell', 0, 10]))).code, Faults.BAD_ARGUMENTS);
  assert.equal((await faultOf(c.call('ext.ptyAttach', ['shell', { cols: 80 }]))).code, Faults.BAD_ARGUMENTS);
});

test('user=nobody gets its uid, gid and only its own groups, and umask and directory apply', async () => {
  const info = (await d.call('supervisor.getProcessInfo', ['who'])) as ProcessInfo;
  await waitUntil(() => readFileSync(info.stdout_logfile, 'utf8').includes('/var/tmp'), 10_000, "who's output");
  assert.equal(readFileSync(info.stdout_logfile, 'utf8'), '65534\r\n65534\r\n65534\r\n0027\r\n/var/tmp\r\n');
});

test('a missing command is a spawn error: BACKOFF, then FATAL', async () => {
  await waitUntil(async () => ((await d.call('supervisor.getProcessInfo', ['missing'])) as ProcessInfo).statename === 'FATAL', 15_000, 'FATAL');
  const info = (await d.call('supervisor.getProcessInfo', ['missing'])) as ProcessInfo;
  assert.match(info.spawnerr, /can't find command/);
  assert.match(d.log(), /INFO gave up: missing entered FATAL state, too many start retries too quickly/);
});

test('an exec that fails only in the child is a spawn error too, not an exit', async () => {
  // execve refuses a script that is open for writing (ETXTBSY): nothing can tell before the fork.
  const script = join(d.dir, 'busy.sh');
  const fd = openSync(script, 'r+');
  try {
    await d.call('supervisor.startProcess', ['busy', false]);
    await waitUntil(async () => ((await d.call('supervisor.getProcessInfo', ['busy'])) as ProcessInfo).statename === 'FATAL', 15_000, 'FATAL');
  } finally {
    closeSync(fd);
  }
  assert.match(d.log(), new RegExp(`INFO spawnerr: couldn't exec ${script}: ETXTBSY`));
  assert.doesNotMatch(d.log(), /exited: busy/);
});

test('stop reaches the whole process group (stopasgroup), and so does the SIGKILL (killasgroup)', async () => {
  for (const name of ['treestop', 'treekill']) {
    await d.waitForLog(new RegExp(`success: ${name} entered RUNNING`));
    const pid = d.spawnedPid(name);
    const kids = await waitUntil(() => (descendants(pid).length >= 2 ? descendants(pid) : null), 10_000, `${name}'s sleeps`);
    for (const k of kids) d.watched.add(k);
    await d.call('supervisor.stopProcess', [name]);
    const info = (await d.call('supervisor.getProcessInfo', [name])) as ProcessInfo;
    assert.equal(info.statename, 'STOPPED');
    await waitUntil(() => kids.every((k) => !isAlive(k)), 10_000, `${name}'s sleeps to die`);
  }
  assert.match(d.log(), /WARN killing 'treekill' \(\d+\) with SIGKILL/);
});

test('supervisorctl fg on a pty program: the terminal passes through, Ctrl-C reaches the program, Ctrl-] returns', async () => {
  const ctl = spawnCtl(['-c', d.confPath, 'fg', 'shell'], d.dir);
  try {
    await waitUntil(() => ctl.out.includes('$ '), 15_000, 'the shell prompt through fg');
    // The program's terminal follows ours.
    ctl.write('stty size\r');
    await waitUntil(() => ctl.out.includes('25 90'), 10_000, 'stty size through fg');
    // Ctrl-C is a byte for the program (its trap runs), not the end of supervisorctl.
    ctl.write("trap 'echo GOT-INT' INT\r");
    // (Our terminal adds its own \r to the program's \r\n.)
    await waitUntil(() => /trap 'echo GOT-INT' INT\r+\n\$ /.test(ctl.out), 10_000, 'the trap');
    ctl.write('sleep 1000\r');
    const shellPid = d.spawnedPid('shell');
    const sleeper = await waitUntil(() => descendants(shellPid)[0], 10_000, 'the sleep to start');
    d.watched.add(sleeper);
    ctl.write('\x03');
    await waitUntil(() => /\^CGOT-INT\r+\n\$ /.test(ctl.out), 10_000, 'the trap to run');
    await waitUntil(() => !isAlive(sleeper), 10_000, 'Ctrl-C to end the sleep');
    ctl.write('\x1d');
    await waitUntil(() => ctl.exit !== null, 10_000, 'supervisorctl to exit');
    assert.equal(ctl.exit, 0);
    assert.match(ctl.out, /Exiting foreground/);
    const info = (await d.call('supervisor.getProcessInfo', ['shell'])) as ProcessInfo;
    assert.equal(info.statename, 'RUNNING', 'detaching leaves the program running');
  } finally {
    ctl.killIfRunning();
  }
});

test('fg from the classic supervisor> shell: the keys go to the program only, and the shell comes back', async () => {
  const ctl = spawnCtl(['-i', '-c', d.confPath], d.dir);
  try {
    await waitUntil(() => ctl.out.includes('supervisor> '), 15_000, 'the shell prompt');
    ctl.write('fg shell\r');
    await waitUntil(() => ctl.out.includes('Press Ctrl-] to detach'), 10_000, 'fg to attach');
    await waitUntil(() => ctl.out.includes('\x1b[?1049h'), 10_000, 'the program screen');
    ctl.write('echo inshell\r');
    await waitUntil(() => /\ninshell\r+\n/.test(ctl.out), 10_000, 'the echo');
    ctl.write('\x1d');
    await waitUntil(() => /Exiting foreground\r\n[^]*supervisor> /.test(ctl.out), 10_000, 'the shell prompt again');
    ctl.write('status shell\r');
    await waitUntil(() => /shell +RUNNING/.test(ctl.out.slice(ctl.out.indexOf('Exiting foreground'))), 10_000, 'status after fg');
    assert.doesNotMatch(ctl.out, /Unknown syntax/, 'the shell did not see the keys typed for the program');
    ctl.write('quit\r');
    await waitUntil(() => ctl.exit !== null, 10_000, 'supervisorctl to exit');
    assert.equal(ctl.exit, 0);
  } finally {
    ctl.killIfRunning();
  }
});

test('a stopped pty program cannot be attached to', async () => {
  await d.call('supervisor.stopProcess', ['shell']);
  const c = await client();
  assert.equal((await faultOf(c.call('ext.ptyAttach', ['shell', {}]))).code, Faults.NOT_RUNNING);
  assert.equal((await faultOf(c.call('ext.ptyInput', ['shell', b64('x')]))).code, Faults.NOT_RUNNING);
});
