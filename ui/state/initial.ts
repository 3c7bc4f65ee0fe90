/** The state a console session starts from (no React here: the first frame is drawn from it too). */
import type { AppState } from './types.js';

/** The state a session starts from. */
export function initialState(o: { cols: number; rows: number; url: string; host: string; colour: boolean; detachKey: number }): AppState {
  return {
    cols: o.cols,
    rows: o.rows,
    conn: 'connecting',
    connError: null,
    daemon: { url: o.url, host: o.host, identification: '', version: '', pid: 0, statename: '', statecode: -99, startedAt: null },
    procs: new Map(),
    procsVersion: 0,
    membersVersion: 0,
    statesVersion: 0,
    statsVersion: 0,
    statsSeen: false,
    ui: {
      focus: 'table',
      selected: null,
      scrollTop: 0,
      collapsed: new Set(),
      filter: '',
      sort: 'name',
      reverse: false,
      layout: 'split',
      mode: { kind: 'normal' },
      message: null,
      output: null,
      log: { channel: 'both', follow: true, anchor: null, wrap: false, search: '' },
      preview: true,
    },
    colour: o.colour,
    detachKey: o.detachKey,
    now: Date.now(),
  };
}
