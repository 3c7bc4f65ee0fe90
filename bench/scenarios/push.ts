/**
 * Scenario 5: push latency. A client of ours (dist/src/client/index.js) subscribes to the process
 * state topics; the bench stops and starts a program through the same client and, for every state
 * message of that program, takes receipt time − the event time the daemon stamped in the header (both
 * are this machine's wall clock). Also the time from issuing the call to the first message. Python
 * Supervisor has no push: its clients poll over XML-RPC.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { subTag } from '../lib/procs.js';
import { sleepers, writeConf } from '../lib/conf.js';
import { ROOT } from '../lib/daemon.js';
import { measureImpl, inScratch, pick, withDaemon, type Ctx } from '../lib/scenario.js';
import { makeRow, type Row } from '../lib/results.js';
import { median, quantile } from '../lib/stats.js';
import { waitFor, withTimeout } from '../lib/wait.js';
import type { Client, StreamMessage } from '../../src/client/types.js';

const CYCLES = 10;
const PROGRAM = 'p01';
const TOPIC = `state.process.${PROGRAM}:${PROGRAM}`;

interface Push {
  pushMs: number[];
  callToEventMs: number[];
}

type Connect = (url: string, opts?: { timeoutMs?: number }) => Promise<Client>;

/** performance-clock wall time in ms with sub-ms resolution. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

async function loadConnect(): Promise<Connect> {
  const file = join(ROOT, 'dist/src/client/index.js');
  if (!existsSync(file)) throw new Error('dist/src/client/index.js is not built yet');
  const mod = (await import(pathToFileURL(file).href)) as { connect?: Connect };
  if (typeof mod.connect !== 'function') throw new Error('dist/src/client/index.js exports no connect()');
  return mod.connect;
}

interface Seen {
  at: number;
  state: string;
  time: number;
}

async function measure(ctx: Ctx): Promise<Push> {
  const connect = await loadConnect();
  return inScratch(ctx, 'push-ours', async (dir) => {
    const tag = subTag('push.ours');
    const paths = writeConf(dir, sleepers(10), tag);
    return withDaemon(ctx, 'ours', paths, tag, async (d) => {
      await d.waitRunning(10, 60_000);
      await waitFor(() => d.hasZmqSocket(), { timeoutMs: 10_000, what: `${paths.sock}.zmq`, abort: () => d.exitedWhy() });
      const client = await withTimeout(connect(`unix://${paths.sock}`, { timeoutMs: 10_000 }), 15_000, 'connect');
      const seen: Seen[] = [];
      try {
        if (!client.subscribe) throw new Error(`the client for unix://${paths.sock} has no subscribe (not ZeroMQ?)`);
        const stop = await withTimeout(
          client.subscribe(['state.process.'], (m: StreamMessage) => {
            const at = nowMs();
            if (m.topic !== TOPIC) return;
            const payload = JSON.parse(m.payload.toString('utf8')) as { statename?: string };
            seen.push({ at, state: String(payload.statename), time: Number(m.header['time']) * 1000 });
          }),
          15_000,
          'subscribe',
        );
        const pushMs: number[] = [];
        const callToEventMs: number[] = [];
        try {
          for (let i = 0; i < CYCLES * 2; i++) {
            const starting = i % 2 === 1;
            const from = seen.length;
            const t0 = nowMs();
            await withTimeout(client.call(starting ? 'supervisor.startProcess' : 'supervisor.stopProcess', [PROGRAM, true]), 15_000, 'stop/start call');
            const final = starting ? 'RUNNING' : 'STOPPED';
            await waitFor(() => seen.slice(from).some((s) => s.state === final), {
              timeoutMs: 5_000,
              what: `a ${final} message on ${TOPIC}`,
            });
            const batch = seen.slice(from);
            callToEventMs.push(batch[0]!.at - t0);
            for (const s of batch) pushMs.push(s.at - s.time);
          }
        } finally {
          stop();
        }
        ctx.log(`  ours: ${pushMs.length} state messages, push median ${median(pushMs).toFixed(2)} ms, p95 ${quantile(pushMs, 0.95).toFixed(2)} ms`);
        return { pushMs, callToEventMs };
      } finally {
        await withTimeout(client.close(), 5_000, 'client close').catch(() => undefined);
      }
    });
  });
}

/** Run scenario 5 (ours only: Python Supervisor has no push). */
export async function runPush(ctx: Ctx): Promise<Row[]> {
  ctx.log('scenario 5: push latency of a state change to a subscribed client');
  const ours = await measureImpl(ctx, 'ours', () => measure(ctx));
  const noPush = { missing: 'no push in Python Supervisor (clients poll over XML-RPC)' };
  const n = ours.ok ? ours.value.pushMs.length : 0;
  return [
    makeRow(`5. push: state change → client, median of ${n || 'N'}`, 'ms', pick(ours, (v) => median(v.pushMs)), noPush, {
      kind: 'abs-max',
      x: 50,
    }),
    makeRow('5. push: p95', 'ms', pick(ours, (v) => quantile(v.pushMs, 0.95)), { missing: '' }, { kind: 'abs-max', x: 50 }),
    makeRow(
      `5. stop/start call → first message, median of ${CYCLES * 2}`,
      'ms',
      pick(ours, (v) => median(v.callToEventMs)),
      { missing: '' },
      { kind: 'none' },
    ),
  ];
}
