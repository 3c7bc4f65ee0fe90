import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoName, execFailure, type ExecContext } from '../../../daemon/pty/exec-failure.js';
import { precheckExec } from '../../../daemon/process/exec-check.js';

const direct: ExecContext = { argv0: 'prog', cwd: '/srv', uid: null, viaSetpriv: false };
const setpriv: ExecContext = { argv0: 'prog', cwd: null, uid: 65534, viaSetpriv: true };

test('node-pty exec, chdir and setuid failures become spawnerr texts', () => {
  assert.equal(execFailure('execvp(3) failed.: No such file or directory\r\n', 1, direct), "couldn't exec prog: ENOENT");
  assert.equal(execFailure('execvp(3) failed.: Permission denied\r\n', 1, direct), "couldn't exec prog: EACCES");
  assert.equal(execFailure('chdir(2) failed.: No such file or directory\r\n', 1, direct), "couldn't chdir to /srv: ENOENT");
  assert.equal(execFailure('setuid(2) failed.: Operation not permitted\r\n', 1, { ...direct, uid: 7 }), "couldn't setuid to 7: EPERM");
});

test('setpriv failures become spawnerr texts only when setpriv was used', () => {
  const line = 'setpriv: failed to execute /x/prog: Permission denied\r\n';
  assert.equal(execFailure(line, 126, setpriv), "couldn't exec prog: EACCES");
  assert.equal(execFailure('setpriv: failed to execute /x/prog: No such file or directory\r\n', 127, setpriv), "couldn't exec prog: ENOENT");
  assert.equal(execFailure(line, 2, setpriv), null);
  assert.equal(execFailure(line, 127, direct), null);
  assert.equal(
    execFailure('setpriv: uid 12345 not found, --init-groups requires an user that can be found on the system\r\n', 1, setpriv),
    "couldn't setuid to 65534: uid 12345 not found, --init-groups requires an user that can be found on the system",
  );
});

test("a program's own output or exit is never taken for a failed exec", () => {
  // The right words with the wrong exit code, more than one line, or no exit code at all.
  assert.equal(execFailure('execvp(3) failed.: No such file or directory\r\n', 2, direct), null);
  assert.equal(execFailure('hello\r\nexecvp(3) failed.: No such file or directory\r\n', 1, direct), null);
  assert.equal(execFailure('execvp(3) failed.: No such file or directory\r\n', null, direct), null);
  assert.equal(execFailure('', 1, direct), null);
  assert.equal(execFailure('something else\r\n', 1, setpriv), null);
});

test('unknown strerror texts are kept as they are', () => {
  assert.equal(errnoName('No such file or directory'), 'ENOENT');
  assert.equal(errnoName('Something new'), 'Something new');
});

test('precheckExec finds what exec would trip over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pty-exec-'));
  try {
    const ok = join(dir, 'ok.sh');
    writeFileSync(ok, '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const noInterp = join(dir, 'nointerp.sh');
    writeFileSync(noInterp, '#!/nonexistent/interp\necho hi\n', { mode: 0o755 });
    const notExec = join(dir, 'plain.txt');
    writeFileSync(notExec, 'data\n');
    chmodSync(notExec, 0o644);
    assert.equal(precheckExec(ok), null);
    assert.equal(precheckExec('/bin/sh'), null);
    assert.equal(precheckExec(noInterp), 'ENOENT');
    assert.equal(precheckExec(join(dir, 'missing')), 'ENOENT');
    // root may "execute" any file with an x bit; without one access(X_OK) fails for root too.
    assert.equal(precheckExec(notExec), 'EACCES');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
