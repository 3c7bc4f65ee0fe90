/**
 * `npm run bench`: our supervisord/supervisorctl side by side with Debian's Python Supervisor 4.2.5, in
 * one run, same configs, observed from outside. Prints the table and writes .bench-out/bench-results.json
 * (and .md). `node dist/bench/run.js 1 3` runs only the scenarios named (1–2 are one scenario).
 * BENCH_KEEP=1 keeps the scratch dirs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { Commands, ROOT, type Impl } from './lib/daemon.js';
import { RUN_TAG, reapSync } from './lib/procs.js';
import { ensurePythonSupervisor } from './lib/python.js';
import { markdownTable, textTable, type Row } from './lib/results.js';
import type { Ctx } from './lib/scenario.js';
import { machineInfo } from './lib/sys.js';
import { runStartup } from './scenarios/startup.js';
import { runBurst } from './scenarios/burst.js';
import { runCtl } from './scenarios/ctl.js';
import { runPush } from './scenarios/push.js';

/** The whole run must end well within ~10 minutes; past this it is killed as hung. */
const WATCHDOG_MS = 15 * 60_000;

const SCENARIOS: { ids: string[]; run: (ctx: Ctx) => Promise<Row[]> }[] = [
  { ids: ['1', '2'], run: runStartup },
  { ids: ['3'], run: runBurst },
  { ids: ['4'], run: runCtl },
  { ids: ['5'], run: runPush },
];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(argv: string[]): Promise<number> {
  const bad = argv.filter((a) => !SCENARIOS.some((s) => s.ids.includes(a)));
  if (bad.length) {
    log(`bench: unknown scenario ${bad.join(', ')} (expected some of 1 2 3 4 5)`);
    return 2;
  }
  const python = ensurePythonSupervisor(log);
  const only = process.env['BENCH_IMPL'];
  if (only && only !== 'ours' && only !== 'python') {
    log(`bench: BENCH_IMPL must be ours or python, not ${only}`);
    return 2;
  }
  const impls = new Set<Impl>(only === 'ours' || only === 'python' ? [only] : ['python', 'ours']);
  const ctx: Ctx = { cmds: new Commands(python), log, keep: process.env['BENCH_KEEP'] === '1', scratch: new Set(), impls };

  // Whatever happens, no process of this run and no scratch dir outlives it.
  const cleanup = (): void => {
    reapSync(RUN_TAG);
    if (!ctx.keep) for (const d of ctx.scratch) rmSync(d, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      log(`bench: ${sig}, cleaning up`);
      process.exit(130);
    });
  }
  setTimeout(() => {
    log(`bench: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
    process.exit(3);
  }, WATCHDOG_MS).unref();

  const machine = machineInfo();
  const started = new Date();
  const loadStart = os.loadavg();
  log(`bench: ${machine.nproc} cpus (${machine.cpuModel}), ${machine.memTotalMiB} MiB, node ${machine.node}, python supervisord ${python.version}`);
  const rows: Row[] = [];
  const t0 = performance.now();
  for (const s of SCENARIOS) {
    if (argv.length && !s.ids.some((id) => argv.includes(id))) continue;
    rows.push(...(await s.run(ctx)));
  }
  const seconds = (performance.now() - t0) / 1000;

  const out = join(ROOT, '.bench-out');
  mkdirSync(out, { recursive: true });
  const result = {
    date: started.toISOString(),
    durationS: Math.round(seconds),
    machine,
    python,
    command: argv.length ? `node dist/bench/run.js ${argv.join(' ')}` : 'npm run bench',
    // The machine is shared: the load around the run says how noisy the figures may be.
    loadavg: { start: loadStart, end: os.loadavg() },
    rows,
  };
  writeFileSync(join(out, 'bench-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'bench-results.md'), `${markdownTable(rows)}\n`);
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  process.stdout.write(`\n${textTable(rows)}\n\nload average ${load(loadStart)} at the start, ${load(os.loadavg())} at the end; bench took ${seconds.toFixed(0)} s; results in .bench-out/bench-results.json\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a ZeroMQ client that failed to close must not keep the run alive.
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
