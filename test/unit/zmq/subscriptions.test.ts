import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubscriptionSet } from '../../../daemon/servers/zmq/subscriptions.js';

const sub = (prefix: string): Buffer => Buffer.concat([Buffer.from([1]), Buffer.from(prefix)]);
const unsub = (prefix: string): Buffer => Buffer.concat([Buffer.from([0]), Buffer.from(prefix)]);

test('a topic is wanted while some subscribed prefix starts it', () => {
  const s = new SubscriptionSet();
  assert.equal(s.matches('log.web:web.stdout'), false);
  s.apply(sub('log.web:'));
  assert.equal(s.matches('log.web:web.stdout'), true);
  assert.equal(s.matches('log.worker:worker.stdout'), false);
  assert.equal(s.matches('log.we'), false, 'a topic shorter than the prefix');
  s.apply(sub('log.worker:worker.stdout'));
  assert.equal(s.matches('log.worker:worker.stdout'), true);
  s.apply(unsub('log.web:'));
  assert.equal(s.matches('log.web:web.stdout'), false, 'the cached answer follows the change');
  assert.equal(s.matches('log.worker:worker.stdout'), true);
});

test('the empty prefix subscribes to everything; other messages change nothing', () => {
  const s = new SubscriptionSet();
  s.apply(Buffer.from('plain message'));
  s.apply(Buffer.alloc(0));
  assert.equal(s.matches('log.main'), false);
  s.apply(sub(''));
  assert.equal(s.matches('log.main'), true);
  assert.equal(s.matches('state.process.a:a'), true);
  s.apply(unsub(''));
  assert.equal(s.matches('log.main'), false);
});

test('prefixes compare as bytes: a subscription may end inside a multi-byte character', () => {
  const s = new SubscriptionSet();
  const topic = 'log.café:café.stdout';
  const bytes = Buffer.from(topic);
  // Cut after the first byte of the two-byte "é".
  const cut = bytes.subarray(0, bytes.indexOf(0xc3) + 1);
  s.apply(Buffer.concat([Buffer.from([1]), cut]));
  assert.equal(s.matches(topic), true);
  assert.equal(s.matches('log.cafe:cafe.stdout'), false);
});
