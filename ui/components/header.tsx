/** The header row: which supervisord, where, its state, version, uptime, and how we are connected. */
import React from 'react';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { Line } from './line.js';
import { headerText } from './screen-text.js';

export { headerText };

export function Header({ state, theme, running }: { state: AppState; theme: Theme; running: number }): React.JSX.Element {
  return <Line text={headerText(state, theme, running)} />;
}
