/**
 * bin/supervisorctl as a subprocess, mostly without a daemon: options, config errors, connection errors,
 * the piped shell, and what a one-shot command loads (never React, Ink or node-pty; no zeromq package
 * for requests, checked against a real daemon too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, waitUntil } from '../../helpers/daemon.js';
import { runToEnd, type RunResult } from '../../helpers/run.js';

const BIN = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));
/** The installed command: the sh launcher, which runs the one-shot bundle dist/bundle/supervisorctl.cjs. */
const LAUNCHER = fileURLToPath(new URL('../../../../bin/supervisorctl', import.meta.url));
const RECORDER = fileURLToPath(new URL('./fixtures/record-modules.js', import.meta.url));

type Result = RunResult;

/** Runs bin/supervisorctl with `args`, `input` on stdin, in `cwd`. */
function ctl(
  args: string[],
  opts: { input?: string; cwd?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv; launcher?: boolean } = {},
): Promise<Result> {
  // Through the launcher Node's options can only come from NODE_OPTIONS.
  const [cmd, argv, env] = opts.launcher
    ? [LAUNCHER, args, { ...(opts.env ?? process.env), NODE_OPTIONS: (opts.nodeArgs ?? []).join(' ') }]
    : [process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], opts.env ?? process.env];
  return runToEnd(cmd, argv, { env, input: opts.input ?? '', ...(opts.cwd !== undefined && { cwd: opts.cwd }) });
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

/** dist/bundle/manifest.json (ui/build.mjs): each bundle file → the modules inside it; null without a bundle. */
const MANIFEST = fileURLToPath(new URL('../../../bundle/manifest.json', import.meta.url));
function bundleManifest(): Record<string, { modules: string[] }> | null {
  return existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { modules: string[] }>) : null;
}

/** How bin/supervisorctl runs: from the bundle when it is built (the default), and from the compiled modules. */
const MODES: { name: string; env: NodeJS.ProcessEnv }[] = [
  { name: 'bundled', env: {} },
  { name: 'unbundled', env: { SUPERVISORCTL_UNBUNDLED: '1' } },
];

/**
 * Runs bin/supervisorctl under the module recorder and returns what it really loaded: every module URL
 * and CommonJS file, with each bundle file replaced by the modules esbuild put in it (as `/dist/src/…`,
 * `/node_modules/…` or `node:x`), so the checks below hold for the bundle and the compiled modules alike.
 */
async function loadedBy(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { launcher?: boolean; input?: string } = {},
): Promise<{ r: Result; loaded: string[]; files: string[] }> {
  const record = join(dir, 'modules.txt');
  writeFileSync(record, '');
  const r = await ctl(args, { ...opts, nodeArgs: [`--import=${RECORDER}`], env: { ...process.env, ...env, MODULE_RECORD: record } });
  const files = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  const manifest = bundleManifest();
  const loaded: string[] = [];
  for (const u of files) {
    const inBundle = /\/dist\/bundle\/([^/]+\.js)$/.exec(u)?.[1];
    const modules = inBundle ? manifest?.[inBundle]?.modules : undefined;
    if (inBundle) assert.ok(modules, `${inBundle} is in dist/bundle/manifest.json`);
    if (modules) loaded.push(...modules.map((m) => (m.startsWith('node:') ? m : `/${m}`)));
    else loaded.push(u);
  }
  return { r, loaded, files };
}

test('-h and a usage error load neither the controller, the actions nor a transport', async (t) => {
  const dir = tempDir(t);
  for (const mode of MODES) {
    for (const args of [['-h'], ['-s', 'nourl']]) {
      const { r, loaded } = await loadedBy(dir, args, mode.env);
      const what = `${mode.name}: ${args.join(' ')}`;
      assert.equal(r.code, args[0] === '-h' ? 0 : 2, r.stderr);
      assert.ok(loaded.some((u) => u.includes('/dist/src/ctl/options.js')), `the recorder saw the options (${what})`);
      const bad = loaded.filter((u) => /\/dist\/src\/(ctl\/controller|ctl\/actions\/|client\/)/.test(u) || u.includes('/node_modules/'));
      assert.deepEqual(bad, [], what);
    }
  }
});

test('the bundle is what runs when it is built; SUPERVISORCTL_UNBUNDLED=1 runs the compiled modules', { skip: !bundleManifest() && 'no dist/bundle (node ui/build.mjs)' }, async (t) => {
  const dir = tempDir(t);
  const bundled = await loadedBy(dir, ['help'], {});
  assert.ok(bundled.files.some((u) => u.endsWith('/dist/bundle/supervisorctl.js')), 'the bundle ran');
  assert.deepEqual(bundled.files.filter((u) => u.includes('/dist/src/') || u.includes('/dist/ui/')), [], 'no compiled module beside the bundle');
  const compiled = await loadedBy(dir, ['help'], { SUPERVISORCTL_UNBUNDLED: '1' });
  assert.ok(compiled.files.some((u) => u.endsWith('/dist/src/ctl/main.js')), 'the compiled ctl ran');
  assert.deepEqual(compiled.files.filter((u) => u.includes('/dist/bundle/')), [], 'no bundle file');
  assert.equal(bundled.r.stdout, compiled.r.stdout, 'the same help either way');
});

test('a one-shot command loads neither React, Ink nor node-pty', async (t) => {
  const dir = tempDir(t);
  const commands = [['-s', `unix://${dir}/none.sock`, 'status'], ['-s', `ipc://${dir}/none.zmq`, 'status'], ['help'], ['-s', `unix://${dir}/n.sock`, 'tail', 'x']];
  for (const mode of MODES) {
    for (const args of commands) {
      const { r, loaded } = await loadedBy(dir, args, mode.env);
      const what = `${mode.name}: ${args.join(' ')}`;
      assert.ok((r.code !== null && r.code > 0) || args[0] === 'help', `${what} ran (${r.code}: ${r.stderr})`);
      assert.ok(loaded.some((u) => u.includes('/dist/src/ctl/controller.js')), `the recorder saw the controller (${what})`);
      const bad = loaded.filter((u) => /[/\\](react|react-dom|react-reconciler|ink|node-pty|@xterm)[/\\]/.test(u) || u.includes('/dist/ui/'));
      assert.deepEqual(bad, [], what);
      assert.ok(!loaded.includes('node:readline'), `no readline for a one-shot command (${what})`);
      if (args.includes('help')) {
        // The transports' code may come along; what they are built on must not.
        assert.deepEqual(loaded.filter((u) => u.includes('/node_modules/zeromq/') || u === 'node:http'), [], `help loads neither zeromq nor node:http (${what})`);
      }
      if (args[1]?.startsWith('ipc://')) {
        assert.ok(!loaded.includes('node:http'), `a command over ZeroMQ loads no node:http (${what})`);
        assert.deepEqual(loaded.filter((u) => u.includes('/node_modules/zeromq/')), [], `requests need no zeromq package (${what})`);
      }
    }
  }
});

const ONESHOT = fileURLToPath(new URL('../../../bundle/supervisorctl.cjs', import.meta.url));

test('the installed command runs one-shot actions from supervisorctl.cjs alone; no action and fg go to the ESM modules', { skip: !existsSync(ONESHOT) && 'no dist/bundle/supervisorctl.cjs (node ui/build.mjs)' }, async (t) => {
  // What esbuild put in the file: none of the console's packages, and no zeromq (loaded from its package).
  const inside = bundleManifest()?.['supervisorctl.cjs']?.modules ?? [];
  assert.ok(inside.includes('dist/src/ctl/controller.js'), 'the manifest lists supervisorctl.cjs');
  assert.deepEqual(inside.filter((m) => m.includes('node_modules/') || m.startsWith('dist/ui/')), []);

  const d = await startDaemon('[program:a]\ncommand=/bin/sleep 1000\n');
  t.after(() => d.stop());
  await waitUntil(async () => ((await d.call('supervisor.getProcessInfo', ['a'])) as { statename: string }).statename === 'RUNNING', 15_000, 'a RUNNING');
  const dir = tempDir(t);
  const esmFiles = (files: string[]) => files.filter((u) => /\/dist\/(bundle\/[^/]+\.js|src\/|ui\/)/.test(u));
  const cases: { args: string[]; input?: string; esm: boolean }[] = [
    { args: ['-c', d.confPath, 'status'], esm: false },
    { args: ['-c', d.confPath, 'pid', 'a'], esm: false },
    { args: ['-c', d.confPath, 'help', 'stop'], esm: false },
    { args: ['-c', d.confPath, 'stop', 'nosuch'], esm: false },
    { args: ['-h'], esm: false },
    { args: ['-c', d.confPath, 'fg', 'nosuch'], esm: true },
    // onecmd's split: the action word ends where identifier characters end.
    { args: ['-c', d.confPath, 'fg:nosuch'], esm: true },
    { args: ['-c', d.confPath], input: 'status\n', esm: true },
  ];
  for (const c of cases) {
    const what = c.args.slice(2).join(' ') || `${c.args.join(' ')} with ${JSON.stringify(c.input ?? '')} piped`;
    const viaLauncher = await loadedBy(dir, c.args, {}, { launcher: true, ...(c.input !== undefined && { input: c.input }) });
    const viaScript = await ctl(c.args, { ...(c.input !== undefined && { input: c.input }) });
    // The same lines and status as bin/supervisorctl.js, but named as run (the launcher's path); an
    // uptime may tick between the two runs.
    const same = (r: Result, bin: string) => ({
      code: r.code,
      stdout: r.stdout.replaceAll(bin, 'supervisorctl').replace(/uptime [\d:]+/g, 'uptime U'),
      stderr: r.stderr.replaceAll(bin, 'supervisorctl'),
    });
    assert.deepEqual(same(viaLauncher.r, LAUNCHER), same(viaScript, BIN), what);
    assert.ok(viaLauncher.files.includes(ONESHOT), `supervisorctl.cjs ran (${what})`);
    if (c.esm) {
      assert.ok(viaLauncher.files.some((u) => u.endsWith('/dist/bundle/supervisorctl.js')), `handed to the ESM bundle (${what})`);
    } else {
      assert.deepEqual(esmFiles(viaLauncher.files), [], `no ESM module of ours (${what})`);
      assert.ok(!viaLauncher.loaded.includes('node:readline'), `no readline (${what})`);
    }
  }
  const status = await loadedBy(dir, ['-c', d.confPath, 'status'], {}, { launcher: true });
  assert.ok(status.loaded.includes('node:net') && !status.loaded.includes('node:http'), 'status went over ZeroMQ, not XML-RPC');
  assert.deepEqual(status.files.filter((u) => u.includes('/node_modules/')), [], 'no package loaded (no zeromq)');
});

test('one-shot status against a real daemon over ZeroMQ loads no zeromq package, bundled or not', async (t) => {
  const d = await startDaemon('[program:a]\ncommand=/bin/sleep 1000\n\n[program:b]\ncommand=/bin/sleep 1000\n');
  t.after(() => d.stop());
  await waitUntil(async () => ((await d.call('supervisor.getProcessInfo', ['b'])) as { statename: string }).statename === 'RUNNING', 15_000, 'b RUNNING');
  const dir = tempDir(t);
  for (const mode of MODES) {
    const { r, loaded } = await loadedBy(dir, ['-c', d.confPath, 'status'], mode.env);
    assert.equal(r.stderr, '', mode.name);
    assert.match(r.stdout, /^a {32}RUNNING {3}pid \d+, uptime [\d:]+\nb {32}RUNNING {3}pid \d+, uptime [\d:]+\n$/, mode.name);
    assert.equal(r.code, 0, mode.name);
    // The command went over ZeroMQ (the .zmq socket beside the unix one), not XML-RPC.
    assert.ok(!loaded.includes('node:http'), `no node:http (${mode.name})`);
    assert.ok(loaded.some((u) => u.endsWith('/dist/src/client/zmtp.js')), `the built-in ZMTP peer ran (${mode.name})`);
    assert.deepEqual(loaded.filter((u) => u.includes('/node_modules/zeromq/') || u.includes('cmake-ts')), [], `no zeromq (${mode.name})`);
  }
});
