/**
 * Remote pty attach: a real supervisord whose ZeroMQ sockets are on tcp with PLAIN credentials, a
 * `pty=true` shell, and clients that reach it only over tcp. With the right credentials a client
 * attaches as the typist, types through ext.ptyInput and sees the output on the `pty.` topic, and
 * `supervisorctl -s tcp://… fg` does the same from a terminal; wrong credentials are refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../../src/client/index.js';
import { ClientError, type Client, type StreamMessage } from '../../../src/client/types.js';
import type { PtyAttachResult } from '../../../src/api/pty.js';
import type { ProcessInfo } from '../../../src/api/process-info.js';
import { freePort } from '../http/helpers.js';
import { startDaemon, waitUntil, type DaemonHandle } from '../../helpers/daemon.js';
import { renderScreen } from './render.js';
import { spawnCtl } from './ctl-terminal.js';


const USER = 'remote';
const PASSWORD = 'pty-pass';

let d: DaemonHandle;
let url: string;
const clients: Client[] = [];

before(async () => {
  const [control, events] = [await freePort(), await freePort()];
  url = `tcp://127.0.0.1:${control}`;
  // The helper's unix socket stays (XML-RPC, for d.call); the ZeroMQ sockets are tcp only.
  d = await startDaemon(`[zmq_server]
endpoint=${url}
pubsub_endpoint=tcp://127.0.0.1:${events}
username=${USER}
password=${PASSWORD}

[program:shell]
command=/bin/sh -i
pty=true
environment=PS1="$ "
; an interactive shell ignores SIGTERM
stopsignal=HUP
`);
  await d.waitForLog(/success: shell entered RUNNING/);
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await d?.stop();
});

async function client(username: string, password: string): Promise<Client> {
  const c = await connect(url, { username, password, timeoutMs: 30_000 });
  clients.push(c);
  return c;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('over tcp with credentials: attach as the typist, type, see the output on the pty topic', async () => {
  const c = await client(USER, PASSWORD);
  const msgs: StreamMessage[] = [];
  await c.subscribe!(['pty.shell:shell'], (m) => {
    if (m.header.kind === 'pty') msgs.push(m);
  });
  const after = (seq: number): string => Buffer.concat(msgs.filter((m) => m.seq > seq).map((m) => m.payload)).toString('utf8');

  const a = (await c.call('ext.ptyAttach', ['shell', { write: true, cols: 80, rows: 24 }])) as PtyAttachResult;
  try {
    assert.equal(a.writer, true);
    assert.deepEqual([a.name, a.group, a.cols, a.rows], ['shell', 'shell', 80, 24]);
    const screen = await renderScreen(a.screen, a.cols, a.rows);
    assert.ok(screen.some((l) => l.startsWith('$ ')), `the screen shows the prompt: ${JSON.stringify(screen)}`);

    assert.equal(await c.call('ext.ptyInput', ['shell', b64('echo remote-ok\r')]), true);
    // The echo of the typed line has `echo remote-ok`; the command's own output is on a line of its own.
    await waitUntil(() => after(a.seq).includes('\r\nremote-ok\r\n'), 10_000, 'remote-ok on the pty topic');
    assert.ok(msgs.every((m) => m.topic === 'pty.shell:shell' && m.header.name === 'shell'));
  } finally {
    // Give up typing, also after a failure, so the next test's fg may type.
    await c.call('ext.ptyDetach', ['shell']);
  }
});

test('wrong or missing credentials are refused for calls, pty included', async () => {
  for (const [user, password] of [
    [USER, 'wrong'],
    ['intruder', PASSWORD],
    ['', ''],
  ] as const) {
    const c = await client(user, password);
    await assert.rejects(c.call('ext.ptyAttach', ['shell', { write: true }]), (err: unknown) => {
      assert.ok(err instanceof ClientError, String(err));
      assert.equal(err.kind, 'auth');
      return true;
    });
    await assert.rejects(c.call('ext.ptyInput', ['shell', b64('echo intruder\r')]), ClientError);
  }
  // Nothing typed by them reached the shell.
  const info = (await d.call('supervisor.getProcessInfo', ['shell'])) as ProcessInfo;
  assert.equal(info.statename, 'RUNNING');
  const log = (await d.call('supervisor.readProcessStdoutLog', ['shell', 0, 0])) as string;
  assert.doesNotMatch(log, /intruder/);
});

test('supervisorctl -s tcp://… -u -p fg: the terminal reaches the pty program over tcp, Ctrl-] detaches', async () => {
  const ctl = spawnCtl(['-c', d.confPath, '-s', url, '-u', USER, '-p', PASSWORD, 'fg', 'shell'], d.dir);
  try {
    await waitUntil(() => ctl.out.includes('Press Ctrl-] to detach'), 15_000, 'fg to attach');
    ctl.write('echo fg-remote-ok\r');
    await waitUntil(() => /\nfg-remote-ok\r+\n/.test(ctl.out), 10_000, 'the echo through fg');
    ctl.write('\x1d');
    await waitUntil(() => ctl.exit !== null, 10_000, 'supervisorctl to exit');
    assert.equal(ctl.exit, 0);
    assert.match(ctl.out, /Exiting foreground/);
  } finally {
    ctl.killIfRunning();
  }
  const info = (await d.call('supervisor.getProcessInfo', ['shell'])) as ProcessInfo;
  assert.equal(info.statename, 'RUNNING', 'detaching leaves the program running');

  // With a wrong password fg is refused like every command.
  const bad = spawnCtl(['-c', d.confPath, '-s', url, '-u', USER, '-p', 'wrong', 'fg', 'shell'], d.dir);
  try {
    await waitUntil(() => bad.exit !== null, 15_000, 'the refused fg to exit');
  } finally {
    bad.killIfRunning();
  }
  assert.match(bad.out, /Server requires authentication/);
  assert.doesNotMatch(bad.out, /\n\s+at /, 'no stack trace');
});

test('fg on a pty program over XML-RPC (no ZeroMQ there) is one ERROR line, exit 1', async () => {
  const xmlrpc = `unix://${d.socketPath}`;
  const ctl = spawnCtl(['-c', d.confPath, '-s', xmlrpc, 'fg', 'shell'], d.dir);
  try {
    await waitUntil(() => ctl.exit !== null, 15_000, 'fg to give up');
  } finally {
    ctl.killIfRunning();
  }
  assert.equal(ctl.exit, 1);
  assert.match(ctl.out, new RegExp(`^ERROR: ${xmlrpc}: attaching needs the ZeroMQ transport \\(a supervisord of this project\\)\r?\n`, 'm'));
  assert.doesNotMatch(ctl.out, /error: <class/);
});
