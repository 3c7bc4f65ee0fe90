/** start, stop, restart, signal: one name, `group:*`, several, or `all`. */
import { Faults, RpcFault } from '../../api/faults.js';
import type { ProcessResult } from '../../api/process-info.js';
import type { Controller } from '../controller.js';
import { ExitStatus } from '../exit-codes.js';
import { makeNamespec, splitNamespec } from '../namespec.js';
import { words } from '../parseline.js';
import { errorLine } from './common.js';
import { faultResult, signalResult, startResult, stopResult, type ResultLike } from './results.js';
import type { Action } from './types.js';

/**
 * What start, stop and signal differ in; the walk over the names (Supervisor's do_start, do_stop and
 * do_signal, three copies of one loop there) is shared.
 */
interface Verb {
  /** The API methods for `all`, `group:*` and one process (`startAllProcesses`, …). */
  all: string;
  group: string;
  one: string;
  /** The line for one result. */
  format(r: ResultLike | ProcessResult): string;
  /** What a single process's success line says (`x: started`). */
  done: string;
  /** The fault code that leaves the exit status alone (start: ALREADY_STARTED, stop: NOT_RUNNING). */
  ignored?: number;
  /** The exit status for an unknown group (start: 2, stop and signal: 1). */
  noSuchGroup: number;
}

const START: Verb = {
  all: 'supervisor.startAllProcesses',
  group: 'supervisor.startProcessGroup',
  one: 'supervisor.startProcess',
  format: startResult,
  done: 'started',
  ignored: Faults.ALREADY_STARTED,
  noSuchGroup: ExitStatus.INVALID_ARGS,
};
const STOP: Verb = {
  all: 'supervisor.stopAllProcesses',
  group: 'supervisor.stopProcessGroup',
  one: 'supervisor.stopProcess',
  format: stopResult,
  done: 'stopped',
  ignored: Faults.NOT_RUNNING,
  noSuchGroup: ExitStatus.GENERIC,
};
const SIGNAL: Verb = {
  all: 'supervisor.signalAllProcesses',
  group: 'supervisor.signalProcessGroup',
  one: 'supervisor.signalProcess',
  format: (r) => signalResult(r),
  done: 'signalled',
  noSuchGroup: ExitStatus.GENERIC,
};

function printResults(ctl: Controller, v: Verb, results: ProcessResult[]): void {
  for (const r of results) {
    ctl.io.out(v.format(r));
    ctl.setExitFromFault(r.status, v.ignored);
  }
}

/**
 * Applies `v` to `names` (`extra`: the signal name, passed after the name as the API wants). Faults
 * other than the expected ones are thrown on: onecmd prints them and exits 1.
 */
async function applyTo(ctl: Controller, v: Verb, names: string[], extra: unknown[] = []): Promise<void> {
  if (names.includes('all')) {
    printResults(ctl, v, await ctl.rpc<ProcessResult[]>(v.all, ...extra));
    return;
  }
  for (const name of names) {
    const [group, proc] = splitNamespec(name);
    if (proc === null) {
      try {
        printResults(ctl, v, await ctl.rpc<ProcessResult[]>(v.group, group, ...extra));
      } catch (e) {
        if (!(e instanceof RpcFault) || e.code !== Faults.BAD_NAME) throw e;
        ctl.io.out(`${group}: ERROR (no such group)`);
        ctl.exitstatus = v.noSuchGroup;
      }
      continue;
    }
    try {
      await ctl.rpc(v.one, name, ...extra);
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      ctl.io.out(v.format(faultResult(e, group, proc)));
      ctl.setExitFromFault(e.code, v.ignored);
      continue;
    }
    ctl.io.out(`${makeNamespec(group, proc)}: ${v.done}`);
  }
}

async function doStart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = words(arg);
  if (!names.length) return errorLine(ctl, 'Error: start requires a process name', 'start', ExitStatus.INVALID_ARGS);
  await applyTo(ctl, START, names);
}

async function doStop(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = words(arg);
  if (!names.length) return errorLine(ctl, 'Error: stop requires a process name', 'stop');
  await applyTo(ctl, STOP, names);
}

async function doRestart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  if (!words(arg).length) return errorLine(ctl, 'Error: restart requires a process name', 'restart');
  // Everything named is stopped first, then everything is started; the exit status accumulates.
  await doStop(ctl, arg);
  await doStart(ctl, arg);
}

async function doSignal(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = words(arg);
  if (args.length < 2) return errorLine(ctl, 'Error: signal requires a signal name and a process name', 'signal');
  const [sig, ...names] = args as [string, ...string[]];
  await applyTo(ctl, SIGNAL, names, [sig]);
}

/** The `start` action. */
export const start: Action = { name: 'start', completes: 'processes', run: doStart };
/** The `stop` action. */
export const stop: Action = { name: 'stop', completes: 'processes', run: doStop };
/** The `restart` action. */
export const restart: Action = { name: 'restart', completes: 'processes', run: doRestart };
/** The `signal` action. */
export const signal: Action = { name: 'signal', completes: 'processes', run: doSignal };
