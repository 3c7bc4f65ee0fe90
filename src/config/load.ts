/**
 * `loadConfig`: read a `supervisord.conf` (and its includes) into a ServerConfig exactly as
 * Supervisor 4.2.5's `ServerOptions.read_config` + `realize` do, throwing ConfigError.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError, type ServerConfig, type SupervisordConfig } from './types.js';
import { IniParser } from './ini.js';
import { combine, expand } from './expand.js';
import { convert, newLoadContext, type LoadContext } from './context.js';
import { gidForUid, nameToUid, pyJoin } from './datatypes.js';
import { glob } from './glob.js';
import { pySplit } from './pyrepr.js';
import { processGroupsFromParser } from './programs.js';
import { normalizePath, rpcInterfacesFromParser, serverConfigsFromParser, supervisorctlSection } from './servers.js';
import { findConfigFile, noConfigFoundMessage } from './search.js';
import { readConfigText } from './read-file.js';
import { supervisordSection } from './supervisord.js';
import { zmqServerConfig } from './zmq.js';

/** What `loadConfig` needs; everything defaults to this process's own. */
export interface LoadOptions {
  /** `-c FILE`; without it the default paths are searched. */
  configFile?: string;
  cwd?: string;
  /** The program path, for the search (`dirname(dirname(argv0))`). */
  argv0?: string;
  env?: Record<string, string | undefined>;
  /**
   * Command-line values, already converted (the daemon converts them with datatypes.ts); they win
   * over the file. `logfile`, `pidfile` and `childlogdir` are normalised, `user` resolved, after.
   */
  overrides?: Partial<SupervisordConfig>;
}

/** `[include] files=`: globs relative to the main file, each glob's matches read in sorted order. */
function readIncludes(ctx: LoadContext, filesRead: string[]): void {
  const { parser } = ctx;
  if (!parser.has('include')) return;
  parser.expandHere(ctx.here);
  const files = parser.getValue('include', 'files');
  if (!files) {
    throw new ConfigError('.ini file has [include] section, but no files setting', parser.sectionPos('include'));
  }
  const pos = { file: files.file, line: files.line };
  const names = combine(new Map([['here', ctx.here], ['host_node_name', ctx.hostNodeName]]), ctx.environExpansions);
  for (const p of pySplit(expand(files.value, names, 'include.files', pos))) {
    const pattern = pyJoin(ctx.here, p);
    const matches = glob(pattern);
    if (!matches.length) {
      ctx.messages.push({ level: 'warn', text: `No file matches via include "${pattern}"` });
      continue;
    }
    for (const filename of matches.sort()) {
      ctx.messages.push({ level: 'info', text: `Included extra file "${filename}" during parsing` });
      if (parser.read(filename)) {
        filesRead.push(filename);
        // Each included file's %(here)s is its own directory.
        parser.expandHere(resolve(dirname(filename)));
      }
    }
  }
}

/** Fill in what `realize()` derives: absolute paths, the uid/gid of `user`. */
function realize(ctx: LoadContext, parsed: SupervisordConfig, overrides: Partial<SupervisordConfig>): SupervisordConfig {
  const s: SupervisordConfig = { ...parsed, ...overrides };
  if (s.logfile !== 'syslog') s.logfile = normalizePath(s.logfile, ctx.cwd, ctx.env);
  s.pidfile = normalizePath(s.pidfile, ctx.cwd, ctx.env);
  s.childlogdir = resolve(ctx.cwd, s.childlogdir);
  if (s.directory !== null) s.directory = resolve(ctx.cwd, s.directory);
  if (s.user !== null && (overrides.uid === undefined || overrides.uid === null)) {
    const at = ctx.parser.getValue('supervisord', 'user');
    const pos = 'user' in overrides || !at ? null : { file: at.file, line: at.line };
    const uid = convert(ctx, null, pos, () => nameToUid(s.user!));
    s.uid = uid;
    s.gid = convert(ctx, null, pos, () => gidForUid(uid));
  }
  return s;
}

/** The fallback SUPERVISOR_SERVER_URL: the first unix server, else the first inet one. */
function fallbackServerurl(cfg: Pick<ServerConfig, 'httpServers'>): string | null {
  const unix = cfg.httpServers.find((s) => s.family === 'unix');
  if (unix) return `unix://${unix.file}`;
  const inet = cfg.httpServers.find((s) => s.family === 'inet');
  if (inet) return `http://${inet.host || 'localhost'}:${inet.port}`;
  return null;
}

/**
 * Load the supervisord configuration. Throws ConfigError with Supervisor's message (and the
 * position of the offending key when known).
 */
export function loadConfig(opts: LoadOptions = {}): ServerConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const argv0 = opts.argv0 ?? process.argv[1] ?? 'supervisord';
  const fileArg = opts.configFile ?? findConfigFile(argv0, cwd);
  if (fileArg === null) throw new ConfigError(noConfigFoundMessage(argv0));
  const abs = resolve(cwd, fileArg);
  const parser = new IniParser();
  const ctx = newLoadContext(parser, abs, fileArg, cwd, env);
  parser.readString(readConfigText(abs, fileArg), fileArg, abs);
  const filesRead = [abs];
  readIncludes(ctx, filesRead);
  if (!parser.has('supervisord')) throw new ConfigError('.ini file does not include supervisord section');

  const parsed = supervisordSection(ctx);
  const rpcinterfaces = rpcInterfacesFromParser(ctx);
  const groups = processGroupsFromParser(ctx);
  const httpServers = serverConfigsFromParser(ctx);
  const supervisorctl = parser.has('supervisorctl') ? supervisorctlSection(ctx) : null;
  const supervisord = realize(ctx, parsed, opts.overrides ?? {});
  const serverurl = fallbackServerurl({ httpServers });
  // serverurl=AUTO (or none) means Supervisor's fallback URL.
  for (const g of groups) for (const p of g.processes) if (p.serverurl === null) p.serverurl = serverurl;
  const zmq = zmqServerConfig(ctx, httpServers, supervisord.pidfile);
  return {
    configFile: abs,
    filesRead,
    supervisord,
    supervisorctl,
    httpServers,
    zmq,
    rpcinterfaces,
    groups,
    // supervisord logs parse_criticals, then parse_warnings, then parse_infos.
    messages: (['critical', 'warn', 'info'] as const).flatMap((level) => ctx.messages.filter((m) => m.level === level)),
  };
}
