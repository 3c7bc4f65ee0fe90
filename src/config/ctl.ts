/**
 * `loadCtlConfig`: supervisorctl's reading of the config (options.py `ClientOptions.read_config`):
 * the same search as supervisord but no file is fine; a file must have `[supervisorctl]`;
 * `[include]` is ignored.
 */
import { resolve } from 'node:path';
import { ConfigError, type SupervisorctlConfig } from './types.js';
import { IniParser } from './ini.js';
import { newLoadContext, saneget } from './context.js';
import { CTL_DEFAULTS, supervisorctlSection } from './ctl-section.js';
import { findConfigFile } from './search.js';
import { readConfigText } from './read-file.js';

// Only what supervisorctl needs: not the server sections, programs, globbing or users' groups.
/** supervisorctl's `-r FILE` is normalized as the config's paths are. */
export { normalizePath } from './paths.js';

/** What `loadCtlConfig` needs; everything defaults to this process's own. */
export interface CtlLoadOptions {
  /** `-c FILE`; without it the default paths are searched. */
  configFile?: string;
  cwd?: string;
  argv0?: string;
  env?: Record<string, string | undefined>;
}

/** supervisorctl's settings, the file they came from (null: none found), and warnings to print. */
export interface CtlConfigResult {
  file: string | null;
  ctl: SupervisorctlConfig;
  /** `[ctlplugin:x]` sections cannot load (they are Python code): one warning each. */
  messages: string[];
}

/** Load supervisorctl's configuration; throws ConfigError with Supervisor's messages. */
export function loadCtlConfig(opts: CtlLoadOptions = {}): CtlConfigResult {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const argv0 = opts.argv0 ?? process.argv[1] ?? 'supervisorctl';
  const fileArg = opts.configFile ?? findConfigFile(argv0, cwd);
  if (fileArg === null) return { file: null, ctl: { ...CTL_DEFAULTS }, messages: [] };
  const abs = resolve(cwd, fileArg);
  const parser = new IniParser();
  parser.readString(readConfigText(abs, fileArg), fileArg, abs);
  if (!parser.has('supervisorctl')) throw new ConfigError('.ini file does not include supervisorctl section');
  const ctx = newLoadContext(parser, abs, fileArg, cwd, env);
  const ctl = supervisorctlSection(ctx);
  // Our extension (Python's supervisorctl ignores unknown keys): taken literally, no %(x)s expansion.
  ctl.detachKey = saneget(ctx, 'supervisorctl', 'detach_key', null as string | null, { expand: false }).value;
  const messages: string[] = [];
  const key = 'supervisor.ctl_factory';
  for (const section of parser.sectionNames()) {
    if (!section.startsWith('ctlplugin:')) continue;
    const factory = saneget(ctx, section, key, null as string | null).value;
    if (factory === null) throw new ConfigError(`section [${section}] does not specify a ${key}`, parser.sectionPos(section));
    messages.push(`[${section}] ${key} ${factory} is Python code and cannot be loaded; its commands are not available`);
  }
  return { file: abs, ctl, messages };
}
