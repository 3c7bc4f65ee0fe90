/**
 * The `[supervisord]` section (options.py `read_config`), read in Supervisor's order; also adds
 * its `environment=` keys as `ENV_*` names for the sections read after it.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SupervisordConfig } from './types.js';
import { convert, getConv, saneget, type LoadContext } from './context.js';
import { combine, expand } from './expand.js';
import {
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  existingDirectory,
  existingDirpath,
  integer,
  loggingLevel,
  octalType,
} from './datatypes.js';

/** `tempfile.gettempdir()`: TMPDIR, TEMP or TMP when it is a directory, else /tmp. */
export function pyTempdir(env: Record<string, string | undefined>, cwd: string): string {
  for (const k of ['TMPDIR', 'TEMP', 'TMP']) {
    const v = env[k];
    if (v && isDirectory(resolve(cwd, v))) return resolve(cwd, v);
  }
  return '/tmp';
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Read `[supervisord]`. Paths are left as written here (relative to the CWD); `loadConfig`
 * normalises them after the command-line overrides, as `realize()` does.
 */
export function supervisordSection(ctx: LoadContext): SupervisordConfig {
  const section = 'supervisord';
  const here = { expansions: new Map([['here', ctx.here]]) };
  const get = <D, T>(key: string, dflt: D, fn: (v: string | NoInfer<D>) => T) => getConv(ctx, section, key, dflt, fn, here);
  const minfds = get('minfds', 1024, integer);
  const minprocs = get('minprocs', 200, integer);
  const directory = get('directory', null as string | null, (v) => (v === null ? null : existingDirectory(v, ctx.cwd, ctx.env)));
  const user = get('user', null as string | null, (v) => v);
  const umask = get('umask', '022', octalType);
  const logfile = get('logfile', 'supervisord.log', (v) => existingDirpath(v, ctx.cwd, ctx.env));
  const logfileMaxbytes = get('logfile_maxbytes', '50MB', byteSize);
  const logfileBackups = get('logfile_backups', 10, integer);
  const loglevel = get('loglevel', 'info', loggingLevel);
  const pidfile = get('pidfile', 'supervisord.pid', (v) => existingDirpath(v, ctx.cwd, ctx.env));
  const identifier = get('identifier', 'supervisor', (v) => v);
  const nodaemon = get('nodaemon', 'false', boolean);
  const silent = get('silent', 'false', boolean);
  const childlogdir = get('childlogdir', pyTempdir(ctx.env, ctx.cwd), (v) => existingDirectory(v, ctx.cwd, ctx.env));
  const nocleanup = get('nocleanup', 'false', boolean);
  const stripAnsi = get('strip_ansi', 'false', boolean);
  // 4.2.5 expands environment= twice: once as an option, once more with host_node_name.
  const envGot = saneget(ctx, section, 'environment', '', here);
  const envPos = envGot.pos ?? ctx.parser.sectionPos(section);
  const names = combine(new Map([['here', ctx.here], ['host_node_name', ctx.hostNodeName]]), ctx.environExpansions);
  const environment = convert(ctx, section, envPos, () => dictOfKeyValuePairs(expand(envGot.value, names, 'environment', envPos)));
  for (const [k, v] of Object.entries(environment)) ctx.environExpansions.set(`ENV_${k}`, v);
  return {
    logfile,
    logfileMaxbytes,
    logfileBackups,
    loglevel,
    pidfile,
    umask,
    nodaemon,
    silent,
    minfds,
    minprocs,
    nocleanup,
    childlogdir,
    user,
    uid: null,
    gid: null,
    directory,
    stripAnsi,
    environment,
    identifier,
  };
}
