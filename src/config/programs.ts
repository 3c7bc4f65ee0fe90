/**
 * Process sections: `[program:x]`, `[eventlistener:x]`, `[fcgi-program:x]` and `[group:x]`, read
 * in Supervisor 4.2.5's order (options.py `process_groups_from_parser` and
 * `_processes_from_section`), so the same first error wins.
 */
import { isAbsolute, resolve } from 'node:path';
import { isEventType } from '../api/events.js';
import {
  ConfigError,
  type ChannelLogConfig,
  type GroupConfig,
  type LogfileSetting,
  type ProcessConfig,
} from './types.js';
import { convert, getConv, saneget, type LoadContext } from './context.js';
import { combine, expand, type Expansions } from './expand.js';
import {
  autoRestart,
  boolean,
  byteSize,
  colonSeparatedUserGroup,
  dictOfKeyValuePairs,
  gidForUid,
  integer,
  listOfExitcodes,
  listOfStrings,
  logfileName,
  nameToUid,
  octalType,
  portNumber,
  processOrGroupName,
  signalName,
} from './datatypes.js';
import { pyRepr, ValueError, type PyValue } from './pyrepr.js';
import { shlexSplit } from './shlex.js';

type Kind = ProcessConfig['kind'];

const DEFAULT_RESULT_HANDLER = 'supervisor.dispatchers:default_handler';

/** Per-kind data computed by the group reader and copied into each process. */
type KindExtras = Partial<Pick<ProcessConfig, 'events' | 'bufferSize' | 'resultHandler' | 'socket' | 'socketBacklog' | 'socketOwner' | 'socketMode'>>;

/** Sort as Supervisor's Config.__lt__: priority, then name. */
export function byPriorityThenName<T extends { priority: number; name: string }>(a: T, b: T): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The part after the first ':' of a section name. */
function sectionSuffix(section: string): string {
  return section.slice(section.indexOf(':') + 1);
}

/** The spawn-time error Python would give for a command that shlex cannot split. */
function splitCommand(command: string): { argv: string[]; error?: string } {
  try {
    const argv = shlexSplit(command);
    return argv.length ? { argv } : { argv, error: 'command is empty' };
  } catch (e) {
    if (e instanceof ValueError) return { argv: [], error: `can't parse command ${pyRepr(command)}: ${e.message}` };
    throw e;
  }
}

/**
 * `processes_from_section`: the processes of one section; every error gets Supervisor's suffix
 * ` in section 'program:x' (file: 'path')`.
 */
export function processesFromSection(ctx: LoadContext, section: string, groupName: string, kind: Kind, extras: KindExtras = {}): ProcessConfig[] {
  try {
    return readProcesses(ctx, section, groupName, kind, extras);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const filename = ctx.parser.sectionToFile.get(section) ?? ctx.configFileArg;
    throw new ConfigError(`${e.message} in section ${pyRepr(section)} (file: ${pyRepr(filename)})`, e.pos);
  }
}

function readProcesses(ctx: LoadContext, section: string, groupName: string, kind: Kind, extras: KindExtras): ProcessConfig[] {
  const sectionPos = ctx.parser.sectionPos(section);
  const programName = convert(ctx, section, sectionPos, () => processOrGroupName(sectionSuffix(section)));
  // Supervisor updates this one dict in place inside the loop below, so options read after the
  // loop starts see process_num, numprocs and the program's own ENV_* names (reference a.2).
  const common: Expansions = new Map<string, PyValue>([
    ['here', ctx.here],
    ['program_name', programName],
    ['host_node_name', ctx.hostNodeName],
    ['group_name', groupName],
  ]);
  const get = <D, T>(key: string, dflt: D, fn: (v: string | NoInfer<D>) => T, expandIt = true) =>
    getConv(ctx, section, key, dflt, fn, { expansions: common, expand: expandIt });

  const priority = get('priority', 999, integer);
  const autostart = get('autostart', 'true', boolean);
  const autorestart = get('autorestart', 'unexpected', autoRestart);
  const startsecs = get('startsecs', 1, integer);
  const startretries = get('startretries', 3, integer);
  const stopsignal = get('stopsignal', 'TERM', signalName);
  const stopwaitsecs = get('stopwaitsecs', 10, integer);
  const stopasgroup = get('stopasgroup', 'false', boolean);
  const killasgroup = get('killasgroup', stopasgroup, boolean);
  const exitcodes = get('exitcodes', '0', listOfExitcodes);
  const redirectStderr = get('redirect_stderr', 'false', boolean);
  const numprocs = get('numprocs', 1, integer);
  const numprocsStart = get('numprocs_start', 0, integer);
  const environmentGot = saneget(ctx, section, 'environment', '', { expand: false });
  const environmentStr = environmentGot.value;
  const stdoutCmax = get('stdout_capture_maxbytes', '0', byteSize);
  const stdoutEvents = get('stdout_events_enabled', 'false', boolean);
  const stderrCmax = get('stderr_capture_maxbytes', '0', byteSize);
  const stderrEvents = get('stderr_events_enabled', 'false', boolean);
  let serverurl = get('serverurl', null, (v) => v as string | null);
  if (serverurl && serverurl.trim().toUpperCase() === 'AUTO') serverurl = null;
  const user = get('user', null, (v) => v as string | null);
  const uid = user === null ? null : get('user', null, (v) => nameToUid(v as string));
  const gid = uid === null ? null : convert(ctx, section, null, () => gidForUid(uid));
  const umask = get('umask', null, (v) => (v === null ? null : octalType(v as string)));
  // Our extension (Python Supervisor ignores unknown keys).
  const pty = get('pty', 'false', boolean);
  const processNameGot = saneget(ctx, section, 'process_name', '%(program_name)s', { expand: false });
  const processName = convert(ctx, section, processNameGot.pos, () => processOrGroupName(processNameGot.value));

  if (numprocs > 1 && !processName.includes('%(process_num)')) {
    throw new ConfigError('%(process_num) must be present within process_name when numprocs > 1', processNameGot.pos ?? sectionPos);
  }
  if (stopasgroup && !killasgroup) {
    const pos = ctx.parser.getValue(section, 'killasgroup');
    throw new ConfigError('Cannot set stopasgroup=true and killasgroup=false', pos ? { file: pos.file, line: pos.line } : sectionPos);
  }

  const out: ProcessConfig[] = [];
  for (let processNum = numprocsStart; processNum < numprocs + numprocsStart; processNum++) {
    common.set('process_num', processNum);
    common.set('numprocs', numprocs);
    for (const [k, v] of ctx.environExpansions) common.set(k, v);
    const envPos = environmentGot.pos ?? sectionPos;
    const environment = convert(ctx, section, envPos, () => dictOfKeyValuePairs(expand(environmentStr, common, 'environment', envPos)));
    // A program's own environment keys become ENV_* names for its later options (issue 1170).
    for (const [k, v] of Object.entries(environment)) common.set(`ENV_${k}`, v);

    const directory = get('directory', null, (v) => v as string | null);
    const channel = (name: 'stdout' | 'stderr', captureMaxbytes: number, eventsEnabled: boolean): ChannelLogConfig => {
      const lfKey = `${name}_logfile`;
      const got = saneget(ctx, section, lfKey, null, { expansions: common });
      let logfile: LogfileSetting | 'syslog';
      if (got.value === null) logfile = { kind: 'auto' };
      else {
        // Supervisor expands logfile values a second time (so `%%` needs doubling twice).
        const twice = expand(got.value, common, lfKey, got.pos);
        logfile = convert(ctx, section, got.pos, () => logfileName(twice, ctx.cwd, ctx.env));
      }
      const backups = get(`${name}_logfile_backups`, 10, integer);
      const maxbytes = get(`${name}_logfile_maxbytes`, '50MB', byteSize);
      let syslog = get(`${name}_syslog`, false, boolean);
      if (logfile === 'syslog') {
        ctx.messages.push({
          level: 'warn',
          text: `For [${section}], ${lfKey}=syslog but this is deprecated and will be removed.  Use ${name}_syslog=true to enable syslog instead.`,
        });
        logfile = { kind: 'none' };
        syslog = true;
      }
      if (logfile.kind === 'auto' && !maxbytes) {
        ctx.messages.push({
          level: 'warn',
          text: `For [${section}], AUTO logging used for ${lfKey} without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally`,
        });
      }
      return { logfile, maxbytes, backups, captureMaxbytes, eventsEnabled, syslog };
    };
    const stdout = channel('stdout', stdoutCmax, stdoutEvents);
    const stderr = channel('stderr', stderrCmax, stderrEvents);
    if (redirectStderr) {
      if (stderr.logfile.kind === 'path') {
        ctx.messages.push({
          level: 'warn',
          text: `For [${section}], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored`,
        });
      }
      // Never an stderr logfile when it is redirected.
      stderr.logfile = { kind: 'none' };
    }

    const command = get('command', null, (v) => v as string | null);
    if (command === null) throw new ConfigError(`program section ${section} does not specify a command`, sectionPos);
    const name = expand(processName, common, 'process_name', processNameGot.pos ?? sectionPos);
    const split = splitCommand(command);
    const proc: ProcessConfig = {
      kind,
      name,
      group: groupName,
      programName,
      processNum,
      command,
      argv: split.argv,
      priority,
      autostart,
      autorestart,
      startsecs,
      startretries,
      exitcodes,
      stopsignal,
      stopwaitsecs,
      stopasgroup,
      killasgroup,
      user,
      uid,
      gid,
      redirectStderr,
      stdout,
      stderr,
      environment,
      directory,
      umask,
      serverurl,
      pty,
      ...extras,
      source: sectionPos ?? { file: ctx.configFileArg, line: 0 },
    };
    if (split.error) proc.argvError = split.error;
    out.push(proc);
  }
  return out.sort(byPriorityThenName);
}

/** `[group:x]` sections, then programs, event listener pools and FastCGI programs, sorted. */
export function processGroupsFromParser(ctx: LoadContext): GroupConfig[] {
  const groups: GroupConfig[] = [];
  const all = ctx.parser.sectionNames();
  const has = (s: string) => ctx.parser.has(s);
  const homogeneousExclude = new Set<string>();
  const here = new Map<string, PyValue>([['here', ctx.here]]);
  const get = <D, T>(section: string, key: string, dflt: D, fn: (v: string | NoInfer<D>) => T) =>
    getConv(ctx, section, key, dflt, fn, { expansions: here });

  for (const groupSection of all) {
    if (!groupSection.startsWith('group:')) continue;
    const pos = ctx.parser.sectionPos(groupSection);
    const groupName = convert(ctx, groupSection, pos, () => processOrGroupName(sectionSuffix(groupSection)));
    const programs = get(groupSection, 'programs', null, (v) => listOfStrings(v as string | null));
    const priority = get(groupSection, 'priority', 999, integer);
    const processes: ProcessConfig[] = [];
    // Supervisor reuses its loop variable here, so after the first member its messages name the
    // previous member's section instead of the group (kept for identical messages).
    let section = groupSection;
    for (const program of programs) {
      const programSection = `program:${program}`;
      const fcgiSection = `fcgi-program:${program}`;
      const at = ctx.parser.getValue(groupSection, 'programs');
      const atPos = at ? { file: at.file, line: at.line } : pos;
      if (!has(programSection) && !has(fcgiSection)) {
        throw new ConfigError(`[${section}] names unknown program or fcgi-program ${program}`, atPos);
      }
      if (has(programSection) && has(fcgiSection)) {
        throw new ConfigError(`[${section}] name ${program} is ambiguous (exists as program and fcgi-program)`, atPos);
      }
      section = has(programSection) ? programSection : fcgiSection;
      homogeneousExclude.add(section);
      // Members are plain processes, even fcgi-programs (Supervisor makes no socket for them).
      processes.push(...processesFromSection(ctx, section, groupName, 'program'));
    }
    groups.push({ name: groupName, kind: 'group', priority, processes });
  }

  for (const section of all) {
    if (!section.startsWith('program:') || homogeneousExclude.has(section)) continue;
    const programName = convert(ctx, section, ctx.parser.sectionPos(section), () => processOrGroupName(sectionSuffix(section)));
    const priority = get(section, 'priority', 999, integer);
    groups.push({ name: programName, kind: 'program', priority, processes: processesFromSection(ctx, section, programName, 'program') });
  }

  for (const section of all) {
    if (!section.startsWith('eventlistener:')) continue;
    groups.push(eventListenerPool(ctx, section, get));
  }

  for (const section of all) {
    if (!section.startsWith('fcgi-program:') || homogeneousExclude.has(section)) continue;
    groups.push(fcgiGroup(ctx, section, get));
  }

  return groups.sort(byPriorityThenName);
}

type Getter = <D, T>(section: string, key: string, dflt: D, fn: (v: string | NoInfer<D>) => T) => T;

/** `[eventlistener:x]`: a pool; listeners start first (priority -1) and need `events`. */
function eventListenerPool(ctx: LoadContext, section: string, get: Getter): GroupConfig {
  const pos = ctx.parser.sectionPos(section);
  const keyPos = (key: string) => {
    const v = ctx.parser.getValue(section, key);
    return v ? { file: v.file, line: v.line } : pos;
  };
  const poolName = sectionSuffix(section);
  const priority = get(section, 'priority', -1, integer);
  const bufferSize = get(section, 'buffer_size', 10, integer);
  if (bufferSize < 1) throw new ConfigError(`[${section}] section sets invalid buffer_size (${bufferSize})`, keyPos('buffer_size'));
  const resultHandler = get(section, 'result_handler', DEFAULT_RESULT_HANDLER, (v) => v as string);
  if (resultHandler !== DEFAULT_RESULT_HANDLER) {
    ctx.messages.push({
      level: 'warn',
      text: `[${section}] result_handler ${resultHandler} is a Python function and cannot be loaded; the default handler is used`,
    });
  }
  const names: string[] = [];
  for (const n of get(section, 'events', '', (v) => listOfStrings(v))) {
    const u = n.toUpperCase();
    if (!names.includes(u)) names.push(u);
  }
  if (!names.length) throw new ConfigError(`[${section}] section requires an "events" line`, pos);
  for (const n of names) {
    if (!isEventType(n)) throw new ConfigError(`Unknown event type ${n} in [${section}] events`, keyPos('events'));
  }
  if (get(section, 'redirect_stderr', 'false', boolean)) {
    throw new ConfigError(
      `[${section}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol`,
      keyPos('redirect_stderr'),
    );
  }
  const processes = processesFromSection(ctx, section, poolName, 'eventlistener', { events: names, bufferSize, resultHandler });
  return { name: poolName, kind: 'eventlistener', priority, processes };
}

/** `[fcgi-program:x]`: one socket shared by all its processes. */
function fcgiGroup(ctx: LoadContext, section: string, get: Getter): GroupConfig {
  const pos = ctx.parser.sectionPos(section);
  const programName = convert(ctx, section, pos, () => processOrGroupName(sectionSuffix(section)));
  const priority = get(section, 'priority', 999, integer);
  const procUser = get(section, 'user', null, (v) => v as string | null);
  const procUid = procUser === null ? null : get(section, 'user', null, (v) => nameToUid(v as string));
  const backlogRaw = get(section, 'socket_backlog', null, (v) => v as string | null);
  let socketBacklog: number | undefined;
  if (backlogRaw !== null) {
    socketBacklog = get(section, 'socket_backlog', null, (v) => integer(v as string));
    if (socketBacklog < 1 || socketBacklog > 65535) {
      const at = ctx.parser.getValue(section, 'socket_backlog');
      throw new ConfigError(`Invalid socket_backlog value ${socketBacklog}`, at ? { file: at.file, line: at.line } : pos);
    }
  }
  const ownerRaw = get(section, 'socket_owner', null, (v) => v as string | null);
  let socketOwner: [number, number] | null = null;
  if (ownerRaw !== null) {
    socketOwner = get(section, 'socket_owner', null, (v) => {
      try {
        return colonSeparatedUserGroup(v as string);
      } catch {
        throw new ValueError(`Invalid socket_owner value ${ownerRaw}`);
      }
    });
  }
  const modeRaw = get(section, 'socket_mode', null, (v) => v as string | null);
  let socketMode: number | null = null;
  if (modeRaw !== null) {
    socketMode = get(section, 'socket_mode', null, (v) => {
      try {
        return octalType(v as string);
      } catch {
        throw new ValueError(`Invalid socket_mode value ${modeRaw}`);
      }
    });
  }
  const socketGot = saneget(ctx, section, 'socket', null as string | null, {
    expansions: combine(new Map([['program_name', programName]]), new Map([['here', ctx.here]])),
  });
  const socketPos = socketGot.pos ?? pos;
  if (!socketGot.value) throw new ConfigError(`[${section}] section requires a "socket" line`, socketPos);
  const sock = convert(ctx, section, socketPos, () => {
    try {
      return parseFcgiSocket(socketGot.value as string, procUid, socketOwner, socketMode, ctx.cwd);
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`${e.message} in [${section}] socket`);
      throw e;
    }
  });
  const extras: KindExtras = { socket: sock.url, socketOwner: sock.owner };
  if (socketBacklog !== undefined) extras.socketBacklog = socketBacklog;
  if (sock.mode !== null) extras.socketMode = sock.mode;
  const processes = processesFromSection(ctx, section, programName, 'fcgi-program', extras);
  return { name: programName, kind: 'fcgi-program', priority, processes };
}

/**
 * `parse_fcgi_socket`: `unix:///abs/path` or `tcp://host:port`. (Supervisor formats two of these
 * messages as Python tuples by mistake; ours are plain sentences.)
 */
export function parseFcgiSocket(
  sock: string,
  procUid: number | null,
  owner: [number, number] | null,
  mode: number | null,
  cwd: string,
): { url: string; owner: [number, number] | null; mode: number | null } {
  if (sock.startsWith('unix://')) {
    const path = sock.slice(7);
    if (!isAbsolute(path)) throw new ValueError(`Unix socket path ${path} is not an absolute path`);
    let socketOwner = owner;
    if (socketOwner === null) {
      const uid = process.getuid?.() ?? 0;
      if (procUid !== null && procUid !== uid) socketOwner = [procUid, gidForUid(procUid)];
    }
    return { url: `unix://${resolve(cwd, path)}`, owner: socketOwner, mode: mode ?? 0o700 };
  }
  if (owner !== null || mode !== null) {
    throw new ValueError('socket_owner and socket_mode params should only be used with a Unix domain socket');
  }
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/.exec(sock);
  if (m) return { url: `tcp://${m[1]!.toLowerCase()}:${portNumber(m[2]!)}`, owner: null, mode: null };
  throw new ValueError(`Bad socket format ${sock}`);
}
