/**
 * Finding and checking a program's executable, as Supervisor's `get_execv_args` and
 * `check_execv_args` do before every spawn (and before startProcess, which maps the failures to
 * NO_FILE / NOT_EXECUTABLE faults).
 */
import { statSync, accessSync, constants as fsConstants, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { ProcessConfig } from '../../src/config/types.js';
import { pyRepr } from '../../src/config/pyrepr.js';

/** Supervisor's PATH when neither the program nor the daemon has one. */
export const DEFAULT_PATH = ['/bin', '/usr/bin', '/usr/local/bin'];

/** The command can be run: the file to exec and the argv (argv[0] as written). */
export interface CommandOk {
  ok: true;
  filename: string;
  argv: string[];
}

/**
 * The command cannot be run. NO_FILE is Supervisor's NotFound; NOT_EXECUTABLE covers its
 * NotExecutable, NoPermission and BadCommand (all three become the NOT_EXECUTABLE fault).
 */
export interface CommandFailure {
  ok: false;
  code: 'NO_FILE' | 'NOT_EXECUTABLE';
  message: string;
}

export type CommandCheck = CommandOk | CommandFailure;

/**
 * The last PATH string split and its parts: every program of a config usually has the same PATH,
 * and splitting it again for each spawn is garbage. Only the string is remembered, never what the
 * directories hold (each spawn still looks the command up afresh, as Supervisor does).
 */
let lastPath: { value: string; dirs: readonly string[] } | null = null;

function splitPath(value: string): readonly string[] {
  if (lastPath?.value !== value) lastPath = { value, dirs: Object.freeze(value.split(':')) };
  return lastPath.dirs;
}

/**
 * The directories searched for an argv0 without `/`: the program's environment PATH if set
 * (program over [supervisord] environment), else the daemon's PATH if non-empty, else the default.
 */
export function searchPath(
  cfg: ProcessConfig,
  daemonEnv: Record<string, string | undefined>,
  globalEnv: Record<string, string> = {},
): readonly string[] {
  const configured = cfg.environment.PATH ?? globalEnv.PATH;
  if (configured !== undefined) return splitPath(configured);
  const inherited = daemonEnv.PATH;
  return inherited ? splitPath(inherited) : DEFAULT_PATH;
}

function tryStat(p: string): Stats | null {
  try {
    // A PATH entry without the name is the common case: answered without building an exception.
    return statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/**
 * Resolve and check the program of `cfg` the way Supervisor does: an argv0 with `/` is used as is,
 * otherwise the first PATH entry where the name exists wins (even if it is a directory or not
 * executable, so that the error names it). Returns the file to exec or a typed failure with
 * Supervisor's text (`can't find command 'x'`, `command at 'x' is a directory`,
 * `command at 'x' is not executable`, `no permission to run command 'x'`, `command is empty`).
 */
export function checkCommand(
  cfg: ProcessConfig,
  daemonEnv: Record<string, string | undefined> = process.env,
  globalEnv: Record<string, string> = {},
): CommandCheck {
  const argv = cfg.argv;
  if (!argv.length) return { ok: false, code: 'NOT_EXECUTABLE', message: 'command is empty' };
  const program = argv[0]!;
  let filename = program;
  let st: Stats | null = null;
  if (program.includes('/')) {
    st = tryStat(program);
  } else {
    for (const dir of searchPath(cfg, daemonEnv, globalEnv)) {
      const found = join(dir, program);
      st = tryStat(found);
      if (st) {
        filename = found;
        break;
      }
    }
  }
  if (!st) return { ok: false, code: 'NO_FILE', message: `can't find command ${pyRepr(filename)}` };
  if (st.isDirectory()) {
    return { ok: false, code: 'NOT_EXECUTABLE', message: `command at ${pyRepr(filename)} is a directory` };
  }
  if ((st.mode & 0o111) === 0) {
    return { ok: false, code: 'NOT_EXECUTABLE', message: `command at ${pyRepr(filename)} is not executable` };
  }
  try {
    accessSync(filename, fsConstants.X_OK);
  } catch {
    return { ok: false, code: 'NOT_EXECUTABLE', message: `no permission to run command ${pyRepr(filename)}` };
  }
  return { ok: true, filename, argv: [...argv] };
}
