/**
 * The state shared while one configuration is turned into a ServerConfig, and Supervisor's
 * `saneget`: read an option (or its default), expand it, and convert it with the key's position
 * attached to any error.
 */
import { dirname } from 'node:path';
import { ConfigError, type ServerConfig, type SourcePos } from './types.js';
import type { IniParser } from './ini.js';
import { combine, envExpansions, expand, hostNodeName, type Expansions } from './expand.js';
import { ValueError, type PyValue } from './pyrepr.js';

/** Everything the section readers need. */
export interface LoadContext {
  parser: IniParser;
  /** Directory of the main config file (absolute). */
  here: string;
  /** The main config file as given (Python uses this spelling in messages). */
  configFileArg: string;
  /** Directory relative paths are resolved against. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** `ENV_*` names; `[supervisord] environment=` adds to it for later sections. */
  environExpansions: Expansions;
  hostNodeName: string;
  messages: ServerConfig['messages'];
}

/** A fresh context for reading the config file `abs` (given as `configFileArg`) with `parser`. */
export function newLoadContext(
  parser: IniParser,
  abs: string,
  configFileArg: string,
  cwd: string,
  env: Record<string, string | undefined>,
): LoadContext {
  return {
    parser,
    here: dirname(abs),
    configFileArg,
    cwd,
    env,
    environExpansions: envExpansions(env),
    hostNodeName: hostNodeName(),
    messages: [],
  };
}

/** An option's value after lookup, with where it was written (null when the default was used). */
export interface Got<T> {
  value: string | T;
  pos: SourcePos | null;
}

/** Options for `saneget`. */
export interface GetOptions {
  /** Expand `%(name)s` (default true). */
  expand?: boolean;
  /** Extra names, added over the ENV_* names. */
  expansions?: Expansions;
}

/**
 * Supervisor's `UnhosedConfigParser.saneget`: the value of `section.key` (or `dflt` when absent),
 * expanded when it is a string. The position is the key's, or the section's for a default.
 */
export function saneget<T>(ctx: LoadContext, section: string, key: string, dflt: T, opts: GetOptions = {}): Got<T> {
  const raw = ctx.parser.getValue(section, key);
  const pos = raw ? { file: raw.file, line: raw.line } : null;
  const value: string | T = raw ? raw.value : dflt;
  // Without a '%' Python's `value % names` is the value itself: skip building the names (500 programs
  // have ~20,000 options, each would copy every ENV_* name).
  if (opts.expand !== false && typeof value === 'string' && value.includes('%')) {
    const names = combine(ctx.environExpansions, opts.expansions ?? new Map<string, PyValue>());
    return { value: expand(value, names, `${section}.${key}`, pos ?? ctx.parser.sectionPos(section)), pos };
  }
  return { value, pos };
}

/**
 * Run a converter; a ValueError becomes a ConfigError at `pos` (or the section's position),
 * so every message names where the bad value is.
 */
export function convert<T>(ctx: LoadContext, section: string | null, pos: SourcePos | null, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValueError) {
      throw new ConfigError(e.message, pos ?? (section ? ctx.parser.sectionPos(section) : null));
    }
    throw e;
  }
}

/** `saneget` then a converter, errors positioned at the key. */
export function getConv<T, D>(
  ctx: LoadContext,
  section: string,
  key: string,
  dflt: D,
  fn: (v: string | NoInfer<D>) => T,
  opts: GetOptions = {},
): T {
  const got = saneget(ctx, section, key, dflt, opts);
  return convert(ctx, section, got.pos, () => fn(got.value));
}
