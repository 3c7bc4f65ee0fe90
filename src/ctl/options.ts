/**
 * supervisorctl's command line, read as Supervisor reads it: Python getopt (options stop at the first
 * word that is not one; `--long` options may be abbreviated to a unique prefix), then each option in
 * order (-h prints the usage; a repeated option is a conflict; -s must be a URL).
 */
import { urlScheme } from './url.js';
import { pyRepr } from './pyformat.js';

/** What the command line asked for. */
export interface CtlCommandLine {
  configFile: string | null;
  interactive: boolean;
  serverurl: string | null;
  username: string | null;
  password: string | null;
  historyFile: string | null;
  /** The action and its arguments (empty: start a shell). */
  args: string[];
}

/** The outcome of parsing: options, a request for the usage text, or a usage error. */
export type ParseResult = { kind: 'ok'; options: CtlCommandLine } | { kind: 'help' } | { kind: 'error'; message: string };

type Key = 'help' | 'configFile' | 'interactive' | 'serverurl' | 'username' | 'password' | 'historyFile';

interface OptionSpec {
  key: Key;
  short: string | null;
  /** Long names; the first is canonical. */
  long: string[];
  takesValue: boolean;
}

const SPECS: OptionSpec[] = [
  { key: 'help', short: 'h', long: ['help'], takesValue: false },
  { key: 'help', short: '?', long: [], takesValue: false },
  { key: 'configFile', short: 'c', long: ['configuration'], takesValue: true },
  { key: 'interactive', short: 'i', long: ['interactive'], takesValue: false },
  { key: 'serverurl', short: 's', long: ['serverurl'], takesValue: true },
  { key: 'username', short: 'u', long: ['username'], takesValue: true },
  { key: 'password', short: 'p', long: ['password'], takesValue: true },
  // Supervisor's code spells it --history_file; its usage text says --history-file. Both work here.
  { key: 'historyFile', short: 'r', long: ['history_file', 'history-file'], takesValue: true },
];

class GetoptError extends Error {}

/** Finds the long option `name` names, exactly or by a unique prefix (Python getopt's long_has_args). */
function findLong(name: string): { spec: OptionSpec; full: string } {
  const hits: { spec: OptionSpec; full: string }[] = [];
  for (const spec of SPECS) for (const full of spec.long) if (full.startsWith(name)) hits.push({ spec, full });
  if (!hits.length) throw new GetoptError(`option --${name} not recognized`);
  const exact = hits.find((h) => h.full === name);
  if (exact) return exact;
  // Two spellings of one option are not an ambiguity.
  if (new Set(hits.map((h) => h.spec)).size > 1) throw new GetoptError(`option --${name} not a unique prefix`);
  return hits[0]!;
}

function findShort(ch: string): OptionSpec {
  const spec = SPECS.find((s) => s.short === ch);
  if (!spec) throw new GetoptError(`option -${ch} not recognized`);
  return spec;
}

/** Python's getopt.getopt: the (option, value) pairs in order, and the remaining words. */
function getopt(argv: readonly string[]): { opts: { opt: string; spec: OptionSpec; value: string }[]; rest: string[] } {
  const opts: { opt: string; spec: OptionSpec; value: string }[] = [];
  const args = [...argv];
  while (args.length && args[0]!.startsWith('-') && args[0] !== '-') {
    const arg = args.shift()!;
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let value: string | null = eq === -1 ? null : arg.slice(eq + 1);
      const { spec, full } = findLong(name);
      if (spec.takesValue) {
        if (value === null) {
          if (!args.length) throw new GetoptError(`option --${full} requires argument`);
          value = args.shift()!;
        }
      } else if (value !== null) {
        throw new GetoptError(`option --${full} must not have an argument`);
      }
      opts.push({ opt: `--${full}`, spec, value: value ?? '' });
      continue;
    }
    let chars = arg.slice(1);
    while (chars) {
      const ch = chars[0]!;
      chars = chars.slice(1);
      const spec = findShort(ch);
      let value = '';
      if (spec.takesValue) {
        if (!chars) {
          if (!args.length) throw new GetoptError(`option -${ch} requires argument`);
          chars = args.shift()!;
        }
        value = chars;
        chars = '';
      }
      opts.push({ opt: `-${ch}`, spec, value });
    }
  }
  return { opts, rest: args };
}

/** Supervisor's `url` check: urlparse must find a scheme and a host or a path. */
function checkUrl(value: string): string | null {
  const scheme = urlScheme(value);
  let rest = scheme ? value.slice(scheme.length + 1) : '';
  if (rest.startsWith('//')) rest = rest.slice(2);
  rest = rest.replace(/[?#].*$/s, '');
  return scheme && rest ? null : `value ${pyRepr(value)} is not a URL`;
}

/** Parses supervisorctl's arguments (without the program name). */
export function parseCtlArgs(argv: readonly string[]): ParseResult {
  let parsed;
  try {
    parsed = getopt(argv);
  } catch (e) {
    if (e instanceof GetoptError) return { kind: 'error', message: e.message };
    throw e;
  }
  const o: CtlCommandLine = {
    configFile: null,
    interactive: false,
    serverurl: null,
    username: null,
    password: null,
    historyFile: null,
    args: parsed.rest,
  };
  const seen = new Set<Key>();
  for (const { opt, spec, value } of parsed.opts) {
    if (spec.key === 'help') return { kind: 'help' };
    if (spec.key === 'serverurl') {
      const bad = checkUrl(value);
      if (bad) return { kind: 'error', message: `invalid value for ${opt} ${pyRepr(value)}: ${bad}` };
    }
    if (seen.has(spec.key)) return { kind: 'error', message: `conflicting command line option ${pyRepr(opt)}` };
    seen.add(spec.key);
    if (spec.key === 'interactive') o.interactive = true;
    else o[spec.key] = value;
  }
  return { kind: 'ok', options: o };
}

/** The -h text (`%s` is the program name). */
export const USAGE = `supervisorctl -- control applications run by supervisord from the command line.

Usage: %s [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searched for if not given)
-h/--help -- print this usage message and exit
-i/--interactive -- use the classic "supervisor>" shell; with an action, ask for
     confirmation before shutdown and reload
-s/--serverurl URL -- URL on which supervisord server is listening
     (default "http://localhost:9001"; unix://, ipc:// and tcp:// also work).
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history_file FILENAME -- keep the shell's line history in FILENAME

action [arguments] -- see below

Actions are commands like "tail" or "stop".  With no action, a shell reading
actions typed interactively (or given on standard input) is started.  Use the
action "help" to find out about available actions.
`;

/** The usage text for `progname`. */
export function usageText(progname: string): string {
  return USAGE.replaceAll('%s', progname) + '\n';
}
