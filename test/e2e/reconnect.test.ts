/**
 * The console outlives its daemon. A dropped connection (supervisord killed with SIGKILL, then started
 * again): the console says it is reconnecting, keeps the last table, then shows the new daemon's.
 * A daemon restart (`supervisorctl reload`, which is SIGHUP's restart): the console shows RESTARTING
 * (or reconnecting), then the live table with the restarted programs.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import type { Tmux } from '../helpers/tmux.js';
import { CONSOLE_CONF, crashDaemon, ctl, ctlState, openConsole, restartDaemon, rowOf, selectOnly, skipReason, stateOf, waitForState } from './fixtures.js';

const skip = skipReason();

/** The PID column of `name` on a screen (0 when not shown). */
function pidOf(screen: string, name: string): number {
  return Number(rowOf(screen, name)?.trim().split(/\s+/)[2]) || 0;
}

/** The header (top row) says the console is reconnecting. */
const RECONNECTING = (s: string) => /reconnecting/.test(s.split('\n')[0] ?? '');

describe('the console survives its daemon going away', { skip }, () => {
  let d: DaemonHandle | undefined;
  let t: Tmux | undefined;
  afterEach(async () => {
    await t?.kill();
    t = undefined;
    await d?.stop();
    d = undefined;
  });

  test('a dropped connection (SIGKILL) is survived: reconnecting…, then the table of the restarted daemon', async () => {
    d = await startDaemon(CONSOLE_CONF);
    t = await openConsole(d, { cols: 120, rows: 40 });
    const before = await waitForState(t, 'ticker', 'RUNNING', 15_000);
    const oldPid = pidOf(before, 'ticker');
    assert.ok(oldPid > 0);

    await crashDaemon(d);
    const down = await t.waitFor(RECONNECTING, 15_000, 'the console to say it is reconnecting');
    // The last known table stays on screen meanwhile.
    assert.ok(rowOf(down, 'ticker'), 'the table is kept while reconnecting');

    await restartDaemon(d);
    const back = await t.waitFor(
      (s) => !RECONNECTING(s) && /\blive\b/.test(s.split('\n')[0]!) && stateOf(s, 'ticker') === 'RUNNING' && pidOf(s, 'ticker') !== oldPid,
      20_000,
      'the live table of the restarted daemon',
    );
    assert.equal(stateOf(back, 'idle'), 'STOPPED');
    // And it drives the new daemon.
    await selectOnly(t, 'idle');
    await t.send('s');
    await waitForState(t, 'idle', 'RUNNING');
    assert.equal(await ctlState(d, 'idle'), 'RUNNING');
  });

  test('a daemon restart (supervisorctl reload) is survived: the console follows it to the new table', async () => {
    // A program that ignores SIGTERM keeps the daemon in RESTARTING for its stopwaitsecs, long
    // enough to be seen; the transport itself reconnects within milliseconds.
    d = await startDaemon(
      CONSOLE_CONF +
        `
[program:stubborn]
command=/bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
stopwaitsecs=2
stopasgroup=true
killasgroup=true
`,
    );
    t = await openConsole(d, { cols: 120, rows: 40 });
    await waitForState(t, 'stubborn', 'RUNNING', 15_000);
    const before = await waitForState(t, 'ticker', 'RUNNING', 15_000);
    const oldPids = ['ticker', 'stubborn'].map((n) => pidOf(before, n));

    const reload = ctl(d, 'reload');
    // RUNNING -> RESTARTING: the daemon stops its programs first; the console says so (or, had the
    // connection dropped meanwhile, that it is reconnecting).
    await t.waitFor((s) => /RESTARTING|reconnecting/.test(s.split('\n')[0] ?? ''), 15_000, 'the console to show the restart');
    const r = await reload;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Restarted supervisord$/m);
    // The restarted daemon started its programs afresh: new pids, live again.
    await t.waitFor(
      (s) =>
        !RECONNECTING(s) &&
        /RUNNING.*\blive\b/.test(s.split('\n')[0]!) &&
        ['ticker', 'stubborn'].every((n, i) => stateOf(s, n) === 'RUNNING' && pidOf(s, n) !== oldPids[i]),
      20_000,
      'the live table after the restart',
    );
    assert.equal(await ctlState(d, 'ticker'), 'RUNNING');
  });
});
