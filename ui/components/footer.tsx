/**
 * The bottom row: the active text field (filter, search, `:` command, a question, fg input), a
 * confirmation or the signal picker; otherwise the last message, or the most used keys.
 */
import React from 'react';
import { SIGNALS } from '../app/console-app.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { fit, textWidth, truncate } from '../term/text.js';
import { withCursor } from './format.js';
import { Line } from './line.js';

const HINTS: Array<[string, string]> = [
  ['?', 'help'], ['q', 'quit'], ['s', 'start'], ['x', 'stop'], ['r', 'restart'], ['K', 'signal'], ['f', 'fg'],
  ['/', 'filter'], ['o', 'sort'], [':', 'command'], ['Tab', 'focus'], ['z', 'layout'],
];

/** The footer text for `s`, at most `s.cols` wide. */
export function footerText(s: AppState, theme: Theme): string {
  const m = s.ui.mode;
  const w = s.cols;
  switch (m.kind) {
    case 'filter':
      return truncate(`Filter: ${withCursor(m.edit.text, m.edit.cursor)}  ${theme.dim('Enter keeps · Esc clears')}`, w);
    case 'search':
      return truncate(`Search: ${withCursor(m.edit.text, m.edit.cursor)}  ${theme.dim('Enter finds · Esc cancels')}`, w);
    case 'command': {
      const field = ':' + withCursor(m.edit.text, m.edit.cursor);
      return truncate(m.hint ? `${field}   ${theme.dim(m.hint)}` : field, w);
    }
    case 'ask': {
      const shown = m.echo ? m.edit.text : '*'.repeat(m.edit.text.length);
      return truncate(m.prompt + withCursor(shown, m.edit.cursor), w);
    }
    case 'confirm':
      return truncate(theme.warn(`${m.question} [y/N] `), w);
    case 'signal': {
      const items = SIGNALS.map((sig, i) => (i === m.index ? theme.inverse(` ${sig} `) : ` ${sig} `)).join('');
      return truncate(`Signal to ${m.label}:${items}  ${theme.dim('←→/jk Enter Esc')}`, w);
    }
    case 'fg':
      return truncate(`${m.namespec}> ${withCursor(m.edit.text, m.edit.cursor)}`, w);
    default:
      break;
  }
  const msg = s.ui.message;
  if (msg) return truncate(msg.level === 'error' ? theme.error(msg.text) : msg.text, w);
  let out = '';
  for (const [k, what] of HINTS) {
    const item = `${theme.bold(k)} ${what}  `;
    if (textWidth(out) + textWidth(item) > w) break;
    out += item;
  }
  return fit(out, w);
}

export function Footer({ state, theme }: { state: AppState; theme: Theme }): React.JSX.Element {
  return <Line text={footerText(state, theme)} />;
}
