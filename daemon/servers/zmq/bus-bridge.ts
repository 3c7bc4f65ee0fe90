/**
 * Maps the daemon's bus events (DESIGN.md rule 3) to PUB messages (docs/protocol.md "Topics"):
 * process/supervisor/group state as urgent JSON messages, child output, pty output and activity-log
 * lines as log chunks, resource statistics as urgent JSON messages.
 */
import type { EventBus } from '../../events/bus.js';
import { processStateName, supervisorStateName } from '../../../src/api/states.js';
import {
  Topics,
  type GroupPayload,
  type ProcessStatePayload,
  type SupervisorStatePayload,
} from '../../../src/api/protocol.js';
import { STATS_TOPIC } from '../../../src/api/metrics.js';
import type { PubQueue } from './pub-queue.js';

const now = (): number => Date.now() / 1000;
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
/** The JSON payload, made only if the message is sent to somebody. */
const lazyJson = (v: unknown) => (): Buffer => json(v);

/**
 * Subscribes the queue to the bus; returns the function that unsubscribes it. `afterChildLog` is told
 * the topic of each child-output chunk right after it is queued (log tails wait for that moment).
 * `wants` says whether a log topic (child output, activity log) has a subscriber: chunks of a topic
 * nobody follows are not queued at all (state, stats and pty messages always are).
 */
export function bridgeBus(
  bus: EventBus,
  queue: PubQueue,
  afterChildLog?: (topic: string) => void,
  wants: (topic: string) => boolean = () => true,
): () => void {
  const offs = [
    bus.on('process-state', (e) => {
      const payload: ProcessStatePayload = {
        type: e.type,
        name: e.name,
        group: e.group,
        from: e.from,
        fromname: processStateName(e.from) ?? String(e.from),
        state: e.to,
        statename: processStateName(e.to) ?? String(e.to),
        pid: e.pid,
        tries: e.tries,
        ...(e.expected === undefined ? {} : { expected: e.expected }),
      };
      queue.pushUrgent({
        topic: Topics.processState(e.group, e.name),
        kind: 'state',
        fields: { name: e.name, group: e.group },
        payload: lazyJson(payload),
        time: now(),
      });
    }),
    bus.on('supervisor-state', (e) => {
      const payload: SupervisorStatePayload = {
        type: e.type,
        statecode: e.state,
        statename: supervisorStateName(e.state) ?? String(e.state),
      };
      queue.pushUrgent({ topic: Topics.supervisorState, kind: 'state', payload: lazyJson(payload), time: now() });
    }),
    bus.on('group', (e) => {
      const payload: GroupPayload = { type: e.type, group: e.group };
      queue.pushUrgent({ topic: Topics.group, kind: 'state', fields: { group: e.group }, payload: lazyJson(payload), time: now() });
    }),
    bus.on('output', (e) => {
      const topic = Topics.processLog(e.group, e.name, e.channel);
      // Nobody follows this log: libzmq would drop the chunk, so it is not queued.
      if (wants(topic)) {
        queue.pushLog({
          topic,
          kind: 'log',
          fields: { name: e.name, group: e.group, pid: e.pid, channel: e.channel },
          payload: e.data,
          time: now(),
        });
      }
      // Queued or not, the chunk is in the file now: a tail waiting for that moment reads it.
      afterChildLog?.(topic);
    }),
    bus.on('pty-output', (e) => {
      queue.pushLog({
        topic: Topics.pty(e.group, e.name),
        kind: 'pty',
        fields: { name: e.name, group: e.group, pid: e.pid },
        payload: e.data,
        time: now(),
        ...(e.published ? { onSent: e.published } : {}),
      });
    }),
    bus.on('stats', (e) => {
      queue.pushUrgent({ topic: STATS_TOPIC, kind: 'stats', payload: lazyJson(e.payload), time: now() });
    }),
    bus.on('mainlog', (e) => {
      if (!wants(Topics.mainLog)) return;
      queue.pushLog({ topic: Topics.mainLog, kind: 'log', payload: Buffer.from(e.text), time: now() });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
