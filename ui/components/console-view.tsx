/**
 * The whole screen: header, process table, lower pane (log / pty screen / command output) and footer,
 * or the help screen, or the "terminal too small" notice. It re-renders from the store's version; the
 * root box is exactly the terminal's size.
 */
import React, { useSyncExternalStore } from 'react';
import { Box } from 'ink';
import type { ConsoleApp } from '../app/console-app.js';
import { MIN_COLS, MIN_ROWS } from '../app/layout.js';
import type { Theme } from '../theme.js';
import { fit } from '../term/text.js';
import { Footer } from './footer.js';
import { Header } from './header.js';
import { HelpScreen } from './help-screen.js';
import { Line } from './line.js';
import { LowerPane } from './lower-pane.js';
import { ProcessTable } from './process-table.js';

/** The notice shown below 60x15, centred as far as the space allows. */
export function tooSmallLines(cols: number, rows: number): string[] {
  const msg = ['Terminal too small', `${cols}x${rows}, need at least ${MIN_COLS}x${MIN_ROWS}`, 'q quits'];
  const top = Math.max(0, Math.floor((rows - msg.length) / 2));
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const m = msg[i - top];
    out.push(m === undefined ? '' : fit(' '.repeat(Math.max(0, Math.floor((cols - m.length) / 2))) + m, cols));
  }
  return out;
}

export function ConsoleView({ app, theme }: { app: ConsoleApp; theme: Theme }): React.JSX.Element {
  const store = app.deps.store;
  useSyncExternalStore(store.subscribe, store.getVersion);
  const s = app.state;
  const layout = app.layout();
  if (layout.tooSmall) {
    return (
      <Box flexDirection="column" width={s.cols} height={s.rows}>
        {tooSmallLines(s.cols, s.rows).map((l, i) => (
          <Line key={i} text={l} />
        ))}
      </Box>
    );
  }
  app.syncViewer();
  const help = s.ui.mode.kind === 'help';
  const heading = layout.tableRows > 0 && !help ? app.tableHeading(theme) : null;
  return (
    <Box flexDirection="column" width={s.cols} height={s.rows}>
      <Header state={s} theme={theme} running={app.runningCount()} />
      {help ? (
        <HelpScreen state={s} theme={theme} height={layout.bodyRows} />
      ) : (
        <>
          {heading && <ProcessTable app={app} theme={theme} height={layout.tableRows} heading={heading.text} />}
          {layout.paneRows > 0 && <LowerPane app={app} theme={theme} height={layout.paneRows} />}
        </>
      )}
      <Footer state={s} theme={theme} filterHere={heading !== null && !heading.placed} />
    </Box>
  );
}
