/**
 * The text of the fixed rows (header, table heading, key hints), with no React: the views draw it, and
 * so does the first frame painted before Ink has even loaded (app/first-frame.ts).
 */
import { textWidth, fit } from '../term/text.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import type { ColumnId, PlacedColumn } from './columns.js';
import { formatDuration } from './format.js';

/** The header text for `s`, exactly `s.cols` wide; `running` is the number of RUNNING processes. */
export function headerText(s: AppState, theme: Theme, running: number): string {
  const d = s.daemon;
  const ident = d.identification || 'supervisor';
  const state = d.statename
    ? d.statename === 'RUNNING'
      ? theme.ok(d.statename)
      : theme.warn(d.statename)
    : theme.dim('…');
  const parts = [theme.bold(`${ident}@${d.host}`), state];
  if (d.version) parts.push(`supervisord ${d.version}`);
  if (d.startedAt) parts.push(`up ${formatDuration(s.now - d.startedAt)}`);
  const conn =
    s.conn === 'live'
      ? theme.ok('live')
      : s.conn === 'polling'
        ? theme.warn('polling')
        : s.conn === 'reconnecting'
          ? theme.error('reconnecting…')
          : theme.dim('connecting…');
  const right = `${running}/${s.procs.size} running  ${conn} `;
  const left = ' ' + parts.join('  ');
  const room = s.cols - textWidth(right);
  return fit(left, Math.max(0, room)) + right;
}

const SORT_COLUMN: Record<string, ColumnId> = { name: 'name', state: 'state', cpu: 'cpu', mem: 'mem', uptime: 'uptime' };

/** What the table heading shows of an active filter: `/ticker 1 of 8` (matching of all processes). */
export function filterTag(filter: string, matching: number, total: number): string {
  return `/${filter}  ${matching} of ${total}`;
}

/**
 * The heading row of the table: the column titles with the sort key marked and, on its right side when
 * there is room, the filter (`tag`). `placed` says whether the tag fit (if not, the footer shows it).
 */
export function tableHeading(
  s: AppState,
  cols: PlacedColumn[],
  focused: boolean,
  theme: Theme,
  tag: string | null = null,
): { text: string; placed: boolean } {
  const ui = s.ui;
  const titles = cols
    .map((c) => {
      const t = SORT_COLUMN[ui.sort] === c.id ? c.title + (ui.reverse ? '↑' : '↓') : c.title;
      return fit(t, c.cells, c.align);
    })
    .join(' ')
    .trimEnd();
  // The tag needs its own width, a gap of two cells after the titles, and one cell of margin.
  const placed = tag !== null && textWidth(titles) + 2 + textWidth(tag) + 1 <= s.cols;
  const text = placed ? fit(titles, s.cols - textWidth(tag!) - 1) + tag + ' ' : fit(titles, s.cols);
  return { text: theme.bar(text, focused), placed };
}

/** The keys the footer lists when it has nothing else to say, most used first. */
const HINTS: Array<[string, string]> = [
  ['?', 'help'], ['q', 'quit'], ['s', 'start'], ['x', 'stop'], ['r', 'restart'], ['K', 'signal'], ['f', 'fg'],
  ['/', 'filter'], ['o', 'sort'], [':', 'command'], ['Tab', 'focus'], ['z', 'layout'],
];

/** As many key hints as fit in `width` cells, after `lead` (e.g. the filter), padded to `width`. */
export function hintsText(width: number, theme: Theme, lead = ''): string {
  let out = lead;
  for (const [k, what] of HINTS) {
    const item = `${theme.bold(k)} ${what}  `;
    if (textWidth(out) + textWidth(item) > width) break;
    out += item;
  }
  return fit(out, width);
}
