import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSetup } from '../../../daemon/lifecycle/engine-wiring.js';

test('daemonSetup: a plain copy of the daemon environment and its uid, taken when called', () => {
  const setup = daemonSetup();
  assert.notEqual(setup.env, process.env);
  assert.deepEqual(setup.env, { ...process.env });
  assert.equal(setup.uid, process.getuid!());
  // Later changes to the copy never reach the daemon's own environment.
  setup.env.SUPERVISOR_TS_WIRING_TEST = 'x';
  assert.equal(process.env.SUPERVISOR_TS_WIRING_TEST, undefined);
});
