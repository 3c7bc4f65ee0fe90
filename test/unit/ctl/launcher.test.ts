/**
 * bin/supervisorctl, the shell launcher that package.json installs: it finds the package from the name
 * it was run by (a path, a symbolic link in a bin directory, a name found on PATH), starts Node on
 * the one-shot bundle (or bin/supervisorctl.js) without NODE_EXTRA_CA_CERTS, and src/ctl/entry.ts puts
 * that variable and the name back before anything reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd } from '../../helpers/run.js';

const LAUNCHER = fileURLToPath(new URL('../../../../bin/supervisorctl', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));
const ROOT = dirname(dirname(LAUNCHER));
const ONESHOT = join(ROOT, 'dist/bundle/supervisorctl.cjs');

const run = runToEnd;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-launcher-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment without the variables under test (this machine may set NODE_EXTRA_CA_CERTS). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const k of ['NODE_EXTRA_CA_CERTS', 'SUPERVISORCTL_ARGV0', 'SUPERVISORCTL_NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']) {
    if (!(k in extra)) delete env[k];
  }
  return env;
}

test('the launcher prints what bin/supervisorctl.js prints, named as it was run (sys.argv[0])', async (t) => {
  const viaNode = await run(process.execPath, [SCRIPT, '-h'], { env: cleanEnv() });
  assert.equal(viaNode.code, 0);
  const absolute = await run(LAUNCHER, ['-h'], { env: cleanEnv() });
  assert.deepEqual(absolute, { ...viaNode, stdout: viaNode.stdout.replaceAll(SCRIPT, LAUNCHER) });
  assert.ok(absolute.stdout.includes(`\nUsage: ${LAUNCHER} [options] [action [arguments]]\n`), absolute.stdout.slice(0, 200));

  // A relative path is printed as typed, as Python prints sys.argv[0].
  const rel = `./${relative(ROOT, LAUNCHER)}`;
  const typed = await run(rel, ['-x'], { cwd: ROOT, env: cleanEnv() });
  assert.deepEqual(typed, { code: 2, stdout: '', stderr: `Error: option -x not recognized\nFor help, use ${rel} -h\n` });

  // npm installs the command as a symbolic link in a bin directory; found on PATH, it is named by
  // the link's full path, and the link leads to the package.
  const dir = tempDir(t);
  const link = join(dir, 'supervisorctl');
  symlinkSync(LAUNCHER, link);
  const onPath = await run('supervisorctl', ['-x'], { env: cleanEnv({ PATH: `${dir}:${process.env.PATH}` }) });
  assert.deepEqual(onPath, { code: 2, stdout: '', stderr: `Error: option -x not recognized\nFor help, use ${link} -h\n` });
  // A link to a link (a bin directory that is itself linked) works too.
  const link2 = join(dir, 'ctl2');
  symlinkSync(link, link2);
  const twice = await run(link2, ['-x'], { env: cleanEnv() });
  assert.equal(twice.stderr, `Error: option -x not recognized\nFor help, use ${link2} -h\n`);
});

test('Node starts without NODE_EXTRA_CA_CERTS: a missing CA file is no warning, only plain node warns', async (t) => {
  const missing = join(tempDir(t), 'no-such-ca.pem');
  const env = cleanEnv({ NODE_EXTRA_CA_CERTS: missing });
  // The probe: Node 20 reads the file at start and warns when it cannot (so this test sees the read).
  const plain = await run(process.execPath, [SCRIPT, '-h'], { env });
  assert.equal(plain.code, 0);
  assert.match(plain.stderr, /Ignoring extra certs from/);
  const launched = await run(LAUNCHER, ['-h'], { env });
  assert.deepEqual([launched.code, launched.stderr], [0, '']);
});

/**
 * A module for NODE_OPTIONS=--import: Node preloads it, so it runs before supervisorctl; at exit it
 * writes to `out` what the process's environment held then, its argv[1], and the script Node was
 * started on (argv[1] before supervisorctl replaced it).
 */
function probe(dir: string): { module: string; out: string; read: () => Record<string, string | null> } {
  const out = join(dir, 'probe.json');
  const module = join(dir, 'probe.mjs');
  writeFileSync(
    module,
    `import { writeFileSync } from 'node:fs';
const startedOn = process.argv[1];
process.on('exit', () => {
  const e = process.env;
  const pick = (k) => (k in e ? e[k] : null);
  writeFileSync(${JSON.stringify(out)}, JSON.stringify({
    extra: pick('NODE_EXTRA_CA_CERTS'), argv0: pick('SUPERVISORCTL_ARGV0'), saved: pick('SUPERVISORCTL_NODE_EXTRA_CA_CERTS'), argv1: process.argv[1], startedOn,
  }));
});
`,
  );
  return {
    module,
    out,
    read: () => {
      const seen = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string | null>;
      rmSync(out);
      return seen;
    },
  };
}

test('the launcher starts Node on the one-shot bundle; on bin/supervisorctl.js without it or when asked', async (t) => {
  const dir = tempDir(t);
  const p = probe(dir);
  const startedOn = async (cmd: string, env: Record<string, string> = {}): Promise<string> => {
    const r = await run(cmd, ['-h'], { env: cleanEnv({ NODE_OPTIONS: `--import=${p.module}`, ...env }) });
    assert.equal(r.code, 0, r.stderr);
    return realpathSync(p.read().startedOn!);
  };
  assert.equal(await startedOn(LAUNCHER), ONESHOT);
  assert.equal(await startedOn(LAUNCHER, { SUPERVISORCTL_UNBUNDLED: '1' }), SCRIPT);
  assert.equal(await startedOn(LAUNCHER, { SUPERVISORCTL_CONSOLE_UNBUNDLED: '1' }), SCRIPT);
  // A package without the bundle (built by tsc alone): the launcher beside a bin/supervisorctl.js.
  const bare = join(dir, 'pkg', 'bin');
  mkdirSync(bare, { recursive: true });
  copyFileSync(LAUNCHER, join(bare, 'supervisorctl'));
  symlinkSync(SCRIPT, join(bare, 'supervisorctl.js'));
  assert.equal(await startedOn(join(bare, 'supervisorctl')), SCRIPT);
});

test('supervisorctl gets NODE_EXTRA_CA_CERTS back unchanged, and none of the launcher variables', async (t) => {
  const dir = tempDir(t);
  const p = probe(dir);
  const ca = join(dir, 'ca dir', "it's.pem");
  const cases: [string, string | undefined][] = [
    ['set', ca],
    ['set to empty', ''],
    ['not set', undefined],
  ];
  for (const [what, value] of cases) {
    const env = cleanEnv({ NODE_OPTIONS: `--import=${p.module}`, ...(value !== undefined && { NODE_EXTRA_CA_CERTS: value }) });
    const r = await run(LAUNCHER, ['-h'], { env });
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    const { startedOn: _, ...seen } = p.read();
    assert.deepEqual(seen, { extra: value ?? null, argv0: null, saved: null, argv1: LAUNCHER }, what);
  }
});
