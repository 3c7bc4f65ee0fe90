/**
 * supervisorctl's two messages for a config file it cannot use, as Supervisor 4.2.5 prints them
 * (checked against Debian's supervisorctl): `could not find config file X` where os.path.exists is
 * False (no such path, a file used as a directory, a directory on the way we may not search), and
 * `could not read config file X` for anything that exists but cannot be read (a directory, mode 000).
 * The permission cases run in a child process as `nobody`, since root may read everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCtlConfig } from '../../../src/config/ctl.js';

const CTL_MODULE = fileURLToPath(new URL('../../../src/config/ctl.js', import.meta.url));

/** A temp dir everybody may enter, with a conf nobody may read and one in a dir only root may search. */
function tree(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'ok.conf'), '[supervisorctl]\nprompt=here\n');
  writeFileSync(join(dir, 'plain'), '');
  mkdirSync(join(dir, 'adir'));
  writeFileSync(join(dir, 'noread.conf'), '[supervisorctl]\n', { mode: 0o000 });
  mkdirSync(join(dir, 'locked'), { mode: 0o700 });
  writeFileSync(join(dir, 'locked', 'x.conf'), '[supervisorctl]\n');
  return dir;
}

/** The message loadCtlConfig throws for `file`, or 'ok'. */
function messageFor(file: string): string {
  try {
    loadCtlConfig({ configFile: file });
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

test('missing paths are "could not find", a directory is "could not read"', (t) => {
  const dir = tree(t);
  assert.equal(messageFor(join(dir, 'ok.conf')), 'ok');
  assert.equal(loadCtlConfig({ configFile: join(dir, 'ok.conf') }).ctl.prompt, 'here');
  assert.equal(messageFor(join(dir, 'none.conf')), `could not find config file ${join(dir, 'none.conf')}`);
  assert.equal(messageFor(join(dir, 'plain', 'x.conf')), `could not find config file ${join(dir, 'plain', 'x.conf')}`);
  assert.equal(messageFor(join(dir, 'adir')), `could not read config file ${join(dir, 'adir')}`);
});

test('as a user without permission: unreadable file "read", unsearchable directory "find"', { skip: userInfo().uid !== 0 && 'needs root to run as nobody' }, (t) => {
  const dir = tree(t);
  const script =
    `const { loadCtlConfig } = await import(${JSON.stringify(CTL_MODULE)});\n` +
    'for (const f of process.argv.slice(1)) {\n' +
    "  try { loadCtlConfig({ configFile: f }); console.log('ok'); } catch (e) { console.log(e.message); }\n" +
    '}\n';
  const files = [join(dir, 'noread.conf'), join(dir, 'locked', 'x.conf'), join(dir, 'ok.conf')];
  const out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script, ...files], {
    encoding: 'utf8',
    cwd: dir,
  });
  assert.deepEqual(out.trimEnd().split('\n'), [`could not read config file ${files[0]}`, `could not find config file ${files[1]}`, 'ok']);
});
