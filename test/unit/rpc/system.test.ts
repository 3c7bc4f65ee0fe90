/**
 * system.* (reference d.3) and the table's own rules: method names, arity and types, help and
 * signatures read from the JSDoc, multicall's result and fault shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults } from '../../../src/api/faults.js';
import { faultOf, groupOf, withHarness } from './fixtures.js';

/** Supervisor 4.2.5's system.listMethods, aliases included. */
const SUPERVISOR_METHODS = [
  'addProcessGroup', 'clearAllProcessLogs', 'clearLog', 'clearProcessLog', 'clearProcessLogs', 'getAPIVersion',
  'getAllConfigInfo', 'getAllProcessInfo', 'getIdentification', 'getPID', 'getProcessInfo', 'getState',
  'getSupervisorVersion', 'getVersion', 'readLog', 'readMainLog', 'readProcessLog', 'readProcessStderrLog',
  'readProcessStdoutLog', 'reloadConfig', 'removeProcessGroup', 'restart', 'sendProcessStdin',
  'sendRemoteCommEvent', 'shutdown', 'signalAllProcesses', 'signalProcess', 'signalProcessGroup',
  'startAllProcesses', 'startProcess', 'startProcessGroup', 'stopAllProcesses', 'stopProcess',
  'stopProcessGroup', 'tailProcessLog', 'tailProcessStderrLog', 'tailProcessStdoutLog',
].map((m) => `supervisor.${m}`);
const SYSTEM_METHODS = ['system.listMethods', 'system.methodHelp', 'system.methodSignature', 'system.multicall'];

test('listMethods: the 41 names of Supervisor, sorted, plus ext.*', async () => {
  await withHarness([groupOf('p')], async (h) => {
    const names = (await h.call('system.listMethods')) as string[];
    assert.deepEqual(names, [...names].sort());
    const classic = names.filter((n) => !n.startsWith('ext.'));
    assert.equal(classic.length, 41);
    assert.deepEqual(classic, [...SUPERVISOR_METHODS, ...SYSTEM_METHODS].sort());
    assert.ok(names.includes('ext.getSnapshot'));
    assert.ok(names.includes('ext.getLogPaths'));
    assert.ok(!names.some((n) => n.includes('._')), 'private helpers are not published');
  });
});

test('methodHelp and methodSignature come from the JSDoc of the implementation', async () => {
  await withHarness([groupOf('p')], async (h) => {
    const help = (await h.call('system.methodHelp', 'supervisor.startProcess')) as string;
    assert.match(help, /^Start a process\n/);
    assert.match(help, /@param string name Process name \(or ``group:name``, or ``group:\*``\)/);
    assert.deepEqual(await h.call('system.methodSignature', 'supervisor.startProcess'), ['boolean', 'string', 'boolean']);
    assert.deepEqual(await h.call('system.methodSignature', 'supervisor.readLog'), ['string', 'int', 'int']);
    assert.deepEqual(await h.call('system.methodSignature', 'supervisor.getState'), ['struct']);
    assert.deepEqual(await h.call('system.methodSignature', 'supervisor.signalProcess'), ['boolean', 'string', 'string']);
    assert.deepEqual(await h.call('system.methodSignature', 'system.multicall'), ['array', 'array']);
    // An alias has the docstring of the method it stands for.
    assert.equal(await h.call('system.methodHelp', 'supervisor.getVersion'), await h.call('system.methodHelp', 'supervisor.getAPIVersion'));
    assert.equal(await faultOf(h.call('system.methodHelp', 'nope.nope')), `${Faults.SIGNATURE_UNSUPPORTED}:SIGNATURE_UNSUPPORTED`);
    assert.equal(await faultOf(h.call('system.methodSignature', 'nope')), `${Faults.SIGNATURE_UNSUPPORTED}:SIGNATURE_UNSUPPORTED`);
    // Every published method has a signature.
    for (const name of (await h.call('system.listMethods')) as string[]) {
      const sig = (await h.call('system.methodSignature', name)) as string[];
      assert.ok(sig.length >= 1 && sig[0], name);
    }
  });
});

test('unknown or malformed method names are UNKNOWN_METHOD', async () => {
  await withHarness([groupOf('p')], async (h) => {
    for (const name of ['supervisor', 'supervisor.nope', 'nope.getState', 'a.b.c', 'supervisor._update', 'supervisor.constructor']) {
      assert.equal(await faultOf(h.call(name)), `${Faults.UNKNOWN_METHOD}:UNKNOWN_METHOD`, name);
    }
  });
});

test('wrong arity is a bare INCORRECT_PARAMETERS; a wrong type names the parameter', async () => {
  await withHarness([groupOf('p')], async (h) => {
    const bare = `${Faults.INCORRECT_PARAMETERS}:INCORRECT_PARAMETERS`;
    assert.equal(await faultOf(h.call('supervisor.getState', 1)), bare);
    assert.equal(await faultOf(h.call('supervisor.startProcess')), bare);
    assert.equal(await faultOf(h.call('supervisor.startProcess', 'p', true, 3)), bare);
    assert.equal(await faultOf(h.call('supervisor.readLog', 0)), bare);
    assert.equal(
      await faultOf(h.call('supervisor.startProcess', 5)),
      `${Faults.INCORRECT_PARAMETERS}:INCORRECT_PARAMETERS: parameter 1 of supervisor.startProcess must be string`,
    );
    assert.equal(
      await faultOf(h.call('supervisor.stopProcess', 'p', 'yes')),
      `${Faults.INCORRECT_PARAMETERS}:INCORRECT_PARAMETERS: parameter 2 of supervisor.stopProcess must be boolean`,
    );
    assert.equal(
      await faultOf(h.table.call('supervisor.getState', 'x' as unknown as unknown[])),
      `${Faults.INCORRECT_PARAMETERS}:INCORRECT_PARAMETERS: params must be an array`,
    );
  });
});

test('multicall: raw values, fault structs, and its own INCORRECT_PARAMETERS cases', async () => {
  await withHarness([groupOf('p', [{ autostart: false }])], async (h) => {
    const results = await h.call('system.multicall', [
      { methodName: 'supervisor.getAPIVersion', params: [] },
      { methodName: 'supervisor.getState' },
      { methodName: 'supervisor.getProcessInfo', params: ['nosuch'] },
      { params: [] },
      { methodName: 'system.multicall', params: [[]] },
      { methodName: 'supervisor.nope', params: [] },
      { methodName: 'supervisor.getPID', params: [1] },
    ]);
    assert.deepEqual(results, [
      '3.0',
      { statecode: 1, statename: 'RUNNING' },
      { faultCode: Faults.BAD_NAME, faultString: 'BAD_NAME: nosuch' },
      { faultCode: Faults.INCORRECT_PARAMETERS, faultString: 'INCORRECT_PARAMETERS: No methodName' },
      { faultCode: Faults.INCORRECT_PARAMETERS, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      { faultCode: Faults.UNKNOWN_METHOD, faultString: 'UNKNOWN_METHOD' },
      { faultCode: Faults.INCORRECT_PARAMETERS, faultString: 'INCORRECT_PARAMETERS' },
    ]);
    assert.deepEqual(await h.call('system.multicall', []), []);
  });
});

test('multicall runs deferred calls one after another', async () => {
  await withHarness([groupOf('p', [{ autostart: false }])], async (h) => {
    void h.sup.run();
    const pending = h.call('system.multicall', [
      { methodName: 'supervisor.startProcess', params: ['p'] },
      { methodName: 'supervisor.getProcessInfo', params: ['p'] },
    ]);
    await h.settle();
    // The second call has not run yet: the first is still waiting for RUNNING.
    let done = false;
    void pending.then(() => (done = true));
    await h.settle();
    assert.equal(done, false);
    await h.advance(1.5);
    const [started, info] = (await pending) as [boolean, { statename: string }];
    assert.equal(started, true);
    assert.equal(info.statename, 'RUNNING');
    h.sup.setMood(-1);
    h.child('p').killed('SIGTERM');
    await h.settle();
  });
});
