/**
 * Where everything goes on the screen, from the terminal size and the layout mode alone, so that the key
 * handlers (page sizes, scrolling) and the views agree on it.
 */

/** Below this the console shows only "terminal too small". */
export const MIN_COLS = 60;
export const MIN_ROWS = 15;

export interface Layout {
  tooSmall: boolean;
  /** Rows of the process table's body (0 when hidden). */
  tableRows: number;
  /** Rows of the lower pane's body (log, pty screen or command output; 0 when hidden). */
  paneRows: number;
  /** Rows of the body available to the help screen. */
  bodyRows: number;
}

/**
 * Header (1) + table heading (1) + table + pane heading (1) + pane + footer (1). In the split layout the
 * table takes as many rows as it has (at least 3) up to half the body; the pane gets the rest.
 */
export function computeLayout(cols: number, rows: number, mode: 'split' | 'log' | 'table', rowCount: number): Layout {
  if (cols < MIN_COLS || rows < MIN_ROWS) return { tooSmall: true, tableRows: 0, paneRows: 0, bodyRows: 0 };
  const body = rows - 2;
  if (mode === 'table') return { tooSmall: false, tableRows: body - 1, paneRows: 0, bodyRows: body };
  if (mode === 'log') return { tooSmall: false, tableRows: 0, paneRows: body - 1, bodyRows: body };
  const maxTable = Math.floor((body - 2) / 2);
  const tableRows = Math.max(Math.min(rowCount, maxTable), Math.min(3, maxTable));
  return { tooSmall: false, tableRows, paneRows: body - 2 - tableRows, bodyRows: body };
}
