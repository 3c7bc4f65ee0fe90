/**
 * Test harness for the console: a fake terminal of settable size (a stdout with columns/rows that emits
 * `resize`, whose bytes feed @xterm/headless so tests read the reconstructed screen), a fake keyboard,
 * and a hand-written fake Client that plays a daemon: a snapshot, state messages, log chunks, stats.
 */
import { EventEmitter } from 'node:events';
import xtermHeadless from '@xterm/headless';
import type { Terminal as XTerminal } from '@xterm/headless';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import type { ProcessInfo, ProcessResult } from '../../../src/api/process-info.js';
import { Topics, type Snapshot } from '../../../src/api/protocol.js';
import { ProcessStates, processStateName } from '../../../src/api/states.js';
import { ClientError, type Client, type LogTarget, type StreamMessage } from '../../../src/client/types.js';
import type { CtlSettings } from '../../../src/ctl/controller.js';

const { Terminal } = xtermHeadless;

/** A terminal screen: what a person would see, rebuilt from every byte written. */
export class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly term: XTerminal;
  /** Every byte written, as text. */
  written = '';

  constructor(
    public columns = 120,
    public rows = 40,
  ) {
    super();
    this.term = new Terminal({ cols: columns, rows, allowProposedApi: true, scrollback: 0 });
  }

  write(chunk: string | Uint8Array): boolean {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.written += s;
    this.term.write(s);
    return true;
  }

  /** Resizes like a terminal window: the screen, then the `resize` event. */
  resize(cols: number, rows: number): void {
    this.columns = cols;
    this.rows = rows;
    this.term.resize(cols, rows);
    this.emit('resize');
  }

  /** Waits for xterm to parse what was written, then returns the visible lines. */
  async screen(): Promise<string[]> {
    await new Promise<void>((r) => this.term.write('', r));
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  async text(): Promise<string> {
    return (await this.screen()).join('\n');
  }

  /** True while the alternate screen is shown. */
  get inAlternateScreen(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** Polls the screen until `pred` holds; fails with the last screen after `timeoutMs`. */
  async waitFor(pred: (text: string, lines: string[]) => boolean, what: string, timeoutMs = 8000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let lines: string[] = [];
    for (;;) {
      lines = await this.screen();
      if (pred(lines.join('\n'), lines)) return lines;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** Waits until the screen contains `needle`. */
  waitForText(needle: string | RegExp, timeoutMs?: number): Promise<string[]> {
    const ok = (t: string): boolean => (typeof needle === 'string' ? t.includes(needle) : needle.test(t));
    return this.waitFor(ok, String(needle), timeoutMs);
  }
}

/** A keyboard: raw-mode switch and typed bytes. */
export class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  isRaw = false;
  private paused = true;
  setRawMode(on: boolean): this {
    this.isRaw = on;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  pause(): this {
    this.paused = true;
    return this;
  }
  isPaused(): boolean {
    return this.paused;
  }
  /** Types `s` as one read (as tmux send-keys delivers several keys). */
  type(s: string): void {
    this.emit('data', Buffer.from(s, 'utf8'));
  }
}

export interface FakeProc {
  name: string;
  group?: string;
  state?: number;
  pty?: boolean;
  description?: string;
}

/** Polls `pred` until true. */
export async function until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A fake daemon behind the Client interface. It answers the calls the console makes, records them, and
 * lets tests push state, log, stats and pty messages. `xmlrpc: true` leaves out subscribe (polling).
 */
export class FakeClient implements Client {
  readonly url: string;
  readonly calls: Array<{ method: string; params: unknown[] }> = [];
  procs: ProcessInfo[] = [];
  seq = 0;
  private readonly subs = new Set<{ prefixes: string[]; fn: (m: StreamMessage) => void }>();
  private readonly follows = new Set<{ target: LogTarget; onData: (b: Buffer) => void; onNotice?: (t: string) => void }>();
  logs = new Map<string, { stdout: string; stderr: string }>();
  ptyScreens = new Map<string, string>();
  ptyInput: string[] = [];
  down = false;
  closed = false;
  subscribe?: Client['subscribe'];

  constructor(procs: FakeProc[], opts: { xmlrpc?: boolean; url?: string } = {}) {
    this.url = opts.url ?? (opts.xmlrpc ? 'http://127.0.0.1:9001' : 'ipc:///tmp/fake.zmq');
    const now = Math.floor(Date.now() / 1000);
    for (const p of procs) {
      const state = p.state ?? ProcessStates.RUNNING;
      this.procs.push({
        name: p.name,
        group: p.group ?? p.name,
        start: state === ProcessStates.RUNNING ? now - 65 : 0,
        stop: 0,
        now,
        state,
        statename: processStateName(state)!,
        spawnerr: '',
        exitstatus: 0,
        logfile: '',
        stdout_logfile: '',
        stderr_logfile: '',
        pid: state === ProcessStates.RUNNING ? 1000 + this.procs.length : 0,
        description: p.description ?? (state === ProcessStates.RUNNING ? `pid ${1000 + this.procs.length}, uptime 0:01:05` : 'Not started'),
      });
      if (p.pty) this.ptyScreens.set(`${p.group ?? p.name}:${p.name}`, `\x1b[32m${p.name} screen\x1b[0m\r\n$ `);
    }
    this.ptyNames = new Set(procs.filter((p) => p.pty).map((p) => `${p.group ?? p.name}:${p.name}`));
    if (!opts.xmlrpc) this.subscribe = (prefixes, fn) => this.doSubscribe(prefixes, fn);
  }

  private readonly ptyNames: Set<string>;

  /** Calls of `method` so far. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  private find(spec: string): ProcessInfo {
    const [g, n] = spec.includes(':') ? spec.split(':') : [spec, spec];
    const p = this.procs.find((q) => q.group === g && q.name === n);
    if (!p) throw new RpcFault(Faults.BAD_NAME, spec);
    return p;
  }

  private inGroup(group: string): ProcessInfo[] {
    const list = this.procs.filter((p) => p.group === group);
    if (!list.length) throw new RpcFault(Faults.BAD_NAME, group);
    return list;
  }

  /** Moves a process to `state` and publishes the state message, as the daemon would. */
  setState(spec: string, state: number): void {
    const p = this.find(spec);
    const from = p.state;
    p.state = state;
    p.statename = processStateName(state)!;
    p.now = Math.floor(Date.now() / 1000);
    if (state === ProcessStates.RUNNING) {
      p.start = p.now;
      p.pid = 4242;
      p.description = 'pid 4242, uptime 0:00:00';
    } else if (state === ProcessStates.STOPPED || state === ProcessStates.EXITED || state === ProcessStates.FATAL) {
      p.pid = 0;
      p.description = state === ProcessStates.FATAL ? 'Exited too quickly (process log may have details)' : 'Dec 01 07:50 PM';
    }
    this.publish(Topics.processState(p.group, p.name), 'state', {
      type: `PROCESS_STATE_${p.statename}`,
      name: p.name,
      group: p.group,
      from,
      fromname: processStateName(from),
      state,
      statename: p.statename,
      pid: p.pid,
      tries: 0,
    });
  }

  /** Publishes a message to matching subscribers. */
  publish(topic: string, kind: string, payload: unknown): void {
    const m: StreamMessage = {
      topic,
      seq: ++this.seq,
      header: { seq: this.seq, kind },
      payload: Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    };
    for (const s of this.subs) if (s.prefixes.some((p) => topic.startsWith(p))) s.fn(m);
  }

  /** Publishes a stats sample. */
  stats(values: Record<string, { cpu: number; rss: number; starts: number }>): void {
    this.publish('stats.processes', 'stats', { time: Date.now() / 1000, processes: values, daemon: { cpu: 0, rss: 0 } });
  }

  /** A chunk of output on a process channel: into its "file" and to its followers. */
  log(spec: string, channel: 'stdout' | 'stderr', text: string): void {
    const p = this.find(spec);
    const key = `${p.group}:${p.name}`;
    const l = this.logs.get(key) ?? { stdout: '', stderr: '' };
    l[channel] += text;
    this.logs.set(key, l);
    for (const f of this.follows) {
      if (f.target === 'main') continue;
      const q = this.find(f.target.name);
      if (q === p && f.target.channel === channel) f.onData(Buffer.from(text));
    }
  }

  /** A notice to the followers of a channel (the daemon skipped output for viewers). */
  skipped(spec: string, channel: 'stdout' | 'stderr', bytes: number): void {
    const p = this.find(spec);
    for (const f of this.follows) {
      if (f.target !== 'main' && this.find(f.target.name) === p && f.target.channel === channel) f.onNotice?.(`skipped ${bytes} bytes`);
    }
  }

  snapshot(): Snapshot {
    return {
      seq: this.seq,
      topics: {},
      processes: this.procs.map((p) => ({ ...p, now: Math.floor(Date.now() / 1000) })),
      state: { statecode: 1, statename: 'RUNNING' },
      identification: 'fakesup',
      version: '4.2.5',
      pid: 0,
    };
  }

  private async doSubscribe(prefixes: string[], fn: (m: StreamMessage) => void): Promise<() => void> {
    if (this.down) throw new ClientError('refused', `${this.url} refused connection`);
    const s = { prefixes, fn };
    this.subs.add(s);
    if (prefixes.some((p) => p.startsWith('state'))) {
      const snap = this.snapshot();
      fn({ topic: 'snapshot', seq: snap.seq, header: { kind: 'snapshot', reason: 'initial' }, payload: Buffer.from(JSON.stringify(snap)) });
    }
    return () => this.subs.delete(s);
  }

  /** How many subscriptions are open. */
  get subscriptions(): number {
    return this.subs.size;
  }

  async followLog(target: LogTarget, onData: (b: Buffer) => void, onNotice?: (t: string) => void): Promise<() => void> {
    if (target !== 'main') this.find(target.name);
    const f = { target, onData, ...(onNotice && { onNotice }) };
    this.follows.add(f);
    return () => this.follows.delete(f);
  }

  private results(list: ProcessInfo[], status = Faults.SUCCESS, description = 'OK'): ProcessResult[] {
    return list.map((p) => ({ name: p.name, group: p.group, status, description }));
  }

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    this.calls.push({ method, params });
    if (this.down) throw new ClientError('refused', `${this.url} refused connection`);
    const [a, b] = params as [string, unknown];
    switch (method) {
      case 'supervisor.getVersion':
        return '3.0';
      case 'supervisor.getState':
        return { statecode: 1, statename: 'RUNNING' };
      case 'supervisor.getIdentification':
        return 'fakesup';
      case 'supervisor.getSupervisorVersion':
        return '4.2.5';
      case 'supervisor.getPID':
        return 0;
      case 'supervisor.getAllProcessInfo':
        return this.procs.map((p) => ({ ...p, now: Math.floor(Date.now() / 1000) }));
      case 'supervisor.getProcessInfo':
        return { ...this.find(a), now: Math.floor(Date.now() / 1000) };
      case 'supervisor.getAllConfigInfo':
        return this.procs.map((p) => ({ name: p.name, group: p.group, pty: this.ptyNames.has(`${p.group}:${p.name}`) }));
      case 'supervisor.startProcess': {
        const p = this.find(a);
        if (p.state === ProcessStates.RUNNING) throw new RpcFault(Faults.ALREADY_STARTED, a);
        this.setState(a, ProcessStates.RUNNING);
        return true;
      }
      case 'supervisor.stopProcess': {
        const p = this.find(a);
        if (p.state !== ProcessStates.RUNNING) throw new RpcFault(Faults.NOT_RUNNING, a);
        this.setState(a, ProcessStates.STOPPED);
        return true;
      }
      case 'supervisor.startProcessGroup':
      case 'supervisor.stopProcessGroup': {
        const list = this.inGroup(a);
        const target = method.includes('start') ? ProcessStates.RUNNING : ProcessStates.STOPPED;
        for (const p of list) this.setState(`${p.group}:${p.name}`, target);
        return this.results(list);
      }
      case 'supervisor.startAllProcesses':
      case 'supervisor.stopAllProcesses': {
        const target = method.includes('start') ? ProcessStates.RUNNING : ProcessStates.STOPPED;
        const changed = this.procs.filter((p) => p.state !== target);
        for (const p of changed) this.setState(`${p.group}:${p.name}`, target);
        return this.results(changed);
      }
      case 'supervisor.signalProcess':
        this.find(a);
        return true;
      case 'supervisor.signalProcessGroup':
        return this.results(this.inGroup(a));
      case 'supervisor.clearProcessLogs': {
        const p = this.find(a);
        this.logs.delete(`${p.group}:${p.name}`);
        return true;
      }
      case 'supervisor.tailProcessStdoutLog':
      case 'supervisor.tailProcessStderrLog': {
        const p = this.find(a);
        const text = this.logs.get(`${p.group}:${p.name}`)?.[method.includes('Stdout') ? 'stdout' : 'stderr'] ?? '';
        return [text, text.length, false];
      }
      case 'supervisor.sendProcessStdin':
        this.find(a);
        return true;
      case 'supervisor.restart':
      case 'supervisor.shutdown':
        return true;
      case 'ext.ptyAttach': {
        const p = this.find(a);
        const key = `${p.group}:${p.name}`;
        const screen = this.ptyScreens.get(key);
        if (screen === undefined) throw new RpcFault(Faults.FAILED, `${a} is not a pty program`);
        return { name: p.name, group: p.group, screen, seq: this.seq, cols: 80, rows: 24, writer: Boolean((b as { write?: boolean })?.write) };
      }
      case 'ext.ptyInput':
        this.ptyInput.push(Buffer.from(String(b), 'base64').toString('utf8'));
        return true;
      case 'ext.ptyResize':
      case 'ext.ptyDetach':
        return true;
      default:
        throw new RpcFault(Faults.UNKNOWN_METHOD, method);
    }
  }

  /** Output of a pty program, on its topic. */
  pty(spec: string, bytes: string): void {
    const p = this.find(spec);
    this.publish(Topics.pty(p.group, p.name), 'pty', Buffer.from(bytes));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Settings as src/ctl/main.ts would pass them. */
export function settingsFor(url: string): CtlSettings {
  return { serverurl: url, username: null, password: null, prompt: 'supervisor', historyFile: null, interactive: false };
}
