/**
 * Key bindings as named actions (as process-compose does): each has its keys, where it applies and a
 * line of help, and the help screen is drawn from this table, so it can never disagree with the keys.
 */
import type { ConsoleApp } from './console-app.js';

export type Scope = 'global' | 'table' | 'log';

export interface Binding {
  id: string;
  /** keyId() names: `j`, `G`, `ctrl+r`, `shift+tab`, `pagedown`, `space`, `return`. */
  keys: readonly string[];
  scope: Scope;
  help: string;
  run(app: ConsoleApp): void;
}

export const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Anywhere',
  table: 'Process table',
  log: 'Log pane',
};

export const BINDINGS: readonly Binding[] = [
  // Anywhere
  { id: 'help', keys: ['?', 'f1'], scope: 'global', help: 'show this help', run: (a) => a.openHelp() },
  { id: 'quit', keys: ['q', 'ctrl+c'], scope: 'global', help: 'quit the console (programs keep running)', run: (a) => a.exit(0) },
  { id: 'focus', keys: ['tab', 'shift+tab'], scope: 'global', help: 'move focus between the table and the log pane', run: (a) => a.toggleFocus() },
  { id: 'command', keys: [':'], scope: 'global', help: 'command line: any supervisorctl action (status, tail, update, …)', run: (a) => a.openCommand() },
  { id: 'start', keys: ['s'], scope: 'global', help: 'start the selection (on a group row: the group)', run: (a) => a.onSelection('start') },
  { id: 'stop', keys: ['x'], scope: 'global', help: 'stop the selection', run: (a) => a.onSelection('stop') },
  { id: 'restart', keys: ['r'], scope: 'global', help: 'restart the selection', run: (a) => a.onSelection('restart') },
  { id: 'signal', keys: ['K'], scope: 'global', help: 'send a signal to the selection (picker)', run: (a) => a.openSignalPicker() },
  { id: 'clear', keys: ['c'], scope: 'global', help: "clear the selection's log files", run: (a) => a.onSelection('clear') },
  { id: 'fg', keys: ['f'], scope: 'global', help: 'fg: attach to a pty program, or type into a program (pipe)', run: (a) => a.fgSelection() },
  { id: 'preview', keys: ['p'], scope: 'global', help: "pty program: switch between its live screen and its log", run: (a) => a.togglePreview() },
  { id: 'start-all', keys: ['S'], scope: 'global', help: 'start all processes', run: (a) => a.onAll('start') },
  { id: 'stop-all', keys: ['X'], scope: 'global', help: 'stop all processes (asks first)', run: (a) => a.onAll('stop') },
  { id: 'restart-all', keys: ['R'], scope: 'global', help: 'restart all processes (asks first)', run: (a) => a.onAll('restart') },
  { id: 'update', keys: ['U'], scope: 'global', help: 'reread the config and apply changes (update)', run: (a) => a.runQuiet('update') },
  { id: 'reload', keys: ['ctrl+r'], scope: 'global', help: 'reload: restart supervisord itself (asks first)', run: (a) => a.confirmThen('Really restart the remote supervisord process?', 'reload') },
  { id: 'shutdown', keys: ['Q'], scope: 'global', help: 'shut supervisord down (asks first)', run: (a) => a.confirmThen('Really shut the remote supervisord process down?', 'shutdown') },
  { id: 'zoom', keys: ['z'], scope: 'global', help: 'layout: table + log, log only, table only', run: (a) => a.cycleLayout() },
  { id: 'redraw', keys: ['ctrl+l'], scope: 'global', help: 'redraw the screen', run: (a) => a.redraw() },
  // Process table
  { id: 'down', keys: ['j', 'down'], scope: 'table', help: 'next row', run: (a) => a.moveSelection(1) },
  { id: 'up', keys: ['k', 'up'], scope: 'table', help: 'previous row', run: (a) => a.moveSelection(-1) },
  { id: 'page-down', keys: ['pagedown', 'ctrl+d', 'ctrl+f'], scope: 'table', help: 'page down', run: (a) => a.moveSelection(a.tablePage()) },
  { id: 'page-up', keys: ['pageup', 'ctrl+u', 'ctrl+b'], scope: 'table', help: 'page up', run: (a) => a.moveSelection(-a.tablePage()) },
  { id: 'top', keys: ['g', 'home'], scope: 'table', help: 'first row', run: (a) => a.moveSelection(-Infinity) },
  { id: 'bottom', keys: ['G', 'end'], scope: 'table', help: 'last row', run: (a) => a.moveSelection(Infinity) },
  { id: 'open', keys: ['return'], scope: 'table', help: 'group: fold/unfold; pty program: attach; other: focus its log', run: (a) => a.enterOnRow() },
  { id: 'fold', keys: ['space'], scope: 'table', help: 'fold/unfold the group', run: (a) => a.toggleGroup() },
  { id: 'collapse', keys: ['h', 'left'], scope: 'table', help: 'fold the group', run: (a) => a.setGroupFolded(true) },
  { id: 'expand', keys: ['l', 'right'], scope: 'table', help: 'unfold the group', run: (a) => a.setGroupFolded(false) },
  { id: 'fold-all', keys: ['C'], scope: 'table', help: 'fold or unfold every group', run: (a) => a.toggleAllGroups() },
  { id: 'filter', keys: ['/'], scope: 'table', help: 'filter by name or state (Enter keeps it, Esc clears it)', run: (a) => a.openFilter() },
  { id: 'sort', keys: ['o'], scope: 'table', help: 'sort by the next column: name, state, cpu, mem, uptime', run: (a) => a.cycleSort() },
  { id: 'sort-reverse', keys: ['O'], scope: 'table', help: 'reverse the sort order', run: (a) => a.reverseSort() },
  { id: 'clear-filter', keys: ['escape'], scope: 'table', help: 'clear the filter and the message line', run: (a) => a.clearFilter() },
  // Log pane
  { id: 'log-down', keys: ['j', 'down'], scope: 'log', help: 'scroll down (at the bottom: follow again)', run: (a) => a.scrollPane(1) },
  { id: 'log-up', keys: ['k', 'up'], scope: 'log', help: 'scroll up', run: (a) => a.scrollPane(-1) },
  { id: 'log-page-down', keys: ['pagedown', 'ctrl+d', 'ctrl+f', 'space'], scope: 'log', help: 'page down', run: (a) => a.scrollPane(a.panePage()) },
  { id: 'log-page-up', keys: ['pageup', 'ctrl+u', 'ctrl+b'], scope: 'log', help: 'page up', run: (a) => a.scrollPane(-a.panePage()) },
  { id: 'log-top', keys: ['g', 'home'], scope: 'log', help: 'oldest line kept', run: (a) => a.scrollPane(-Infinity) },
  { id: 'log-bottom', keys: ['G', 'end'], scope: 'log', help: 'newest line, and follow', run: (a) => a.scrollPane(Infinity) },
  { id: 'follow', keys: ['F'], scope: 'log', help: 'follow on/off', run: (a) => a.toggleFollow() },
  { id: 'wrap', keys: ['w'], scope: 'log', help: 'wrap long lines on/off', run: (a) => a.toggleWrap() },
  { id: 'channel', keys: ['e'], scope: 'log', help: 'show stdout + stderr, stdout only, stderr only', run: (a) => a.cycleChannel() },
  { id: 'search', keys: ['/'], scope: 'log', help: 'search (highlights matches)', run: (a) => a.openSearch() },
  { id: 'search-older', keys: ['n'], scope: 'log', help: 'previous (older) match', run: (a) => a.findMatch(-1) },
  { id: 'search-newer', keys: ['N'], scope: 'log', help: 'next (newer) match', run: (a) => a.findMatch(1) },
  { id: 'back', keys: ['escape'], scope: 'log', help: 'close the command output / back to the table', run: (a) => a.escapeLog() },
];

/** Binding lookup: scope → key id → binding. */
export function indexBindings(bindings: readonly Binding[]): Map<Scope, Map<string, Binding>> {
  const m = new Map<Scope, Map<string, Binding>>([
    ['global', new Map()],
    ['table', new Map()],
    ['log', new Map()],
  ]);
  for (const b of bindings) for (const k of b.keys) m.get(b.scope)!.set(k, b);
  return m;
}

/** How a key id is shown in help: `Ctrl-R`, `PgDn`, `Enter`, `Space`. */
export function keyLabel(id: string): string {
  const names: Record<string, string> = {
    return: 'Enter', escape: 'Esc', tab: 'Tab', 'shift+tab': 'S-Tab', space: 'Space', pagedown: 'PgDn', pageup: 'PgUp',
    home: 'Home', end: 'End', up: '↑', down: '↓', left: '←', right: '→', f1: 'F1', backspace: 'BkSp',
  };
  if (names[id]) return names[id]!;
  if (id.startsWith('ctrl+')) return 'Ctrl-' + id.slice(5).toUpperCase();
  if (id.startsWith('alt+')) return 'Alt-' + id.slice(4);
  return id;
}

/** The help screen's lines: per scope, keys then what they do. */
export function helpLines(bindings: readonly Binding[] = BINDINGS): Array<{ kind: 'title' | 'key'; keys?: string; text: string }> {
  const out: Array<{ kind: 'title' | 'key'; keys?: string; text: string }> = [];
  for (const scope of ['global', 'table', 'log'] as const) {
    out.push({ kind: 'title', text: SCOPE_TITLES[scope] });
    for (const b of bindings) if (b.scope === scope) out.push({ kind: 'key', keys: b.keys.map(keyLabel).join(' '), text: b.help });
  }
  return out;
}
