/**
 * Finds Debian's Python Supervisor (the reference), installing the `supervisor` package when it is
 * absent, the way .ci/run does: a policy-rc.d that forbids starting the packaged service meanwhile.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Paths and version of Python's supervisord and supervisorctl. */
export interface PythonSupervisor {
  supervisord: string;
  supervisorctl: string;
  version: string;
  /** The interpreter of supervisorctl's `#!` line (not whatever `python3` is first on PATH). */
  interpreter: string;
}

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function aptInstallSupervisor(log: (s: string) => void): void {
  const policy = '/usr/sbin/policy-rc.d';
  const created = !existsSync(policy);
  // exit 101 = "action forbidden": the package must not start its own supervisord during this run.
  if (created) {
    writeFileSync(policy, '#!/bin/sh\nexit 101\n');
    chmodSync(policy, 0o755);
  }
  try {
    log('supervisord not found: installing Debian package supervisor (apt-get)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'supervisor'], { stdio: 'inherit', env });
  } finally {
    if (created) rmSync(policy, { force: true });
  }
}

/** Locate (or install, then locate) Python Supervisor; throws a one-line error when impossible. */
export function ensurePythonSupervisor(log: (s: string) => void): PythonSupervisor {
  if (!which('supervisord')) aptInstallSupervisor(log);
  const supervisord = which('supervisord');
  const supervisorctl = which('supervisorctl');
  if (!supervisord || !supervisorctl) throw new Error('Python supervisord/supervisorctl not found after apt-get install supervisor');
  const version = execFileSync(supervisord, ['--version'], { encoding: 'utf8' }).trim();
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(supervisorctl, 'utf8').split('\n', 1)[0] ?? '');
  return { supervisord, supervisorctl, version, interpreter: shebang?.[1] ?? 'python3' };
}
