/**
 * The daemon feed: keeps AppState's process table, supervisor state and statistics current.
 * Over ZeroMQ it subscribes to `state.` and `stats.` (the client does snapshot + gap resync and hands us
 * a `snapshot` message each time it reloads); over XML-RPC (a Python supervisord) it polls
 * getAllProcessInfo once a second. A health call notices a vanished daemon ("reconnecting…", the last
 * table stays, greyed) and its return.
 */
import { RpcFault } from '../../src/api/faults.js';
import { STATS_TOPIC, type StatsPayload } from '../../src/api/metrics.js';
import type { ConfigInfo, ProcessInfo, SupervisorStateInfo } from '../../src/api/process-info.js';
import { SNAPSHOT_TOPIC, Topics, type ProcessStatePayload, type Snapshot, type SupervisorStatePayload } from '../../src/api/protocol.js';
import { ProcessStates } from '../../src/api/states.js';
import type { Client, StreamMessage } from '../../src/client/types.js';
import type { Store } from '../state/store.js';
import type { AppState, Proc } from '../state/types.js';
import { isLocalUrl, processStartTime } from './daemon-clock.js';

/** How often the console renews its statistics lease (the daemon's lease is 10 s). */
const STATS_RENEW_MS = 4000;

export interface FeedOptions {
  /** XML-RPC polling interval. Default 1000 ms. */
  pollMs?: number;
  /** How often the connection is checked while live. Default 2000 ms. */
  healthMs?: number;
  /** How long a health call may take before the daemon counts as away. Default 4000 ms. */
  healthTimeoutMs?: number;
  /** Delay between attempts to subscribe while the daemon is away. Default 1000 ms. */
  retryMs?: number;
  /** Reads supervisord's start time (the header's uptime); /proc by default. */
  startTimeOf?: (pid: number) => number | null;
}

/** Rejects after `ms` (a call to a hung daemon must not hang the health check). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export class Feed {
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private dirty = new Set<string>();
  private dirtyAll = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private ptyByKey = new Map<string, boolean>();
  private headerFor = -1;
  private readonly opts: Required<FeedOptions>;

  constructor(
    private readonly client: Client,
    private readonly store: Store<AppState>,
    opts: FeedOptions = {},
  ) {
    this.opts = {
      pollMs: opts.pollMs ?? 1000,
      healthMs: opts.healthMs ?? 2000,
      healthTimeoutMs: opts.healthTimeoutMs ?? 4000,
      retryMs: opts.retryMs ?? 1000,
      startTimeOf: opts.startTimeOf ?? ((pid) => (isLocalUrl(client.url) ? processStartTime(pid) : null)),
    };
  }

  private get s(): AppState {
    return this.store.state;
  }

  /** Starts following the daemon. */
  start(): void {
    if (this.client.subscribe) {
      void this.subscribeLoop();
      this.every(this.opts.healthMs, () => this.health());
      // The daemon samples CPU/RSS only while a client renews this lease (docs/protocol.md, Statistics).
      void this.renewStats();
      this.every(STATS_RENEW_MS, () => void this.renewStats());
    } else {
      void this.poll();
      this.every(this.opts.pollMs, () => this.poll());
    }
  }

  /** Stops every subscription and timer. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  /** Renews the statistics lease; a daemon without ext.statsSubscribe (or a lost one) just shows '-'. */
  private async renewStats(): Promise<void> {
    try {
      await this.client.call('ext.statsSubscribe', []);
    } catch {
      // No statistics from this daemon: the CPU and memory columns keep showing '-'.
    }
  }

  private every(ms: number, fn: () => void): void {
    this.timers.add(setInterval(fn, ms));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private setConn(mode: AppState['conn'], error: string | null = null): void {
    if (this.s.conn === mode && this.s.connError === error) return;
    this.s.conn = mode;
    this.s.connError = error;
    this.store.changed();
  }

  // ---- ZeroMQ ---------------------------------------------------------------------------------

  private async subscribeLoop(): Promise<void> {
    if (this.stopped) return;
    try {
      const unsub = await this.client.subscribe!(['state.', 'stats.'], (m) => this.onMessage(m));
      if (this.stopped) {
        unsub();
        return;
      }
      this.unsubscribe = unsub;
    } catch (e) {
      // connecting/live -> reconnecting: no daemon yet; try again shortly.
      this.setConn('reconnecting', (e as Error).message);
      this.later(this.opts.retryMs, () => void this.subscribeLoop());
    }
  }

  /** One message of the subscription. */
  onMessage(m: StreamMessage): void {
    if (this.stopped) return;
    try {
      if (m.topic === SNAPSHOT_TOPIC) this.applySnapshot(JSON.parse(m.payload.toString('utf8')) as Snapshot);
      else if (m.topic === Topics.supervisorState) {
        const p = JSON.parse(m.payload.toString('utf8')) as SupervisorStatePayload;
        this.setSupervisorState({ statecode: p.statecode, statename: p.statename });
      } else if (m.topic === Topics.group) {
        // A group came or went: its processes are only in a fresh list.
        this.markDirty(null);
        void this.loadConfigInfo();
      } else if (m.topic.startsWith('state.process.')) {
        this.applyState(JSON.parse(m.payload.toString('utf8')) as ProcessStatePayload);
      } else if (m.topic === STATS_TOPIC && m.header.kind !== 'gap') {
        this.applyStats(JSON.parse(m.payload.toString('utf8')) as StatsPayload);
      }
    } catch {
      // A payload we cannot read is skipped; the next snapshot corrects the table.
    }
  }

  private applySnapshot(snap: Snapshot): void {
    // connecting/reconnecting -> live: a (re)loaded snapshot is the whole truth.
    this.setConn('live');
    this.replaceAll(snap.processes);
    this.setSupervisorState(snap.state);
    const d = this.s.daemon;
    if (typeof snap.identification === 'string') d.identification = snap.identification;
    if (typeof snap.version === 'string') d.version = snap.version;
    if (typeof snap.pid === 'number' && snap.pid !== d.pid) {
      d.pid = snap.pid;
      d.startedAt = this.opts.startTimeOf(snap.pid);
    }
    if (typeof snap.version !== 'string' || typeof snap.pid !== 'number') void this.loadHeader();
    void this.loadConfigInfo();
  }

  private applyState(p: ProcessStatePayload): void {
    const key = `${p.group}:${p.name}`;
    const proc = this.s.procs.get(key);
    if (!proc) {
      this.markDirty(null);
      return;
    }
    const info = proc.info;
    // A start is now: the precise start time comes with the refresh below.
    if (p.state === ProcessStates.RUNNING && info.state !== ProcessStates.RUNNING) proc.startedAt = Date.now();
    info.state = p.state;
    info.statename = p.statename;
    info.pid = p.pid;
    this.s.procsVersion++;
    this.s.statesVersion++;
    this.store.changed();
    // Description, exit status and start time come from getProcessInfo.
    this.markDirty(key);
  }

  private applyStats(st: StatsPayload): void {
    for (const [key, v] of Object.entries(st.processes ?? {})) {
      const proc = this.s.procs.get(key);
      if (proc) proc.stats = v;
    }
    this.s.statsSeen = true;
    this.s.procsVersion++;
    this.s.statsVersion++;
    this.store.changed();
  }

  /** Checks the daemon answers; a transport failure means it went away. */
  private async health(): Promise<void> {
    try {
      const st = (await within(this.client.call('supervisor.getState'), this.opts.healthTimeoutMs)) as SupervisorStateInfo;
      this.setSupervisorState(st);
      if (this.s.conn === 'reconnecting' && this.unsubscribe) {
        // reconnecting -> live: the daemon answers again (the client reloads the snapshot by itself).
        this.setConn('live');
        this.markDirty(null);
      }
    } catch (e) {
      // A fault is an answer (e.g. SHUTDOWN_STATE): the daemon is there.
      if (e instanceof RpcFault) return;
      // live -> reconnecting: keep the last table, greyed.
      this.setConn('reconnecting', (e as Error).message);
    }
  }

  // ---- XML-RPC -----------------------------------------------------------------------------------

  private polling = false;

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const [infos, state] = await Promise.all([
        this.client.call('supervisor.getAllProcessInfo') as Promise<ProcessInfo[]>,
        this.client.call('supervisor.getState') as Promise<SupervisorStateInfo>,
      ]);
      if (this.stopped) return;
      const wasAway = this.s.conn !== 'polling';
      // connecting/reconnecting -> polling: the daemon answered.
      this.setConn('polling');
      this.replaceAll(infos);
      this.setSupervisorState(state);
      if (wasAway) {
        void this.loadHeader();
        void this.loadConfigInfo();
      }
    } catch (e) {
      if (!(e instanceof RpcFault)) this.setConn('reconnecting', (e as Error).message);
    } finally {
      this.polling = false;
    }
  }

  // ---- shared -----------------------------------------------------------------------------------

  private setSupervisorState(st: SupervisorStateInfo | undefined): void {
    if (!st) return;
    const d = this.s.daemon;
    if (d.statecode === st.statecode && d.statename === st.statename) return;
    d.statecode = st.statecode;
    d.statename = st.statename;
    this.store.changed();
  }

  /** Identification, version and pid, for daemons whose snapshot lacks them (and over XML-RPC). */
  private async loadHeader(): Promise<void> {
    try {
      const [ident, version, pid] = await Promise.all([
        this.client.call('supervisor.getIdentification') as Promise<string>,
        this.client.call('supervisor.getSupervisorVersion') as Promise<string>,
        this.client.call('supervisor.getPID') as Promise<number>,
      ]);
      const d = this.s.daemon;
      d.identification = ident;
      d.version = version;
      if (pid !== this.headerFor) {
        this.headerFor = pid;
        d.pid = pid;
        d.startedAt = this.opts.startTimeOf(pid);
      }
      this.store.changed();
    } catch {
      // The header keeps what it had; the health check reports a lost daemon.
    }
  }

  /** Which programs are pty programs (our getAllConfigInfo has `pty`; without it, unknown). */
  private async loadConfigInfo(): Promise<void> {
    try {
      // Our daemon adds `pty` in ext.getAllConfigInfo; Python's supervisord has only Supervisor's keys.
      const infos = (await this.client
        .call('ext.getAllConfigInfo')
        .catch(() => this.client.call('supervisor.getAllConfigInfo'))) as Array<ConfigInfo & { pty?: unknown }>;
      this.ptyByKey.clear();
      for (const ci of infos) if (typeof ci.pty === 'boolean') this.ptyByKey.set(`${ci.group}:${ci.name}`, ci.pty);
      for (const p of this.s.procs.values()) p.pty = this.ptyByKey.get(p.key) ?? p.pty;
      this.store.changed();
    } catch {
      // Older daemons: pty-ness stays unknown and is found out on first use.
    }
  }

  /** Makes a Proc from an info struct, keeping what the old one knew (stats, pty). */
  private toProc(info: ProcessInfo, old: Proc | undefined): Proc {
    const key = `${info.group}:${info.name}`;
    // The daemon's clock may differ from ours: place the start relative to its `now`.
    const startedAt = info.start ? Date.now() - (info.now - info.start) * 1000 : 0;
    return {
      key,
      name: info.name,
      group: info.group,
      info: { ...info },
      startedAt,
      stats: old?.stats ?? null,
      pty: this.ptyByKey.get(key) ?? old?.pty ?? null,
    };
  }

  /**
   * Takes a fresh list. Known processes are updated in place (the cached row list keeps pointing at
   * them, so it is rebuilt only when what it depends on changed); new ones are added, gone ones dropped.
   */
  private replaceAll(infos: ProcessInfo[]): void {
    const next = new Map<string, Proc>();
    let members = infos.length !== this.s.procs.size;
    let states = false;
    for (const info of infos) {
      const key = `${info.group}:${info.name}`;
      const old = this.s.procs.get(key);
      if (old) states = this.updateProc(old, info) || states;
      else members = true;
      next.set(key, old ?? this.toProc(info, undefined));
    }
    this.s.procs = next;
    this.bump(members, states);
  }

  /** Copies fresh info into `proc`; true when its state or start time changed (the row order may). */
  private updateProc(proc: Proc, info: ProcessInfo): boolean {
    const fresh = this.toProc(info, proc);
    // The daemon's times are whole seconds: a start within a second of the known one is the same start
    // (keeping it stops uptimes from jittering between refreshes).
    const sameStart = Math.abs(proc.startedAt - fresh.startedAt) < 1000 && (proc.startedAt === 0) === (fresh.startedAt === 0);
    const moved = proc.info.state !== fresh.info.state || !sameStart;
    proc.info = fresh.info;
    if (!sameStart) proc.startedAt = fresh.startedAt;
    proc.pty = fresh.pty;
    return moved;
  }

  /** Tells the views that procs changed, and how (the finer versions of AppState). */
  private bump(members: boolean, states: boolean): void {
    this.s.procsVersion++;
    if (members) this.s.membersVersion++;
    if (states) this.s.statesVersion++;
    this.store.changed();
  }

  /** Asks for fresh info of `key` (null: every process) soon; bursts are merged into one call. */
  markDirty(key: string | null): void {
    if (key === null) this.dirtyAll = true;
    else this.dirty.add(key);
    if (this.refreshTimer || this.stopped) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, 100);
  }

  private async refresh(): Promise<void> {
    const keys = [...this.dirty];
    const all = this.dirtyAll || keys.length > 16;
    this.dirty.clear();
    this.dirtyAll = false;
    try {
      if (all) {
        this.replaceAll((await this.client.call('supervisor.getAllProcessInfo')) as ProcessInfo[]);
        return;
      }
      const infos = await Promise.all(
        keys.map((k) => this.client.call('supervisor.getProcessInfo', [k]).catch(() => null) as Promise<ProcessInfo | null>),
      );
      let states = false;
      for (const info of infos) {
        if (!info) continue;
        const old = this.s.procs.get(`${info.group}:${info.name}`);
        if (old) states = this.updateProc(old, info) || states;
      }
      this.bump(false, states);
    } catch {
      // The next state message or health check tries again.
    }
  }
}
