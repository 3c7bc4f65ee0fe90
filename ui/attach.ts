/**
 * fg/attach for pty programs: the whole terminal is handed to the program. Raw keystrokes go to
 * ext.ptyInput, the program's bytes (topic pty.<group>:<name>) go to stdout, terminal resizes go to
 * ext.ptyResize; Ctrl-C is just a byte for the program. The detach key (default Ctrl-]) gives the
 * terminal back, with every mode the program may have set reset. No React here: `supervisorctl fg`
 * reuses this module as is.
 */
import { isFault, Faults } from '../src/api/faults.js';
import type { ProcessInfo } from '../src/api/process-info.js';
import { Topics, SNAPSHOT_TOPIC, type ProcessStatePayload, type Snapshot } from '../src/api/protocol.js';
import { PtyMethods, type PtyAttachResult } from '../src/api/pty.js';
import { ProcessStates } from '../src/api/states.js';
import type { Client, StreamMessage } from '../src/client/types.js';
import { DEFAULT_DETACH_KEY, parseDetachKey } from './detach-key.js';
import { BACK_TO_CONSOLE, CLEAR_SCREEN, RESET_MODES, SYNC_END } from './term/sequences.js';

/** The input side of the terminal (process.stdin or a test's stream). */
export interface AttachInput {
  on(event: 'data', fn: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', fn: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  isPaused?(): boolean;
  readonly isTTY?: boolean;
  readonly isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The output side (process.stdout or a test's stream). */
export interface AttachOutput {
  write(chunk: string | Uint8Array): unknown;
  readonly columns?: number;
  readonly rows?: number;
  on(event: 'resize', fn: () => void): unknown;
  removeListener(event: 'resize', fn: () => void): unknown;
}

export interface AttachOptions {
  /** A spec (`ctrl-]`, `^A`) or the byte itself. Default Ctrl-]. */
  detachKey?: string | number;
  /**
   * Where the terminal goes back to: 'shell' (default) leaves the alternate screen so the shell's
   * screen reappears; 'console' re-enters it, cleared, for the console to repaint.
   */
  returnTo?: 'shell' | 'console';
  /** Told things worth a line after detaching (e.g. "view only: another client is typing"). */
  onNotice?: (text: string) => void;
}

/** States in which the program is still there to talk to. */
const ALIVE: ReadonlySet<number> = new Set([ProcessStates.RUNNING, ProcessStates.STARTING, ProcessStates.STOPPING]);

/**
 * Attaches the terminal to the pty program `name` until the detach key ('detached') or until the
 * program stops ('exited'). Rejects (with the terminal untouched) when the program is unknown, is not a
 * pty program, or the transport has no live streams (XML-RPC).
 */
export async function attachPty(
  client: Client,
  name: string,
  stdin: AttachInput,
  stdout: AttachOutput,
  opts: AttachOptions = {},
): Promise<'detached' | 'exited'> {
  if (!client.subscribe) throw new Error(`${client.url}: attaching needs the ZeroMQ transport (a supervisord of this project)`);
  const detachByte =
    typeof opts.detachKey === 'number' ? opts.detachKey : opts.detachKey ? parseDetachKey(opts.detachKey) : DEFAULT_DETACH_KEY;
  const info = (await client.call('supervisor.getProcessInfo', [name])) as ProcessInfo;
  const ptyTopic = Topics.pty(info.group, info.name);
  const stateTopic = Topics.processState(info.group, info.name);

  let finish!: (how: 'detached' | 'exited') => void;
  const finished = new Promise<'detached' | 'exited'>((resolve) => (finish = resolve));
  let done = false;
  const end = (how: 'detached' | 'exited'): void => {
    if (done) return;
    done = true;
    finish(how);
  };

  // Output that arrives before the screen is drawn waits; afterwards only what is newer than the screen.
  let screenSeq: number | null = null;
  const early: StreamMessage[] = [];
  const onPty = (m: StreamMessage): void => {
    if (m.topic !== ptyTopic || done) return;
    if (m.header.kind === 'gap') {
      // Output was lost on the way: ask for the screen again.
      void redraw();
      return;
    }
    if (m.header.kind !== 'pty') return;
    if (screenSeq === null) early.push(m);
    else if (m.seq > screenSeq) stdout.write(m.payload);
  };
  const onState = (m: StreamMessage): void => {
    if (done) return;
    try {
      if (m.topic === stateTopic) {
        const p = JSON.parse(m.payload.toString('utf8')) as ProcessStatePayload;
        // RUNNING -> EXITED/BACKOFF/FATAL/STOPPED: the program is gone, so is the session.
        if (!ALIVE.has(p.state)) end('exited');
      } else if (m.topic === SNAPSHOT_TOPIC) {
        const snap = JSON.parse(m.payload.toString('utf8')) as Snapshot;
        const now = snap.processes.find((p) => p.group === info.group && p.name === info.name);
        if (!now || !ALIVE.has(now.state)) end('exited');
      }
    } catch {
      // A payload we cannot read says nothing about the program.
    }
  };

  const unsubs: Array<() => void> = [];
  const size = (): [number, number] => [stdout.columns || 80, stdout.rows || 24];
  let attached: PtyAttachResult;
  try {
    unsubs.push(await client.subscribe([ptyTopic], onPty));
    unsubs.push(await client.subscribe([stateTopic], onState));
    const [cols, rows] = size();
    attached = (await client.call(PtyMethods.attach, [name, { cols, rows, write: true }])) as PtyAttachResult;
  } catch (e) {
    for (const u of unsubs) u();
    throw e;
  }
  if (!attached.writer) opts.onNotice?.(`${name}: view only (another client is typing)`);

  const redraw = async (): Promise<void> => {
    try {
      const again = (await client.call(PtyMethods.attach, [name, { write: attached.writer }])) as PtyAttachResult;
      if (done) return;
      screenSeq = again.seq;
      stdout.write(CLEAR_SCREEN + again.screen);
    } catch {
      // The state subscription ends the session if the program went away.
    }
  };

  // The program's screen, then what it wrote since.
  stdout.write('\x1b[?1049h' + CLEAR_SCREEN + '\x1b[?7h\x1b[?25h' + attached.screen);
  screenSeq = attached.seq;
  for (const m of early.splice(0)) if (m.seq > screenSeq) stdout.write(m.payload);

  // Keystrokes, one call at a time so they arrive in order.
  let sending: Promise<void> = Promise.resolve();
  const send = (bytes: Buffer): void => {
    if (!bytes.length || !attached.writer) return;
    const data = bytes.toString('base64');
    sending = sending.then(async () => {
      if (done) return;
      try {
        await client.call(PtyMethods.input, [name, data]);
      } catch (e) {
        if (isFault(e, Faults.NOT_RUNNING) || isFault(e, Faults.BAD_NAME)) end('exited');
      }
    });
  };
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const at = bytes.indexOf(detachByte);
    if (at === -1) {
      send(bytes);
      return;
    }
    send(bytes.subarray(0, at));
    end('detached');
  };
  const onResize = (): void => {
    if (!attached.writer) return;
    const [cols, rows] = size();
    client.call(PtyMethods.resize, [name, cols, rows]).catch(() => {});
  };

  const wasRaw = Boolean(stdin.isRaw);
  const wasPaused = stdin.isPaused?.() ?? false;
  if (stdin.isTTY && stdin.setRawMode) stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  stdout.on('resize', onResize);

  const how = await finished;

  stdin.removeListener('data', onData);
  stdout.removeListener('resize', onResize);
  if (stdin.isTTY && stdin.setRawMode) stdin.setRawMode(wasRaw);
  if (wasPaused) stdin.pause();
  for (const u of unsubs) u();
  await sending;
  if (attached.writer) await client.call(PtyMethods.detach, [name]).catch(() => {});
  // Whatever the program switched on is switched off before anyone else draws.
  stdout.write(opts.returnTo === 'console' ? BACK_TO_CONSOLE : SYNC_END + RESET_MODES + '\x1b[?25h\x1b[?1049l');
  return how;
}
