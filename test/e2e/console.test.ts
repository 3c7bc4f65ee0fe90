/**
 * The full-screen console in tmux against a real daemon: it opens on the table, drives programs,
 * follows logs, and leaves the terminal as it found it (on `q` and on SIGHUP).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, waitUntil, type DaemonHandle } from '../helpers/daemon.js';
import type { Tmux } from '../helpers/tmux.js';
import {
  CONSOLE_CONF,
  consolePid,
  ctlState,
  openConsole,
  rowOf,
  selectOnly,
  skipReason,
  stateOf,
  waitForState,
} from './fixtures.js';

/** What the pane's shell prints once the console has ended (see Tmux.start). */
const AFTER_EXIT = /EXITED=\d+\nTTY=.*\n\$/;

/** The terminal is as a shell wants it: main screen, cursor shown, no app modes, cooked with echo. */
function assertRestored(screen: string, modes: Awaited<ReturnType<Tmux['modes']>>): void {
  assert.deepEqual(modes, { alternate: false, cursorVisible: true, keypadCursor: false, mouse: false });
  assert.match(screen, /TTY=icanon echo *\n/, 'the line discipline is back in cooked mode with echo');
  assert.doesNotMatch(screen, /NAME.*STATE|LOG \w+/, 'nothing of the console is left on the main screen');
}

const skip = skipReason();

describe('console in tmux', { skip }, () => {
  let d: DaemonHandle;
  before(async () => {
    d = await startDaemon(CONSOLE_CONF);
  });
  after(async () => {
    await d?.stop();
  });

  /** Runs `fn` with a fresh console on the shared daemon; the tmux server always goes. */
  async function withConsole(fn: (t: Tmux) => Promise<void>, size = { cols: 120, rows: 40 }): Promise<void> {
    const t = await openConsole(d, size);
    try {
      await fn(t);
    } finally {
      await t.kill();
    }
  }

  test('opens on the table: header, every program with its state, the log pane and the key hints', () =>
    withConsole(async (t) => {
      const screen = await t.waitFor(
        (s) => stateOf(s, 'ticker') === 'RUNNING' && stateOf(s, 'shell') === 'RUNNING' && stateOf(s, 'idle') === 'STOPPED',
        15_000,
        'the table with ticker, shell and idle',
      );
      const lines = screen.split('\n');
      assert.match(lines[0]!, /RUNNING/, 'the header shows the daemon state');
      assert.match(lines[0]!, /2\/3 running\s+live/, 'the header counts running programs and says it is live');
      assert.match(lines[1]!, /NAME.*STATE.*PID.*UPTIME/, 'the table heading');
      assert.match(screen, /\bLOG \w+/, 'the log pane under the table');
      assert.match(screen, /\? help\s+q quit/, 'the key hints on the bottom row');
      assert.equal(await t.alternateOn(), true, 'the console draws on the alternate screen');
      // Colours reach the terminal (CI is unset for the console): RUNNING is green.
      assert.match(await t.capture(true), /\x1b\[32mRUNNING/);
    }));

  test('starts and stops a program with s and x; supervisorctl status agrees', () =>
    withConsole(async (t) => {
      await waitForState(t, 'idle', 'STOPPED', 15_000);
      await selectOnly(t, 'idle');
      await t.send('s');
      // STOPPED -> STARTING -> RUNNING (startsecs=0), pushed by the daemon.
      const running = await waitForState(t, 'idle', 'RUNNING');
      assert.match(rowOf(running, 'idle')!, /idle\s+RUNNING\s+\d+/, 'a pid is shown');
      assert.equal(await ctlState(d, 'idle'), 'RUNNING');
      await t.send('x');
      await waitForState(t, 'idle', 'STOPPED');
      assert.equal(await ctlState(d, 'idle'), 'STOPPED');
    }));

  test('the log pane follows the output of the selected program', () =>
    withConsole(async (t) => {
      await waitForState(t, 'ticker', 'RUNNING', 15_000);
      await selectOnly(t, 'ticker');
      const lastTick = (s: string) => Math.max(0, ...[...s.matchAll(/tick-(\d+)/g)].map((m) => Number(m[1])));
      const first = await t.waitFor((s) => /LOG ticker/.test(s) && lastTick(s) > 0, 10_000, 'ticker lines in its log pane');
      assert.match(first, /LOG ticker\s.*follow/);
      const seen = lastTick(first);
      // New lines keep arriving at the bottom while following.
      const later = await t.waitFor((s) => lastTick(s) >= seen + 3, 10_000, `tick-${seen + 3} in the log pane`);
      const lines = later.split('\n');
      const newest = lines.findIndex((l) => l.includes(`tick-${lastTick(later)}`));
      const older = lines.findIndex((l) => l.includes(`tick-${seen}`));
      assert.ok(older !== -1 && newest > older, 'newer lines appear below older ones');
    }));

  test('q quits and restores the terminal: main screen, cooked mode, cursor, shell prompt, status 0', () =>
    withConsole(async (t) => {
      await waitForState(t, 'ticker', 'RUNNING', 15_000);
      await t.send('q');
      const screen = await t.waitFor(AFTER_EXIT, 10_000, 'the shell prompt after the console');
      assert.match(screen, /EXITED=0\n/);
      assertRestored(screen, await t.modes());
    }, { cols: 100, rows: 30 }));

  test('SIGHUP to the console restores the terminal and ends it', () =>
    withConsole(async (t) => {
      await waitForState(t, 'ticker', 'RUNNING', 15_000);
      const pid = await consolePid(t);
      process.kill(pid, 'SIGHUP');
      const screen = await t.waitFor(AFTER_EXIT, 10_000, 'the shell prompt after SIGHUP');
      assertRestored(screen, await t.modes());
      assert.doesNotMatch(screen, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
      await waitUntil(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 5_000, 'the console process to end');
    }));
});
