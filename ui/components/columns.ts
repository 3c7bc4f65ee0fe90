/**
 * The process table's columns and how they give way on narrow terminals: each column needs a minimum
 * terminal width, so below 100 columns `restarts` goes first, then `pid` (below 90), the info text
 * (below 72), memory (below 66) and CPU (below 62). Name, state and uptime always stay.
 */
import { ProcessStates } from '../../src/api/states.js';
import type { Row } from '../state/rows.js';
import type { Proc } from '../state/types.js';
import { formatBytes, formatCpu, formatDuration } from './format.js';

export type ColumnId = 'name' | 'state' | 'pid' | 'uptime' | 'cpu' | 'mem' | 'restarts' | 'info';

export interface Column {
  id: ColumnId;
  title: string;
  /** Fixed width, or 0 for the flexible columns (name, info). */
  width: number;
  align: 'left' | 'right';
  /** The narrowest terminal that still shows this column. */
  minCols: number;
}

export const COLUMNS: readonly Column[] = [
  { id: 'name', title: 'NAME', width: 0, align: 'left', minCols: 0 },
  { id: 'state', title: 'STATE', width: 9, align: 'left', minCols: 0 },
  { id: 'pid', title: 'PID', width: 7, align: 'right', minCols: 90 },
  { id: 'uptime', title: 'UPTIME', width: 9, align: 'right', minCols: 0 },
  { id: 'cpu', title: 'CPU%', width: 6, align: 'right', minCols: 62 },
  { id: 'mem', title: 'MEM', width: 7, align: 'right', minCols: 66 },
  { id: 'restarts', title: 'RST', width: 4, align: 'right', minCols: 100 },
  { id: 'info', title: 'INFO', width: 0, align: 'left', minCols: 72 },
];

export interface PlacedColumn extends Column {
  /** The width it gets at this terminal width. */
  cells: number;
}

/** The columns shown at `cols` terminal columns and their widths (one space between columns). */
export function placeColumns(cols: number, longestName: number): PlacedColumn[] {
  const shown = COLUMNS.filter((c) => cols >= c.minCols);
  const fixed = shown.reduce((n, c) => n + c.width, 0) + (shown.length - 1);
  const free = Math.max(8, cols - fixed);
  const hasInfo = shown.some((c) => c.id === 'info');
  // The name gets what it needs (within reason); info takes the rest.
  const name = hasInfo ? Math.max(12, Math.min(longestName + 1, Math.max(12, Math.floor(free * 0.55)))) : free;
  return shown.map((c) => ({
    ...c,
    cells: c.id === 'name' ? name : c.id === 'info' ? Math.max(0, free - name) : c.width,
  }));
}

/** What a process row shows in a column. */
export function procCell(p: Proc, id: ColumnId, now: number, statsSeen: boolean): string {
  const running = p.info.state === ProcessStates.RUNNING;
  switch (id) {
    case 'name':
      return p.name;
    case 'state':
      return p.info.statename;
    case 'pid':
      return p.info.pid ? String(p.info.pid) : '-';
    case 'uptime':
      return running && p.startedAt ? formatDuration(now - p.startedAt) : '-';
    case 'cpu':
      return statsSeen && p.stats && p.info.pid ? formatCpu(p.stats.cpu) : '-';
    case 'mem':
      return statsSeen && p.stats && p.info.pid ? formatBytes(p.stats.rss) : '-';
    case 'restarts':
      return p.stats ? String(Math.max(0, p.stats.starts - 1)) : '-';
    case 'info':
      return procInfo(p);
  }
}

/** The description column: why a process is not running, how it exited; empty while it runs. */
export function procInfo(p: Proc): string {
  const d = p.info.description ?? '';
  if (p.info.spawnerr && p.info.state !== ProcessStates.RUNNING) return p.info.spawnerr;
  if (d.startsWith('pid ')) return '';
  if (p.info.state === ProcessStates.EXITED) return `exit ${p.info.exitstatus}${d ? ', ' + d : ''}`;
  return d;
}

/** What a group row shows in a column: sums and a state summary. */
export function groupCell(r: Extract<Row, { kind: 'group' }>, id: ColumnId, statsSeen: boolean): string {
  const procs = r.procs;
  switch (id) {
    case 'name':
      return `${r.collapsed ? '▸' : '▾'} ${r.group} (${procs.length})`;
    case 'state': {
      const up = procs.filter((p) => p.info.state === ProcessStates.RUNNING).length;
      return `${up}/${procs.length} up`;
    }
    case 'cpu':
      return statsSeen ? formatCpu(procs.reduce((n, p) => n + (p.info.pid ? (p.stats?.cpu ?? 0) : 0), 0)) : '-';
    case 'mem':
      return statsSeen ? formatBytes(procs.reduce((n, p) => n + (p.info.pid ? (p.stats?.rss ?? 0) : 0), 0)) : '-';
    case 'restarts':
      return statsSeen ? String(procs.reduce((n, p) => n + Math.max(0, (p.stats?.starts ?? 1) - 1), 0)) : '-';
    case 'info': {
      const counts = new Map<string, number>();
      for (const p of procs) counts.set(p.info.statename, (counts.get(p.info.statename) ?? 0) + 1);
      return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
    }
    default:
      return '';
  }
}
