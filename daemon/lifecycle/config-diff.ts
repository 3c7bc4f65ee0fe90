/**
 * `reread`/reloadConfig: which groups of a newly read configuration differ from the running ones
 * (Supervisor's `diff_to_active`). Two group configs are equal when they are deep-equal once every
 * `source` (file:line, which moves when unrelated lines are edited) is ignored.
 */
import { isDeepStrictEqual } from 'node:util';
import type { GroupConfig } from '../../src/config/types.js';

/** The groups a re-read configuration adds, changes and removes. */
export interface ConfigDiff {
  added: GroupConfig[];
  changed: GroupConfig[];
  removed: GroupConfig[];
}

/** A copy of a value with every `source` key removed, at any depth. */
function withoutSource(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSource);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'source') out[k] = withoutSource(v);
    return out;
  }
  return value;
}

/** True when two group configs describe the same group. */
export function sameGroupConfig(a: GroupConfig, b: GroupConfig): boolean {
  return isDeepStrictEqual(withoutSource(a), withoutSource(b));
}

/**
 * added: in `next` but not running; changed: in both but different; removed: running but gone.
 * added/changed keep the order of `next`, removed the order of `active`, as Supervisor.
 */
export function diffGroups(active: GroupConfig[], next: GroupConfig[]): ConfigDiff {
  const cur = new Map(active.map((g) => [g.name, g]));
  const names = new Set(next.map((g) => g.name));
  return {
    added: next.filter((g) => !cur.has(g.name)),
    changed: next.filter((g) => cur.has(g.name) && !sameGroupConfig(g, cur.get(g.name)!)),
    removed: active.filter((g) => !names.has(g.name)),
  };
}
