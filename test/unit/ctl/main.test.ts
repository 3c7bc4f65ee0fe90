/**
 * bin/supervisorctl as a subprocess without a daemon: options, config errors, connection errors, the
 * piped shell, and what a one-shot command loads (never React, Ink or node-pty).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));
const RECORDER = fileURLToPath(new URL('./fixtures/record-modules.js', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/supervisorctl with `args`, `input` on stdin, in `cwd`. */
function ctl(args: string[], opts: { input?: string; cwd?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
      cwd: opts.cwd ?? tmpdir(),
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.once('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(opts.input ?? '');
  });
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-main-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A TCP port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

test('-h prints the usage with the program name, exit 0', async () => {
  const r = await ctl(['-h']);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.includes(`Usage: ${BIN} [options] [action [arguments]]`), r.stdout);
  assert.equal(r.stderr, '');
});

test('option errors: Supervisor\'s two lines on stderr, exit 2', async () => {
  for (const [args, msg] of [
    [['-x'], 'option -x not recognized'],
    [['-s', 'foo', 'status'], "invalid value for -s 'foo': value 'foo' is not a URL"],
    [['-c', 'a', '-c', 'b'], "conflicting command line option '-c'"],
    [['--serverurl'], 'option --serverurl requires argument'],
  ] as const) {
    const r = await ctl([...args]);
    assert.equal(r.stderr, `Error: ${msg}\nFor help, use ${BIN} -h\n`, args.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.code, 2);
  }
});

test('config errors: missing file, no [supervisorctl] section, exit 2', async (t) => {
  const dir = tempDir(t);
  const missing = await ctl(['-c', join(dir, 'nope.conf'), 'status']);
  assert.deepEqual([missing.stderr, missing.code], [`Error: could not find config file ${join(dir, 'nope.conf')}\nFor help, use ${BIN} -h\n`, 2]);
  writeFileSync(join(dir, 'x.conf'), '[supervisord]\n');
  const nosection = await ctl(['-c', join(dir, 'x.conf'), 'status']);
  assert.deepEqual([nosection.stderr, nosection.code], [`Error: .ini file does not include supervisorctl section\nFor help, use ${BIN} -h\n`, 2]);
});

test('no socket file: `<url> no such file`, exit 7 (status 4); without upcheck a one-line error, exit 1', async (t) => {
  const dir = tempDir(t);
  const url = `unix://${dir}/none.sock`;
  assert.deepEqual(await ctl(['-s', url, 'pid']), { code: 7, stdout: `${url} no such file\n`, stderr: '' });
  assert.deepEqual(await ctl(['-s', url, 'status']), { code: 4, stdout: `${url} no such file\n`, stderr: '' });
  assert.deepEqual(await ctl(['-s', url, 'reread']), {
    code: 1,
    stdout: `error: <class 'FileNotFoundError'>, [Errno 2] No such file or directory: ${url}\n`,
    stderr: '',
  });
  assert.deepEqual(await ctl(['-s', url, 'shutdown']), {
    code: 1,
    stdout: `ERROR: ${url} no such file (already shut down?)\n`,
    stderr: '',
  });
});

test('the serverurl comes from [supervisorctl] (with %(here)s), and -s wins over it', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'supervisord.conf'), '[supervisorctl]\nserverurl=unix://%(here)s/s.sock\n');
  assert.deepEqual(await ctl(['version'], { cwd: dir }), { code: 7, stdout: `unix://${dir}/s.sock no such file\n`, stderr: '' });
  const s = await ctl(['-c', join(dir, 'supervisord.conf'), '-s', `unix://${dir}/other.sock`, 'version']);
  assert.equal(s.stdout, `unix://${dir}/other.sock no such file\n`);
});

test('refused connection: `<url> refused connection`, exit 4', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  assert.deepEqual(await ctl(['-s', url, 'status']), { code: 4, stdout: `${url} refused connection\n`, stderr: '' });
  assert.deepEqual(await ctl(['-s', url, 'stop', 'all']), { code: 4, stdout: `${url} refused connection\n`, stderr: '' });
});

test('help and unknown syntax need no server; the action words are joined like Supervisor', async () => {
  const help = await ctl(['-s', 'unix:///nonexistent/x.sock', 'help', 'stop']);
  assert.equal(help.code, 0);
  assert.equal(help.stdout.split('\n')[0], 'stop <name>\t\tStop a process');
  const bad = await ctl(['-s', 'unix:///nonexistent/x.sock', 'frobnicate', 'a', 'b']);
  assert.deepEqual([bad.stdout, bad.code], ['*** Unknown syntax: frobnicate a b\n', 1]);
});

test('no action with piped input: the classic shell reads the commands, exit 0', async (t) => {
  const dir = tempDir(t);
  const url = `unix://${dir}/none.sock`;
  const r = await ctl(['-s', url], { input: 'help quit\nfoo\n' });
  assert.equal(
    r.stdout,
    `${url} no such file\nsupervisor> quit\tExit the supervisor shell.\nsupervisor> *** Unknown syntax: foo\nsupervisor> \n`,
  );
  assert.equal(r.code, 0);
  const i = await ctl(['-i', '-s', url], { input: 'quit\n' });
  assert.deepEqual([i.stdout, i.code], [`${url} no such file\nsupervisor> \n`, 0]);
});

test('-r keeps the history file (Supervisor ignores -r); piped lines are not history', async (t) => {
  const dir = tempDir(t);
  const hist = join(dir, 'hist');
  writeFileSync(hist, 'status\n');
  const r = await ctl(['-r', hist, '-s', `unix://${dir}/x.sock`], { input: 'quit\n' });
  assert.equal(r.code, 0);
  assert.equal(readFileSync(hist, 'utf8'), 'status\n', 'loaded and written back');
});

test('-r is normalized as Supervisor normalize_path: ~ from HOME, relative to the working directory', async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const url = `unix://${dir}/x.sock`;
  const viaHome = await ctl(['-r', '~/sub/../h1', '-s', url], { input: 'quit\n', env: { ...process.env, HOME: home } });
  assert.equal(viaHome.code, 0);
  assert.equal(readFileSync(join(home, 'h1'), 'utf8'), '', 'written under $HOME');
  const relative = await ctl(['-r', 'h2', '-s', url], { input: 'quit\n', cwd: dir });
  assert.equal(relative.code, 0);
  assert.equal(readFileSync(join(dir, 'h2'), 'utf8'), '', 'written in the working directory');
});

test('-h and a usage error load neither the controller, the actions nor a transport', async (t) => {
  const dir = tempDir(t);
  for (const args of [['-h'], ['-s', 'nourl']]) {
    const record = join(dir, 'modules.txt');
    writeFileSync(record, '');
    const r = await ctl(args, { nodeArgs: ['--import', RECORDER], env: { ...process.env, MODULE_RECORD: record } });
    assert.equal(r.code, args[0] === '-h' ? 0 : 2, r.stderr);
    const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    assert.ok(loaded.some((u) => u.includes('/dist/src/ctl/options.js')), 'the recorder saw the options');
    const bad = loaded.filter((u) => /\/dist\/src\/(ctl\/controller|ctl\/actions\/|client\/)/.test(u));
    assert.deepEqual(bad, [], args.join(' '));
  }
});

test('a one-shot command loads neither React, Ink nor node-pty', async (t) => {
  const dir = tempDir(t);
  for (const args of [['-s', `unix://${dir}/none.sock`, 'status'], ['-s', `ipc://${dir}/none.zmq`, 'status'], ['help'], ['-s', `unix://${dir}/n.sock`, 'tail', 'x']]) {
    const record = join(dir, 'modules.txt');
    writeFileSync(record, '');
    const r = await ctl(args, { nodeArgs: ['--import', RECORDER], env: { ...process.env, MODULE_RECORD: record } });
    assert.ok(r.code !== null && r.code > 0 || args[0] === 'help', `${args.join(' ')} ran (${r.code}: ${r.stderr})`);
    const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    assert.ok(loaded.some((u) => u.includes('/dist/src/ctl/main.js')), 'the recorder saw the program');
    const bad = loaded.filter((u) => /[/\\](react|react-dom|react-reconciler|ink|node-pty|@xterm)[/\\]/.test(u) || u.includes('/dist/ui/'));
    assert.deepEqual(bad, [], args.join(' '));
    if (args.includes('help')) {
      assert.ok(!loaded.some((u) => /\/dist\/src\/client\/(index|zmq|xmlrpc)\.js/.test(u)), 'help loads no transport');
      assert.ok(!loaded.some((u) => u === 'node:readline'), 'no readline for a one-shot command');
    }
  }
});
