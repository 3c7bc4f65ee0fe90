import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessStates, processStateName, RpcFault, Faults, eventMatches } from '../../src/api/index.js';

test('state codes and names match Supervisor', () => {
  assert.equal(ProcessStates.RUNNING, 20);
  assert.equal(processStateName(200), 'FATAL');
  assert.equal(processStateName(1000), 'UNKNOWN');
  assert.equal(processStateName(5), undefined);
});

test('fault strings are NAME or NAME: text', () => {
  assert.equal(new RpcFault(Faults.BAD_NAME, 'nosuch').message, 'BAD_NAME: nosuch');
  assert.equal(new RpcFault(Faults.SHUTDOWN_STATE).message, 'SHUTDOWN_STATE');
  const w = RpcFault.fromWire(60, 'ALREADY_STARTED: sleeper');
  assert.equal(w.text, 'sleeper');
});

test('event subscriptions include subtypes', () => {
  assert.ok(eventMatches('PROCESS_STATE_RUNNING', 'PROCESS_STATE'));
  assert.ok(eventMatches('TICK_5', 'EVENT'));
  assert.ok(!eventMatches('TICK_5', 'PROCESS_STATE'));
});
