/**
 * `node dist/bench/ui-e2e/run.js`: the console's end-to-end timings against a real supervisord, read
 * from the console's own output through a pty this process owns (console-pty.ts):
 *
 *   1. launch → first frame (the table with a program's state), bundled and not   goal ≤ 500 ms
 *   2. a state change in the daemon → on the console's screen                     goal ≤ 50 ms
 *   3. a keystroke → its echo through an attached pty program, over tcp loopback  goal ≤ 5 ms
 *
 * Prints a table; never fails on a missed goal (speed is reported, not asserted). Exit 1 only when a
 * figure could not be measured at all. BENCH_QUICK=1 takes fewer samples.
 */
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startDaemon, type DaemonHandle } from '../../test/helpers/daemon.js';
import { connect } from '../../src/client/index.js';
import { Topics, type ProcessStatePayload } from '../../src/api/protocol.js';
import { median, quantile } from '../lib/stats.js';
import { CONSOLE_CONF, stateOf } from '../../test/e2e/fixtures.js';
import { ConsolePty } from './console-pty.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const COLS = 120;
const ROWS = 40;

/** One line of the results table. */
interface Result {
  what: string;
  samples: number[];
  goalMs: number | null;
  note?: string;
  error?: string;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A free TCP port on 127.0.0.1 (bound then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A whole conf whose ZeroMQ sockets are on tcp loopback, and whose ctl talks to them; and that URL. Its
 * programs are the e2e tier's (ticker, idle, and the pty shell whose prompt is `e2e$ `).
 */
async function tcpConf(): Promise<{ conf: string; url: string }> {
  const [control, pub] = [await freePort(), await freePort()];
  const conf = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[unix_http_server]
file=%(here)s/supervisor.sock

[zmq_server]
endpoint=tcp://127.0.0.1:${control}
pubsub_endpoint=tcp://127.0.0.1:${pub}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=tcp://127.0.0.1:${control}

${CONSOLE_CONF}`;
  return { conf, url: `tcp://127.0.0.1:${control}` };
}

/** A console that has drawn its table (both `ticker` and `idle` rows, connected live). */
async function openConsole(d: DaemonHandle, env: Record<string, string> = {}): Promise<ConsolePty> {
  const c = new ConsolePty(d.confPath, COLS, ROWS, d.dir, env);
  try {
    await c.waitScreen((s) => stateOf(s, 'idle') === 'STOPPED' && /\blive\b/.test(s.split('\n')[0] ?? ''), 20_000, 'the live table');
    return c;
  } catch (e) {
    await c.close();
    throw e;
  }
}

/** 1. Launch → first frame showing the table, and → first byte. */
async function firstFrame(d: DaemonHandle, bundled: boolean, runs: number): Promise<Result[]> {
  const env: Record<string, string> = bundled ? {} : { SUPERVISORCTL_CONSOLE_UNBUNDLED: '1' };
  const firstByte: number[] = [];
  const frame: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = new ConsolePty(d.confPath, COLS, ROWS, d.dir, env);
    try {
      // The first frame with the table: a program's row with its state.
      const drawn = await c.waitScreen((s) => stateOf(s, 'ticker') !== undefined, 20_000, 'the first frame');
      frame.push(drawn - c.spawnedAt);
      if (c.firstByteAt !== null) firstByte.push(c.firstByteAt - c.spawnedAt);
      const connected = await c.waitScreen((s) => /\blive\b/.test(s.split('\n')[0] ?? ''), 20_000, 'live');
      live.push(connected - c.spawnedAt);
    } finally {
      await c.close();
    }
  }
  const kind = bundled ? 'bundled' : 'unbundled';
  return [
    { what: `launch → first output byte (${kind})`, samples: firstByte, goalMs: null },
    { what: `launch → first frame with the table (${kind})`, samples: frame, goalMs: 500 },
    { what: `launch → header says live (${kind})`, samples: live, goalMs: null },
  ];
}

/**
 * 2. A state change: the bench starts and stops `idle` through its own client and times the console's
 * screen from the moment the daemon's event reaches a subscriber of ours (the same PUB the console
 * reads), and from the call.
 */
async function stateChange(d: DaemonHandle, url: string, rounds: number): Promise<Result[]> {
  const c = await openConsole(d);
  const client = await connect(url, { timeoutMs: 30_000 });
  const seenAt = new Map<string, number>();
  try {
    if (!client.subscribe) throw new Error('the client has no live streams (not ZeroMQ)');
    const stop = await client.subscribe([Topics.processState('idle', 'idle')], (m) => {
      const p = JSON.parse(m.payload.toString()) as ProcessStatePayload;
      seenAt.set(p.statename, performance.now());
    });
    const fromEvent: number[] = [];
    const fromCall: number[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        for (const [method, target] of [
          ['supervisor.startProcess', 'RUNNING'],
          ['supervisor.stopProcess', 'STOPPED'],
        ] as const) {
          seenAt.delete(target);
          const shown = c.waitScreen((s) => stateOf(s, 'idle') === target, 10_000, `idle ${target}`);
          const called = performance.now();
          await client.call(method, ['idle', false]);
          const onScreen = await shown;
          const event = seenAt.get(target);
          fromCall.push(onScreen - called);
          if (event !== undefined) fromEvent.push(Math.max(0, onScreen - event));
        }
      }
    } finally {
      stop();
    }
    return [
      { what: 'state change: daemon event → on screen', samples: fromEvent, goalMs: 50, note: 'event seen by our own subscriber' },
      { what: 'state change: API call → on screen', samples: fromCall, goalMs: null, note: 'includes spawn/kill in the daemon' },
    ];
  } finally {
    await client.close();
    await c.close();
  }
}

/** 3. Keystrokes typed into the console while attached to `shell`, timed to their echo. */
async function keystrokeEcho(d: DaemonHandle, keys: number): Promise<Result[]> {
  const c = await openConsole(d);
  try {
    // Select `shell` with the filter, wait until its live screen shows, then attach with Enter.
    c.write('/');
    await c.waitScreen((s) => s.includes('Filter: '), 5_000, 'the filter field');
    c.write('shell\r');
    await c.waitScreen((s) => /SCREEN shell\s+live/.test(s), 10_000, 'the live screen of shell');
    c.write('\r');
    await c.waitScreen((s) => !/NAME.*STATE/.test(s) && /^e2e\$/m.test(s), 10_000, 'the attached shell');
    const samples: number[] = [];
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < keys; i++) {
      const ch = letters[i % letters.length]!;
      const echoed = c.waitRaw((chunk) => chunk.includes(ch), 5_000, `the echo of ${ch}`);
      const typed = c.write(ch);
      samples.push((await echoed) - typed);
      // Keep the line short: Ctrl-U erases it (its echo has none of the letters).
      if (i % letters.length === letters.length - 1) {
        const erased = c.waitRaw(() => true, 5_000, 'the echo of Ctrl-U');
        c.write('\x15');
        await erased;
      }
    }
    c.write('\x1d');
    return [{ what: 'keystroke → echo, attached pty, tcp loopback', samples, goalMs: 5 }];
  } finally {
    await c.close();
  }
}

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

/** The results as a text table: median, p90, max, goal and whether the median meets it. */
function table(results: Result[]): string {
  const head = ['figure', 'n', 'median ms', 'p90 ms', 'max ms', 'goal', 'met'];
  const rows = results.map((r) => {
    if (r.error || !r.samples.length) return [r.what, '0', '-', '-', '-', r.goalMs === null ? '—' : `≤ ${r.goalMs} ms`, `not measured: ${r.error ?? 'no samples'}`];
    const med = median(r.samples);
    return [
      r.what,
      String(r.samples.length),
      fmt(med),
      fmt(quantile(r.samples, 0.9)),
      fmt(Math.max(...r.samples)),
      r.goalMs === null ? '—' : `≤ ${r.goalMs} ms`,
      r.goalMs === null ? '—' : med <= r.goalMs ? 'yes' : 'NO',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const notes = results.filter((r) => r.note).map((r) => `  ${r.what}: ${r.note}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}

async function main(): Promise<number> {
  const results: Result[] = [];
  const measure = async (what: string, goalMs: number | null, fn: () => Promise<Result[]>) => {
    log(`bench ui-e2e: ${what}…`);
    try {
      results.push(...(await fn()));
    } catch (e) {
      results.push({ what, samples: [], goalMs, error: (e as Error).message.split('\n')[0]! });
    }
  };
  const { conf, url } = await tcpConf();
  const d = await startDaemon(conf, { timeoutMs: 30_000 });
  try {
    await measure('launch → first frame (bundled)', 500, () => firstFrame(d, true, QUICK ? 2 : 5));
    await measure('launch → first frame (unbundled)', 500, () => firstFrame(d, false, QUICK ? 2 : 5));
    await measure('state change → on screen', 50, () => stateChange(d, url, QUICK ? 5 : 20));
    await measure('keystroke → echo', 5, () => keystrokeEcho(d, QUICK ? 26 : 104));
  } finally {
    await d.stop().catch((e) => log(`bench ui-e2e: stopping the daemon: ${(e as Error).message}`));
  }
  // The machine is shared: its load says how much to trust the figures.
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(
    `\nConsole end-to-end (${COLS}x${ROWS}, real supervisord, console in a pty of ours; node ${process.version}, ` +
      `${cpus().length} cores, load ${load})\n\n${table(results)}\n`,
  );
  return results.some((r) => r.error || !r.samples.length) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`bench ui-e2e: ${(e as Error).message}`);
    process.exit(1);
  },
);
