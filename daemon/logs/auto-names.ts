/**
 * AUTO child log files (reference b.9): created like Python's `tempfile.mkstemp(prefix, suffix, dir)`
 * when the group is added, and the childlogdir cleanup done at supervisord start unless nocleanup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import type { ChannelLogConfig, ProcessConfig, SupervisordConfig } from '../../src/config/types.js';
import type { Logger } from './logger.js';
import { pyRepr } from '../../src/config/pyrepr.js';
import { osErrorText } from './message-texts.js';

// Python's tempfile._RandomNameSequence alphabet and length.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_';
const RANDOM_LEN = 8;
// tempfile.TMP_MAX: how many names mkstemp tries before giving up.
const TMP_MAX = 10000;

/** The mkstemp prefix Supervisor uses: `<procname>-<channel>---<identifier>-`. */
export function autoLogPrefix(procname: string, channel: 'stdout' | 'stderr', identifier: string): string {
  return `${procname}-${channel}---${identifier}-`;
}

/**
 * Creates a new empty AUTO log file `<procname>-<channel>---<identifier>-XXXXXXXX.log` in `dir`
 * (exclusively, mode 0600, like mkstemp) and returns its absolute path. Throws a one-line Error
 * (Python's OSError text) when the directory is not writable.
 */
export function createAutoLogFile(
  dir: string,
  procname: string,
  channel: 'stdout' | 'stderr',
  identifier: string,
): string {
  const prefix = autoLogPrefix(procname, channel, identifier);
  for (let attempt = 0; attempt < TMP_MAX; attempt++) {
    let rand = '';
    for (let i = 0; i < RANDOM_LEN; i++) rand += ALPHABET[randomInt(ALPHABET.length)];
    const file = path.resolve(dir, `${prefix}${rand}.log`);
    try {
      fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600));
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new Error(osErrorText(e, file));
    }
  }
  throw new Error(`[Errno 17] No usable temporary file name found: ${pyRepr(path.resolve(dir, prefix))}`);
}

// One AUTO name per process config and channel: a process keeps its file across restarts, and a
// reload (new config objects) gets new names, as Supervisor names them once per ProcessConfig.
const autoPaths = new WeakMap<ProcessConfig, { stdout?: string; stderr?: string }>();

/**
 * The log file of one channel of a process: the configured path, the AUTO file (created on first
 * use, then the same for this config object), or null for NONE. Throws like createAutoLogFile.
 */
export function channelLogfile(
  proc: ProcessConfig,
  channel: 'stdout' | 'stderr',
  supervisord: SupervisordConfig,
): string | null {
  const setting: ChannelLogConfig['logfile'] = proc[channel].logfile;
  if (setting.kind === 'none') return null;
  if (setting.kind === 'path') return setting.path;
  let entry = autoPaths.get(proc);
  if (!entry) autoPaths.set(proc, (entry = {}));
  entry[channel] ??= createAutoLogFile(supervisord.childlogdir, proc.name, channel, supervisord.identifier);
  return entry[channel]!;
}

/**
 * The pattern of files the cleanup deletes: Python's `re.match(r'.+?---%s-\S+\.log\.{0,1}\d{0,4}' %
 * identifier)`, anchored at the start only. The identifier is inserted unescaped, as Supervisor does;
 * one that is not a valid pattern is matched literally instead of failing.
 */
export function childLogPattern(identifier: string): RegExp {
  const tail = String.raw`-\S+\.log\.{0,1}\d{0,4}`;
  try {
    return new RegExp(String.raw`^.+?---` + identifier + tail);
  } catch {
    return new RegExp(String.raw`^.+?---` + identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + tail);
  }
}

/**
 * Deletes every file of `dir` matching childLogPattern(identifier): Supervisor's
 * `clear_autochildlogdir`. WARN `Could not clear childlog dir` when the directory cannot be listed,
 * WARN `Failed to clean up '<path>'` for each file that cannot be removed. Returns the removed paths.
 */
export function cleanupChildLogDir(dir: string, identifier: string, logger: Logger): string[] {
  const re = childLogPattern(identifier);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    logger.warn('Could not clear childlog dir');
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!re.test(name)) continue;
    const file = path.join(dir, name);
    try {
      fs.unlinkSync(file);
      removed.push(file);
    } catch {
      logger.warn(`Failed to clean up ${pyRepr(file)}`);
    }
  }
  return removed;
}
