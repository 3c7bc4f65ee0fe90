/**
 * The process table's rows: processes grouped under their group (a group of one same-named process is a
 * plain row), filtered, sorted and with collapsed groups folded. Computed once per change of the inputs,
 * so scrolling through 1,000 processes costs nothing.
 */
import { ProcessStates } from '../../src/api/states.js';
import { groupRowKey, type Proc, type SortKey } from './types.js';

export type Row =
  | { kind: 'group'; key: string; group: string; procs: Proc[]; collapsed: boolean }
  | { kind: 'proc'; key: string; proc: Proc; depth: 0 | 1 };

export interface RowQuery {
  filter: string;
  sort: SortKey;
  reverse: boolean;
  collapsed: ReadonlySet<string>;
}

/** Problems first: a state sort puts what needs attention on top. */
const STATE_RANK: Record<number, number> = {
  [ProcessStates.FATAL]: 0,
  [ProcessStates.BACKOFF]: 1,
  [ProcessStates.UNKNOWN]: 2,
  [ProcessStates.EXITED]: 3,
  [ProcessStates.STOPPING]: 4,
  [ProcessStates.STARTING]: 5,
  [ProcessStates.RUNNING]: 6,
  [ProcessStates.STOPPED]: 7,
};

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each key's natural order: names A→Z, problems first, biggest CPU/memory first, newest start first. */
function compareBy(key: SortKey, now: number): (a: Proc, b: Proc) => number {
  switch (key) {
    case 'name':
      return (a, b) => cmpStr(a.group, b.group) || cmpStr(a.name, b.name);
    case 'state':
      return (a, b) => (STATE_RANK[a.info.state] ?? 9) - (STATE_RANK[b.info.state] ?? 9);
    case 'cpu':
      return (a, b) => (b.stats?.cpu ?? -1) - (a.stats?.cpu ?? -1);
    case 'mem':
      return (a, b) => (b.stats?.rss ?? -1) - (a.stats?.rss ?? -1);
    case 'uptime':
      return (a, b) => uptimeMs(a, now) - uptimeMs(b, now);
  }
}

/** How long a process has been up (ms); stopped processes sort after every running one. */
export function uptimeMs(p: Proc, now: number): number {
  const up = p.info.state === ProcessStates.RUNNING && p.startedAt ? now - p.startedAt : Number.MAX_SAFE_INTEGER;
  return Math.max(0, up);
}

function matches(p: Proc, needle: string): boolean {
  return `${p.group}:${p.name} ${p.info.statename}`.toLowerCase().includes(needle);
}

/**
 * Whether a group gets a group row of its own: every group but a lone process named like its group
 * (a plain [program:x]), which is shown as that process's row alone.
 */
export function hasGroupRow(group: string, members: readonly Proc[]): boolean {
  return !(members.length === 1 && members[0]!.name === group);
}

/** Builds the rows for `procs` (in any order) under `q`. */
export function buildRows(procs: Iterable<Proc>, q: RowQuery, now: number): Row[] {
  const needle = q.filter.trim().toLowerCase();
  const byName = compareBy('name', now);
  const primary = compareBy(q.sort, now);
  const sign = q.reverse ? -1 : 1;
  // Ties fall back to the name so the order is stable from frame to frame.
  const cmp = (a: Proc, b: Proc): number => sign * primary(a, b) || byName(a, b);
  const groups = new Map<string, Proc[]>();
  for (const p of procs) {
    if (needle && !matches(p, needle)) continue;
    let list = groups.get(p.group);
    if (!list) groups.set(p.group, (list = []));
    list.push(p);
  }
  const blocks: Array<{ lead: Proc; rows: Row[] }> = [];
  for (const [group, list] of groups) {
    list.sort(cmp);
    const lead = list[0]!;
    if (!hasGroupRow(group, list)) {
      blocks.push({ lead, rows: [{ kind: 'proc', key: lead.key, proc: lead, depth: 0 }] });
      continue;
    }
    const key = groupRowKey(group);
    // A filter shows the matching members even of a collapsed group.
    const collapsed = q.collapsed.has(key) && !needle;
    const rows: Row[] = [{ kind: 'group', key, group, procs: list, collapsed }];
    if (!collapsed) for (const p of list) rows.push({ kind: 'proc', key: p.key, proc: p, depth: 1 });
    blocks.push({ lead, rows });
  }
  // Groups go by their best member under the same order; in name order that is the group name.
  blocks.sort((a, b) => (q.sort === 'name' ? sign * cmpStr(a.lead.group, b.lead.group) : cmp(a.lead, b.lead)));
  return blocks.flatMap((b) => b.rows);
}

/** The versions of AppState a row list depends on (see AppState). */
export interface RowVersions {
  membersVersion: number;
  statesVersion: number;
  statsVersion: number;
}

/**
 * A cache of buildRows keyed on what the rows depend on, and nothing more: a state change re-sorts only
 * when the sort or the filter looks at states, a stats sample only under a CPU or memory sort. Rows point
 * at the (mutable) Proc objects, so the cells they draw are always current.
 */
export class RowCache {
  private key = '';
  private rows: Row[] = [];
  private index = new Map<string, number>();
  private longest = 0;
  private matching = 0;

  get(procs: Map<string, Proc>, v: RowVersions, q: RowQuery, now: number): Row[] {
    const byState = q.sort === 'state' || q.sort === 'uptime' || q.filter.trim() !== '';
    const byStats = q.sort === 'cpu' || q.sort === 'mem';
    // Uptime order changes with the clock only at whole seconds; other keys ignore it.
    const clock = q.sort === 'uptime' ? Math.floor(now / 1000) : 0;
    const key = [v.membersVersion, byState ? v.statesVersion : '', byStats ? v.statsVersion : '', q.filter, q.sort, q.reverse, [...q.collapsed].join(','), clock].join('|');
    if (key !== this.key) {
      this.key = key;
      this.rows = buildRows(procs.values(), q, now);
      this.index = new Map(this.rows.map((r, i) => [r.key, i]));
      this.longest = 0;
      this.matching = 0;
      for (const r of this.rows) {
        this.longest = Math.max(this.longest, r.kind === 'group' ? r.group.length + 6 : r.proc.name.length + (r.depth ? 2 : 0));
        this.matching += r.kind === 'proc' ? 1 : r.collapsed ? r.procs.length : 0;
      }
    }
    return this.rows;
  }

  /** Position of the row `key` in the last list, or -1. */
  indexOf(key: string): number {
    return this.index.get(key) ?? -1;
  }

  /** Processes in the last list (those in folded groups included). */
  get processCount(): number {
    return this.matching;
  }

  /** Cells the widest name cell of the last list needs. */
  get longestName(): number {
    return this.longest;
  }
}
