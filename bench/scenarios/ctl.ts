/**
 * Scenario 4: supervisorctl against a daemon with 100 running programs, each implementation's
 * supervisorctl talking to its own daemon over its default transport (Python: XML-RPC on the unix
 * socket; ours: ZeroMQ at `<socket>.zmq`, which our client picks for a unix:// serverurl when it exists).
 * Wall time of whole one-shot commands, as a script or a health check pays it. Both daemons run at
 * once and the commands alternate (python, ours, python, …), so a change in the shared machine's load
 * hits both sides alike.
 */
import { runTimed, subTag, type Timed } from '../lib/procs.js';
import { programNames, sleepers, writeConf } from '../lib/conf.js';
import { ROOT, type Daemon, type Impl } from '../lib/daemon.js';
import { inScratch, withDaemon, type Ctx } from '../lib/scenario.js';
import { makeRow, type Row, type Value } from '../lib/results.js';
import { median } from '../lib/stats.js';
import { waitFor } from '../lib/wait.js';

const PROGRAMS = 100;
const RUNS = 15;
const WARMUP = 2;
const ROUND_TRIPS = 3;
const IMPLS: Impl[] = ['python', 'ours'];

/** One implementation's side of the run: its daemon, its samples, or why it stopped early. */
interface Lane {
  impl: Impl;
  d: Daemon | null;
  error: string | null;
  transport: string;
  status: number[];
  pid: number[];
  trips: number[];
  floor: number[];
}

/** The line that says what went wrong: an error line if there is one, else the first line. */
function firstLine(t: Timed): string {
  const lines = (t.stderr.trim() || t.stdout.trim()).split('\n');
  return (lines.find((l) => /^\s*\w*Error\b/.test(l)) ?? lines[0] ?? '(no output)').trim();
}

/** Check one command's result, or throw with what it printed. */
function expect(t: Timed, what: string, ok: boolean): void {
  if (!ok) throw new Error(`\`supervisorctl ${what}\` (exit ${t.code}): ${firstLine(t)}`);
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}

async function status(d: Daemon, ctx: Ctx): Promise<number> {
  const t = await d.ctl(ctx.cmds, ['status']);
  const rows = t.stdout.split('\n').filter((l) => /^p\d+\s+RUNNING\s+pid \d+, uptime /.test(l)).length;
  expect(t, 'status', t.code === 0 && rows === PROGRAMS);
  return t.ms;
}

async function pid(d: Daemon, ctx: Ctx): Promise<number> {
  const t = await d.ctl(ctx.cmds, ['pid']);
  expect(t, 'pid', t.code === 0 && t.stdout.trim() === String(d.pid));
  return t.ms;
}

async function stopStart(d: Daemon, ctx: Ctx): Promise<number> {
  const names = programNames(PROGRAMS);
  const stop = await d.ctl(ctx.cmds, ['stop', 'all'], 120_000);
  expect(stop, 'stop all', names.every((n) => stop.stdout.includes(`${n}: stopped`)));
  const start = await d.ctl(ctx.cmds, ['start', 'all'], 120_000);
  expect(start, 'start all', names.every((n) => start.stdout.includes(`${n}: started`)));
  return stop.ms + start.ms;
}

/**
 * How each supervisorctl starts its interpreter, doing nothing: `python3 -c pass` with supervisorctl's
 * own python; for ours `node -e 0` started as bin/supervisorctl starts Node (from sh, without
 * NODE_EXTRA_CA_CERTS). The floor under every one-shot command, to read the status figures against.
 * 'node-env' is plain `node -e 0` in this environment, NODE_EXTRA_CA_CERTS and all: what every Node
 * start here pays without the launcher.
 */
type Floor = Impl | 'node-env';
async function interpreter(ctx: Ctx, which: Floor): Promise<number> {
  const [cmd, args]: [string, string[]] =
    which === 'python'
      ? [ctx.cmds.python.interpreter, ['-c', 'pass']]
      : which === 'ours'
        ? ['sh', ['-c', 'unset NODE_EXTRA_CA_CERTS; exec "$0" -e 0', process.execPath]]
        : [process.execPath, ['-e', '0']];
  const t = await runTimed(cmd, args, { tag: subTag(`floor.${which}`), cwd: ROOT, timeoutMs: 30_000 });
  if (t.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (exit ${t.code}): ${firstLine(t)}`);
  return t.ms;
}

/** Take one sample for a lane that is still healthy; a failure ends the lane with its reason. */
async function sample(lane: Lane, into: number[] | null, fn: (d: Daemon) => Promise<number>): Promise<void> {
  if (lane.error || !lane.d) return;
  try {
    const ms = await fn(lane.d);
    into?.push(ms);
  } catch (e) {
    lane.error = message(e);
  }
}

/** Ready when a status lists every program (the control socket may come up after the spawns). */
async function ready(lane: Lane, ctx: Ctx): Promise<void> {
  const d = lane.d!;
  await d.waitRunning(PROGRAMS, 60_000);
  let last = '';
  await waitFor(
    () => status(d, ctx).then(() => true, (e: unknown) => ((last = message(e)), false)),
    { timeoutMs: 30_000, intervalMs: 200, what: 'supervisorctl status to list every program', abort: () => d.exitedWhy() },
  ).catch((e: unknown) => {
    throw new Error(last || message(e));
  });
  lane.transport = lane.impl === 'python' ? 'XML-RPC over the unix socket' : d.hasZmqSocket() ? 'ZeroMQ (ipc)' : 'XML-RPC (no .zmq socket)';
}

/** Give `body` a lane whose daemon runs (or which says why it does not), and clean it up afterwards. */
async function withLane(ctx: Ctx, impl: Impl, body: (lane: Lane) => Promise<void>): Promise<void> {
  const lane: Lane = { impl, d: null, error: null, transport: '', status: [], pid: [], trips: [], floor: [] };
  if (!ctx.impls.has(impl)) {
    lane.error = 'left out of this run (BENCH_IMPL)';
    return body(lane);
  }
  let entered = false;
  try {
    await inScratch(ctx, `ctl-${impl}`, async (dir) => {
      const tag = subTag(`ctl.${impl}`);
      const paths = writeConf(dir, sleepers(PROGRAMS), tag);
      await withDaemon(ctx, impl, paths, tag, async (d) => {
        lane.d = d;
        await ready(lane, ctx).catch((e: unknown) => (lane.error = message(e)));
        entered = true;
        await body(lane);
      });
    });
  } catch (e) {
    if (entered) throw e;
    lane.error = message(e);
  }
  lane.d = null;
  if (!entered) await body(lane);
}

/** The median of a complete set of samples, else the lane's reason. */
function figure(lane: Lane, xs: number[], n: number): Value {
  if (xs.length === n) return median(xs);
  return { missing: lane.error ?? 'not measured' };
}

/** Whether this environment sets NODE_EXTRA_CA_CERTS, which Node 20 parses at every start. */
const CA_CERTS_SET = process.env['NODE_EXTRA_CA_CERTS'] !== undefined;
const nodeEnvFloor: number[] = [];

async function interleave(ctx: Ctx, lanes: Lane[]): Promise<void> {
  for (let i = 0; i < WARMUP + RUNS; i++) for (const l of lanes) await sample(l, i < WARMUP ? null : l.status, (d) => status(d, ctx));
  for (let i = 0; i < RUNS; i++) for (const l of lanes) await sample(l, l.pid, (d) => pid(d, ctx));
  for (let i = 0; i < ROUND_TRIPS; i++) for (const l of lanes) await sample(l, l.trips, (d) => stopStart(d, ctx));
  for (let i = 0; i < RUNS; i++) {
    for (const l of lanes) {
      if (!ctx.impls.has(l.impl)) continue;
      l.floor.push(await interpreter(ctx, l.impl));
    }
    if (CA_CERTS_SET && ctx.impls.has('ours')) nodeEnvFloor.push(await interpreter(ctx, 'node-env'));
  }
  for (const l of lanes) {
    if (l.status.length === RUNS) {
      ctx.log(`  ${l.impl} (${l.transport}): status ${median(l.status).toFixed(0)} ms` + (l.error ? `; then: ${l.error}` : ''));
    } else ctx.log(`  ${l.impl}: ${l.error}`);
  }
}

/** Run scenario 4 for both implementations. */
export async function runCtl(ctx: Ctx): Promise<Row[]> {
  ctx.log(`scenario 4: supervisorctl with ${PROGRAMS} programs, python and ours alternating`);
  const lanes: Lane[] = [];
  await withLane(ctx, IMPLS[0]!, (a) => withLane(ctx, IMPLS[1]!, (b) => interleave(ctx, (lanes.push(a, b), lanes))));
  const [py, ours] = lanes as [Lane, Lane];
  const via = ours.transport ? [`ours via ${ours.transport}; python via ${py.transport || 'XML-RPC over the unix socket'}`] : [];
  const floor = (l: Lane): Value => (l.floor.length === RUNS ? median(l.floor) : { missing: '' });
  return [
    makeRow(`4. ctl status (${PROGRAMS} programs), median of ${RUNS}`, 'ms', figure(ours, ours.status, RUNS), figure(py, py.status, RUNS), {
      kind: 'ratio-max',
      x: 0.4,
    }, via),
    makeRow(`4. ctl pid, median of ${RUNS}`, 'ms', figure(ours, ours.pid, RUNS), figure(py, py.pid, RUNS), { kind: 'none' }),
    makeRow(`4. ctl stop all + start all, median of ${ROUND_TRIPS}`, 'ms', figure(ours, ours.trips, ROUND_TRIPS), figure(py, py.trips, ROUND_TRIPS), {
      kind: 'none',
    }),
    makeRow(`4. interpreter start alone (node -e 0 / python3 -c pass), median of ${RUNS}`, 'ms', floor(ours), floor(py), { kind: 'none' }, [
      'node started as bin/supervisorctl starts it: from sh, without NODE_EXTRA_CA_CERTS',
    ]),
    ...(CA_CERTS_SET
      ? [
          makeRow(
            `4. plain node -e 0 here, NODE_EXTRA_CA_CERTS set, median of ${RUNS}`,
            'ms',
            nodeEnvFloor.length === RUNS ? median(nodeEnvFloor) : { missing: 'not measured' },
            { missing: '' },
            { kind: 'none' },
            [`NODE_EXTRA_CA_CERTS=${process.env['NODE_EXTRA_CA_CERTS']}: Node 20 parses it at every start; bin/supervisorctl starts Node without it`],
          ),
        ]
      : []),
  ];
}
