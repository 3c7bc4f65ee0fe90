/**
 * Scenarios 1 and 2: 500 programs with startsecs=0 and autostart. Time from launching the daemon until
 * the activity log holds 500 `entered RUNNING state` lines; then, with all of them running, the daemon's
 * own RSS and its CPU time over an idle window.
 */
import { subTag, pidsWithTag } from '../lib/procs.js';
import { sleepers, writeConf } from '../lib/conf.js';
import { readFileSync } from 'node:fs';
import type { Impl } from '../lib/daemon.js';
import { measureImpl, inScratch, pick, withDaemon, type Ctx, type Outcome } from '../lib/scenario.js';
import { median } from '../lib/stats.js';
import { makeRow, type Row } from '../lib/results.js';
import { CLK_TCK, cpuMs, rssKiB, rssPartsKiB, type RssParts } from '../lib/sys.js';
import { sleep } from '../lib/wait.js';

const PROGRAMS = 500;
/** Let the daemon finish the last spawns' bookkeeping before the idle window. */
const SETTLE_MS = 2_000;
const IDLE_MS = 10_000;
/** Launches per implementation, alternating; the idle figures come from the last one. */
const RUNS = 3;

interface Startup {
  startupS: number;
  /** Only measured on the run that waits out the idle window. */
  rssMiB: number | null;
  /** Anonymous and file-backed parts of that RSS (KiB), measured with it. */
  rssParts: RssParts | null;
  idleCpuMs: number | null;
}

/** How many `sleep` processes carry the tag: proof from /proc that the programs really run. */
function sleepersAlive(tag: string): number {
  return pidsWithTag(tag).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep';
    } catch {
      return false;
    }
  }).length;
}

async function measure(ctx: Ctx, impl: Impl, idle: boolean): Promise<Startup> {
  return inScratch(ctx, `startup-${impl}`, async (dir) => {
    const tag = subTag(`startup.${impl}`);
    const paths = writeConf(dir, sleepers(PROGRAMS), tag);
    return withDaemon(ctx, impl, paths, tag, async (d) => {
      const t = await d.waitRunning(PROGRAMS, 120_000);
      const startupS = (t - d.startedAt) / 1000;
      const alive = sleepersAlive(tag);
      if (alive < PROGRAMS) throw new Error(`log says ${PROGRAMS} RUNNING but /proc shows ${alive} sleep processes`);
      if (!idle) {
        ctx.log(`  ${impl}: ${PROGRAMS} RUNNING after ${startupS.toFixed(2)} s`);
        return { startupS, rssMiB: null, rssParts: null, idleCpuMs: null };
      }
      await sleep(SETTLE_MS);
      const c0 = cpuMs(d.pid);
      await sleep(IDLE_MS);
      const c1 = cpuMs(d.pid);
      const rss = rssKiB(d.pid);
      const rssParts = rssPartsKiB(d.pid);
      if (c0 === null || c1 === null || rss === null) throw new Error(d.exitedWhy() ?? 'daemon vanished from /proc');
      ctx.log(`  ${impl}: ${PROGRAMS} RUNNING after ${startupS.toFixed(2)} s, RSS ${(rss / 1024).toFixed(1)} MiB, idle CPU ${(c1 - c0).toFixed(0)} ms / ${IDLE_MS / 1000} s`);
      return { startupS, rssMiB: rss / 1024, rssParts, idleCpuMs: c1 - c0 };
    });
  });
}

/** Run scenarios 1 and 2 for both implementations. */
export async function runStartup(ctx: Ctx): Promise<Row[]> {
  ctx.log(`scenarios 1–2: ${PROGRAMS} programs, startsecs=0, ${RUNS} launches each, alternating`);
  // Alternate python and ours so that the shared machine's load changes hit both; a failure ends that
  // implementation's runs with its reason.
  const runs: Record<Impl, Startup[]> = { python: [], ours: [] };
  const failed: Partial<Record<Impl, Outcome<Startup>>> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const impl of ['python', 'ours'] as const) {
      if (failed[impl]) continue;
      const o = await measureImpl(ctx, impl, () => measure(ctx, impl, i === RUNS - 1));
      if (o.ok) runs[impl].push(o.value);
      else failed[impl] = o;
    }
  }
  const result = (impl: Impl): Outcome<Startup> => {
    const f = failed[impl];
    if (f) return f;
    const last = runs[impl].at(-1)!;
    return { ok: true, value: { ...last, startupS: median(runs[impl].map((r) => r.startupS)) } };
  };
  const python = result('python');
  const ours = result('ours');
  // Where each daemon's resident memory is: its own heap and stacks, or pages of its binary and libraries.
  const parts = (impl: Impl, o: Outcome<Startup>): string[] => {
    const p = o.ok ? o.value.rssParts : null;
    return p ? [`${impl}: ${(p.anon / 1024).toFixed(1)} MiB anonymous (heap, stacks) + ${(p.file / 1024).toFixed(1)} MiB file-backed (binary, libraries)`] : [];
  };
  return [
    makeRow(`1. ${PROGRAMS} programs: launch → all RUNNING, median of ${RUNS}`, 's', pick(ours, (v) => v.startupS), pick(python, (v) => v.startupS), {
      kind: 'ratio-max',
      x: 0.25,
    }),
    makeRow(`2. daemon RSS, ${PROGRAMS} running`, 'MiB', pick(ours, (v) => v.rssMiB), pick(python, (v) => v.rssMiB), {
      kind: 'ratio-max',
      x: 1.2,
    }, [...parts('ours', ours), ...parts('python', python)]),
    makeRow(
      `2. idle CPU over ${IDLE_MS / 1000} s, ${PROGRAMS} running`,
      'ms',
      pick(ours, (v) => v.idleCpuMs),
      pick(python, (v) => v.idleCpuMs),
      { kind: 'ratio-max', x: 1 },
      [`utime+stime of the daemon process alone (/proc/<pid>/stat), resolution ${1000 / CLK_TCK} ms`],
    ),
  ];
}
