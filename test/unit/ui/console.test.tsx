/**
 * Component tests of the full-screen console against a fake terminal (screen rebuilt by
 * @xterm/headless) and a fake daemon. One file, because each file pays Ink's import.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessStates } from '../../../src/api/states.js';
import { startConsole, type ConsoleSession } from '../../../ui/app/session.js';
import { FakeClient, FakeKeyboard, FakeTerminal, settingsFor, until, type FakeProc } from './harness.js';

interface Rig {
  term: FakeTerminal;
  keys: FakeKeyboard;
  client: FakeClient;
  session: ConsoleSession;
}

const open: Rig[] = [];

async function rig(procs: FakeProc[], o: { cols?: number; rows?: number; env?: Record<string, string>; xmlrpc?: boolean } = {}): Promise<Rig> {
  const term = new FakeTerminal(o.cols ?? 120, o.rows ?? 40);
  const keys = new FakeKeyboard();
  const client = new FakeClient(procs, { ...(o.xmlrpc && { xmlrpc: true }) });
  const session = await startConsole({
    settings: settingsFor(client.url),
    connect: async () => client,
    input: keys,
    output: term,
    env: o.env ?? {},
    hostname: 'testhost',
    feed: { pollMs: 100, healthMs: 100, retryMs: 50 },
  });
  const r = { term, keys, client, session };
  open.push(r);
  return r;
}

async function quit(r: Rig): Promise<void> {
  r.session.quit();
  await r.session.done;
}

after(async () => {
  for (const r of open) {
    r.session.quit();
    await r.session.done;
  }
});

/** The screen line that contains `needle`. */
function lineWith(lines: string[], needle: string): string {
  return lines.find((l) => l.includes(needle)) ?? '';
}

const DEMO: FakeProc[] = [
  { name: 'web' },
  { name: 'worker_0', group: 'workers' },
  { name: 'worker_1', group: 'workers', state: ProcessStates.STOPPED },
  { name: 'cron', state: ProcessStates.FATAL, description: 'Exited too quickly (process log may have details)' },
];

/** A table row of the screen by process name (rows start with the name, members are indented). */
function row(lines: string[], name: string): string {
  return lines.find((l) => new RegExp(`^\\s*${name}\\s`).test(l)) ?? '';
}

/** Names in table order. */
function order(lines: string[], names: string[]): string[] {
  return lines.map((l) => names.find((n) => new RegExp(`^\\s*${n}\\s`).test(l))).filter((n): n is string => !!n);
}

describe('console: table', () => {
  it('renders the header and the table, and updates on a state message', async () => {
    const r = await rig(DEMO);
    const lines = await r.term.waitForText('worker_1');
    assert.match(lines[0]!, /fakesup@testhost/);
    assert.match(lines[0]!, /RUNNING/);
    assert.match(lines[0]!, /live/);
    assert.match(row(lines, 'web'), /RUNNING\s+1000/);
    assert.match(row(lines, 'cron'), /FATAL.*Exited too quickly/);
    assert.match(lineWith(lines, 'workers'), /1\/2 up/);
    r.client.setState('web', ProcessStates.STOPPED);
    await r.term.waitFor((_t, l) => /STOPPED/.test(row(l, 'web')), 'web STOPPED');
    await quit(r);
  });

  it('shows CPU, memory and restarts once stats arrive, "-" before', async () => {
    const r = await rig(DEMO);
    let lines = await r.term.waitForText('worker_1');
    assert.match(row(lines, 'web'), /RUNNING\s+1000\s+\d:\d\d:\d\d\s+-\s+-\s+-/);
    r.client.stats({ 'web:web': { cpu: 12.5, rss: 50 * 1024 * 1024, starts: 3 } });
    lines = await r.term.waitFor((_t, l) => /12\.5/.test(row(l, 'web')), 'cpu of web');
    assert.match(row(lines, 'web'), /12\.5\s+50\.0M\s+2/);
    await quit(r);
  });

  it('filters with / and clears the filter with Esc', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('/work');
    let lines = await r.term.waitFor((_t, l) => row(l, 'web') === '', 'web filtered out');
    assert.ok(row(lines, 'worker_0'));
    assert.match(lines[lines.length - 1]!, /Filter: work/);
    r.keys.type('\r');
    lines = await r.term.waitForText('/work  2 of 4');
    r.keys.type('\x1b');
    lines = await r.term.waitFor((_t, l) => row(l, 'web') !== '', 'filter cleared');
    assert.ok(row(lines, 'cron'));
    await quit(r);
  });

  it("bug: the filter cut the NAME heading (NAME↓ /tick…); it goes to the heading's right side, or the footer", async () => {
    const procs = [{ name: 'ticker' }, { name: 'web' }];
    const r = await rig(procs, { cols: 80, rows: 24 });
    await r.term.waitForText('ticker');
    r.keys.type('/ticker\r');
    let lines = await r.term.waitFor((_t, l) => row(l, 'web') === '', 'web filtered out');
    const heading = lineWith(lines, 'STATE');
    assert.match(heading, /^NAME↓\s+STATE\b/);
    assert.match(heading, /\/ticker  1 of 2\s*$/);
    await quit(r);
    // At 60 columns the titles take the whole row: the footer shows the filter instead.
    const narrow = await rig(procs, { cols: 60, rows: 20 });
    await narrow.term.waitForText('ticker');
    narrow.keys.type('/ticker\r');
    lines = await narrow.term.waitFor((_t, l) => /^\/ticker \(Esc clears\)/.test(l[l.length - 1]!), 'filter in the footer');
    assert.doesNotMatch(lineWith(lines, 'STATE'), /ticker/);
    await quit(narrow);
  });

  it('bug: footer messages stayed until Esc; the next key clears them', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('o');
    await r.term.waitForText('Sorted by state');
    r.keys.type('j');
    await r.term.waitFor((_t, l) => !l[l.length - 1]!.includes('Sorted by') && l[l.length - 1]!.includes('help'), 'message gone, hints back');
    // It also goes by itself: no key at all.
    r.session.app.message('Detached from repl');
    await r.term.waitForText('Detached from repl');
    await r.term.waitFor((_t, l) => !l[l.length - 1]!.includes('Detached'), 'message expired', 8000);
    await quit(r);
  });

  it('sorts by name, then by state (problems first), and reverses', async () => {
    const r = await rig(DEMO);
    let lines = await r.term.waitForText('worker_1');
    const names = ['cron', 'web', 'worker_0', 'worker_1'];
    assert.deepEqual(order(lines, names), ['cron', 'web', 'worker_0', 'worker_1']);
    r.client.setState('cron', ProcessStates.RUNNING);
    r.client.setState('web', ProcessStates.FATAL);
    r.keys.type('o');
    lines = await r.term.waitForText('STATE↓');
    await r.term.waitFor((_t, l) => order(l, names)[0] === 'web', 'web (FATAL) first');
    r.keys.type('O');
    lines = await r.term.waitForText('STATE↑');
    lines = await r.term.waitFor((_t, l) => order(l, names)[order(l, names).length - 1] === 'web', 'web last when reversed');
    await quit(r);
  });

  it('folds and unfolds a group', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    // cron, web, workers (group row): two down.
    r.keys.type('jj ');
    let lines = await r.term.waitForText('▸ workers (2)');
    assert.equal(row(lines, 'worker_0'), '');
    assert.match(lineWith(lines, 'workers'), /1 RUNNING, 1 STOPPED/);
    r.keys.type(' ');
    lines = await r.term.waitForText('▾ workers (2)');
    assert.ok(row(lines, 'worker_0'));
    // From a member, h folds its group.
    r.keys.type('jh');
    await r.term.waitForText('▸ workers (2)');
    await quit(r);
  });

  it('C folds every group, and unfolds them all when any is folded', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('C');
    let lines = await r.term.waitForText('▸ workers (2)');
    assert.equal(row(lines, 'worker_0'), '');
    // Lone processes named like their group have no group row to fold: they stay.
    assert.ok(row(lines, 'cron'));
    assert.ok(row(lines, 'web'));
    r.keys.type('C');
    lines = await r.term.waitForText('▾ workers (2)');
    assert.ok(row(lines, 'worker_0'));
    await quit(r);
  });

  it('moves once per key when keys arrive coalesced ("jjj" in one read)', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('jjj');
    // cron -> web -> workers -> worker_0
    await r.term.waitForText('LOG workers:worker_0');
    r.keys.type('G');
    await r.term.waitForText('LOG workers:worker_1');
    r.keys.type('g');
    await r.term.waitForText('LOG cron');
    await quit(r);
  });

  it('stays virtualised with 1,000 processes', async () => {
    const many: FakeProc[] = [];
    for (let i = 0; i < 1000; i++) many.push({ name: `p${String(i).padStart(4, '0')}`, group: 'big' });
    const r = await rig(many);
    let lines = await r.term.waitForText('p0001');
    assert.equal(lines.length, 40);
    r.keys.type('G');
    lines = await r.term.waitForText('LOG big:p0999');
    assert.ok(row(lines, 'p0999'));
    assert.equal(row(lines, 'p0001'), '');
    // Only the visible rows are laid out: one Ink line per screen row, never 1,000.
    assert.ok(r.session.sink.bytesWritten < 200_000, `wrote ${r.session.sink.bytesWritten} bytes`);
    await quit(r);
  });
});

describe('console: actions', () => {
  it('start, stop, restart, signal and clear call the right methods', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('j'); // web
    await r.term.waitForText('LOG web');
    r.keys.type('x');
    await until(() => r.client.callsOf('supervisor.stopProcess').length === 1, 'stopProcess');
    assert.deepEqual(r.client.callsOf('supervisor.stopProcess')[0], ['web']);
    await r.term.waitForText('web: stopped');
    r.keys.type('s');
    await until(() => r.client.callsOf('supervisor.startProcess').length === 1, 'startProcess');
    await r.term.waitForText('web: started');
    r.keys.type('r');
    await r.term.waitForText('web: stopped; web: started');
    assert.equal(r.client.callsOf('supervisor.stopProcess').length, 2);
    assert.equal(r.client.callsOf('supervisor.startProcess').length, 2);
    // Signal: the picker, two down (QUIT), Enter.
    r.keys.type('K');
    await r.term.waitForText('Signal to web:');
    r.keys.type('jj\r');
    await until(() => r.client.callsOf('supervisor.signalProcess').length === 1, 'signalProcess');
    assert.deepEqual(r.client.callsOf('supervisor.signalProcess')[0], ['web', 'QUIT']);
    await r.term.waitForText('web: signalled');
    r.keys.type('c');
    await until(() => r.client.callsOf('supervisor.clearProcessLogs').length === 1, 'clearProcessLogs');
    assert.deepEqual(r.client.callsOf('supervisor.clearProcessLogs')[0], ['web']);
    await r.term.waitForText('web: cleared');
    await quit(r);
  });

  it('acts on the whole group from a group row', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('jjs');
    await until(() => r.client.callsOf('supervisor.startProcessGroup').length === 1, 'startProcessGroup');
    assert.deepEqual(r.client.callsOf('supervisor.startProcessGroup')[0], ['workers']);
    await r.term.waitFor((_t, l) => /2\/2 up/.test(lineWith(l, 'workers (2)')), 'group up');
    await quit(r);
  });

  it('asks before stop all, reload and shutdown', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('X');
    await r.term.waitForText('Stop all processes? [y/N]');
    r.keys.type('n');
    await r.term.waitForText('Cancelled');
    assert.equal(r.client.callsOf('supervisor.stopAllProcesses').length, 0);
    r.keys.type('Xy');
    await until(() => r.client.callsOf('supervisor.stopAllProcesses').length === 1, 'stopAllProcesses');
    r.keys.type('\x12'); // Ctrl-R
    await r.term.waitForText('Really restart the remote supervisord process? [y/N]');
    r.keys.type('y');
    await until(() => r.client.callsOf('supervisor.restart').length === 1, 'supervisor.restart');
    await r.term.waitForText('Restarted supervisord');
    r.keys.type('Q');
    await r.term.waitForText('Really shut the remote supervisord process down? [y/N]');
    r.keys.type('\x1b');
    await r.term.waitForText('Cancelled');
    assert.equal(r.client.callsOf('supervisor.shutdown').length, 0);
    await quit(r);
  });

  it('shows help generated from the key map', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('?');
    const lines = await r.term.waitForText('HELP');
    const text = lines.join('\n');
    assert.match(text, /Anywhere/);
    assert.match(text, /s\s+start the selection/);
    assert.match(text, /Ctrl-R\s+reload/);
    assert.match(text, /Process table/);
    r.keys.type('x'); // any other key closes (and does nothing else)
    await r.term.waitForText('worker_1');
    assert.equal(r.client.callsOf('supervisor.stopProcess').length, 0);
    await quit(r);
  });

  it('runs : commands through supervisorctl and shows the classic output', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type(':stat');
    await r.term.waitForText(':stat');
    r.keys.type('\t');
    await r.term.waitForText(':status ');
    r.keys.type('\r');
    const lines = await r.term.waitForText(/workers:worker_1\s+STOPPED/);
    assert.match(lines.join('\n'), /cron\s+FATAL\s+Exited too quickly/);
    assert.match(lines.join('\n'), /:status\s+done/);
    // reload asks in the input line, as the shell does.
    r.keys.type(':reload\r');
    await r.term.waitForText('Really restart the remote supervisord process y/N?');
    r.keys.type('n\r');
    await r.term.waitForText(':reload  done');
    assert.equal(r.client.callsOf('supervisor.restart').length, 0);
    r.keys.type(':bogus\r');
    await r.term.waitForText('*** Unknown syntax: bogus');
    r.keys.type('\x1b');
    await r.term.waitForText('LOG cron');
    await quit(r);
  });

  it('bug: command output and completions were cut at the right edge; output wraps, completions end in …', async () => {
    const long = 'Exited too quickly (process log may have details) and then some more words to pass eighty columns';
    const r = await rig([{ name: 'cron', state: ProcessStates.FATAL, description: long }, { name: 'web' }, { name: 'worker_00', group: 'backend' }, { name: 'worker_01', group: 'backend' }, { name: 'colors', group: 'backend' }], { cols: 80, rows: 24 });
    await r.term.waitForText('worker_01');
    r.keys.type(':status\r');
    const lines = await r.term.waitForText(':status  done');
    // The description goes on on the next row instead of being cut.
    const at = lines.findLastIndex((l) => /^cron\s+FATAL/.test(l));
    assert.ok(at > 0, 'status line of cron');
    assert.match(lines[at]! + lines[at + 1]!, /some more words to pass eighty columns/);
    r.keys.type('\x1b:restart backend:\t');
    const footer = (await r.term.waitFor((_t, l) => /backend:\*/.test(l[l.length - 1]!), 'completions listed')).at(-1)!;
    assert.ok(footer.length <= 80);
    // The entry that does not fit whole ends in … instead of being cut off mid-name.
    assert.match(footer, /backend:\w*…\s*$/);
    await quit(r);
  });
});

describe('console: log pane', () => {
  it('shows the history, live output with colours kept, and skipped markers', async () => {
    const r = await rig(DEMO);
    r.client.log('web', 'stdout', 'old line\n');
    await r.term.waitForText('worker_1');
    r.keys.type('j');
    await r.term.waitForText('old line');
    r.client.log('web', 'stdout', 'new \x1b[31mred\x1b[0m text\x1b[2J\x1b[5;5H here\n');
    r.client.log('web', 'stderr', 'oops\n');
    r.client.skipped('web', 'stdout', 1234);
    const lines = await r.term.waitForText('skipped 1234 bytes');
    assert.ok(lines.some((l) => l.includes('new red text here')));
    assert.ok(lines.some((l) => l.includes('oops')));
    assert.match(r.term.written, /\x1b\[31mred/);
    // Cursor movement from the program never reaches the terminal.
    assert.doesNotMatch(r.term.written, /\x1b\[5;5H/);
    // stdout only
    r.keys.type('\te');
    await r.term.waitFor((t) => t.includes('stdout ·') && !t.includes('oops'), 'stdout only');
    await quit(r);
  });

  it('scrolls back, stops following, searches and follows again', async () => {
    const r = await rig(DEMO, { cols: 80, rows: 24 });
    let text = '';
    for (let i = 0; i < 100; i++) text += `line ${i}${i === 42 ? ' needle' : ''}\n`;
    r.client.log('web', 'stdout', text);
    await r.term.waitForText('worker_1');
    r.keys.type('j\t');
    await r.term.waitForText('line 99');
    r.keys.type('/needle\r');
    let lines = await r.term.waitForText('line 42 needle');
    assert.match(lineWith(lines, 'LOG web'), /scrolled/);
    r.client.log('web', 'stdout', 'line 100\n');
    lines = await r.term.waitForText('newer');
    assert.ok(!lines.some((l) => l.includes('line 100')));
    r.keys.type('G');
    await r.term.waitForText('line 100');
    await quit(r);
  });

  it('fg on a pipe program sends typed lines to its stdin', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.keys.type('jf');
    await r.term.waitForText('FG web');
    r.keys.type('hello\r');
    await until(() => r.client.callsOf('supervisor.sendProcessStdin').length === 1, 'sendProcessStdin');
    assert.deepEqual(r.client.callsOf('supervisor.sendProcessStdin')[0], ['web', 'hello\n']);
    r.keys.type('\x1b');
    await r.term.waitForText('Left fg of web');
    await quit(r);
  });
});

describe('console: pty programs', () => {
  it('bug: the preview of top showed only process rows at 80x24; full-screen programs show their top rows', async () => {
    const r = await rig([{ name: 'top', pty: true }, { name: 'shell', pty: true }], { cols: 80, rows: 24 });
    // top draws on the alternate screen: summary and headings first, the cursor left at the bottom.
    const rows = Array.from({ length: 23 }, (_v, i) => (i === 0 ? 'top - 12:00:00 up 1 day' : i === 1 ? '  PID USER  %CPU COMMAND' : `process ${i}`));
    r.client.ptyScreens.set('top:top', '\x1b[?1049h\x1b[H' + rows.join('\r\n') + '\r\n');
    // A shell writes downwards: its prompt (the cursor line) is at the bottom, older lines scrolled off
    // (the daemon's screen keeps them, and the attach replays them).
    const out = Array.from({ length: 30 }, (_v, i) => `output ${i}`);
    r.client.ptyScreens.set('shell:shell', out.join('\r\n') + '\r\n$ ');
    // The preview may have attached before the screens above were set: show the log, then the screen again.
    await r.term.waitForText('SCREEN shell');
    r.keys.type('p');
    await r.term.waitForText('LOG shell');
    r.keys.type('p');
    let lines = await r.term.waitFor((_t, l) => l.some((x) => x.startsWith('$')), 'shell prompt visible');
    assert.ok(lines.some((l) => l.startsWith('output 29')));
    assert.ok(!lines.some((l) => l === 'output 10'), 'the older lines scrolled out');
    r.keys.type('j');
    lines = await r.term.waitForText('top - 12:00:00');
    assert.ok(lines.some((l) => l.startsWith('  PID USER')), 'headings shown');
    assert.ok(!lines.some((l) => l.startsWith('process 22')), 'cropped at the bottom');
    // procps top stays on the main screen: it homes the cursor and repaints every row in place,
    // leaving the cursor at the bottom. Still its top rows.
    r.client.pty('top', '\x1b[?1049l\x1b[H' + rows.map((l) => l.replace('12:00:00', '12:00:02') + '\x1b[K').join('\r\n') + '\r\nlast row');
    lines = await r.term.waitForText('top - 12:00:02');
    assert.ok(lines.some((l) => l.startsWith('  PID USER')), 'headings shown on the main screen too');
    await quit(r);
  });

  it('takes detach_key from the ctl settings (the environment still wins)', async () => {
    const term = new FakeTerminal(100, 30);
    const keys = new FakeKeyboard();
    const client = new FakeClient([{ name: 'shell', pty: true }]);
    const session = await startConsole({
      settings: { ...settingsFor(client.url), detachKey: 'ctrl-a' },
      connect: async () => client,
      input: keys,
      output: term,
      env: {},
      hostname: 'testhost',
    });
    const r = { term, keys, client, session };
    open.push(r);
    await term.waitForText('f/Enter attach (Ctrl-A detaches)');
    keys.type('f');
    await term.waitFor((t) => t.includes('shell screen') && !t.includes('fakesup@'), 'attached');
    keys.type('\x1d');
    await until(() => client.ptyInput.join('') === '\x1d', 'Ctrl-] goes to the program');
    keys.type('\x01');
    await term.waitForText('Detached from shell');
    await quit(r);
    const env = await rig([{ name: 'shell', pty: true }], { env: { SUPERVISORCTL_DETACH_KEY: '^B' } });
    await env.term.waitForText('(Ctrl-B detaches)');
    await quit(env);
  });

  it('previews the selected pty program and attaches with f until the detach key', async () => {
    const r = await rig([...DEMO, { name: 'shell', pty: true }]);
    await r.term.waitForText('worker_1');
    r.keys.type('j'); // cron, then shell
    await r.term.waitForText('shell screen');
    r.client.pty('shell', 'echo hi\r\nhi\r\n$ ');
    await r.term.waitForText('echo hi');
    r.keys.type('f');
    await until(() => r.client.callsOf('ext.ptyAttach').some((p) => (p[1] as { write?: boolean }).write === true), 'attach as writer');
    // The whole terminal is the program's: its screen, no console header.
    await r.term.waitFor((t) => t.includes('shell screen') && !t.includes('fakesup@'), 'program screen');
    r.keys.type('ls\x03');
    await until(() => r.client.ptyInput.join('') === 'ls\x03', 'keys (Ctrl-C included) reach the program');
    r.client.pty('shell', '\x1b[?1h\x1b[?2004h\x1b[?1000hprogram output');
    await r.term.waitForText('program output');
    r.keys.type('\x1d');
    await r.term.waitForText('Detached from shell');
    r.keys.type('?');
    await r.term.waitFor((t) => t.includes('HELP') && !t.includes('Detached from shell'), 'help without the old message');
    r.keys.type('q');
    assert.equal(r.term.term.modes.applicationCursorKeysMode, false);
    assert.equal(r.term.term.modes.bracketedPasteMode, false);
    assert.equal(r.term.term.modes.mouseTrackingMode, 'none');
    assert.ok(r.term.inAlternateScreen);
    assert.equal(r.client.callsOf('ext.ptyDetach').length, 1);
    await r.term.waitForText('worker_1');
    await quit(r);
  });
});

describe('console: connection', () => {
  it('polls over XML-RPC and says so', async () => {
    const r = await rig(DEMO, { xmlrpc: true });
    const lines = await r.term.waitForText('polling');
    assert.match(lines[0]!, /polling/);
    r.client.procs.find((p) => p.name === 'web')!.statename = 'STOPPED';
    r.client.procs.find((p) => p.name === 'web')!.state = ProcessStates.STOPPED;
    await r.term.waitFor((_t, l) => /STOPPED/.test(row(l, 'web')), 'polled change');
    await quit(r);
  });

  it('greys the table while reconnecting and comes back by itself', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.client.down = true;
    const lines = await r.term.waitForText('reconnecting…');
    assert.ok(row(lines, 'web'), 'the last table stays');
    r.client.down = false;
    await r.term.waitFor((t, l) => /live/.test(l[0]!) && t.includes('worker_1'), 'live again');
    await quit(r);
  });
});

describe('console: terminal', () => {
  it('lays out 120x40 with every column and 80x24 with fewer', async () => {
    const r = await rig(DEMO);
    let lines = await r.term.waitForText('worker_1');
    for (const col of ['NAME', 'STATE', 'PID', 'UPTIME', 'CPU%', 'MEM', 'RST', 'INFO']) assert.match(lines[1]!, new RegExp(col));
    r.term.resize(80, 24);
    lines = await r.term.waitFor((_t, l) => l.length === 24 && !/PID/.test(l[1]!), '80x24 layout');
    assert.doesNotMatch(lines[1]!, /RST/);
    assert.match(lines[1]!, /INFO/);
    assert.match(lines[0]!, /fakesup@testhost/);
    assert.match(lines[23]!, /\? help/);
    assert.ok(lines.every((l) => l.length <= 80));
    await quit(r);
  });

  it('says the terminal is too small below 60x15, and recovers', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    r.term.resize(50, 12);
    await r.term.waitForText('Terminal too small');
    r.term.resize(100, 30);
    await r.term.waitForText('worker_1');
    await quit(r);
  });

  it('respects NO_COLOR: no colour SGR at all', async () => {
    const plain = await rig(DEMO, { env: { NO_COLOR: '1' } });
    plain.client.log('cron', 'stdout', 'x \x1b[31mred\x1b[0m y\n');
    await plain.term.waitForText('red');
    const sgr = [...plain.term.written.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1]!);
    const colour = sgr.filter((p) => p.split(';').some((n) => /^(3\d|4\d|9\d|10\d)$/.test(n)));
    assert.deepEqual(colour, []);
    await quit(plain);
    const coloured = await rig(DEMO);
    await coloured.term.waitForText('worker_1');
    assert.match(coloured.term.written, /\x1b\[32mRUNNING/);
    await quit(coloured);
  });

  it('repaints only changed lines: one changed cell costs < 300 bytes at 120x40', async () => {
    const r = await rig(DEMO);
    r.client.stats({ 'web:web': { cpu: 1.0, rss: 1024 * 1024, starts: 1 } });
    await r.term.waitFor((_t, l) => /1\.0/.test(row(l, 'web')), 'first stats');
    // Wait for a quiet moment between uptime ticks, then change one cell.
    const before = r.session.sink.bytesWritten;
    const frames = r.session.sink.framesWritten;
    r.client.stats({ 'web:web': { cpu: 2.0, rss: 1024 * 1024, starts: 1 } });
    await r.term.waitFor((_t, l) => /2\.0/.test(row(l, 'web')), 'changed cell');
    const perFrame = (r.session.sink.bytesWritten - before) / (r.session.sink.framesWritten - frames);
    assert.ok(perFrame < 300, `${perFrame} bytes per frame`);
    await quit(r);
  });

  it('restores the terminal on exit: main screen, cursor shown, raw mode off', async () => {
    const r = await rig(DEMO);
    await r.term.waitForText('worker_1');
    assert.ok(r.term.inAlternateScreen);
    assert.equal(r.keys.isRaw, true);
    r.keys.type('q');
    assert.equal(await r.session.done, 0);
    await r.term.screen();
    assert.equal(r.term.inAlternateScreen, false);
    assert.equal(r.keys.isRaw, false);
    assert.ok(r.term.written.endsWith('\x1b[?7h\x1b[?25h\x1b[?1049l'));
    assert.ok(r.client.closed);
  });
});
