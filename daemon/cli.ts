/**
 * supervisord's command line (reference b.1), parsed with Python `getopt.getopt` semantics:
 * short options take attached (`-cFILE`) or separate values and can be bundled (`-nk`); long options
 * take `--opt=value` or a separate value and may be abbreviated to a unique prefix; parsing stops at the
 * first non-option (or `--`), and anything left over is a positional-argument error. Then the options
 * are applied in order, as Supervisor's `Options.realize` does: a value converter failing gives
 * `invalid value for -x 'v': msg`, an option given twice gives `conflicting command line option '-x'`,
 * and -h / -v act when they are reached.
 */
import {
  byteSize,
  existingDirectory,
  existingDirpath,
  integer,
  loggingLevel,
  octalType,
  profileOptions,
} from '../src/config/datatypes.js';
import { pyRepr } from '../src/config/pyrepr.js';

/** The version supervisord reports (`-v`, getSupervisorVersion). */
export const SUPERVISOR_VERSION = '4.2.5';

/** A command-line error: main prints `Error: <message>` and `For help, use <argv0> -h`, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--profile_options` parsed as Supervisor does: sort keys, and whether `callers` was asked. */
export type ProfileOptions = ReturnType<typeof profileOptions>;

/** Values given on the command line; absent keys were not given (the config file decides). */
export interface CommandLine {
  configFile?: string;
  nodaemon?: boolean;
  silent?: boolean;
  user?: string;
  umask?: number;
  directory?: string;
  logfile?: string;
  logfileMaxbytes?: number;
  logfileBackups?: number;
  loglevel?: string;
  pidfile?: string;
  identifier?: string;
  childlogdir?: string;
  minfds?: number;
  minprocs?: number;
  nocleanup?: boolean;
  stripAnsi?: boolean;
  profileOptions?: ProfileOptions;
  /** Our flags: load the config, report, exit. */
  checkConfig?: boolean;
  dumpConfig?: boolean;
}

export type CliResult = { action: 'help' } | { action: 'version' } | { action: 'run'; options: CommandLine };

type Key = keyof CommandLine;

interface OptionSpec {
  /** Short letter, or '' for long-only options. */
  short: string;
  long: string;
  takesValue: boolean;
  /** Where the value goes; help/version have none. */
  key?: Key;
  action?: 'help' | 'version';
  /** Converts the raw value; throws Error(message) on a bad value. */
  convert?: (raw: string) => unknown;
  /** Our extensions: matched only when spelled out, so Supervisor's unique prefixes stay unique. */
  exactOnly?: boolean;
}

// Relative paths are checked against the CWD, as Python's os.path functions do.
const dirpath = (v: string) => existingDirpath(v, process.cwd());
const directory = (v: string) => existingDirectory(v, process.cwd());

/** Supervisor's options in the order of `ServerOptions.__init__`, then ours. */
const OPTIONS: OptionSpec[] = [
  { short: 'h', long: 'help', takesValue: false, action: 'help' },
  { short: '?', long: '', takesValue: false, action: 'help' },
  { short: 'c', long: 'configuration', takesValue: true, key: 'configFile' },
  { short: 'v', long: 'version', takesValue: false, action: 'version' },
  { short: 'n', long: 'nodaemon', takesValue: false, key: 'nodaemon' },
  { short: 'u', long: 'user', takesValue: true, key: 'user' },
  { short: 'm', long: 'umask', takesValue: true, key: 'umask', convert: octalType },
  { short: 'd', long: 'directory', takesValue: true, key: 'directory', convert: directory },
  { short: 'l', long: 'logfile', takesValue: true, key: 'logfile', convert: dirpath },
  { short: 'y', long: 'logfile_maxbytes', takesValue: true, key: 'logfileMaxbytes', convert: byteSize },
  { short: 'z', long: 'logfile_backups', takesValue: true, key: 'logfileBackups', convert: integer },
  { short: 'e', long: 'loglevel', takesValue: true, key: 'loglevel', convert: loggingLevel },
  { short: 'j', long: 'pidfile', takesValue: true, key: 'pidfile', convert: dirpath },
  { short: 'i', long: 'identifier', takesValue: true, key: 'identifier' },
  { short: 'q', long: 'childlogdir', takesValue: true, key: 'childlogdir', convert: directory },
  { short: 'a', long: 'minfds', takesValue: true, key: 'minfds', convert: integer },
  { short: '', long: 'minprocs', takesValue: true, key: 'minprocs', convert: integer },
  { short: 'k', long: 'nocleanup', takesValue: false, key: 'nocleanup' },
  { short: 't', long: 'strip_ansi', takesValue: false, key: 'stripAnsi' },
  { short: '', long: 'profile_options', takesValue: true, key: 'profileOptions', convert: profileOptions },
  { short: 's', long: 'silent', takesValue: false, key: 'silent' },
  { short: '', long: 'check-config', takesValue: false, key: 'checkConfig', exactOnly: true },
  { short: '', long: 'dump-config', takesValue: false, key: 'dumpConfig', exactOnly: true },
];

/** One option occurrence as getopt returns it: the option as written in full (`-c`, `--configuration`). */
interface Occurrence {
  opt: string;
  spec: OptionSpec;
  value: string;
}

function findLong(name: string): OptionSpec {
  const exact = OPTIONS.find((o) => o.long && o.long === name);
  if (exact) return exact;
  const candidates = OPTIONS.filter((o) => o.long && !o.exactOnly && o.long.startsWith(name));
  if (candidates.length === 0) throw new UsageError(`option --${name} not recognized`);
  if (candidates.length > 1) throw new UsageError(`option --${name} not a unique prefix`);
  return candidates[0]!;
}

function findShort(letter: string): OptionSpec {
  const spec = OPTIONS.find((o) => o.short === letter);
  if (!spec) throw new UsageError(`option -${letter} not recognized`);
  return spec;
}

/** Python getopt.getopt: collect option occurrences up to the first non-option; return the rest. */
function getopt(argv: string[]): { found: Occurrence[]; rest: string[] } {
  const found: Occurrence[] = [];
  let args = [...argv];
  while (args.length && args[0]!.startsWith('-') && args[0] !== '-') {
    const arg = args.shift()!;
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
      const spec = findLong(name);
      if (spec.takesValue) {
        if (value === undefined) {
          if (!args.length) throw new UsageError(`option --${spec.long} requires argument`);
          value = args.shift()!;
        }
      } else if (value !== undefined) {
        throw new UsageError(`option --${spec.long} must not have an argument`);
      }
      found.push({ opt: `--${spec.long}`, spec, value: value ?? '' });
      continue;
    }
    let letters = arg.slice(1);
    while (letters) {
      const letter = letters[0]!;
      letters = letters.slice(1);
      const spec = findShort(letter);
      let value = '';
      if (spec.takesValue) {
        if (letters === '') {
          if (!args.length) throw new UsageError(`option -${letter} requires argument`);
          letters = args.shift()!;
        }
        value = letters;
        letters = '';
      }
      found.push({ opt: `-${letter}`, spec, value });
    }
  }
  return { found, rest: args };
}

/**
 * Parse supervisord's arguments (without argv0). Throws UsageError with Supervisor's message.
 * `-h`/`-v` win only when reached before an error in a later option, as in Supervisor.
 */
export function parseCommandLine(argv: string[]): CliResult {
  const { found, rest } = getopt(argv);
  if (rest.length) throw new UsageError(`positional arguments are not supported: ${pyListRepr(rest)}`);
  const options: CommandLine = {};
  for (const { opt, spec, value } of found) {
    if (spec.action) return { action: spec.action };
    let converted: unknown = spec.takesValue ? value : true;
    if (spec.convert) {
      try {
        converted = spec.convert(value);
      } catch (err) {
        throw new UsageError(`invalid value for ${opt} ${pyRepr(value)}: ${(err as Error).message}`);
      }
    }
    const key = spec.key!;
    if (options[key] !== undefined) throw new UsageError(`conflicting command line option ${pyRepr(opt)}`);
    (options as Record<string, unknown>)[key] = converted;
  }
  return { action: 'run', options };
}

function pyListRepr(items: string[]): string {
  return `[${items.map(pyRepr).join(', ')}]`;
}

/** The `-h` text; `%s` is replaced by argv0 as Supervisor does. */
export const HELP_TEXT = `supervisord -- start and watch a set of programs, as Supervisor 4.2.5 does.

Usage: %s [options]

Options:
-c/--configuration FILE   the configuration file (without it: ./supervisord.conf,
                          ./etc/supervisord.conf, /etc/supervisord.conf,
                          /etc/supervisor/supervisord.conf, and the two next to
                          the program, first found wins)
-n/--nodaemon             stay in the foreground (config: nodaemon=true)
-s/--silent               with -n, do not copy the activity log to stdout
                          (config: silent=true)
-h/--help, -?             show this text and exit
-v/--version              print the supervisord version and exit
-u/--user USER            switch to this user (name or numeric uid) at startup
-m/--umask UMASK          octal umask of the daemon once it has detached
                          (default 022)
-d/--directory DIR        change to this directory once detached
-l/--logfile FILE         the activity log (or 'syslog')
-y/--logfile_maxbytes N   rotate the activity log at this size (KB/MB/GB
                          suffixes; 0 = never)
-z/--logfile_backups N    how many rotated activity logs to keep
-e/--loglevel LEVEL       critical, error, warn, info, debug, trace or blather
-j/--pidfile FILE         where to write the daemon's pid
-i/--identifier STR       the name this supervisord reports to clients
-q/--childlogdir DIR      where AUTO child logs are created
-k/--nocleanup            keep old AUTO child logs at startup
-a/--minfds N             raise the open-file limit to at least N, or refuse to
                          start
-t/--strip_ansi           remove ANSI escape sequences from child logs
--minprocs N              raise the process limit to at least N, or refuse to
                          start
--profile_options LIST    profile the daemon and print the statistics at exit;
                          LIST is a comma list of cumulative, calls and/or
                          callers, e.g. 'cumulative,callers'
--check-config            read the configuration, print 'FILE: configuration OK'
                          or the error, and exit (0 or 2)
--dump-config             print the effective configuration as JSON and exit
`;

/** The help text for `argv0`. */
export function helpText(argv0: string): string {
  return HELP_TEXT.replaceAll('%s', argv0);
}
