/**
 * The checks Supervisor's forked child makes before exec (setuid, chdir), made here in the parent
 * before spawning, so that a failure is a spawn error (→ BACKOFF with spawnerr) instead of a
 * child that prints to its stderr and exits 127. Shared by every spawner.
 */
import { statSync } from 'node:fs';
import type { ProcessConfig, SupervisordConfig } from '../../src/config/types.js';
import { checkCommand, type CommandFailure } from './command.js';
import { childEnvironment } from './environment.js';
import type { SpawnPlan, Credentials } from './spawner.js';

/** What the plan depends on outside the config (overridable in tests). */
export interface SetupEnv {
  /** The daemon's environment. */
  env: Record<string, string | undefined>;
  /** The daemon's uid. */
  uid: number;
}

export type PlanResult = { ok: true; plan: SpawnPlan } | { ok: false; message: string; code?: CommandFailure['code'] };

/**
 * Which credentials the child needs: none when no user is set or it is already the daemon's uid;
 * an error text (Supervisor's `couldn't setuid to N: ...`) when the daemon is not root.
 */
export function childCredentials(cfg: ProcessConfig, daemonUid: number): Credentials | null | { error: string } {
  if (cfg.uid === null || cfg.uid === undefined) return null;
  if (cfg.uid === daemonUid) return null;
  if (daemonUid !== 0) return { error: `couldn't setuid to ${cfg.uid}: Can't drop privilege as nonroot user` };
  return { uid: cfg.uid, gid: cfg.gid ?? cfg.uid };
}

/** `couldn't chdir to D: ENOENT` when the directory cannot be used, else null. */
export function checkDirectory(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return `couldn't chdir to ${dir}: ENOTDIR`;
    return null;
  } catch (err) {
    return `couldn't chdir to ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'ENOENT'}`;
  }
}

/**
 * Everything checked in Supervisor's order (command, user, environment, directory) and turned
 * into a SpawnPlan, or the spawnerr message of the first failure.
 */
export function planSpawn(
  cfg: ProcessConfig,
  supervisord: Pick<SupervisordConfig, 'environment'>,
  setup: SetupEnv = { env: process.env, uid: process.getuid?.() ?? 0 },
): PlanResult {
  const cmd = checkCommand(cfg, setup.env, supervisord.environment);
  if (!cmd.ok) return { ok: false, message: cmd.message, code: cmd.code };
  const creds = childCredentials(cfg, setup.uid);
  if (creds && 'error' in creds) return { ok: false, message: creds.error };
  const env = childEnvironment(cfg, supervisord, setup.env);
  if (cfg.directory !== null) {
    const bad = checkDirectory(cfg.directory);
    if (bad) return { ok: false, message: bad };
  }
  return {
    ok: true,
    plan: {
      name: cfg.name,
      filename: cmd.filename,
      argv: cmd.argv,
      env,
      cwd: cfg.directory,
      umask: cfg.umask,
      credentials: creds,
    },
  };
}
