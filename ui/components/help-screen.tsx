/** The help screen, drawn from the key map (so it always tells the truth about the keys). */
import React from 'react';
import { helpLines } from '../app/keymap.js';
import type { AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { fit } from '../term/text.js';
import { detachKeyName } from '../detach-key.js';
import { Line, Lines } from './line.js';

/** Every line of help text for `s` (before scrolling). */
export function helpText(s: AppState, theme: Theme): string[] {
  const keyWidth = 26;
  const out: string[] = [];
  for (const l of helpLines()) {
    if (l.kind === 'title') {
      if (out.length) out.push('');
      out.push(theme.bold(' ' + l.text));
    } else out.push(fit('   ' + l.keys!, keyWidth) + l.text);
  }
  out.push('', theme.bold(' Text fields (/ filter, / search, : command, fg input)'));
  out.push(fit('   Enter', keyWidth) + 'accept (the : line runs the command)');
  out.push(fit('   Esc Ctrl-C', keyWidth) + 'cancel');
  out.push(fit('   ↑ ↓ Tab', keyWidth) + ': line: history, complete action and process names');
  out.push(fit('   Ctrl-U Ctrl-W Ctrl-K', keyWidth) + 'erase to start, word, to end');
  out.push('', theme.bold(' Attached to a pty program (f or Enter)'));
  out.push(fit(`   ${detachKeyName(s.detachKey)}`, keyWidth) + 'detach (set SUPERVISORCTL_DETACH_KEY or detach_key to change)');
  out.push(fit('   anything else', keyWidth) + 'goes to the program, Ctrl-C included');
  return out;
}

export function HelpScreen({ state, theme, height }: { state: AppState; theme: Theme; height: number }): React.JSX.Element {
  const all = helpText(state, theme);
  const mode = state.ui.mode;
  const body = height - 1;
  const max = Math.max(0, all.length - body);
  const scroll = mode.kind === 'help' ? Math.min(mode.scroll, max) : 0;
  if (mode.kind === 'help') mode.scroll = scroll;
  const lines = all.slice(scroll, scroll + body);
  while (lines.length < body) lines.push('');
  const more = max > 0 ? `  (${scroll + 1}-${Math.min(all.length, scroll + body)} of ${all.length}, j/k scroll)` : '';
  return (
    <>
      <Line text={theme.bar(fit(` HELP  any other key closes${more}`, state.cols), true)} />
      <Lines prefix="help" lines={lines} />
    </>
  );
}
