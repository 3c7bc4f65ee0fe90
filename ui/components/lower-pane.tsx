/**
 * The pane under the table: the `:` command's output when there is one, else the selected pty program's
 * live screen, else the selected process's log (following, scrollable, searchable, wrapped or cut).
 */
import React from 'react';
import type { ConsoleApp } from '../app/console-app.js';
import type { LogEntry } from '../state/log-buffer.js';
import type { PtyScreen } from '../pty/screen.js';
import { namespecOf, type AppState } from '../state/types.js';
import type { Theme } from '../theme.js';
import { fit, highlight, truncate, wrapRows } from '../term/text.js';
import { detachKeyName } from '../detach-key.js';
import { Line, Lines } from './line.js';

/** Heading bar of the pane. */
function heading(s: AppState, text: string, theme: Theme): string {
  return theme.bar(fit(' ' + text, s.cols), s.ui.focus === 'log');
}

/** The rows of a log view ending at entry `bottom`, at most `height`, each at most `width` cells. */
export function logRows(
  entries: readonly LogEntry[],
  bottom: number,
  height: number,
  width: number,
  opts: { wrap: boolean; search: string; gutter: boolean; theme: Theme },
): string[] {
  const out: string[] = [];
  const textWidth = opts.gutter ? width - 1 : width;
  for (let i = bottom; i >= 0 && out.length < height; i--) {
    const e = entries[i]!;
    let text = e.ch === 'note' ? opts.theme.warn(`── ${e.text} ──`) : e.text;
    if (opts.search && e.ch !== 'note') text = highlight(text, opts.search);
    const rows = opts.wrap ? wrapRows(text, textWidth) : [truncate(text, textWidth)];
    const mark = !opts.gutter ? '' : e.ch === 'stderr' ? opts.theme.error('▎') : ' ';
    for (let r = rows.length - 1; r >= 0 && out.length < height; r--) out.push((r === 0 ? mark : opts.gutter ? ' ' : '') + rows[r]!);
  }
  return out.reverse();
}

/**
 * The rows of a pty program's screen shown in a pane of `height` x `width` (cropped, never scaled). A
 * full-screen program (top, vim, htop: see PtyScreen.fullScreen) is shown from its top-left corner,
 * where such programs put their summary and headings. A line-oriented one (a shell, a REPL) writes
 * downwards: the pane follows its cursor line, keeping it in view.
 */
export function previewRows(scr: PtyScreen, height: number, width: number, colour: boolean): string[] {
  let top = 0;
  if (!scr.fullScreen) {
    const cur = scr.cursor();
    top = Math.max(0, Math.min(cur.y - height + 1, scr.rows - height));
  }
  return scr.lines(top, height, width, colour, true);
}

function pad(lines: string[], height: number): string[] {
  while (lines.length < height) lines.push('');
  return lines;
}

export function LowerPane({ app, theme, height }: { app: ConsoleApp; theme: Theme; height: number }): React.JSX.Element {
  const s = app.state;
  const ui = s.ui;
  if (ui.output) {
    const o = ui.output;
    // Classic supervisorctl text: wrapped, never cut.
    const all = app.outputRows();
    const end = all.length - o.scroll;
    const body = all.slice(Math.max(0, end - height), end);
    const status = o.running ? theme.warn('running… Ctrl-C stops') : 'done · Esc closes · j/k scroll';
    return (
      <>
        <Line text={heading(s, `:${o.title}  ${status}`, theme)} />
        <Lines prefix="out" lines={pad(body, height)} />
      </>
    );
  }
  const p = app.selectedProc();
  if (!p) {
    return (
      <>
        <Line text={heading(s, 'LOG', theme)} />
        <Lines prefix="none" lines={pad([theme.dim(' select a process to see its output')], height)} />
      </>
    );
  }
  const ns = namespecOf(p);
  const preview = app.previewProc();
  const view = preview ? app.deps.viewer.view : null;
  if (preview && view) {
    const key = detachKeyName(s.detachKey);
    let body: string[];
    if (view.status === 'live' && view.screen) {
      body = previewRows(view.screen, height, s.cols, s.colour);
    } else body = [theme.dim(view.status === 'error' ? ` cannot show the screen: ${view.error}` : ' attaching…')];
    return (
      <>
        <Line text={heading(s, `SCREEN ${ns}  ${view.status}  f/Enter attach (${key} detaches) · p log`, theme)} />
        <Lines prefix="pty" lines={pad(body, height)} />
      </>
    );
  }
  const buf = app.selectedLog()!;
  const entries = app.logEntries(buf);
  const v = ui.log;
  const bottom = app.logBottom(entries);
  const rows = logRows(entries, bottom, height, s.cols, { wrap: v.wrap, search: v.search, gutter: v.channel === 'both', theme });
  if (!entries.length) rows.push(theme.dim(' (no output yet)'));
  const flags = [
    v.channel === 'both' ? 'stdout+stderr' : v.channel,
    v.follow ? 'follow' : theme.warn(`scrolled (${entries.length - 1 - bottom} newer)`),
    v.wrap ? 'wrap' : 'cut',
  ];
  if (v.search) {
    flags.push(`/${v.search} (${buf.matchCount(v.channel, v.search.toLowerCase())})`);
  }
  const title = ui.mode.kind === 'fg' ? `FG ${ns}  typing goes to its stdin · Esc leaves` : `LOG ${ns}`;
  return (
    <>
      <Line text={heading(s, `${title}  ${flags.join(' · ')}`, theme)} />
      <Lines prefix="log" lines={pad(rows, height)} />
    </>
  );
}
