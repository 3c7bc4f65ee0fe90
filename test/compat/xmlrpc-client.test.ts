/**
 * Our XML-RPC client (src/client/xmlrpc.ts) against Debian's Python supervisord 4.2.5: the calls and
 * faults supervisorctl relies on, multicall, log reads, log following, and auth errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../src/api/faults.js';
import { ClientError, type Client } from '../../src/client/types.js';
import { connectXmlRpc } from '../../src/client/xmlrpc.js';
import { freePort, waitFor } from '../integration/http/helpers.js';
import { skipWithoutSupervisor } from './python.js';
import { startPythonSupervisord, type PythonSupervisord } from './python-supervisord.js';

const skip = skipWithoutSupervisor();
if (skip) console.log(`# skipping compat tests against Python supervisord: ${skip}`);

const conf = (port: number) => `
[unix_http_server]
file={DIR}/py.sock

[inet_http_server]
port=127.0.0.1:${port}
username=user
password={SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3

[supervisord]
logfile={DIR}/supervisord.log
pidfile={DIR}/supervisord.pid
childlogdir={DIR}
user=root

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{DIR}/py.sock

[program:talker]
command=/bin/sh -c 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'
stdout_logfile={DIR}/talker.log

[program:sleeper]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:quick]
command=/bin/sh -c 'exit 3'
autostart=false
startsecs=1
startretries=0
`;

/** Expects `p` to reject with an RpcFault of `code` and exactly `message`. */
async function fault(p: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RpcFault, `not an RpcFault: ${e}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe('our XML-RPC client against Python supervisord', { skip }, () => {
  let py: PythonSupervisord;
  let port: number;
  let c: Client;

  before(async () => {
    port = await freePort();
    py = await startPythonSupervisord(conf(port));
    c = await connectXmlRpc(`unix://${py.sock}`, {});
  });
  after(async () => {
    await c?.close();
    await py?.stop();
  });

  test('getState, versions, getPID', async () => {
    assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    assert.equal(await c.call('supervisor.getAPIVersion'), '3.0');
    assert.equal(await c.call('supervisor.getSupervisorVersion'), '4.2.5');
    assert.equal(await c.call('supervisor.getPID'), py.child.pid);
  });

  test('getAllProcessInfo: every process, lexical, with the documented fields', async () => {
    const all = (await c.call('supervisor.getAllProcessInfo')) as Record<string, unknown>[];
    assert.deepEqual(
      all.map((p) => p.name),
      ['quick', 'sleeper', 'talker'],
    );
    const talker = all[2]!;
    for (const k of ['name', 'group', 'start', 'stop', 'now', 'state', 'statename', 'spawnerr', 'exitstatus', 'logfile',
      'stdout_logfile', 'stderr_logfile', 'pid', 'description']) {
      assert.ok(k in talker, `missing ${k}`);
    }
    await waitFor(async () => ((await c.call('supervisor.getProcessInfo', ['talker'])) as { statename: string }).statename === 'RUNNING', 'talker RUNNING');
    assert.equal(all[1]!.statename, 'STOPPED');
    assert.equal(all[1]!.description, 'Not started');
  });

  test('start and stop, with their faults', async () => {
    assert.equal(await c.call('supervisor.startProcess', ['sleeper']), true);
    await fault(c.call('supervisor.startProcess', ['sleeper']), Faults.ALREADY_STARTED, 'ALREADY_STARTED: sleeper');
    const info = (await c.call('supervisor.getProcessInfo', ['sleeper'])) as { pid: number; statename: string };
    assert.equal(info.statename, 'RUNNING');
    assert.ok(info.pid > 0);
    assert.equal(await c.call('supervisor.stopProcess', ['sleeper']), true);
    await fault(c.call('supervisor.stopProcess', ['sleeper']), Faults.NOT_RUNNING, 'NOT_RUNNING: sleeper');
    await fault(c.call('supervisor.startProcess', ['nosuch']), Faults.BAD_NAME, 'BAD_NAME: nosuch');
    await fault(c.call('supervisor.startProcess', ['quick']), Faults.SPAWN_ERROR, 'SPAWN_ERROR: quick');
    await fault(c.call('supervisor.nosuchMethod'), Faults.UNKNOWN_METHOD, 'UNKNOWN_METHOD');
    await fault(c.call('supervisor.getProcessInfo', []), Faults.INCORRECT_PARAMETERS, 'INCORRECT_PARAMETERS');
  });

  test('multicall: raw values and fault structs', async () => {
    const r = await c.call('system.multicall', [
      [
        { methodName: 'supervisor.getAPIVersion', params: [] },
        { methodName: 'supervisor.getProcessInfo', params: ['nosuch'] },
        { methodName: 'system.multicall', params: [[]] },
      ],
    ]);
    assert.deepEqual(r, [
      '3.0',
      { faultCode: 10, faultString: 'BAD_NAME: nosuch' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
    ]);
  });

  test('readLog and tailProcessStdoutLog', async () => {
    const log = (await c.call('supervisor.readLog', [0, 0])) as string;
    assert.match(log, /INFO supervisord started with pid \d+/);
    await fault(c.call('supervisor.readLog', [-1, 5]), Faults.BAD_ARGUMENTS, 'BAD_ARGUMENTS');
    await waitFor(async () => ((await c.call('supervisor.readProcessStdoutLog', ['talker', 0, 0])) as string).includes('tick 2'), 'talker output');
    const [bytes, offset, overflow] = (await c.call('supervisor.tailProcessStdoutLog', ['talker', 0, 100])) as [string, number, boolean];
    assert.equal(typeof bytes, 'string');
    assert.match(bytes, /tick \d+\n$/);
    assert.equal(typeof offset, 'number');
    assert.equal(typeof overflow, 'boolean');
  });

  test('followLog receives new output of a process and of the main log', async () => {
    let text = '';
    const stop = await c.followLog({ name: 'talker', channel: 'stdout' }, (chunk) => (text += chunk.toString()));
    try {
      await waitFor(() => /tick \d+\n/.test(text), 'the first ticks');
      const last = Number(/tick (\d+)\n$/.exec(text)?.[1] ?? /tick (\d+)\n/.exec(text)![1]);
      await waitFor(() => text.includes(`tick ${last + 2}\n`), 'ticks written after following started');
    } finally {
      stop();
    }
    let main = '';
    const stopMain = await c.followLog('main', (chunk) => (main += chunk.toString()));
    try {
      await c.call('supervisor.startProcess', ['sleeper']);
      await waitFor(() => main.includes("spawned: 'sleeper'"), 'the spawn line in the main log');
      await c.call('supervisor.stopProcess', ['sleeper']);
      await waitFor(() => main.includes("stopped: sleeper"), 'the stop line in the main log');
    } finally {
      stopMain();
    }
    await assert.rejects(c.followLog({ name: 'nosuch', channel: 'stdout' }, () => {}), {
      kind: 'protocol',
      message: `unix://${py.sock}/logtail/nosuch/stdout Cannot read, status code 404`,
    });
  });

  test('inet with credentials: right → works, wrong or none → auth', async () => {
    const ok = await connectXmlRpc(`http://127.0.0.1:${port}`, { username: 'user', password: 'test' });
    assert.deepEqual(await ok.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    let text = '';
    const stop = await ok.followLog({ name: 'talker', channel: 'stdout' }, (chunk) => (text += chunk.toString()));
    await waitFor(() => text.includes('tick'), 'talker output over http with auth');
    stop();
    await ok.close();
    for (const opts of [{ username: 'user', password: 'wrong' }, {}]) {
      const bad = await connectXmlRpc(`http://127.0.0.1:${port}`, opts);
      await assert.rejects(bad.call('supervisor.getState'), (e: unknown) => e instanceof ClientError && e.kind === 'auth');
      await assert.rejects(bad.followLog('main', () => {}), (e: unknown) => e instanceof ClientError && e.kind === 'auth');
      await bad.close();
    }
  });
});
