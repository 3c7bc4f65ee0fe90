/**
 * Where supervisord and supervisorctl look for their config file without `-c` (reference a.1).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pyDirname, pyJoin } from './paths.js';

/**
 * The six paths, in order, as Supervisor spells them: `here = dirname(dirname(argv0))`, then
 * here/etc, here, the CWD (relative), CWD/etc, /etc, /etc/supervisor.
 */
export function searchPaths(argv0: string): string[] {
  const here = pyDirname(pyDirname(argv0));
  return [
    pyJoin(here, 'etc', 'supervisord.conf'),
    pyJoin(here, 'supervisord.conf'),
    'supervisord.conf',
    'etc/supervisord.conf',
    '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf',
  ];
}

/** The first search path that exists (relative ones against `cwd`), as spelled in the list, or null. */
export function findConfigFile(argv0: string, cwd: string): string | null {
  for (const p of searchPaths(argv0)) if (existsSync(resolve(cwd, p))) return p;
  return null;
}

/** Supervisor's message when nothing was found. */
export function noConfigFoundMessage(argv0: string): string {
  return (
    `No config file found at default paths (${searchPaths(argv0).join(', ')}); ` +
    'use the -c option to specify a config file at a different path'
  );
}

/** The warning Python's supervisord prints (to stderr) when root searches the default paths. */
export const ROOT_SEARCH_WARNING =
  'Supervisord is running as root and it is searching for its configuration file in default locations ' +
  '(including its current working directory); you probably want to specify a "-c" argument specifying an ' +
  'absolute path to a configuration file for improved security.';
