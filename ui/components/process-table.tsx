/**
 * The process table: a heading row (column titles, the sort key marked, the filter on its right side) and
 * only the rows that fit (virtualised: 1,000 processes cost what 30 do).
 */
import React from 'react';
import type { ConsoleApp } from '../app/console-app.js';
import type { Row } from '../state/rows.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { fit, truncate } from '../term/text.js';
import { groupCell, procCell, type PlacedColumn } from './columns.js';
import { Line } from './line.js';

/** One row's text; the selected row is drawn inverse, rows are greyed while reconnecting. */
export function rowText(r: Row, s: AppState, cols: PlacedColumn[], selected: boolean, theme: Theme): string {
  const cells = cols.map((c) => {
    let v: string;
    if (r.kind === 'group') v = groupCell(r, c.id, s.statsSeen);
    else {
      v = procCell(r.proc, c.id, s.now, s.statsSeen);
      if (c.id === 'name' && r.depth === 1) v = '  ' + v;
    }
    const cell = fit(v, c.cells, c.align);
    // Colour the state unless the whole row is highlighted or greyed.
    if (c.id === 'state' && r.kind === 'proc' && !selected && s.conn !== 'reconnecting') return theme.state(cell, r.proc.info.state);
    if (c.id === 'name' && r.kind === 'group' && !selected) return theme.bold(cell);
    return cell;
  });
  const line = cells.join(' ');
  if (selected) return theme.inverse(fit(line, s.cols));
  if (s.conn === 'reconnecting') return theme.dim(line);
  return truncate(line, s.cols);
}

export function ProcessTable({ app, theme, height, heading }: { app: ConsoleApp; theme: Theme; height: number; heading: string }): React.JSX.Element {
  const s = app.state;
  const rows = app.rows();
  const top = app.tableTop();
  const sel = app.selectedIndex();
  const cols = app.tableColumns();
  const visible = rows.slice(top, top + height);
  const empty =
    rows.length === 0
      ? s.procs.size === 0
        ? s.conn === 'connecting' || s.conn === 'reconnecting'
          ? ' waiting for supervisord…'
          : ' no processes configured'
        : ` no process matches "${s.ui.filter}" (Esc clears the filter)`
      : null;
  const lines: React.JSX.Element[] = [<Line key="heading" text={heading} />];
  if (empty) lines.push(<Line key="empty" text={theme.dim(empty)} />);
  visible.forEach((r, i) => lines.push(<Line key={r.key} text={rowText(r, s, cols, top + i === sel, theme)} />));
  for (let i = lines.length - 1; i < height; i++) lines.push(<Line key={`pad${i}`} text="" />);
  return <>{lines}</>;
}
