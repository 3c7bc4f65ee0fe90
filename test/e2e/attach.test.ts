/**
 * Attaching the console to a pty program (`/bin/sh -i` under the daemon's pty): Enter on its row hands
 * the terminal to the shell, typed keys reach it and its echo comes back, a resize reaches it, and
 * Ctrl-] gives the console back intact.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, waitUntil, type DaemonHandle } from '../helpers/daemon.js';
import { CONSOLE_CONF, ctlState, openConsole, selectOnly, skipReason, stateOf, tableRows, waitForState } from './fixtures.js';

const skip = skipReason();

describe('attaching to a pty program from the console', { skip }, () => {
  let d: DaemonHandle;
  before(async () => {
    d = await startDaemon(CONSOLE_CONF);
  });
  after(async () => {
    await d?.stop();
  });

  test('Enter attaches, typing echoes, a resize reaches the program, Ctrl-] detaches to an intact console', async () => {
    const t = await openConsole(d, { cols: 100, rows: 30 });
    try {
      await waitForState(t, 'shell', 'RUNNING', 15_000);
      await selectOnly(t, 'shell');
      // The console learns that `shell` is a pty program when its live screen shows in the lower pane.
      await t.waitFor(/SCREEN shell\s+live/, 10_000, 'the live screen of shell');
      await t.send('Enter');
      // Attached: the whole terminal is the shell's, with its prompt and no console chrome.
      await t.waitFor((s) => /^e2e\$/m.test(s) && !/NAME.*STATE/.test(s), 10_000, 'the attached shell');

      // The shell echoes what is typed, and runs it: the result proves the keys arrived in order.
      await t.type('echo "at""tached-$((6*7))"');
      await t.waitFor(/e2e\$ echo "at""tached-\$\(\(6\*7\)\)"/, 5_000, 'the echo of the typed line');
      await t.send('Enter');
      await t.waitFor(/^attached-42$/m, 5_000, 'the output of the typed command');

      // A resize of the terminal reaches the program's pty.
      await t.resize(80, 24);
      // The console relays the SIGWINCH it gets to the daemon; keys typed at once may overtake it,
      // so ask again until the shell sees the new size.
      await waitUntil(
        async () => {
          await t.type('stty size');
          await t.send('Enter');
          return t.waitFor(/^24 80$/m, 1_000).then(() => true, () => false);
        },
        10_000,
        'stty size 24 80 inside the attached shell',
      );

      // Ctrl-] (one byte, 0x1d) detaches: the console comes back, at the new size, still live.
      await t.send('C-]');
      const back = await t.waitFor(
        (s) => tableRows(s).length === 1 && stateOf(s, 'shell') === 'RUNNING' && /\blive\b/.test(s.split('\n')[0]!) && /Detached from shell/.test(s),
        10_000,
        'the console after detaching, saying so',
      );
      assert.equal(back.split('\n')[0]!.length <= 80, true, 'the header fits the new width');
      assert.equal(await t.alternateOn(), true, 'the console is on the alternate screen again');
      // The program lives on, detached: the daemon still reports it running.
      assert.equal(await ctlState(d, 'shell'), 'RUNNING');

      // The console still takes keys: the help screen opens and closes, then q quits cleanly.
      await t.send('?');
      await t.waitFor(/HELP\s+any other key closes[\s\S]*Anywhere/, 5_000, 'the help screen');
      await t.send('Escape');
      await waitForState(t, 'shell', 'RUNNING');
      await t.send('q');
      const end = await t.waitFor(/EXITED=\d+\nTTY=.*\n\$/, 10_000, 'the shell prompt after quitting');
      assert.match(end, /EXITED=0\nTTY=icanon echo *\n/);
    } finally {
      await t.kill();
    }
  });
});
