/**
 * Console benchmarks: `node dist/bench/ui/run.js` (after tsc and `node ui/build.mjs`). Prints a table.
 *  1. Launch to first frame: `supervisorctl` on a real pty against our supervisord in a temp dir, until
 *     the table heading is on screen, and until the rows are filled from the daemon's snapshot; with the
 *     esbuild bundle and without it. Goal ≤ 500 ms (bundled).
 *  2. Frame time in-process (fake daemon, fake terminal, production React): from a change (a state
 *     message, a key press) until its frame reached the terminal, with 500 and 1,000 processes. Goal
 *     ≤ 16 ms. And bytes per status tick at 120x40 (goal ≤ 300 B).
 * UI_BENCH_RUNS (default 7) sets the launches per variant. Every process and temp dir it starts is
 * removed at the end, also on failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ptyModule from 'node-pty';
import { ProcessStates } from '../../src/api/states.js';
import type { FakeProc } from '../../test/unit/ui/harness.js';
import { median } from '../lib/stats.js';
import { waitFor } from '../lib/wait.js';

// React and Ink are measured as supervisorctl runs them (ui/main.ts sets this before they load).
process.env.NODE_ENV ??= 'production';
const { startConsole } = await import('../../ui/app/session.js');
const { FakeClient, FakeKeyboard, FakeTerminal, settingsFor } = await import('../../test/unit/ui/harness.js');

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const RUNS = Number(process.env.UI_BENCH_RUNS ?? 7);

interface Figure {
  name: string;
  value: number | null;
  unit: string;
  goal: string;
  pass: boolean | null;
  note?: string;
}

// ---- 1. launch to first frame -----------------------------------------------------------------

const CONF = `[unix_http_server]
file = %(here)s/supervisor.sock
[supervisord]
logfile = %(here)s/supervisord.log
pidfile = %(here)s/supervisord.pid
childlogdir = %(here)s
identifier = uibench
[supervisorctl]
serverurl = unix://%(here)s/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:sleeper]
command = sleep 600
numprocs = 3
process_name = %(program_name)s_%(process_num)d
`;

/** One launch: ms from spawn until the first frame (the table heading), and until the rows are filled. */
function launchOnce(conf: string, env: NodeJS.ProcessEnv): Promise<[number, number]> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    // The installed command (the sh launcher of bin/supervisorctl.js), as a user starts the console.
    const p = ptyModule.spawn(join(ROOT, 'bin/supervisorctl'), ['-c', conf], {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd: ROOT,
      env,
    });
    let out = '';
    let firstFrame = 0;
    let filled = 0;
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error(`no first frame within 15 s; got ${JSON.stringify(out.slice(-300))}`));
    }, 15000);
    p.onData((d) => {
      out += d;
      if (!firstFrame && out.includes('NAME')) firstFrame = performance.now() - started;
      if (firstFrame && !filled && out.includes('sleeper_')) {
        filled = performance.now() - started;
        p.write('q');
      }
    });
    p.onExit(() => {
      clearTimeout(timer);
      if (filled) resolvePromise([firstFrame, filled]);
      else reject(new Error(`exited before the first frame: ${out.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, "").slice(0, 600)}`));
    });
  });
}

async function benchLaunch(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ui-bench-'));
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, CONF);
  let daemon: ChildProcess | null = null;
  try {
    daemon = spawn(process.execPath, [join(ROOT, 'bin/supervisord.js'), '-n', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let daemonErr = '';
    daemon.stderr!.on('data', (d: Buffer) => (daemonErr += d.toString()));
    daemon.once('exit', (c) => (daemonErr += ` (exited ${c})`));
    await waitFor(() => existsSync(join(dir, 'supervisor.sock.zmq')), { timeoutMs: 10000, intervalMs: 5, what: 'supervisord sockets' }).catch((e: Error) => {
      throw new Error(`${e.message}: ${daemonErr.slice(0, 300)}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
    delete env.CI; // Ink draws nothing in CI mode.
    const bundled = existsSync(join(ROOT, 'dist/bundle/console.bundle.js'));
    const figures: Figure[] = [];
    // The machine's own floor, to read the figures against (it is shared and noisy).
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await new Promise((r) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('exit', r));
      floor.push(performance.now() - t0);
    }
    figures.push({ name: 'node -e 0 (machine floor)', value: median(floor), unit: 'ms', goal: '-', pass: null });
    for (const [label, extra] of [
      ['bundled', {}],
      ['unbundled', { SUPERVISORCTL_CONSOLE_UNBUNDLED: '1' }],
    ] as const) {
      if (label === 'bundled' && !bundled) {
        figures.push({ name: 'launch → first frame (bundled)', value: null, unit: 'ms', goal: '≤ 500', pass: null, note: 'no bundle: run node ui/build.mjs' });
        continue;
      }
      await launchOnce(conf, { ...env, ...extra }); // warm the file cache
      const first: number[] = [];
      const full: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const [a, b] = await launchOnce(conf, { ...env, ...extra });
        first.push(a);
        full.push(b);
      }
      const m = median(first);
      figures.push({
        name: `launch → first frame (${label})`,
        value: m,
        unit: 'ms',
        goal: label === 'bundled' ? '≤ 500' : '-',
        pass: label === 'bundled' ? m <= 500 : null,
        note: `median of ${RUNS}, min ${Math.min(...first).toFixed(0)}, max ${Math.max(...first).toFixed(0)}`,
      });
      figures.push({ name: `launch → table filled (${label})`, value: median(full), unit: 'ms', goal: '-', pass: null, note: 'snapshot over ZeroMQ drawn' });
    }
    return figures;
  } finally {
    daemon?.kill('SIGTERM');
    if (daemon) await new Promise((r) => (daemon!.exitCode !== null ? r(null) : daemon!.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 2. in-process rendering ------------------------------------------------------------------

async function session(procs: FakeProc[]) {
  const term = new FakeTerminal(120, 40);
  const keys = new FakeKeyboard();
  const client = new FakeClient(procs);
  const s = await startConsole({
    settings: settingsFor(client.url),
    connect: async () => client,
    input: keys,
    output: term,
    env: {},
    hostname: 'bench',
  });
  await waitFor(() => s.sink.framesWritten > 0 && s.app.rows().length > 0, { timeoutMs: 5000, intervalMs: 5, what: 'first frame' });
  // When each frame reached the sink (before any terminal bytes: that is what the frame cost).
  let lastFrame = 0;
  const frame = s.sink.frame.bind(s.sink);
  s.sink.frame = (text: string) => {
    lastFrame = performance.now();
    frame(text);
  };
  return { term, keys, client, s, lastFrameAt: () => lastFrame };
}

/** Yields to the event loop until `pred`, without a timer's granularity (frames take a few ms). */
async function spin(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Runs `act` n times, each followed by a frame; returns [median bytes per frame, median ms from the
 * change until its frame reached the sink, 90th percentile ms].
 */
async function perUpdate(r: Awaited<ReturnType<typeof session>>, n: number, act: (i: number) => void): Promise<[number, number, number]> {
  const bytes: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    // Let timers from the last frame (coalescing, the pty preview) settle first.
    await new Promise((res) => setTimeout(res, 20));
    const b0 = r.s.sink.bytesWritten;
    const t0 = performance.now();
    act(i);
    r.s.store.flush();
    await spin(() => r.lastFrameAt() >= t0, 2000, 'frame');
    ms.push(r.lastFrameAt() - t0);
    bytes.push(r.s.sink.bytesWritten - b0);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return [median(bytes), median(ms), sorted[Math.floor(sorted.length * 0.9)]!];
}

async function benchRender(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const small = await session([{ name: 'web' }, { name: 'api' }, { name: 'w0', group: 'workers' }, { name: 'w1', group: 'workers' }]);
  try {
    const [b, t] = await perUpdate(small, 30, (i) => small.client.stats({ 'web:web': { cpu: i + 0.5, rss: 1 << 20, starts: 1 } }));
    figures.push({ name: 'status tick, 120x40: bytes/frame', value: b, unit: 'B', goal: '≤ 300', pass: b <= 300 });
    figures.push({ name: 'status tick, 120x40: frame time', value: t, unit: 'ms', goal: '≤ 16', pass: t <= 16 });
  } finally {
    small.s.quit();
    await small.s.done;
  }
  for (const n of [500, 1000]) {
    const procs: FakeProc[] = [];
    for (let i = 0; i < n; i++) procs.push({ name: `p${i}`, group: `g${i % 50}` });
    const big = await session(procs);
    const label = n.toLocaleString('en');
    try {
      const [b, t, p90] = await perUpdate(big, 40, (i) =>
        // Each change is real: a process of the first (visible) group stops, then starts again.
        big.client.setState(`g0:p${(((i >> 1) % 20) * 50) % n}`, i % 2 ? ProcessStates.RUNNING : ProcessStates.STOPPED),
      );
      figures.push({ name: `${label} processes: state change frame`, value: t, unit: 'ms', goal: '≤ 16', pass: t <= 16, note: `p90 ${p90.toFixed(1)} ms, ${b.toFixed(0)} B` });
      const [kb, kt, kp90] = await perUpdate(big, 40, () => big.keys.type('j'));
      figures.push({ name: `${label} processes: key press (j) frame`, value: kt, unit: 'ms', goal: '≤ 16', pass: kt <= 16, note: `p90 ${kp90.toFixed(1)} ms, ${kb.toFixed(0)} B` });
    } finally {
      big.s.quit();
      await big.s.done;
    }
  }
  return figures;
}

function table(rows: Figure[]): string {
  const head = ['benchmark', 'value', 'unit', 'goal', 'pass', 'notes'];
  const body = rows.map((f) => [
    f.name,
    f.value === null ? 'n/a' : f.value >= 100 ? f.value.toFixed(0) : f.value.toFixed(1),
    f.unit,
    f.goal,
    f.pass === null ? '-' : f.pass ? 'yes' : 'NO',
    f.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  try {
    figures.push(...(await benchLaunch()));
  } catch (e) {
    figures.push({ name: 'launch → first frame', value: null, unit: 'ms', goal: '≤ 500', pass: null, note: (e as Error).message.slice(0, 120) });
  }
  figures.push(...(await benchRender()));
  process.stdout.write(table(figures) + '\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
