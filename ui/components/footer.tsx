/**
 * The bottom row: the active text field (filter, search, `:` command, a question, fg input), a
 * confirmation or the signal picker; otherwise the last message, or the most used keys (after the
 * filter, when the table heading had no room for it).
 */
import React from 'react';
import { SIGNALS } from '../app/console-app.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { textWidth, truncate } from '../term/text.js';
import { withCursor } from './format.js';
import { Line } from './line.js';
import { hintsText } from './screen-text.js';

/**
 * `field` followed by as many of `items` as fit in `width`, each whole or cut with `…`; when some do
 * not fit, the list ends with `… +N` (how many more).
 */
export function withList(field: string, items: readonly string[], width: number, theme: Theme): string {
  if (!items.length) return truncate(field, width, '…');
  let out = field + '  ';
  for (let i = 0; i < items.length; i++) {
    const item = ' ' + items[i]!;
    const more = i < items.length - 1 ? ` … +${items.length - i - 1}` : '';
    if (textWidth(out) + textWidth(item) + textWidth(more) <= width) {
      out += theme.dim(item);
      continue;
    }
    // This one does not fit whole: cut it, if something of it can still be read, then say how many more.
    const tail = i < items.length - 1 ? ` +${items.length - i - 1}` : '';
    const room = width - textWidth(out) - textWidth(tail);
    if (room >= 5) out += theme.dim(truncate(item, room, '…'));
    else out += theme.dim(' …');
    return truncate(out + theme.dim(tail), width, '…');
  }
  return out;
}

/** The footer text for `s`, at most `s.cols` wide; `filterHere`: show the active filter in it. */
export function footerText(s: AppState, theme: Theme, filterHere = false): string {
  const m = s.ui.mode;
  const w = s.cols;
  switch (m.kind) {
    case 'filter':
      return truncate(`Filter: ${withCursor(m.edit.text, m.edit.cursor)}  ${theme.dim('Enter keeps · Esc clears')}`, w, '…');
    case 'search':
      return truncate(`Search: ${withCursor(m.edit.text, m.edit.cursor)}  ${theme.dim('Enter finds · Esc cancels')}`, w, '…');
    case 'command':
      return withList(':' + withCursor(m.edit.text, m.edit.cursor), m.hint, w, theme);
    case 'ask': {
      const shown = m.echo ? m.edit.text : '*'.repeat(m.edit.text.length);
      return truncate(m.prompt + withCursor(shown, m.edit.cursor), w, '…');
    }
    case 'confirm':
      return truncate(theme.warn(`${m.question} [y/N] `), w, '…');
    case 'signal': {
      const items = SIGNALS.map((sig, i) => (i === m.index ? theme.inverse(` ${sig} `) : ` ${sig} `)).join('');
      return truncate(`Signal to ${m.label}:${items}  ${theme.dim('←→/jk Enter Esc')}`, w, '…');
    }
    case 'fg':
      return truncate(`${m.namespec}> ${withCursor(m.edit.text, m.edit.cursor)}`, w, '…');
    default:
      break;
  }
  const msg = s.ui.message;
  if (msg) return truncate(msg.level === 'error' ? theme.error(msg.text) : msg.text, w, '…');
  const lead = filterHere && s.ui.filter ? `${theme.accent(`/${s.ui.filter}`)} ${theme.dim('(Esc clears)')}  ` : '';
  return hintsText(w, theme, lead);
}

export function Footer({ state, theme, filterHere }: { state: AppState; theme: Theme; filterHere: boolean }): React.JSX.Element {
  return <Line text={footerText(state, theme, filterHere)} />;
}
