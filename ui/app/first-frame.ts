/**
 * The console's first frame, drawn from the initial state with plain string code before Ink, React and
 * the rest of the console have loaded (about 0.3 s on a loaded machine): the header saying
 * `connecting…`, the table heading, the log pane's heading and the key hints. It is the same text the
 * views draw for that state, so Ink's first real frame repaints only the rows that differ.
 */
import { placeColumns } from '../components/columns.js';
import { headerText, hintsText, tableHeading } from '../components/screen-text.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { fit } from '../term/text.js';
import { computeLayout } from './layout.js';

/** The rows of the first frame for `s` (a state with no processes yet), or null below the minimum size. */
export function firstFrameLines(s: AppState, theme: Theme): string[] | null {
  const layout = computeLayout(s.cols, s.rows, s.ui.layout, 0);
  if (layout.tooSmall) return null;
  // Rows the views leave empty are drawn as one space (components/line.tsx).
  const blank = ' ';
  const lines = [headerText(s, theme, 0)];
  lines.push(tableHeading(s, placeColumns(s.cols, 8), s.ui.focus === 'table', theme).text);
  lines.push(theme.dim(' waiting for supervisord…'));
  while (lines.length < 2 + layout.tableRows) lines.push(blank);
  lines.push(theme.bar(fit(' LOG', s.cols), false));
  lines.push(theme.dim(' select a process to see its output'));
  while (lines.length < s.rows - 1) lines.push(blank);
  lines.push(hintsText(s.cols, theme));
  return lines;
}
