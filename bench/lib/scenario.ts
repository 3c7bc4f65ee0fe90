/**
 * What every scenario shares: a scratch directory, a daemon that is always stopped (and its tagged
 * processes reaped) however the measurement ends, and measurements that fail into a reason, not a crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ConfPaths } from './conf.js';
import { Commands, Daemon, type Impl } from './daemon.js';
import type { Value } from './results.js';

/** Shared by all scenarios of one run. */
export interface Ctx {
  cmds: Commands;
  log: (line: string) => void;
  /** Keep scratch dirs (BENCH_KEEP=1) to look at the logs after a failure. */
  keep: boolean;
  /** Scratch dirs that still exist, removed by the exit hook if a scenario is interrupted. */
  scratch: Set<string>;
  /** The implementations to measure (BENCH_IMPL=ours|python narrows it while developing). */
  impls: ReadonlySet<Impl>;
}

/** A measurement that worked, or the one-line reason it did not. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Run a measurement; an exception becomes its message. */
export async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: msg.split('\n')[0]!.slice(0, 300) };
  }
}

/** Measure one implementation, unless the run leaves it out. */
export function measureImpl<T>(ctx: Ctx, impl: Impl, fn: () => Promise<T>): Promise<Outcome<T>> {
  if (!ctx.impls.has(impl)) return Promise.resolve({ ok: false, error: 'left out of this run (BENCH_IMPL)' });
  return attempt(fn);
}

/** One figure of an outcome as a table Value. */
export function pick<T>(o: Outcome<T>, f: (v: T) => number | null | undefined, why = 'not measured'): Value {
  if (!o.ok) return { missing: o.error };
  const v = f(o.value);
  return typeof v === 'number' ? v : { missing: why };
}

/** Run `fn` in a fresh temp dir, removed afterwards unless ctx.keep. */
export async function inScratch<T>(ctx: Ctx, name: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(os.tmpdir(), `sv-bench-${name}-`));
  ctx.scratch.add(dir);
  try {
    return await fn(dir);
  } finally {
    if (ctx.keep) ctx.log(`  kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    ctx.scratch.delete(dir);
  }
}

/** Start a daemon on `paths`, run `fn`, and always stop it and reap its tag. */
export async function withDaemon<T>(ctx: Ctx, impl: Impl, paths: ConfPaths, tag: string, fn: (d: Daemon) => Promise<T>): Promise<T> {
  const d = Daemon.start(impl, ctx.cmds, paths, tag);
  try {
    return await fn(d);
  } finally {
    await d.stop();
  }
}
