/**
 * Scenario 3: one program writes 200 MiB to stdout as fast as it can, into a log rotating at 50MB with 10
 * backups. Measured from the generator's own start (it writes a timestamp file first) until the base
 * file plus backups hold every byte; bytes lost = expected − on disk. The content is spot-checked: the
 * start of every file must be where the stream says it is, so reordering or duplication shows too.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subTag } from '../lib/procs.js';
import { writeConf } from '../lib/conf.js';
import type { Impl } from '../lib/daemon.js';
import { measureImpl, inScratch, pick, withDaemon, type Ctx, type Outcome } from '../lib/scenario.js';
import { makeRow, type Row } from '../lib/results.js';
import { waitFor } from '../lib/wait.js';
import { median } from '../lib/stats.js';

const TOTAL = 200 * 1024 * 1024;
const BACKUPS = 10;
/** 63 characters and a newline: TOTAL is a whole number of lines, and offset k holds LINE[k % 64]. */
const LINE = 'supervisor-ts bench burst: one fixed line of output, 64 bytes..\n';
/** Once the program has exited, the size must stay put this long before bytes count as lost. */
const STABLE_MS = 3_000;
/** A burst takes well under a second at these speeds, so take the median of a few, each on a fresh daemon. */
const RUNS = 5;

interface Burst {
  seconds: number;
  mibPerS: number;
  lost: number;
  notes: string[];
}

function logFiles(base: string): string[] {
  return [base, ...Array.from({ length: BACKUPS }, (_, i) => `${base}.${i + 1}`)];
}

function onDisk(base: string): number {
  let sum = 0;
  for (const f of logFiles(base)) {
    try {
      sum += statSync(f).size;
    } catch {
      // not rotated that far
    }
  }
  return sum;
}

/** Check that each file starts where the stream says it does (oldest backup first). */
function spotCheck(base: string): string | null {
  const files = logFiles(base).filter((f) => existsSync(f)).reverse();
  let offset = 0;
  for (const f of files) {
    const size = statSync(f).size;
    const want = Buffer.from(LINE.repeat(3)).subarray(offset % LINE.length, (offset % LINE.length) + Math.min(64, size));
    const got = Buffer.alloc(want.length);
    const fd = openSync(f, 'r');
    try {
      readSync(fd, got, 0, got.length, 0);
    } finally {
      closeSync(fd);
    }
    if (!got.equals(want)) return `content of ${f.split('/').pop()} does not continue the stream at byte ${offset}`;
    offset += size;
  }
  return null;
}

async function measureOnce(ctx: Ctx, impl: Impl): Promise<Burst> {
  return inScratch(ctx, `burst-${impl}`, async (dir) => {
    const tag = subTag(`burst.${impl}`);
    const script = join(dir, 'burst.sh');
    const stamp = join(dir, 'burst.start');
    const base = join(dir, 'burst.log');
    writeFileSync(
      script,
      `#!/bin/sh\n# The generator: its start time (ns), then ${TOTAL} bytes of fixed lines as fast as possible.\n` +
        `date +%s%N > '${stamp}'\nyes '${LINE.slice(0, -1)}' | head -c ${TOTAL}\n`,
    );
    const paths = writeConf(
      dir,
      [
        {
          name: 'burst',
          keys: {
            command: `/bin/sh ${script}`,
            startsecs: 0,
            autorestart: false,
            stdout_logfile: base,
            stdout_logfile_maxbytes: '50MB',
            stdout_logfile_backups: BACKUPS,
            stderr_logfile: 'NONE',
          },
        },
      ],
      tag,
    );
    return withDaemon(ctx, impl, paths, tag, async (d) => {
      const abort = (): string | null => d.exitedWhy();
      await waitFor(() => existsSync(stamp) && readFileSync(stamp, 'utf8').trim().length > 0, {
        timeoutMs: 60_000,
        what: 'the burst program to start',
        abort,
      });
      const startMs = Number(readFileSync(stamp, 'utf8').trim()) / 1e6;
      let last = -1;
      let lastGrowth = Date.now();
      let exitedAt: number | null = null;
      await waitFor(
        () => {
          const now = Date.now();
          const size = onDisk(base);
          if (size !== last) {
            last = size;
            lastGrowth = now;
          }
          if (size >= TOTAL) return true;
          if (exitedAt === null) {
            d.log.poll();
            if (d.log.count(/\bexited: burst\b/) > 0) exitedAt = now;
          }
          // The program is gone and nothing arrived for a while: what is missing is lost.
          return exitedAt !== null && now - Math.max(exitedAt, lastGrowth) >= STABLE_MS;
        },
        { timeoutMs: 180_000, intervalMs: 5, what: `${TOTAL} bytes in ${base} and its backups`, abort },
      );
      const total = onDisk(base);
      const seconds = (lastGrowth - startMs) / 1000;
      const notes: string[] = [];
      if (total > TOTAL) notes.push(`${impl}: ${total - TOTAL} bytes more on disk than written`);
      const bad = spotCheck(base);
      if (bad) notes.push(`${impl}: ${bad}`);
      ctx.log(`  ${impl}: ${total} of ${TOTAL} bytes on disk after ${seconds.toFixed(2)} s`);
      return { seconds, mibPerS: total / 1048576 / seconds, lost: Math.max(0, TOTAL - total), notes };
    });
  });
}

/** Median time and throughput of the runs, the worst loss, every note. */
function combine(runs: Burst[]): Burst {
  return {
    seconds: median(runs.map((r) => r.seconds)),
    mibPerS: median(runs.map((r) => r.mibPerS)),
    lost: Math.max(...runs.map((r) => r.lost)),
    notes: [...new Set(runs.flatMap((r) => r.notes))],
  };
}

/** Run scenario 3 for both implementations. */
export async function runBurst(ctx: Ctx): Promise<Row[]> {
  ctx.log(`scenario 3: 200 MiB stdout burst, maxbytes=50MB, backups=10, ${RUNS} runs each, alternating`);
  // Alternate python and ours, so that a change in the shared machine's load hits both alike; a failure
  // ends that implementation's runs with its reason.
  const runs: Record<Impl, Burst[]> = { python: [], ours: [] };
  const failed: Partial<Record<Impl, Outcome<Burst>>> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const impl of ['python', 'ours'] as const) {
      if (failed[impl]) continue;
      const o = await measureImpl(ctx, impl, () => measureOnce(ctx, impl));
      if (o.ok) runs[impl].push(o.value);
      else failed[impl] = o;
    }
  }
  const result = (impl: Impl): Outcome<Burst> => failed[impl] ?? { ok: true, value: combine(runs[impl]) };
  const python = result('python');
  const ours = result('ours');
  const notes = [...(python.ok ? python.value.notes : []), ...(ours.ok ? ours.value.notes : [])];
  return [
    makeRow(`3. 200 MiB burst: start → all on disk, median of ${RUNS}`, 's', pick(ours, (v) => v.seconds), pick(python, (v) => v.seconds), {
      kind: 'none',
    }),
    makeRow(`3. burst throughput, median of ${RUNS}`, 'MiB/s', pick(ours, (v) => v.mibPerS), pick(python, (v) => v.mibPerS), { kind: 'ratio-min', x: 1.5 }),
    makeRow(`3. burst bytes lost, worst of ${RUNS}`, 'bytes', pick(ours, (v) => v.lost), pick(python, (v) => v.lost), { kind: 'zero' }, notes),
  ];
}
