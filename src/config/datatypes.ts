/**
 * The value converters of Supervisor 4.2.5 (`supervisor/datatypes.py`), with its exact messages.
 * Each throws ValueError (Python's text); callers add the section suffix and the position.
 */
import { isAbsolute, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { pyInt, pyIntOrNull, pyRepr, pyStrip, ValueError } from './pyrepr.js';
import { shlexTokens } from './shlex.js';
import { getgrgid, getgrnam, getpwnam, getpwuid } from './users.js';
import { expandUser, pyDirname } from './paths.js';
import type { AutoRestart, LogfileSetting } from './types.js';
import { LogLevels } from '../api/log-levels.js';

export { ValueError };

/** `process_or_group_name`: stripped; no space, colon or slash. */
export function processOrGroupName(name: string): string {
  const s = pyStrip(name);
  for (const ch of ' :/') {
    if (s.includes(ch)) throw new ValueError(`Invalid name: ${pyRepr(name)} because of character: ${pyRepr(ch)}`);
  }
  return s;
}

/** `integer`: Python's `int()` of a string (a number default passes through). */
export function integer(value: string | number): number {
  return typeof value === 'number' ? value : pyInt(value);
}

const TRUTHY = ['yes', 'true', 'on', '1'];
const FALSY = ['no', 'false', 'off', '0'];

/** `boolean`: yes/true/on/1 or no/false/off/0, any case. */
export function boolean(s: string | boolean): boolean {
  const ss = typeof s === 'boolean' ? (s ? 'true' : 'false') : s.toLowerCase();
  if (TRUTHY.includes(ss)) return true;
  if (FALSY.includes(ss)) return false;
  throw new ValueError(`not a valid boolean value: ${typeof s === 'boolean' ? (s ? 'True' : 'False') : pyRepr(s)}`);
}

/** `list_of_strings`: a comma list, each item stripped; empty gives []. */
export function listOfStrings(arg: string | null): string[] {
  if (!arg) return [];
  return arg.split(',').map(pyStrip);
}

/** `list_of_exitcodes`: a comma list of ints 0..255. */
export function listOfExitcodes(arg: string): number[] {
  try {
    if (!arg) return [];
    const vals = arg.split(',').map((v) => pyInt(v));
    for (const v of vals) if (v > 255 || v < 0) throw new ValueError(`Invalid exit code "${v}"`);
    return vals;
  } catch {
    throw new ValueError(`not a valid list of exit codes: ${pyRepr(arg)}`);
  }
}

/**
 * `dict_of_key_value_pairs` (4.2.5): `KEY=val,KEY2="v,2"` read with a non-POSIX shlex whose word
 * characters include `/.+-():`. Every fourth token is skipped whatever it is (normally `,`), and
 * quotes are stripped from both ends of each value.
 */
export function dictOfKeyValuePairs(arg: string): Record<string, string> {
  const tokens = shlexTokens(arg, '/.+-():');
  const out: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i += 4) {
    const kv = tokens.slice(i, i + 3);
    if (kv.length !== 3 || kv[1] !== '=') {
      throw new ValueError(`Unexpected end of key/value pairs in value '${arg}'`);
    }
    out[kv[0]!] = kv[2]!.replace(/^['"]+|['"]+$/g, '');
  }
  return out;
}

/** A logfile value: a path (existing parent dir), AUTO, NONE/OFF, or the deprecated `syslog`. */
export function logfileName(val: string, cwd: string, env: Record<string, string | undefined> = process.env): LogfileSetting | 'syslog' {
  const coerced = val.toLowerCase();
  if (coerced === 'none' || coerced === 'off') return { kind: 'none' };
  if (coerced === 'auto') return { kind: 'auto' };
  if (coerced === 'syslog') return 'syslog';
  return { kind: 'path', path: resolve(cwd, existingDirpath(val, cwd, env)) };
}

/** `port_number`: an int from 1 to 65535. */
export function portNumber(s: string | number): number {
  const v = integer(s);
  if (v < 1) throw new ValueError(`${v} is below lower bound (1)`);
  if (v > 0xffff) throw new ValueError(`${v} is above upper bound (65535)`);
  return v;
}

/** `inet_address`: `host:port`, `:port`, `*:port` or `port`; an empty host or `*` means all. */
export function inetAddress(s: string): { host: string; port: number } {
  let host = '';
  let port: number;
  const colon = s.lastIndexOf(':');
  if (colon !== -1) {
    host = s.slice(0, colon);
    const rest = s.slice(colon + 1);
    // Python rebinds `s` before formatting, so the message always shows ''.
    if (!rest) throw new ValueError(`no port number specified in ''`);
    port = portNumber(rest);
    host = host.toLowerCase();
  } else {
    try {
      port = portNumber(s);
    } catch {
      throw new ValueError(`not a valid port number: ${pyRepr(s)} `);
    }
  }
  if (!host || host === '*') host = '';
  return { host, port };
}

/** `name_to_uid`: a user name or a numeric uid that exists. */
export function nameToUid(name: string): number {
  // Not a number: a name (tested without an exception: names are the common case).
  const uid = pyIntOrNull(name);
  if (uid === null) {
    const rec = getpwnam(name);
    if (!rec) throw new ValueError(`Invalid user name ${name}`);
    return rec.uid;
  }
  if (!getpwuid(uid)) throw new ValueError(`Invalid user id ${name}`);
  return uid;
}

/** `name_to_gid`: a group name or a numeric gid that exists. */
export function nameToGid(name: string): number {
  const gid = pyIntOrNull(name);
  if (gid === null) {
    const rec = getgrnam(name);
    if (!rec) throw new ValueError(`Invalid group name ${name}`);
    return rec.gid;
  }
  if (!getgrgid(gid)) throw new ValueError(`Invalid group id ${name}`);
  return gid;
}

/** `gid_for_uid`: the primary group of a uid (which must exist). */
export function gidForUid(uid: number): number {
  const rec = getpwuid(uid);
  if (!rec) throw new ValueError(`getpwuid(): uid not found: ${uid}`);
  return rec.gid;
}

/** `colon_separated_user_group`: `user` → [uid, -1], `user:group` → [uid, gid]. */
export function colonSeparatedUserGroup(arg: string): [number, number] {
  try {
    const i = arg.indexOf(':');
    if (i === -1) return [nameToUid(arg), -1];
    return [nameToUid(arg.slice(0, i)), nameToGid(arg.slice(i + 1))];
  } catch {
    throw new ValueError(`Invalid user:group definition ${arg}`);
  }
}

/** `octal_type`: `int(arg, 8)`. */
export function octalType(arg: string): number {
  try {
    return pyInt(arg, 8);
  } catch {
    throw new ValueError(`${arg} can not be converted to an octal type`);
  }
}

export { expandUser, pyDirname, pyJoin } from './paths.js';

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `existing_directory`: `~` expanded; must be a directory (relative to `cwd`). */
export function existingDirectory(v: string, cwd: string, env: Record<string, string | undefined> = process.env): string {
  const nv = expandUser(v, env);
  if (isDir(resolve(cwd, nv))) return nv;
  throw new ValueError(`${v} is not an existing directory`);
}

/** `existing_dirpath`: `~` expanded; the directory part (if any) must exist. */
export function existingDirpath(v: string, cwd: string, env: Record<string, string | undefined> = process.env): string {
  const nv = expandUser(v, env);
  const dir = pyDirname(nv);
  if (!dir) return nv;
  if (isDir(isAbsolute(dir) ? dir : resolve(cwd, dir))) return nv;
  throw new ValueError(`The directory named as part of the path ${v} does not exist`);
}

/** `logging_level`: one of critical/error/warn/info/debug/trace/blather (any case); returns the name. */
export function loggingLevel(value: string): string {
  const s = value.toLowerCase();
  if (!Object.hasOwn(LogLevels, s)) throw new ValueError(`bad logging level name ${pyRepr(value)}`);
  return s;
}

/** `byte_size`: an int with an optional KB/MB/GB suffix (1024-based, any case). */
export function byteSize(v: string): number {
  const lv = v.toLowerCase();
  const mult: [string, number][] = [
    ['kb', 1024],
    ['mb', 1024 * 1024],
    ['gb', 1024 * 1024 * 1024],
  ];
  for (const [suffix, m] of mult) if (lv.endsWith(suffix)) return pyInt(lv.slice(0, -2)) * m;
  return pyInt(lv);
}

/** `url`: something urlparse sees a scheme and a netloc or path in (supervisorctl -s). */
export function url(value: string): string {
  const i = value.indexOf(':');
  let scheme = '';
  let rest = value;
  if (i > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(value.slice(0, i))) {
    scheme = value.slice(0, i);
    rest = value.slice(i + 1);
  }
  const withoutQuery = rest.replace(/[?#].*$/s, '');
  const netlocOrPath = withoutQuery.startsWith('//') ? withoutQuery.slice(2) : withoutQuery;
  if (scheme && netlocOrPath) return value;
  throw new ValueError(`value ${pyRepr(value)} is not a URL`);
}

/**
 * Python's `signal` module on Linux: every `SIG*` attribute (handlers and sigprocmask constants
 * included, which is why `_DFL` or 0 are accepted by Supervisor).
 */
const PY_SIGNAL_ATTRS: Record<string, number> = {
  SIGABRT: 6, SIGALRM: 14, SIGBUS: 7, SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18, SIGFPE: 8, SIGHUP: 1,
  SIGILL: 4, SIGINT: 2, SIGIO: 29, SIGIOT: 6, SIGKILL: 9, SIGPIPE: 13, SIGPOLL: 29, SIGPROF: 27,
  SIGPWR: 30, SIGQUIT: 3, SIGRTMAX: 64, SIGRTMIN: 34, SIGSEGV: 11, SIGSTKFLT: 16, SIGSTOP: 19,
  SIGSYS: 31, SIGTERM: 15, SIGTRAP: 5, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23,
  SIGUSR1: 10, SIGUSR2: 12, SIGVTALRM: 26, SIGWINCH: 28, SIGXCPU: 24, SIGXFSZ: 25,
  SIG_BLOCK: 0, SIG_DFL: 0, SIG_IGN: 1, SIG_SETMASK: 2, SIG_UNBLOCK: 1,
};
const SIGNUMS = new Set(Object.values(PY_SIGNAL_ATTRS));

/** Canonical names (without SIG) by number; numbers with no name stay decimal strings. */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'HUP', 2: 'INT', 3: 'QUIT', 4: 'ILL', 5: 'TRAP', 6: 'ABRT', 7: 'BUS', 8: 'FPE', 9: 'KILL',
  10: 'USR1', 11: 'SEGV', 12: 'USR2', 13: 'PIPE', 14: 'ALRM', 15: 'TERM', 16: 'STKFLT', 17: 'CHLD',
  18: 'CONT', 19: 'STOP', 20: 'TSTP', 21: 'TTIN', 22: 'TTOU', 23: 'URG', 24: 'XCPU', 25: 'XFSZ',
  26: 'VTALRM', 27: 'PROF', 28: 'WINCH', 29: 'IO', 30: 'PWR', 31: 'SYS',
};

/**
 * `signal_number`: a name with or without SIG (any case) or a number, which must be a real
 * signal. Returns the canonical name without SIG (e.g. 'TERM'), or the number as a string for the
 * few numbers Python accepts that have no plain name (0, 34 = RTMIN, 64 = RTMAX).
 */
export function signalName(value: string): string {
  // A name is the common case (stopsignal=TERM): test for a number without throwing.
  let num = pyIntOrNull(value);
  if (num === null) {
    let name = pyStrip(value).toUpperCase();
    if (!name.startsWith('SIG')) name = 'SIG' + name;
    const n = PY_SIGNAL_ATTRS[name];
    if (n === undefined) throw new ValueError(`value ${pyRepr(value)} is not a valid signal name`);
    num = n;
  }
  if (!SIGNUMS.has(num)) throw new ValueError(`value ${pyRepr(value)} is not a valid signal number`);
  return SIGNAL_NAMES[num] ?? String(num);
}

/** The number of a name produced by `signalName` (for kill). */
export function signalNumberOf(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const n = PY_SIGNAL_ATTRS['SIG' + name];
  if (n === undefined) throw new ValueError(`value ${pyRepr(name)} is not a valid signal name`);
  return n;
}

/** `auto_restart`: false / unexpected / true (any boolean word). */
export function autoRestart(value: string): AutoRestart {
  const v = value.toLowerCase();
  if (TRUTHY.includes(v)) return 'true';
  if (FALSY.includes(v)) return 'false';
  if (v === 'unexpected') return 'unexpected';
  throw new ValueError(`invalid 'autorestart' value ${pyRepr(v)}`);
}

/** `profile_options` (`--profile_options`): sort keys, plus whether `callers` was given. */
export function profileOptions(value: string): { sortOptions: string[]; callers: boolean } {
  const opts = listOfStrings(value).map((x) => x.toLowerCase());
  return { sortOptions: opts.filter((x) => x !== 'callers'), callers: opts.includes('callers') };
}
