/**
 * One console session on one terminal: connects, takes the terminal (alternate screen, raw keys), runs
 * Ink into the frame sink, wires the feed, logs, pty preview and keys to the app, and gives the
 * terminal back when it ends. No process-wide handlers here (runConsole adds those), so tests can run
 * sessions against a fake terminal.
 */
import { hostname as osHostname } from 'node:os';
import { PassThrough, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import React from 'react';
import { render, type Instance } from 'ink';
import type { Client } from '../../src/client/types.js';
import type { Connector, CtlSettings } from '../../src/ctl/controller.js';
import { attachPty, type AttachInput, type AttachOutput } from '../attach.js';
import { ConsoleView } from '../components/console-view.js';
import { hostOf } from '../data/daemon-clock.js';
import { Feed, type FeedOptions } from '../data/feed.js';
import { LogManager } from '../data/logs.js';
import { PtyViewer } from '../data/pty-view.js';
import { resolveDetachKey } from '../detach-key.js';
import { Store } from '../state/store.js';
import type { AppState } from '../state/types.js';
import { initialState } from '../state/initial.js';
import { FrameSink, type TerminalOut } from '../term/frame-sink.js';
import { ENTER_CONSOLE, LEAVE_CONSOLE } from '../term/sequences.js';
import { makeTheme, wantsColour } from '../theme.js';
import { ConsoleApp } from './console-app.js';

/** The terminal a session runs on: process.stdin/stdout, or a test's fakes. */
export interface SessionTerminal {
  input: AttachInput & { on(event: 'data', fn: (chunk: Buffer | string) => void): unknown };
  output: AttachOutput & TerminalOut;
}

export interface SessionOptions extends SessionTerminal {
  settings: CtlSettings;
  connect: Connector;
  env?: Record<string, string | undefined>;
  hostname?: string;
  feed?: FeedOptions;
  /**
   * The frame sink of a first frame already painted (ui/main.ts, before Ink loaded): the terminal is
   * in the console's screen and the sink knows what is on it, so only the rows that differ are redrawn.
   */
  sink?: FrameSink;
}

export { initialState };

export interface ConsoleSession {
  /** Resolves with the exit status once the terminal is restored. */
  done: Promise<number>;
  app: ConsoleApp;
  store: Store<AppState>;
  sink: FrameSink;
  client: Client;
  /** Ends the session as `q` does. */
  quit(code?: number): void;
  /** Gives the terminal back at once, synchronously (signal and crash handlers). */
  restoreNow(): void;
}

/** Starts a console session; rejects (terminal untouched) when no client can be opened for the URL. */
export async function startConsole(o: SessionOptions): Promise<ConsoleSession> {
  const env = o.env ?? process.env;
  const { input, output, settings } = o;
  const client = await o.connect(settings.serverurl, { username: settings.username, password: settings.password, timeoutMs: 0 });
  const colour = wantsColour(env);
  const theme = makeTheme(colour);
  const warnings: string[] = [];
  const detachKey = resolveDetachKey(env, settings, (m) => warnings.push(m));
  const store = new Store<AppState>(
    initialState({
      cols: output.columns || 80,
      rows: output.rows || 24,
      url: settings.serverurl,
      host: hostOf(settings.serverurl, o.hostname ?? osHostname()),
      colour,
      detachKey,
    }),
  );
  const sink = o.sink ?? new FrameSink(output);
  const changed = (): void => store.changed();
  const feed = new Feed(client, store, o.feed);
  const logs = new LogManager(client, changed, { colour });
  const viewer = new PtyViewer(client, changed, (key, pty) => {
    const p = store.state.procs.get(key);
    if (p && p.pty !== pty) {
      p.pty = pty;
      store.changed();
    }
  });

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let ended = false;
  let ink: Instance | null = null;
  const decoder = new StringDecoder('utf8');
  const onData = (chunk: Buffer | string): void => {
    app.handleInput(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  };
  const onResize = (): void => {
    store.state.cols = output.columns || 80;
    store.state.rows = output.rows || 24;
    sink.notifyResize();
    store.flush();
  };
  const tick = setInterval(() => {
    store.state.now = Date.now();
    store.changed();
  }, 1000);

  const restoreNow = (): void => {
    sink.close();
    if (input.isTTY && input.setRawMode) input.setRawMode(false);
    output.write(LEAVE_CONSOLE);
  };

  const finish = async (code: number): Promise<void> => {
    if (ended) return;
    ended = true;
    clearInterval(tick);
    feed.stop();
    viewer.hide();
    logs.closeAll();
    store.close();
    input.removeListener('data', onData);
    output.removeListener('resize', onResize);
    sink.close();
    ink?.unmount();
    if (input.isTTY && input.setRawMode) input.setRawMode(false);
    input.pause();
    // A paused terminal stdin still holds the event loop; the console is its last reader.
    (input as { unref?: () => void }).unref?.();
    output.write(LEAVE_CONSOLE);
    await client.close().catch(() => {});
    resolveDone(code);
  };

  const app: ConsoleApp = new ConsoleApp({
    store,
    client,
    settings,
    connect: o.connect,
    logs,
    viewer,
    feed,
    onExit: (code) => void finish(code),
    redraw: () => sink.repaint(),
    attach: async (namespec) => {
      // The program gets the terminal: our frames and key handling pause until it gives it back.
      app.attaching = true;
      viewer.hide();
      input.removeListener('data', onData);
      sink.suspend();
      try {
        return await attachPty(client, namespec, input, output, {
          detachKey,
          returnTo: 'console',
          onNotice: (m) => app.message(m),
        });
      } finally {
        app.attaching = false;
        if (!ended) {
          input.on('data', onData);
          sink.resume();
          store.flush();
        }
      }
    },
  });

  if (warnings.length) app.message(warnings.join('; '), 'error');
  if (!o.sink) output.write(ENTER_CONSOLE);
  ink = render(<ConsoleView app={app} theme={theme} />, {
    stdout: sink as unknown as NodeJS.WriteStream,
    // Keys are read by us (raw, coalesced input handled in one place); Ink gets a silent stdin.
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    stderr: new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream,
    debug: true,
    // Ink's plain-text output path: the rows are joined as they are, with no cell grid rebuilt and
    // re-encoded on every frame (that was 70% of a frame's cost). Every row is one pre-cut line
    // (components/line.tsx), so the text in reading order is exactly the screen.
    isScreenReaderEnabled: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  if (input.isTTY && input.setRawMode) input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  output.on('resize', onResize);
  feed.start();
  store.flush();

  return { done, app, store, sink, client, quit: (code = 0) => app.exit(code), restoreNow };
}
