/** The console's state: what the daemon told us, and what the person at the keyboard is doing. */
import type { ProcessStats } from '../../src/api/metrics.js';
import type { ProcessInfo } from '../../src/api/process-info.js';

/** One process as the console knows it. */
export interface Proc {
  /** `group:name`, also the key of stats and topics. */
  key: string;
  name: string;
  group: string;
  info: ProcessInfo;
  /** Local clock (ms) of the last start, corrected for the daemon's clock; 0 when never started. */
  startedAt: number;
  /** Resource figures from `stats.processes`; null until the first sample. */
  stats: ProcessStats | null;
  /** A `pty=true` program; null while unknown. */
  pty: boolean | null;
}

/**
 * How we hear from the daemon: `live` (ZeroMQ push), `polling` (XML-RPC, once a second), or
 * `reconnecting` (the daemon is away; the last table stays, greyed).
 */
export type ConnMode = 'connecting' | 'live' | 'polling' | 'reconnecting';

export interface DaemonInfo {
  url: string;
  host: string;
  identification: string;
  version: string;
  pid: number;
  statename: string;
  statecode: number;
  /** Local clock (ms) when supervisord started, when it can be known (a daemon on this machine). */
  startedAt: number | null;
}

export type SortKey = 'name' | 'state' | 'cpu' | 'mem' | 'uptime';
export const SORT_KEYS: readonly SortKey[] = ['name', 'state', 'cpu', 'mem', 'uptime'];

/** A one-line text field: its text and the cursor position in it. */
export interface LineEdit {
  text: string;
  cursor: number;
}

/** What the keyboard is doing right now; `normal` is the table and log pane. */
export type Mode =
  | { kind: 'normal' }
  | { kind: 'help'; scroll: number }
  | { kind: 'filter'; edit: LineEdit }
  | { kind: 'search'; edit: LineEdit }
  /** `hint`: what Tab found (several completions, or `(no match)`), listed beside the line. */
  | { kind: 'command'; edit: LineEdit; history: number; hint: string[] }
  | { kind: 'confirm'; question: string; onYes: () => void }
  | { kind: 'signal'; index: number; target: string; label: string }
  | { kind: 'ask'; prompt: string; echo: boolean; edit: LineEdit; resolve: (answer: string | null) => void }
  | { kind: 'fg'; key: string; namespec: string; edit: LineEdit };

/** The `:` command's output, shown in place of the log pane until closed. */
export interface OutputPane {
  title: string;
  lines: string[];
  /** Lines dropped from the front of `lines` so far (it keeps the newest MAX_OUTPUT_LINES). */
  dropped: number;
  /** Rows scrolled up from the bottom. */
  scroll: number;
  running: boolean;
  /** Ctrl-C handlers of the running action (tail -f). */
  interrupts: Set<() => void>;
}

export interface LogView {
  channel: 'stdout' | 'stderr' | 'both';
  follow: boolean;
  /** Not following: the id of the entry shown on the bottom row. */
  anchor: number | null;
  wrap: boolean;
  search: string;
}

export interface UiState {
  focus: 'table' | 'log';
  /** Key of the selected row: a process key, or `group:<name>` for a group row. */
  selected: string | null;
  scrollTop: number;
  collapsed: Set<string>;
  filter: string;
  sort: SortKey;
  /** Reverse the sort key's natural order. */
  reverse: boolean;
  layout: 'split' | 'log' | 'table';
  mode: Mode;
  /** The footer's last result; it goes away on the next key or after a few seconds. */
  message: { text: string; level: 'info' | 'error' } | null;
  output: OutputPane | null;
  log: LogView;
  /** For pty programs: show the live screen (true) or the log (false). */
  preview: boolean;
}

export interface AppState {
  cols: number;
  rows: number;
  conn: ConnMode;
  connError: string | null;
  daemon: DaemonInfo;
  procs: Map<string, Proc>;
  /** Bumped whenever anything in `procs` changes. */
  procsVersion: number;
  /**
   * Finer versions, so that derived values (the row list, the running count) are rebuilt only when
   * what they depend on changed: `membersVersion` when processes come or go (or are replaced by new
   * objects), `statesVersion` when a state or start time changes, `statsVersion` on a stats sample.
   */
  membersVersion: number;
  statesVersion: number;
  statsVersion: number;
  statsSeen: boolean;
  ui: UiState;
  colour: boolean;
  detachKey: number;
  /** The clock uptimes are drawn against (ms); ticks once a second. */
  now: number;
}

/** Key of a group row. */
export function groupRowKey(group: string): string {
  return `group:${group}`;
}

/** The namespec supervisorctl uses for a process: `name` when alone in its same-named group. */
export function namespecOf(p: { group: string; name: string }): string {
  return p.group === p.name ? p.name : `${p.group}:${p.name}`;
}
