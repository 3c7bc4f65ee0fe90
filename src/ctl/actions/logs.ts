/** tail, maintail, clear: reading and clearing process and supervisord logs. */
import { Faults, RpcFault } from '../../api/faults.js';
import type { ProcessInfo, ProcessResult } from '../../api/process-info.js';
import type { Controller } from '../controller.js';
import { makeNamespec, splitNamespec } from '../namespec.js';
import { words } from '../parseline.js';
import { parsePyInt, pyRepr } from '../pyformat.js';
import { errorLine, reportFault } from './common.js';
import { followLog } from './follow.js';
import { clearResult, faultResult } from './results.js';
import type { Action } from './types.js';

/** How many bytes tail and maintail show by default. */
export const DEFAULT_TAIL_BYTES = 1600;

/** readLog-style offset for "the last n bytes" (never -0). */
const lastBytes = (n: number): number => (n === 0 ? 0 : -n);

async function doTail(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = words(arg);
  if (args.length < 1) return errorLine(ctl, 'Error: too few arguments', 'tail');
  if (args.length > 3) return errorLine(ctl, 'Error: too many arguments', 'tail');
  const modifier = args[0]!.startsWith('-') ? args.shift()! : null;
  let name: string;
  let channel: string;
  if (args.length === 1) {
    name = args[0]!;
    channel = 'stdout';
  } else if (args.length) {
    name = args[0]!;
    channel = args[args.length - 1]!.toLowerCase();
    if (channel !== 'stdout' && channel !== 'stderr') return errorLine(ctl, `Error: bad channel ${pyRepr(channel)}`);
  } else {
    return errorLine(ctl, 'Error: tail requires process name');
  }
  let bytes: number | null = DEFAULT_TAIL_BYTES;
  if (modifier !== null) {
    const what = modifier.slice(1);
    if (what === 'f') bytes = null;
    else {
      bytes = parsePyInt(what);
      if (bytes === null) return errorLine(ctl, `Error: bad argument ${modifier}`);
    }
  }
  if (bytes === null) {
    return followLog(ctl, { name, channel: channel as 'stdout' | 'stderr' }, `/logtail/${name}/${channel}`);
  }
  const method = channel === 'stdout' ? 'supervisor.readProcessStdoutLog' : 'supervisor.readProcessStderrLog';
  let output: string;
  try {
    output = await ctl.rpc<string>(method, name, lastBytes(bytes), 0);
  } catch (e) {
    return reportFault(ctl, e, {
      [Faults.NO_FILE]: `${name}: ERROR (no log file)`,
      [Faults.FAILED]: `${name}: ERROR (unknown error reading log)`,
      [Faults.BAD_NAME]: `${name}: ERROR (no such process name)`,
    });
  }
  ctl.io.out(output);
}

async function doMaintail(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = words(arg);
  let bytes = DEFAULT_TAIL_BYTES;
  if (args.length > 1) return errorLine(ctl, 'Error: too many arguments', 'maintail');
  if (args.length === 1) {
    const a = args[0]!;
    if (!a.startsWith('-')) return errorLine(ctl, `Error: bad argument ${a}`);
    if (a.slice(1) === 'f') return followLog(ctl, 'main', '/mainlogtail');
    const n = parsePyInt(a.slice(1));
    if (n === null) return errorLine(ctl, `Error: bad argument ${a}`);
    bytes = n;
  }
  let output: string;
  try {
    output = await ctl.rpc<string>('supervisor.readLog', lastBytes(bytes), 0);
  } catch (e) {
    return reportFault(ctl, e, {
      [Faults.NO_FILE]: 'supervisord: ERROR (no log file)',
      [Faults.FAILED]: 'supervisord: ERROR (unknown error reading log)',
    });
  }
  ctl.io.out(output);
}

/** Clears one process's logs and prints its line. */
async function clearOne(ctl: Controller, namespec: string, group: string, proc: string): Promise<void> {
  try {
    await ctl.rpc('supervisor.clearProcessLogs', namespec);
  } catch (e) {
    if (!(e instanceof RpcFault)) throw e;
    ctl.io.out(clearResult(faultResult(e, group, proc)));
    ctl.setExitFromFault(e.code);
    return;
  }
  ctl.io.out(`${makeNamespec(group, proc)}: cleared`);
}

async function doClear(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = words(arg);
  if (!names.length) return errorLine(ctl, 'Error: clear requires a process name', 'clear');
  if (names.includes('all')) {
    for (const r of await ctl.rpc<ProcessResult[]>('supervisor.clearAllProcessLogs')) {
      ctl.io.out(clearResult(r));
      ctl.setExitFromFault(r.status);
    }
    return;
  }
  for (const name of names) {
    const [group, proc] = splitNamespec(name);
    if (proc !== null) {
      await clearOne(ctl, name, group, proc);
      continue;
    }
    // `clear g:*`: Supervisor sends `g:*` to clearProcessLogs, which only takes one process, and prints
    // `g:None: ERROR (no such process)`. We clear every process of the group instead.
    const members = (await ctl.rpc<ProcessInfo[]>('supervisor.getAllProcessInfo')).filter((i) => i.group === group);
    if (!members.length) {
      errorLine(ctl, `${group}: ERROR (no such group)`);
      continue;
    }
    for (const m of members) await clearOne(ctl, `${group}:${m.name}`, group, m.name);
  }
}

/** The `tail` action. */
export const tail: Action = { name: 'tail', completes: 'processes', run: doTail };
/** The `maintail` action. */
export const maintail: Action = { name: 'maintail', run: doMaintail };
/** The `clear` action. */
export const clear: Action = { name: 'clear', completes: 'processes', run: doClear };
