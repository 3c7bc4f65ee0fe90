/** The classic shell and the terminal IO under it, on in-memory streams (piped and terminal-like). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ProcessStates } from '../../../src/api/states.js';
import { runShell } from '../../../src/ctl/shell.js';
import { TerminalIO } from '../../../src/ctl/terminal-io.js';
import { FakeSupervisor } from './fake-client.js';
import { settings, until } from './memory-io.js';

/** A stream pair; `tty` makes readline treat them as a terminal. */
function streams(tty = false) {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean };
  const output = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  const error = new PassThrough();
  if (tty) {
    input.isTTY = true;
    output.isTTY = true;
    output.columns = 200;
  }
  let out = '';
  let err = '';
  output.on('data', (c: Buffer) => (out += c.toString()));
  error.on('data', (c: Buffer) => (err += c.toString()));
  return { input, output, error, out: () => out, err: () => err };
}

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat', { pid: 11 });
  s.add('b', { group: 'grp', state: ProcessStates.STOPPED, start: 0 });
  return s;
}

const STATUS = 'cat'.padEnd(33) + 'RUNNING   pid 11, uptime 0:00:13\n' + 'grp:b'.padEnd(33) + 'STOPPED   Not started\n';

test('piped shell: status first, a prompt before each line, EOF prints an empty line, exit 0', async () => {
  const io = streams();
  io.input.end('pid\n\nfoo\nhelp quit\n');
  const code = await runShell(settings(), server().connector(), io);
  assert.equal(code, 0);
  assert.equal(
    io.out(),
    STATUS +
      'supervisor> 4242\n' +
      'supervisor> ' +
      'supervisor> *** Unknown syntax: foo\n' +
      'supervisor> quit\tExit the supervisor shell.\n' +
      'supervisor> \n',
  );
});

test('piped shell: quit ends it; the configured prompt; exit 0 even after failures', async () => {
  const io = streams();
  io.input.end('start nosuch\nquit\nstatus\n');
  const code = await runShell(settings({ prompt: 'prod' }), server().connector(), io);
  assert.equal(code, 0);
  assert.equal(io.out(), STATUS + 'prod> nosuch: ERROR (no such process)\nprod> \n');
});

test('piped shell: shutdown and reload ask for confirmation, reading the answer from the input', async () => {
  const s = server();
  const io = streams();
  io.input.end('reload\nno\nshutdown\ny\n');
  await runShell(settings(), s.connector(), io);
  assert.equal(
    io.out(),
    STATUS +
      'supervisor> Really restart the remote supervisord process y/N? ' +
      'supervisor> Really shut the remote supervisord process down y/N? Shut down\n' +
      'supervisor> \n',
  );
  assert.equal(s.calls.filter((c) => c.method === 'supervisor.restart').length, 0);
});

test('piped shell: a server that is not there', async () => {
  const s = server();
  s.down = 'nofile';
  const io = streams();
  io.input.end('');
  assert.equal(await runShell(settings(), s.connector(), io), 0);
  assert.equal(io.out(), 'unix:///tmp/fake.sock no such file\nsupervisor> \n');
});

test('terminal shell: history is loaded and saved (-r / history_file), tab completes names', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-shell-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'history');
  writeFileSync(file, 'version\n');
  const io = streams(true);
  const done = runShell(settings({ historyFile: file }), server().connector(), io);
  await until(() => io.out().includes('supervisor> '), 5000, 'prompt');
  // Up arrow recalls the loaded entry.
  io.input.write('\x1b[A\r');
  await until(() => io.out().includes('4.2.5\r\n') || io.out().includes('4.2.5\n'), 5000, 'version ran');
  io.input.write('pid ca\t');
  await until(() => io.out().includes('pid cat '), 5000, 'completed');
  io.input.write('\r');
  await until(() => /\n11\r?\n/.test(io.out()), 5000, 'pid ran');
  io.input.write('\x04'); // Ctrl-D on an empty line: end of input
  assert.equal(await done, 0);
  // node:readline does not repeat an entry equal to the newest one.
  assert.equal(readFileSync(file, 'utf8'), 'version\npid cat \n');
});

test('terminal IO: hidden password entry, Ctrl-C goes to the listeners, answers stay out of the history', async () => {
  const io = streams(true);
  const term = new TerminalIO({ input: io.input, output: io.output, error: io.error });
  try {
    const asked = term.ask('Password:', { echo: false });
    await until(() => io.out().includes('Password:'), 5000, 'prompt');
    io.input.write('s3cret\r');
    assert.equal(await asked, 's3cret');
    assert.ok(!io.out().includes('s3cret'), 'not echoed');
    let hits = 0;
    const off = term.onInterrupt(() => hits++);
    io.input.write('\x03');
    await until(() => hits === 1, 5000, 'Ctrl-C');
    off();
    // With a question pending and no listener, Ctrl-C answers it with null.
    const q = term.ask('Really? ');
    await until(() => io.out().includes('Really? '), 5000, 'question');
    io.input.write('\x03');
    assert.equal(await q, null);
    assert.deepEqual(term.history(), []);
    // An aborted question consumes no line.
    const ac = new AbortController();
    const gone = term.ask('', { signal: ac.signal });
    ac.abort();
    assert.equal(await gone, null);
    const next = term.readCommand('> ');
    io.input.write('status\r');
    assert.equal(await next, 'status');
    assert.deepEqual(term.history(), ['status']);
  } finally {
    term.close();
  }
});

test('terminal IO: piped lines that arrive before anyone asks are answered in order after the end', async () => {
  const io = streams();
  const term = new TerminalIO({ input: io.input, output: io.output, error: io.error });
  try {
    io.input.end('one\ntwo\n');
    assert.equal(await term.ask('a: '), 'one');
    await new Promise((r) => setImmediate(r));
    assert.equal(await term.ask('b: '), 'two');
    assert.equal(await term.ask('c: '), null);
    assert.equal(io.out(), 'a: b: c: ');
    assert.equal(term.canPrompt, false);
  } finally {
    term.close();
  }
});

test('terminal IO: output goes to the right stream', () => {
  const io = streams();
  const term = new TerminalIO({ input: io.input, output: io.output, error: io.error });
  term.out('line');
  term.raw('chunk');
  term.err('bad');
  term.rawErr(Buffer.from('e2'));
  term.close();
  return until(() => io.out() === 'line\nchunk' && io.err() === 'bad\ne2', 5000, 'written');
});
