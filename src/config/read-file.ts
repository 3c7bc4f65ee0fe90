/**
 * Reading the main config file with Supervisor's two messages (`read_config` in options.py, the same
 * for supervisord and supervisorctl): `could not find config file X` where os.path.exists(X) is
 * False, `could not read config file X` for anything that exists but cannot be opened.
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './types.js';

/** Errors of open() that mean the path names no file (Python's os.path.exists would be False). */
const NO_SUCH_PATH = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

/**
 * Whether a failed read means "could not find" (Supervisor tests os.path.exists before it opens).
 * EACCES is either a file we may not read ("read") or a directory on the way we may not search, where
 * exists() is False ("find"): only then, on this failure path, a stat tells the two apart.
 */
function namesNothing(abs: string, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (NO_SUCH_PATH.has(code)) return true;
  if (code !== 'EACCES') return false;
  try {
    statSync(abs);
    return false;
  } catch {
    return true;
  }
}

/**
 * The text of the config file `abs` (`fileArg` as the user gave it, for the messages). One read on
 * the normal path: the exists/readable distinction is only worked out when the read fails.
 */
export function readConfigText(abs: string, fileArg: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    if (namesNothing(abs, err)) throw new ConfigError(`could not find config file ${fileArg}`);
    throw new ConfigError(`could not read config file ${fileArg}`);
  }
}
