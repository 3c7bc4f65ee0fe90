/**
 * A closed sampler stays closed: a statistics lease taken while or after the daemon closes it
 * (ext.statsSubscribe racing the shutdown) must not restart its timer and its /proc reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type StatsEvent } from '../../../daemon/events/bus.js';
import { FakeClock } from '../../../daemon/process/clock.js';
import { MetricsSampler } from '../../../daemon/metrics/sampler.js';

function sampler() {
  const clock = new FakeClock();
  const bus = new EventBus();
  const events: StatsEvent[] = [];
  bus.on('stats', (e) => events.push(e));
  const s = new MetricsSampler({ bus, clock, processes: () => [{ key: 'me:me', pid: process.pid }] });
  return { clock, bus, events, s };
}

test('a lease taken after close() starts nothing', () => {
  const { clock, events, s } = sampler();
  s.touch();
  clock.advance(1);
  assert.equal(events.length, 1);
  const samples = s.samples;
  s.close();
  assert.equal(s.active, false);
  s.touch();
  assert.equal(s.active, false, 'the heartbeat after close must not re-arm the timer');
  clock.advance(30);
  assert.equal(s.samples, samples, 'no /proc reads after close');
  assert.equal(events.length, 1);
});

test('close() from a stats subscriber (during a sample) is final too', () => {
  const { clock, bus, events, s } = sampler();
  let closedInside = false;
  // The first published sample closes the sampler and then takes a lease, as a shutdown racing a client would.
  bus.on('stats', () => {
    if (closedInside) return;
    closedInside = true;
    s.close();
    s.touch();
  });
  s.touch();
  clock.advance(1);
  assert.equal(closedInside, true);
  assert.equal(s.active, false);
  clock.advance(30);
  assert.equal(events.length, 1);
});
