/** The header row: which supervisord, where, its state, version, uptime, and how we are connected. */
import React from 'react';
import { ProcessStates } from '../../src/api/states.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { fit, textWidth } from '../term/text.js';
import { formatDuration } from './format.js';
import { Line } from './line.js';

/** The header text for `s`, exactly `s.cols` wide. */
export function headerText(s: AppState, theme: Theme): string {
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
  let running = 0;
  for (const p of s.procs.values()) if (p.info.state === ProcessStates.RUNNING) running++;
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

export function Header({ state, theme }: { state: AppState; theme: Theme }): React.JSX.Element {
  return <Line text={headerText(state, theme)} />;
}
