/**
 * What the console does before its code has loaded: take the terminal and paint the first frame
 * (app/first-frame.ts), and start connecting to supervisord, so that a person sees the console at once
 * and the connection is up by the time Ink draws. Nothing here loads React or Ink.
 */
import { hostname } from 'node:os';
import type { Client } from '../../src/client/types.js';
import type { Connector, CtlSettings } from '../../src/ctl/controller.js';
import { hostOf } from '../data/daemon-clock.js';
import { resolveDetachKey } from '../detach-key.js';
import { initialState } from '../state/initial.js';
import { FrameSink } from '../term/frame-sink.js';
import { guardProcessTerminal, restoreProcessTerminal } from '../term/guard.js';
import { ENTER_CONSOLE } from '../term/sequences.js';
import { makeTheme, wantsColour } from '../theme.js';
import { firstFrameLines } from './first-frame.js';

/** A topic no daemon publishes on (see the warm-up below). */
const WARMUP_TOPIC = 'console.warmup';

/** A console start under way: the painted terminal and the pending connection. */
export interface EarlyStart {
  /** The sink holding the painted frame (null when nothing was painted: terminal too small). */
  sink: FrameSink | null;
  /** A connector whose first call for the configured server returns the connection already opening. */
  connect: Connector;
  /** The console's own guard is in place: drop this one. */
  release(): void;
  /** The console will not run after all: give the terminal back as it was. */
  abandon(): void;
}

/** Paints the first frame on process.stdout and starts connecting; see EarlyStart. */
export function startEarly(settings: CtlSettings, connect: Connector): EarlyStart {
  const url = settings.serverurl;
  let pending: Promise<Client> | null = connect(url, { username: settings.username, password: settings.password, timeoutMs: 0 });
  // The session awaits it (and reports a failure); until then a rejection is not unhandled.
  pending.catch(() => {});
  const early: Connector = (u, o) => {
    const p = u === url ? pending : null;
    pending = null;
    return p ?? connect(u, o);
  };
  // The event stream takes a few round trips to become live (ZeroMQ's slow joiner): open it now, with
  // a subscription nothing is published on, so the console's own subscription is live at once.
  let warm: (() => void) | null = null;
  let released = false;
  const pendingClient = pending;
  pendingClient.then(
    (c) => c.subscribe?.([WARMUP_TOPIC], () => {}).then((unsub) => (released ? unsub() : (warm = unsub)), () => {}),
    () => {},
  );
  const endWarmup = (): void => {
    released = true;
    warm?.();
    warm = null;
  };
  /** A connection nobody took is closed (its sockets would keep the process alive). */
  const dropPending = (): void => {
    endWarmup();
    pending?.then((c) => c.close()).catch(() => {});
    pending = null;
  };

  const out = process.stdout;
  const colour = wantsColour(process.env);
  const state = initialState({
    cols: out.columns || 80,
    rows: out.rows || 24,
    url,
    host: hostOf(url, hostname()),
    colour,
    detachKey: resolveDetachKey(process.env, settings),
  });
  const lines = firstFrameLines(state, makeTheme(colour));
  if (!lines) return { sink: null, connect: early, release: endWarmup, abandon: dropPending };

  const sink = new FrameSink(out);
  const restore = (): void => restoreProcessTerminal(sink);
  // Until the console's own guard takes over, a signal or crash still gets the terminal back.
  const unguard = guardProcessTerminal(restore);
  // Raw at once: keys typed while loading are not echoed over the frame; they wait for the console.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  out.write(ENTER_CONSOLE);
  sink.frame(lines.join('\n'));
  return {
    sink,
    connect: early,
    release: () => {
      unguard();
      endWarmup();
    },
    abandon: () => {
      unguard();
      restore();
      dropPending();
    },
  };
}
