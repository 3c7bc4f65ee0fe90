/**
 * The console's modules that need no Ink: key parsing, text sanitising and cutting, the frame sink, the
 * detach key, table rows, log buffers, layout, the terminal guard, and attachPty on its own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ProcessStates } from '../../../src/api/states.js';
import { attachPty } from '../../../ui/attach.js';
import { computeLayout } from '../../../ui/app/layout.js';
import { placeColumns } from '../../../ui/components/columns.js';
import { formatBytes, formatDuration } from '../../../ui/components/format.js';
import { unseenSuffix } from '../../../ui/data/logs.js';
import { isLocalUrl } from '../../../ui/data/daemon-clock.js';
import { DEFAULT_DETACH_KEY, parseDetachKey, resolveDetachKey } from '../../../ui/detach-key.js';
import { LogBuffer } from '../../../ui/state/log-buffer.js';
import { buildRows } from '../../../ui/state/rows.js';
import type { Proc } from '../../../ui/state/types.js';
import { FrameSink } from '../../../ui/term/frame-sink.js';
import { guardTerminal } from '../../../ui/term/guard.js';
import { keyId, parseKeys } from '../../../ui/term/keys.js';
import { sanitize, textWidth, truncate, wrapRows } from '../../../ui/term/text.js';
import { FakeClient, FakeKeyboard, FakeTerminal, until } from './harness.js';

describe('keys', () => {
  it('splits coalesced input into keys', () => {
    assert.deepEqual(parseKeys('jjj').map(keyId), ['j', 'j', 'j']);
    assert.deepEqual(parseKeys('\x1b[A\x1b[Bx\x1bOC').map(keyId), ['up', 'down', 'x', 'right']);
    assert.deepEqual(parseKeys('\x12\x1d\r\t\x1b[Z\x7f').map(keyId), ['ctrl+r', 'ctrl+]', 'return', 'tab', 'shift+tab', 'backspace']);
    assert.deepEqual(parseKeys('\x1b[5~\x1b[6~\x1b[1;5A').map(keyId), ['pageup', 'pagedown', 'ctrl+up']);
    assert.deepEqual(parseKeys('\x1b').map(keyId), ['escape']);
    assert.deepEqual(parseKeys('\x1bx').map(keyId), ['escape', 'x']);
    assert.deepEqual(parseKeys('\x1b?').map(keyId), ['escape', '?']);
    assert.deepEqual(parseKeys('\x1bO').map(keyId), ['escape', 'O']);
    assert.deepEqual(parseKeys('é ü').map(keyId), ['é', 'space', 'ü']);
  });
});

describe('text', () => {
  it('keeps SGR and drops cursor movement, OSC and control characters', () => {
    assert.equal(sanitize('a\x1b[31mred\x1b[0m\x1b[2K\x1b[10;1Hb'), 'a\x1b[31mred\x1b[0mb');
    assert.equal(sanitize('\x1b]0;title\x07x\x1b(By\x07z'), 'xyz');
    assert.equal(sanitize('a\tb'), 'a       b');
    assert.equal(sanitize('10%\r50%\r100%'), '100%');
  });

  it('without colour keeps attributes but drops every colour', () => {
    assert.equal(sanitize('\x1b[1;31mx\x1b[38;5;200my\x1b[0m', false), '\x1b[1mxy\x1b[0m');
    assert.equal(sanitize('\x1b[48;2;1;2;3;4mu', false), '\x1b[4mu');
    assert.equal(sanitize('\x1b[1mbold\x1b[0m', false), '\x1b[1mbold\x1b[0m');
  });

  it('measures, cuts and wraps by cells, carrying colour across rows', () => {
    assert.equal(textWidth('\x1b[31mab\x1b[0m'), 2);
    assert.equal(textWidth('日本'), 4);
    assert.equal(truncate('abcdef', 4, '…'), 'abc…');
    assert.deepEqual(wrapRows('\x1b[32mabcdef', 4), ['\x1b[32mabcd\x1b[0m', '\x1b[32mef']);
  });

  it('formats durations and sizes', () => {
    assert.equal(formatDuration(3723_000), '1:02:03');
    assert.equal(formatDuration(90_061_000), '1d 01:01');
    assert.equal(formatBytes(512 * 1024), '512K');
    assert.equal(formatBytes(50 * 1024 * 1024), '50.0M');
  });
});

describe('frame sink', () => {
  it('repaints only changed lines, with absolute positions inside synchronized output', () => {
    const term = new FakeTerminal(40, 5);
    const sink = new FrameSink(term);
    sink.frame('a\nb\nc');
    const first = term.written;
    assert.ok(first.startsWith('\x1b[?2026h\x1b[H\x1b[2J'));
    term.written = '';
    sink.frame('a\nB\nc');
    assert.equal(term.written, '\x1b[?2026h\x1b[2;1H\x1b[2KB\x1b[?2026l');
    term.written = '';
    sink.frame('a\nB\nc');
    assert.equal(term.written, '', 'an unchanged frame writes nothing');
    sink.frame('a\nB');
    assert.equal(term.written, '\x1b[?2026h\x1b[3;1H\x1b[2K\x1b[?2026l', 'a line that went away is erased');
  });

  it('writes nothing while suspended and repaints in full on resume', async () => {
    const term = new FakeTerminal(40, 5);
    const sink = new FrameSink(term);
    sink.frame('one\ntwo');
    sink.suspend();
    term.written = '';
    sink.frame('one\nthree');
    assert.equal(term.written, '');
    sink.resume();
    assert.ok(term.written.includes('\x1b[2J'));
    assert.deepEqual((await term.screen()).slice(0, 2), ['one', 'three']);
    sink.close();
    term.written = '';
    sink.frame('x');
    assert.equal(term.written, '');
  });
});

describe('detach key', () => {
  it('parses ctrl-x, ^X and C-x', () => {
    assert.equal(parseDetachKey('ctrl-]'), 0x1d);
    assert.equal(parseDetachKey('^A'), 0x01);
    assert.equal(parseDetachKey('C-b'), 0x02);
    assert.equal(parseDetachKey('Ctrl+\\'), 0x1c);
    assert.throws(() => parseDetachKey('F12'), /invalid detach key 'F12' \(expected ctrl-<key>/);
  });

  it('takes the environment over the config and reports bad values', () => {
    const warnings: string[] = [];
    assert.equal(resolveDetachKey({ SUPERVISORCTL_DETACH_KEY: '^b' }, { detach_key: '^a' }), 2);
    assert.equal(resolveDetachKey({}, { detach_key: '^a' }), 1);
    assert.equal(resolveDetachKey({ SUPERVISORCTL_DETACH_KEY: 'nope' }, {}, (w) => warnings.push(w)), DEFAULT_DETACH_KEY);
    assert.match(warnings[0]!, /SUPERVISORCTL_DETACH_KEY: invalid detach key 'nope'/);
  });

  it('reads the ctl settings (detachKey) and names [supervisorctl] detach_key when it is bad', () => {
    const warnings: string[] = [];
    assert.equal(resolveDetachKey({}, { detachKey: 'ctrl-]' }), 0x1d);
    assert.equal(resolveDetachKey({}, { detachKey: null }), DEFAULT_DETACH_KEY);
    assert.equal(resolveDetachKey({}, { detachKey: 'F12' }, (w) => warnings.push(w)), DEFAULT_DETACH_KEY);
    assert.deepEqual(warnings, ["[supervisorctl] detach_key: invalid detach key 'F12' (expected ctrl-<key>, e.g. ctrl-] or ^A)"]);
  });
});

function proc(name: string, group: string, state: number, cpu = 0): Proc {
  return {
    key: `${group}:${name}`,
    name,
    group,
    info: { name, group, start: 0, stop: 0, now: 0, state, statename: String(state), spawnerr: '', exitstatus: 0, logfile: '', stdout_logfile: '', stderr_logfile: '', pid: 1, description: '' },
    startedAt: 0,
    stats: { cpu, rss: 0, starts: 1 },
    pty: false,
  };
}

describe('rows', () => {
  const procs = [
    proc('web', 'web', ProcessStates.RUNNING, 5),
    proc('w1', 'workers', ProcessStates.FATAL, 1),
    proc('w0', 'workers', ProcessStates.RUNNING, 50),
    proc('api', 'api', ProcessStates.RUNNING, 20),
  ];
  const q = { filter: '', sort: 'name' as const, reverse: false, collapsed: new Set<string>() };

  it('groups under group rows; lone same-named processes are plain rows', () => {
    assert.deepEqual(buildRows(procs, q, 0).map((r) => r.key), ['api:api', 'web:web', 'group:workers', 'workers:w0', 'workers:w1']);
  });

  it('sorts, filters and folds', () => {
    assert.deepEqual(buildRows(procs, { ...q, sort: 'cpu' }, 0).map((r) => r.key), ['group:workers', 'workers:w0', 'workers:w1', 'api:api', 'web:web']);
    assert.deepEqual(buildRows(procs, { ...q, sort: 'state' }, 0)[1]!.key, 'workers:w1');
    assert.deepEqual(buildRows(procs, { ...q, filter: 'w0' }, 0).map((r) => r.key), ['group:workers', 'workers:w0']);
    assert.deepEqual(buildRows(procs, { ...q, collapsed: new Set(['group:workers']) }, 0).map((r) => r.key), ['api:api', 'web:web', 'group:workers']);
  });
});

describe('log buffer', () => {
  it('assembles lines across chunks and keeps the unfinished one in place', () => {
    const b = new LogBuffer(100);
    b.append('stdout', 'hel');
    b.append('stdout', 'lo\nwor');
    b.append('stderr', 'err\n');
    b.append('stdout', 'ld\n');
    assert.deepEqual(b.all().map((e) => `${e.ch}:${e.text}`), ['stdout:hello', 'stdout:world', 'stderr:err']);
    assert.deepEqual(b.view('stderr').map((e) => e.text), ['err']);
  });

  it('a channel view and a search count follow every change (they are kept between frames)', () => {
    const b = new LogBuffer(100);
    b.append('stdout', 'one needle\n');
    b.append('stderr', 'Needle on stderr\n');
    assert.deepEqual(b.view('stdout').map((e) => e.text), ['one needle']);
    assert.equal(b.matchCount('stdout', 'needle'), 1);
    assert.equal(b.matchCount('both', 'needle'), 2);
    // A line completed in place, a new line and a note all show in the next view and count.
    b.append('stdout', 'two ne');
    assert.equal(b.matchCount('stdout', 'needle'), 1);
    b.append('stdout', 'edle\n');
    assert.deepEqual(b.view('stdout').map((e) => e.text), ['one needle', 'two needle']);
    assert.equal(b.matchCount('stdout', 'needle'), 2);
    b.note('needle noted');
    assert.equal(b.view('stdout').length, 3);
    assert.equal(b.matchCount('stdout', 'needle'), 3);
    assert.equal(b.matchCount('stdout', 'two'), 1);
    b.clear();
    assert.deepEqual(b.view('stdout'), []);
    assert.equal(b.matchCount('stdout', 'needle'), 0);
  });

  it('stays bounded', () => {
    const b = new LogBuffer(10);
    for (let i = 0; i < 100; i++) b.append('stdout', `${i}\n`);
    assert.ok(b.all().length <= 13);
    assert.equal(b.all()[b.all().length - 1]!.text, '99');
  });

  it('does not repeat live output that the history already has', () => {
    assert.equal(unseenSuffix('a\nb\nc\n', 'c\nd\n'), 'd\n');
    assert.equal(unseenSuffix('a\n', 'x\n'), 'x\n');
  });
});

describe('layout', () => {
  it('splits the body between the table and the pane', () => {
    assert.deepEqual(computeLayout(80, 24, 'split', 4), { tooSmall: false, tableRows: 4, paneRows: 16, bodyRows: 22 });
    assert.equal(computeLayout(80, 24, 'split', 100).tableRows, 10);
    assert.equal(computeLayout(59, 24, 'split', 1).tooSmall, true);
    assert.equal(computeLayout(60, 14, 'split', 1).tooSmall, true);
  });

  it('drops columns in order on narrow terminals', () => {
    const ids = (cols: number): string[] => placeColumns(cols, 10).map((c) => c.id);
    assert.deepEqual(ids(120), ['name', 'state', 'pid', 'uptime', 'cpu', 'mem', 'restarts', 'info']);
    assert.deepEqual(ids(95), ['name', 'state', 'pid', 'uptime', 'cpu', 'mem', 'info']);
    assert.deepEqual(ids(80), ['name', 'state', 'uptime', 'cpu', 'mem', 'info']);
    assert.deepEqual(ids(60), ['name', 'state', 'uptime']);
    for (const w of [60, 80, 100, 120]) {
      const cells = placeColumns(w, 10);
      assert.ok(cells.reduce((n, c) => n + c.cells, 0) + cells.length - 1 <= w, `fits ${w}`);
    }
  });

  it('knows local server URLs', () => {
    assert.ok(isLocalUrl('unix:///tmp/s.sock'));
    assert.ok(isLocalUrl('http://127.0.0.1:9001'));
    assert.ok(!isLocalUrl('tcp://db.example:5555'));
  });
});

describe('terminal guard', () => {
  class FakeProcess extends EventEmitter {
    exits: number[] = [];
    exit(code?: number): void {
      this.exits.push(code ?? 0);
    }
  }

  it('restores once and exits 128+signal on SIGTERM/SIGHUP, 1 with one line on a crash', () => {
    const p = new FakeProcess();
    let restored = 0;
    const lines: string[] = [];
    const off = guardTerminal(() => restored++, p, (l) => lines.push(l));
    p.emit('SIGHUP');
    p.emit('SIGTERM');
    assert.equal(restored, 1);
    assert.deepEqual(p.exits, [129, 143]);
    p.emit('uncaughtException', new Error('boom'));
    assert.deepEqual(lines, ['supervisorctl: console failed: boom']);
    off();
    assert.equal(p.listenerCount('SIGTERM'), 0);
  });
});

describe('attachPty', () => {
  it('passes the terminal through until the program exits, then resets modes for the shell', async () => {
    const client = new FakeClient([{ name: 'sh', pty: true }]);
    const term = new FakeTerminal(100, 30);
    const keys = new FakeKeyboard();
    const done = attachPty(client, 'sh', keys, term);
    await until(() => client.callsOf('ext.ptyAttach').length === 1 && keys.isRaw, 'attached');
    assert.deepEqual(client.callsOf('ext.ptyAttach')[0], ['sh', { cols: 100, rows: 30, write: true }]);
    await term.waitForText('sh screen');
    client.pty('sh', '\x1b[?1049h\x1b[?1hfull screen app');
    await term.waitForText('full screen app');
    keys.type('q\x03');
    await until(() => client.ptyInput.join('') === 'q\x03', 'input');
    term.resize(90, 20);
    await until(() => client.callsOf('ext.ptyResize').length === 1, 'resize');
    assert.deepEqual(client.callsOf('ext.ptyResize')[0], ['sh', 90, 20]);
    client.setState('sh', ProcessStates.EXITED);
    assert.equal(await done, 'exited');
    await term.screen();
    assert.equal(term.inAlternateScreen, false);
    assert.equal(term.term.modes.applicationCursorKeysMode, false);
    assert.equal(keys.isRaw, false);
    assert.equal(client.subscriptions, 0);
  });

  it('refuses a pipe program without touching the terminal', async () => {
    const client = new FakeClient([{ name: 'web' }]);
    const term = new FakeTerminal(80, 24);
    await assert.rejects(attachPty(client, 'web', new FakeKeyboard(), term), /not a pty program/);
    assert.equal(term.written, '');
    assert.equal(client.subscriptions, 0);
  });
});

describe('docs/console.md', () => {
  it('documents every key binding', async () => {
    const { readFileSync } = await import('node:fs');
    const { BINDINGS } = await import('../../../ui/app/keymap.js');
    const doc = readFileSync(new URL('../../../../docs/console.md', import.meta.url), 'utf8');
    for (const b of BINDINGS) assert.ok(doc.includes(b.help), `docs/console.md lacks "${b.help}"`);
  });
});
