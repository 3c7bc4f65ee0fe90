/**
 * The console's behaviour without any drawing: it turns keys into changes of AppState and into
 * supervisorctl actions (run through src/ctl's Controller, so every message is the classic one), and
 * knows the current rows, selection and pane contents the views draw.
 */
import { isFault, Faults } from '../../src/api/faults.js';
import { ProcessStates } from '../../src/api/states.js';
import type { Client } from '../../src/client/types.js';
import { completeWord } from '../../src/ctl/completion.js';
import { Controller, type Connector, type CtlSettings } from '../../src/ctl/controller.js';
import { parseKeys, keyId, type Key } from '../term/keys.js';
import { sanitize } from '../term/text.js';
import { RowCache, hasGroupRow, type Row } from '../state/rows.js';
import { OutputRows } from '../state/output-rows.js';
import { entryMatches, type LogBuffer, type LogEntry } from '../state/log-buffer.js';
import type { Store } from '../state/store.js';
import { SORT_KEYS, groupRowKey, namespecOf, type AppState, type Mode, type OutputPane, type Proc } from '../state/types.js';
import type { LogManager } from '../data/logs.js';
import type { PtyViewer } from '../data/pty-view.js';
import type { Feed } from '../data/feed.js';
import { CaptureIO } from './capture-io.js';
import { BINDINGS, indexBindings, type Scope } from './keymap.js';
import { computeLayout, type Layout } from './layout.js';
import { placeColumns, type PlacedColumn } from '../components/columns.js';
import { filterTag, tableHeading } from '../components/screen-text.js';
import type { Theme } from '../theme.js';
import { editLine, emptyEdit } from './line-edit.js';

/** Signals offered by the picker, most used first. */
export const SIGNALS = ['HUP', 'INT', 'QUIT', 'KILL', 'TERM', 'USR1', 'USR2', 'STOP', 'CONT', 'WINCH'] as const;

/** How long a footer message stays when no key is pressed (ms); errors stay longer. */
const MESSAGE_MS = 5000;
const ERROR_MESSAGE_MS = 10000;

/** Most lines a command pane keeps (tail -f can run for hours). */
const MAX_OUTPUT_LINES = 5000;

export interface AppDeps {
  store: Store<AppState>;
  /** The session's client (shared with the feed; actions must not close it). */
  client: Client;
  settings: CtlSettings;
  /** Opens clients for other servers (`open` on the command line). */
  connect: Connector;
  logs: LogManager;
  viewer: PtyViewer;
  feed: Feed | null;
  /** Hands the terminal to pty program `namespec` until it is detached or ends. */
  attach(namespec: string): Promise<'detached' | 'exited'>;
  /** Ends the console with `code`. */
  onExit(code: number): void;
  /** Repaints the whole screen. */
  redraw(): void;
}

/** The client for Controllers: the shared one, whose close() must not end the session's connection. */
function borrowed(client: Client): Client {
  return {
    url: client.url,
    call: (m, p) => client.call(m, p),
    followLog: (t, d, n, e) => client.followLog(t, d, n, e),
    ...(client.subscribe && { subscribe: (p: string[], f: Parameters<NonNullable<Client['subscribe']>>[1]) => client.subscribe!(p, f) }),
    close: async () => {},
  };
}

export class ConsoleApp {
  private readonly rowCache = new RowCache();
  private readonly keys = indexBindings(BINDINGS);
  /** Where the selection was, to keep a sensible row selected when its row goes away. */
  private lastIndex = 0;
  private readonly history: string[] = [];
  /** The `:` line's session (kept between commands, so `open` sticks). */
  private cmdCtl: Controller;
  private cmdIO: CaptureIO | null = null;
  private readonly connector: Connector;
  private exited = false;
  /** Attached to a pty program: keys do not reach the console. */
  attaching = false;

  constructor(readonly deps: AppDeps) {
    const shared = borrowed(deps.client);
    const url = deps.settings.serverurl;
    this.connector = (u, o) => (u === url ? Promise.resolve(shared) : deps.connect(u, o));
    this.cmdCtl = this.newCommandController();
  }

  get state(): AppState {
    return this.deps.store.state;
  }

  // ---- derived -------------------------------------------------------------------------------

  /** The table rows under the current filter, sort and folding. */
  rows(): Row[] {
    const s = this.state;
    return this.rowCache.get(s.procs, s, s.ui, s.now);
  }

  /** The table's columns at this width (the name column fits the longest name). */
  tableColumns(): PlacedColumn[] {
    this.rows();
    const key = `${this.state.cols}|${this.rowCache.longestName}`;
    if (key !== this.columnsKey) {
      this.columnsKey = key;
      this.columns = placeColumns(this.state.cols, Math.max(8, this.rowCache.longestName));
    }
    return this.columns;
  }

  private columnsKey = '';
  private columns: PlacedColumn[] = [];

  /** The table's heading row, and whether the active filter fit on it (else the footer shows it). */
  tableHeading(theme: Theme): { text: string; placed: boolean } {
    const s = this.state;
    this.rows();
    const tag = s.ui.filter ? filterTag(s.ui.filter, this.rowCache.processCount, s.procs.size) : null;
    return tableHeading(s, this.tableColumns(), s.ui.focus === 'table', theme, tag);
  }

  /** How many processes are RUNNING (the header's count), recounted only when states changed. */
  runningCount(): number {
    const s = this.state;
    if (s.procsVersion !== this.runningKey) {
      this.runningKey = s.procsVersion;
      this.running = 0;
      for (const p of s.procs.values()) if (p.info.state === ProcessStates.RUNNING) this.running++;
    }
    return this.running;
  }

  private runningKey = -1;
  private running = 0;

  layout(): Layout {
    const s = this.state;
    // The command output needs the lower pane even in the table-only layout.
    const mode = s.ui.output && s.ui.layout === 'table' ? 'split' : s.ui.layout;
    return computeLayout(s.cols, s.rows, mode, this.rows().length);
  }

  /** Index of the selected row (fixing the selection up when its row went away). */
  selectedIndex(): number {
    const rows = this.rows();
    if (!rows.length) return -1;
    const ui = this.state.ui;
    let i = ui.selected ? this.rowCache.indexOf(ui.selected) : -1;
    if (i === -1) {
      i = Math.min(this.lastIndex, rows.length - 1);
      ui.selected = rows[i]!.key;
    }
    this.lastIndex = i;
    return i;
  }

  selectedRow(): Row | null {
    const i = this.selectedIndex();
    return i === -1 ? null : this.rows()[i]!;
  }

  /** The selected process (null on a group row or with no rows). */
  selectedProc(): Proc | null {
    const r = this.selectedRow();
    return r?.kind === 'proc' ? r.proc : null;
  }

  /** The first row to draw so that the selection is visible. */
  tableTop(): number {
    const ui = this.state.ui;
    const height = Math.max(1, this.layout().tableRows);
    const i = this.selectedIndex();
    const n = this.rows().length;
    if (i < ui.scrollTop) ui.scrollTop = i;
    if (i >= ui.scrollTop + height) ui.scrollTop = i - height + 1;
    ui.scrollTop = Math.max(0, Math.min(ui.scrollTop, Math.max(0, n - height)));
    return ui.scrollTop;
  }

  tablePage(): number {
    return Math.max(1, this.layout().tableRows - 1);
  }

  panePage(): number {
    return Math.max(1, this.layout().paneRows - 1);
  }

  /** The `:` command output's rows, wrapped at the terminal's width (empty without one). */
  outputRows(): readonly string[] {
    const out = this.state.ui.output;
    return out ? this.wrappedOutput.get(out, this.state.cols) : [];
  }

  private readonly wrappedOutput = new OutputRows();

  /** The log buffer of the selected process (following it from now on). */
  selectedLog(): LogBuffer | null {
    const p = this.selectedProc();
    return p ? this.deps.logs.select(p.key, namespecOf(p)) : null;
  }

  /** The selected process when its live screen is what the lower pane shows. */
  previewProc(): Proc | null {
    const p = this.selectedProc();
    if (!p || !this.state.ui.preview || p.pty !== true || !this.deps.client.subscribe) return null;
    return p;
  }

  /** Keeps the pty viewer on the selected pty program (and off otherwise). Called on every frame. */
  syncViewer(): void {
    const sel = this.selectedProc();
    // A process not known to be a pty program or not is probed by attaching as a viewer (the log shows
    // meanwhile): daemons whose config info lacks `pty` still get the preview.
    const probe =
      sel !== null && sel.pty === null && this.state.ui.preview && Boolean(this.deps.client.subscribe) && sel.info.state === ProcessStates.RUNNING;
    const p = this.previewProc() ?? (probe ? sel : null);
    if (p && this.state.ui.mode.kind !== 'fg' && !this.attaching) this.deps.viewer.show(p.key, namespecOf(p), p.group, p.name);
    else this.deps.viewer.hide();
  }

  /** Log entries of the pane's current channel. */
  logEntries(buf: LogBuffer): readonly LogEntry[] {
    return buf.view(this.state.ui.log.channel);
  }

  /** Index (in `entries`) of the entry on the pane's bottom row. */
  logBottom(entries: readonly LogEntry[]): number {
    const v = this.state.ui.log;
    if (v.follow || v.anchor === null) return entries.length - 1;
    // Ids grow: binary search for the anchor (or the newest entry before it, if it was dropped).
    let lo = 0;
    let hi = entries.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid]!.id <= v.anchor) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return Math.max(at, Math.min(entries.length - 1, 0));
  }

  // ---- input ---------------------------------------------------------------------------------

  /** Handles one chunk of terminal input (possibly many keys), then redraws once. */
  handleInput(data: string): void {
    if (this.attaching || this.exited) return;
    for (const k of parseKeys(data)) {
      if (this.exited || this.attaching) break;
      // The footer's message was read: the next key clears it (unless that key sets a new one).
      const shown = this.state.ui.message;
      this.handleKey(k);
      if (shown && this.state.ui.message === shown) this.state.ui.message = null;
    }
    this.deps.store.flush();
  }

  handleKey(k: Key): void {
    const ui = this.state.ui;
    const mode = ui.mode;
    const id = keyId(k);
    if (this.layout().tooSmall && mode.kind === 'normal') {
      if (id === 'q' || id === 'ctrl+c') this.exit(0);
      return;
    }
    switch (mode.kind) {
      case 'help':
        return this.helpKey(mode, id);
      case 'filter':
        return this.fieldKey(mode, k, id);
      case 'search':
        return this.fieldKey(mode, k, id);
      case 'command':
        return this.commandKey(mode, k, id);
      case 'ask':
        return this.askKey(mode, k, id);
      case 'confirm':
        this.setMode({ kind: 'normal' });
        if (id === 'y' || id === 'Y') mode.onYes();
        else this.message('Cancelled');
        return;
      case 'signal':
        return this.signalKey(mode, id);
      case 'fg':
        return this.fgKey(mode, k, id);
      case 'normal':
        break;
    }
    // A running command (tail -f) takes Ctrl-C and Esc.
    if (ui.output?.running && (id === 'ctrl+c' || id === 'escape')) {
      if (!this.cmdIO?.interrupt()) this.message('The command is still running');
      return;
    }
    const scope: Scope = ui.focus === 'log' && this.layout().paneRows > 0 ? 'log' : 'table';
    const b = this.keys.get(scope)!.get(id) ?? this.keys.get('global')!.get(id);
    if (b) b.run(this);
  }

  private helpKey(mode: Extract<Mode, { kind: 'help' }>, id: string): void {
    if (id === 'j' || id === 'down') mode.scroll++;
    else if (id === 'k' || id === 'up') mode.scroll = Math.max(0, mode.scroll - 1);
    else if (id === 'pagedown' || id === 'space' || id === 'ctrl+d') mode.scroll += this.layout().bodyRows - 1;
    else if (id === 'pageup' || id === 'ctrl+u') mode.scroll = Math.max(0, mode.scroll - this.layout().bodyRows + 1);
    else if (id === 'g' || id === 'home') mode.scroll = 0;
    else if (id === 'ctrl+c') this.exit(0);
    else this.setMode({ kind: 'normal' });
  }

  private fieldKey(mode: Extract<Mode, { kind: 'filter' | 'search' }>, k: Key, id: string): void {
    const ui = this.state.ui;
    if (id === 'return') {
      this.setMode({ kind: 'normal' });
      if (mode.kind === 'search') {
        ui.log.search = mode.edit.text;
        if (mode.edit.text) this.findMatch(-1, true);
      }
      return;
    }
    if (id === 'escape' || id === 'ctrl+c') {
      this.setMode({ kind: 'normal' });
      if (mode.kind === 'filter') ui.filter = '';
      else ui.log.search = '';
      return;
    }
    editLine(mode.edit, k);
    // The table filters as you type.
    if (mode.kind === 'filter') ui.filter = mode.edit.text;
  }

  private commandKey(mode: Extract<Mode, { kind: 'command' }>, k: Key, id: string): void {
    if (id === 'return') {
      this.setMode({ kind: 'normal' });
      void this.runCommand(mode.edit.text);
      return;
    }
    if (id === 'escape' || id === 'ctrl+c') {
      this.setMode({ kind: 'normal' });
      return;
    }
    if (id === 'up' || id === 'down') {
      const n = this.history.length;
      if (!n) return;
      mode.history = Math.max(-1, Math.min(n - 1, mode.history + (id === 'up' ? 1 : -1)));
      mode.edit = emptyEdit(mode.history === -1 ? '' : this.history[n - 1 - mode.history]!);
      return;
    }
    if (id === 'tab') {
      void this.complete(mode);
      return;
    }
    mode.hint = [];
    editLine(mode.edit, k);
  }

  /** Tab on the command line: completes the word (actions, then group or process names). */
  private async complete(mode: Extract<Mode, { kind: 'command' }>): Promise<void> {
    const before = mode.edit.text.slice(0, mode.edit.cursor);
    let hits: string[];
    try {
      hits = await completeWord(before, () => this.cmdCtl.completionInfos());
    } catch {
      hits = [];
    }
    if (this.state.ui.mode !== mode) return;
    const word = /\s$/.test(before) ? '' : (before.split(/\s+/).pop() ?? '');
    if (hits.length === 1) {
      const text = before.slice(0, before.length - word.length) + hits[0]!;
      mode.edit = { text: text + mode.edit.text.slice(mode.edit.cursor), cursor: text.length };
      mode.hint = [];
    } else if (hits.length > 1) {
      // Extend to the common prefix and list the choices.
      let common = hits[0]!.trimEnd();
      for (const h of hits) while (!h.startsWith(common)) common = common.slice(0, -1);
      const text = before.slice(0, before.length - word.length) + common;
      mode.edit = { text: text + mode.edit.text.slice(mode.edit.cursor), cursor: text.length };
      mode.hint = hits.map((h) => h.trim());
    } else mode.hint = ['(no match)'];
    this.deps.store.flush();
  }

  private askKey(mode: Extract<Mode, { kind: 'ask' }>, k: Key, id: string): void {
    if (id === 'return') {
      this.setMode({ kind: 'normal' });
      if (mode.echo) this.outputLine(mode.prompt + mode.edit.text, false);
      mode.resolve(mode.edit.text);
      return;
    }
    if (id === 'escape' || id === 'ctrl+c') {
      this.setMode({ kind: 'normal' });
      mode.resolve(null);
      return;
    }
    editLine(mode.edit, k);
  }

  private signalKey(mode: Extract<Mode, { kind: 'signal' }>, id: string): void {
    if (id === 'j' || id === 'down') mode.index = (mode.index + 1) % SIGNALS.length;
    else if (id === 'k' || id === 'up') mode.index = (mode.index + SIGNALS.length - 1) % SIGNALS.length;
    else if (id === 'return') {
      this.setMode({ kind: 'normal' });
      void this.runQuiet(`signal ${SIGNALS[mode.index]} ${mode.target}`);
    } else this.setMode({ kind: 'normal' });
  }

  private fgKey(mode: Extract<Mode, { kind: 'fg' }>, k: Key, id: string): void {
    const detach = k.seq === String.fromCharCode(this.state.detachKey);
    if (id === 'escape' || id === 'ctrl+c' || detach) {
      // fg -> normal: leaving fg leaves the program running.
      this.setMode({ kind: 'normal' });
      this.message(`Left fg of ${mode.namespec}`);
      return;
    }
    if (id === 'return') {
      const line = mode.edit.text;
      mode.edit = emptyEdit();
      void this.sendStdin(mode.namespec, line);
      return;
    }
    if (id === 'pageup' || id === 'pagedown') {
      this.scrollPane(id === 'pageup' ? -this.panePage() : this.panePage());
      return;
    }
    editLine(mode.edit, k);
  }

  // ---- actions (the keymap calls these) ------------------------------------------------------------

  setMode(m: Mode): void {
    this.state.ui.mode = m;
  }

  /**
   * Shows `text` in the footer until the next key or for a few seconds (errors a little longer), so a
   * result like "Detached from repl" does not linger over later screens.
   */
  message(text: string, level: 'info' | 'error' = 'info'): void {
    const m = { text, level };
    this.state.ui.message = m;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(
      () => {
        this.messageTimer = null;
        if (this.state.ui.message !== m) return;
        this.state.ui.message = null;
        this.deps.store.changed();
      },
      level === 'error' ? ERROR_MESSAGE_MS : MESSAGE_MS,
    );
    // A message never keeps the process alive.
    this.messageTimer.unref?.();
    this.deps.store.changed();
  }

  private messageTimer: NodeJS.Timeout | null = null;

  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.deps.onExit(code);
  }

  openHelp(): void {
    this.setMode({ kind: 'help', scroll: 0 });
  }

  toggleFocus(): void {
    const ui = this.state.ui;
    ui.focus = ui.focus === 'table' ? 'log' : 'table';
    // A hidden pane cannot have the focus.
    const l = this.layout();
    if (ui.focus === 'log' && l.paneRows === 0) ui.focus = 'table';
    if (ui.focus === 'table' && l.tableRows === 0) ui.focus = 'log';
  }

  openCommand(): void {
    this.setMode({ kind: 'command', edit: emptyEdit(), history: -1, hint: [] });
  }

  openFilter(): void {
    this.setMode({ kind: 'filter', edit: emptyEdit(this.state.ui.filter) });
  }

  openSearch(): void {
    this.setMode({ kind: 'search', edit: emptyEdit(this.state.ui.log.search) });
  }

  clearFilter(): void {
    this.state.ui.filter = '';
    this.state.ui.message = null;
  }

  cycleLayout(): void {
    const ui = this.state.ui;
    ui.layout = ui.layout === 'split' ? 'log' : ui.layout === 'log' ? 'table' : 'split';
    if (ui.layout === 'log') ui.focus = 'log';
    if (ui.layout === 'table') ui.focus = 'table';
  }

  redraw(): void {
    this.deps.redraw();
  }

  cycleSort(): void {
    const ui = this.state.ui;
    ui.sort = SORT_KEYS[(SORT_KEYS.indexOf(ui.sort) + 1) % SORT_KEYS.length]!;
    ui.reverse = false;
    this.message(`Sorted by ${ui.sort}`);
  }

  reverseSort(): void {
    this.state.ui.reverse = !this.state.ui.reverse;
  }

  moveSelection(delta: number): void {
    const rows = this.rows();
    if (!rows.length) return;
    const i = this.selectedIndex();
    const next = delta === Infinity ? rows.length - 1 : delta === -Infinity ? 0 : Math.max(0, Math.min(rows.length - 1, i + delta));
    this.state.ui.selected = rows[next]!.key;
    this.lastIndex = next;
    // A new process: its log starts at the bottom, following.
    if (next !== i) this.resetLogView();
  }

  private resetLogView(): void {
    const v = this.state.ui.log;
    v.follow = true;
    v.anchor = null;
  }

  /** The group of the selected row (a group row, or a process row inside a group). */
  private selectedGroupKey(): string | null {
    const r = this.selectedRow();
    if (!r) return null;
    if (r.kind === 'group') return r.key;
    return r.depth === 1 ? groupRowKey(r.proc.group) : null;
  }

  toggleGroup(): void {
    const key = this.selectedGroupKey();
    if (!key) return;
    this.setGroupFolded(!this.state.ui.collapsed.has(key));
  }

  setGroupFolded(folded: boolean): void {
    const key = this.selectedGroupKey();
    if (!key) return;
    const c = this.state.ui.collapsed;
    if (folded) c.add(key);
    else c.delete(key);
    // Folding from a member moves the selection onto the group row.
    if (folded) this.state.ui.selected = key;
    this.state.ui.collapsed = new Set(c);
  }

  toggleAllGroups(): void {
    const ui = this.state.ui;
    const members = new Map<string, Proc[]>();
    for (const p of this.state.procs.values()) {
      let list = members.get(p.group);
      if (!list) members.set(p.group, (list = []));
      list.push(p);
    }
    const groups = new Set<string>();
    for (const [group, list] of members) if (hasGroupRow(group, list)) groups.add(groupRowKey(group));
    ui.collapsed = ui.collapsed.size ? new Set() : groups;
  }

  enterOnRow(): void {
    const r = this.selectedRow();
    if (!r) return;
    if (r.kind === 'group') return this.toggleGroup();
    if (r.proc.pty === true) return this.fgSelection();
    this.state.ui.focus = 'log';
  }

  togglePreview(): void {
    const ui = this.state.ui;
    ui.preview = !ui.preview;
    this.message(ui.preview ? 'pty programs show their live screen' : 'pty programs show their log');
  }

  // ---- log pane -------------------------------------------------------------------------------------

  /** Scrolls the lower pane (command output, or the log) by `delta` entries; ±Infinity: ends. */
  scrollPane(delta: number): void {
    const ui = this.state.ui;
    if (ui.output) {
      const max = Math.max(0, this.outputRows().length - this.layout().paneRows);
      const up = delta === -Infinity ? max : delta === Infinity ? 0 : ui.output.scroll - delta;
      ui.output.scroll = Math.max(0, Math.min(max, up));
      return;
    }
    const buf = this.selectedLog();
    if (!buf) return;
    const entries = this.logEntries(buf);
    if (!entries.length) return;
    const v = ui.log;
    const height = this.layout().paneRows;
    const bottom = this.logBottom(entries);
    let next = delta === Infinity ? entries.length - 1 : delta === -Infinity ? 0 : bottom + delta;
    // The top of the view cannot go above the first entry.
    next = Math.max(Math.min(height - 1, entries.length - 1), next);
    if (next >= entries.length - 1) {
      // scrolled -> following: back at the newest line.
      v.follow = true;
      v.anchor = null;
    } else {
      v.follow = false;
      v.anchor = entries[next]!.id;
    }
  }

  toggleFollow(): void {
    const v = this.state.ui.log;
    if (v.follow) {
      const buf = this.selectedLog();
      const entries = buf ? this.logEntries(buf) : [];
      v.follow = false;
      v.anchor = entries.length ? entries[entries.length - 1]!.id : null;
    } else {
      v.follow = true;
      v.anchor = null;
    }
    this.message(v.follow ? 'Following' : 'Not following');
  }

  toggleWrap(): void {
    const v = this.state.ui.log;
    v.wrap = !v.wrap;
  }

  cycleChannel(): void {
    const v = this.state.ui.log;
    v.channel = v.channel === 'both' ? 'stdout' : v.channel === 'stdout' ? 'stderr' : 'both';
    v.follow = true;
    v.anchor = null;
    this.message(`Showing ${v.channel === 'both' ? 'stdout and stderr' : v.channel}`);
  }

  /** Moves the view to the previous (-1, older) or next (+1, newer) entry matching the search. */
  findMatch(dir: -1 | 1, fromBottom = false): void {
    const v = this.state.ui.log;
    if (!v.search) {
      this.message('No search: press / first');
      return;
    }
    const buf = this.selectedLog();
    if (!buf) return;
    const entries = this.logEntries(buf);
    const needle = v.search.toLowerCase();
    const start = fromBottom ? entries.length : this.logBottom(entries);
    for (let i = start + dir; i >= 0 && i < entries.length; i += dir) {
      if (entryMatches(entries[i]!, needle)) {
        v.follow = false;
        v.anchor = entries[i]!.id;
        if (i === entries.length - 1) {
          v.follow = true;
          v.anchor = null;
        }
        return;
      }
    }
    this.message(`No ${dir < 0 ? 'older' : 'newer'} match for "${v.search}"`);
  }

  escapeLog(): void {
    const ui = this.state.ui;
    if (ui.output && !ui.output.running) {
      ui.output = null;
      return;
    }
    if (ui.log.search) {
      ui.log.search = '';
      return;
    }
    ui.focus = this.layout().tableRows > 0 ? 'table' : 'log';
  }

  // ---- supervisorctl actions ----------------------------------------------------------------------

  /** The namespec of the selection: `name`, `group:name`, or `group:*` on a group row. */
  selectionTarget(): { spec: string; label: string } | null {
    const r = this.selectedRow();
    if (!r) return null;
    if (r.kind === 'group') return { spec: `${r.group}:*`, label: `group ${r.group}` };
    const ns = namespecOf(r.proc);
    return { spec: ns, label: ns };
  }

  onSelection(action: 'start' | 'stop' | 'restart' | 'clear'): void {
    const t = this.selectionTarget();
    if (!t) return;
    void this.runQuiet(`${action} ${t.spec}`).then(() => {
      if (action !== 'clear') return;
      // The files are empty now; so is what we show of them.
      const r = this.selectedRow();
      const keys = r?.kind === 'group' ? r.procs.map((p) => p.key) : r ? [r.key] : [];
      for (const k of keys) this.deps.logs.buffer(k)?.clear();
      this.deps.store.changed();
    });
  }

  onAll(action: 'start' | 'stop' | 'restart'): void {
    if (action === 'start') {
      void this.runQuiet('start all');
      return;
    }
    this.confirmThen(`${action === 'stop' ? 'Stop' : 'Restart'} all processes?`, `${action} all`);
  }

  /** Asks `question` (y/N) and runs `line` on yes. */
  confirmThen(question: string, line: string): void {
    this.setMode({ kind: 'confirm', question, onYes: () => void this.runQuiet(line) });
  }

  openSignalPicker(): void {
    const t = this.selectionTarget();
    if (!t) return;
    this.setMode({ kind: 'signal', index: 0, target: t.spec, label: t.label });
  }

  /** A Controller whose output goes to the message line (key actions: one line of result). */
  private quietController(lines: string[]): Controller {
    const io = new CaptureIO({
      line: (text) => lines.push(text),
      // Key actions never ask: reload/shutdown were confirmed by the console already.
      ask: async () => null,
    });
    return new Controller({ ...this.deps.settings, interactive: false }, io, this.connector);
  }

  /** Runs a supervisorctl command line for a key; its output becomes the message line. */
  async runQuiet(line: string): Promise<void> {
    const lines: string[] = [];
    const ctl = this.quietController(lines);
    this.message(`${line}…`);
    this.deps.store.flush();
    try {
      await ctl.onecmd(line);
    } finally {
      await ctl.close();
    }
    const text = lines.filter((l) => l.trim() !== '').join('; ') || `${line}: done`;
    this.message(text, ctl.exitstatus === 0 ? 'info' : 'error');
    this.deps.feed?.markDirty(null);
    this.deps.store.flush();
  }

  private newCommandController(): Controller {
    const io = new CaptureIO({
      line: (text, error) => this.outputLine(text, error),
      ask: (prompt, echo, signal) => this.ask(prompt, echo, signal),
    });
    this.cmdIO = io;
    // The command line is interactive: reload and shutdown ask, as in the shell.
    return new Controller({ ...this.deps.settings, interactive: true }, io, this.connector);
  }

  /** Appends a line to the command pane. */
  outputLine(text: string, error: boolean): void {
    const out = this.state.ui.output;
    if (!out) return;
    // Output of `tail` is program output: only SGR may reach the screen.
    const clean = sanitize(text, this.state.colour);
    const before = out.scroll > 0 ? this.outputRows().length : 0;
    out.lines.push(error && this.state.colour ? `\x1b[31m${clean}\x1b[0m` : clean);
    if (out.lines.length > MAX_OUTPUT_LINES) out.dropped += out.lines.splice(0, out.lines.length - MAX_OUTPUT_LINES).length;
    // Scrolled up: stay on the same rows while new ones arrive (a long line adds several).
    if (out.scroll > 0) out.scroll += Math.max(0, this.outputRows().length - before);
    this.deps.store.changed();
  }

  /** A question from a running command, answered in the input line. */
  private ask(prompt: string, echo: boolean, signal: AbortSignal | undefined): Promise<string | null> {
    return new Promise((resolve) => {
      const mode: Mode = { kind: 'ask', prompt, echo, edit: emptyEdit(), resolve };
      const onAbort = (): void => {
        if (this.state.ui.mode === mode) this.setMode({ kind: 'normal' });
        resolve(null);
        this.deps.store.changed();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.setMode(mode);
      this.deps.store.changed();
    });
  }

  /** Runs a `:` line: fg and quit are the console's own; everything else is supervisorctl's. */
  async runCommand(raw: string): Promise<void> {
    const line = raw.trim();
    if (!line) return;
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'quit' || word === 'exit') return this.exit(0);
    if (word === 'fg' && rest.length === 1) return this.fgByName(rest[0]!);
    const ui = this.state.ui;
    if (ui.output?.running) {
      this.message('A command is still running (Ctrl-C stops it)', 'error');
      return;
    }
    const pane: OutputPane = { title: line, lines: [], dropped: 0, scroll: 0, running: true, interrupts: new Set() };
    ui.output = pane;
    ui.focus = 'log';
    this.deps.store.flush();
    let stop = false;
    try {
      stop = await this.cmdCtl.onecmd(line);
    } finally {
      this.cmdIO?.finish();
      pane.running = false;
      this.deps.feed?.markDirty(null);
      this.deps.store.flush();
    }
    if (stop) this.exit(0);
  }

  // ---- fg -------------------------------------------------------------------------------------------

  fgSelection(): void {
    const p = this.selectedProc();
    if (!p) {
      this.message('fg needs a process row', 'error');
      return;
    }
    void this.fg(p);
  }

  private fgByName(name: string): void {
    const p = [...this.state.procs.values()].find((q) => namespecOf(q) === name || q.key === name || q.name === name);
    if (!p) {
      this.message('ERROR: bad process name supplied', 'error');
      return;
    }
    this.state.ui.selected = p.key;
    void this.fg(p);
  }

  /**
   * fg on a process: pty programs get the whole terminal (attach); pipe programs get the log pane,
   * following, with a line input that sends to their stdin (Supervisor's fg).
   */
  private async fg(p: Proc): Promise<void> {
    const ns = namespecOf(p);
    if (p.info.state !== ProcessStates.RUNNING) {
      this.message(`ERROR: process not running (${ns})`, 'error');
      return;
    }
    if (p.pty !== false && this.deps.client.subscribe) {
      try {
        const how = await this.deps.attach(ns);
        p.pty = true;
        this.message(how === 'exited' ? `${ns} exited` : `Detached from ${ns}`);
        this.deps.store.flush();
        return;
      } catch (e) {
        // Known pty programs report the failure; unknown ones are pipe programs.
        if (p.pty === true) {
          this.message(`ERROR: ${(e as Error).message}`, 'error');
          return;
        }
        p.pty = false;
      }
    }
    const ui = this.state.ui;
    ui.output = null;
    ui.focus = 'log';
    ui.log.follow = true;
    ui.log.anchor = null;
    ui.log.channel = 'both';
    this.setMode({ kind: 'fg', key: p.key, namespec: ns, edit: emptyEdit() });
    this.deps.store.flush();
  }

  private async sendStdin(ns: string, line: string): Promise<void> {
    try {
      await this.deps.client.call('supervisor.sendProcessStdin', [ns, line + '\n']);
    } catch (e) {
      const mode = this.state.ui.mode;
      if (mode.kind === 'fg') this.setMode({ kind: 'normal' });
      this.message(isFault(e, Faults.NOT_RUNNING) ? 'Process got killed' : `ERROR: ${(e as Error).message}`, 'error');
      this.deps.store.flush();
    }
  }
}
