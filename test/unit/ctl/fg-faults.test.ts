/**
 * fg's faults. Where Supervisor's do_fg treats a fault as an error (BAD_NAME), fg goes through the
 * shared reporter like every other action (the line, exit 1; anything else onecmd's generic line).
 * Where do_fg prints `'ERROR: ' + str(fault)` and keeps the exit status, so does fg. The pty attach
 * (our extension) reports through the shared reporter too, with the texts of fg's own checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { FakeClient, FakeSupervisor } from './fake-client.js';
import { run } from './memory-io.js';

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat', { stdout: '', stderr: '' });
  return s;
}

test('fg: getProcessInfo faults', async () => {
  const s = server();
  // The shutdown began between upcheck and getProcessInfo: Supervisor prints the fault, status kept.
  s.faults.set('supervisor.getProcessInfo', new RpcFault(Faults.SHUTDOWN_STATE));
  assert.deepEqual(await run(s, 'fg cat').then((r) => [r.out, r.status]), ["ERROR: <Fault 6: 'SHUTDOWN_STATE'>\n", 0]);
  s.faults.set('supervisor.getProcessInfo', new RpcFault(Faults.BAD_NAME, 'cat'));
  assert.deepEqual(await run(s, 'fg cat').then((r) => [r.out, r.status]), ['ERROR: bad process name supplied\n', 1]);
});

test('fg on a pty program: attach faults use the shared reporter', async (t) => {
  const s = server();
  const handle = s.handle.bind(s);
  let attachFault: RpcFault = new RpcFault(Faults.NOT_RUNNING, 'cat');
  s.handle = (method, params) => {
    if (method === 'ext.ptyDetach') return true;
    if (method === 'ext.ptyAttach') throw attachFault;
    return handle(method, params);
  };
  // attachPty needs live streams; the fake's subscriptions deliver nothing.
  const proto = FakeClient.prototype as unknown as { subscribe?: unknown };
  proto.subscribe = async () => () => {};
  t.after(() => delete proto.subscribe);

  // The program stopped between fg's RUNNING check and the attach.
  let r = await run(s, 'fg cat');
  assert.deepEqual([r.out, r.err, r.status], ['Press Ctrl-] to detach\nERROR: process not running\n', '', 1]);
  attachFault = new RpcFault(Faults.BAD_NAME, 'cat');
  r = await run(s, 'fg cat');
  assert.deepEqual([r.out, r.status], ['Press Ctrl-] to detach\nERROR: bad process name supplied\n', 1]);
  // A fault fg does not expect: onecmd's generic error line, as in every other action.
  attachFault = new RpcFault(Faults.FAILED, 'boom');
  r = await run(s, 'fg cat');
  assert.deepEqual([r.out, r.status], ["Press Ctrl-] to detach\nerror: <class 'xmlrpc.client.Fault'>, <Fault 30: 'FAILED: boom'>\n", 1]);
});
