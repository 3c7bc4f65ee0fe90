/** start, stop, restart, signal: one name, `group:*`, several, or `all`. */
import { Faults, RpcFault } from '../../api/faults.js';
import type { ProcessResult } from '../../api/process-info.js';
import type { Controller } from '../controller.js';
import { ExitStatus } from '../exit-codes.js';
import { makeNamespec, splitNamespec } from '../namespec.js';
import { words } from '../parseline.js';
import { signalResult, startResult, stopResult } from './results.js';
import type { Action } from './types.js';

/** A fault thrown by a per-process call, turned into the result struct Supervisor prints. */
function faultResult(e: RpcFault, group: string, name: string | null) {
  return { status: e.code, name, group, description: e.message };
}

function printResults(ctl: Controller, results: ProcessResult[], fmt: (r: ProcessResult) => string, ignored?: number) {
  for (const r of results) {
    ctl.io.out(fmt(r));
    ctl.setExitFromFault(r.status, ignored);
  }
}

async function doStart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = words(arg);
  if (!names.length) {
    ctl.io.out('Error: start requires a process name');
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    ctl.help('start');
    return;
  }
  const ignored = Faults.ALREADY_STARTED;
  if (names.includes('all')) {
    printResults(ctl, await ctl.rpc<ProcessResult[]>('supervisor.startAllProcesses'), startResult, ignored);
    return;
  }
  for (const name of names) {
    const [group, proc] = splitNamespec(name);
    if (proc === null) {
      try {
        printResults(ctl, await ctl.rpc<ProcessResult[]>('supervisor.startProcessGroup', group), startResult, ignored);
      } catch (e) {
        if (!(e instanceof RpcFault)) throw e;
        if (e.code !== Faults.BAD_NAME) {
          ctl.exitstatus = ExitStatus.GENERIC;
          throw e;
        }
        ctl.io.out(`${group}: ERROR (no such group)`);
        ctl.exitstatus = ExitStatus.INVALID_ARGS;
      }
      continue;
    }
    try {
      await ctl.rpc('supervisor.startProcess', name);
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      ctl.io.out(startResult(faultResult(e, group, proc)));
      ctl.setExitFromFault(e.code, ignored);
      continue;
    }
    ctl.io.out(`${makeNamespec(group, proc)}: started`);
  }
}

async function doStop(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = words(arg);
  if (!names.length) {
    ctl.io.out('Error: stop requires a process name');
    ctl.exitstatus = ExitStatus.GENERIC;
    ctl.help('stop');
    return;
  }
  const ignored = Faults.NOT_RUNNING;
  if (names.includes('all')) {
    printResults(ctl, await ctl.rpc<ProcessResult[]>('supervisor.stopAllProcesses'), stopResult, ignored);
    return;
  }
  for (const name of names) {
    const [group, proc] = splitNamespec(name);
    if (proc === null) {
      try {
        printResults(ctl, await ctl.rpc<ProcessResult[]>('supervisor.stopProcessGroup', group), stopResult, ignored);
      } catch (e) {
        if (!(e instanceof RpcFault)) throw e;
        ctl.exitstatus = ExitStatus.GENERIC;
        if (e.code !== Faults.BAD_NAME) throw e;
        ctl.io.out(`${group}: ERROR (no such group)`);
      }
      continue;
    }
    try {
      await ctl.rpc('supervisor.stopProcess', name);
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      ctl.io.out(stopResult(faultResult(e, group, proc)));
      ctl.setExitFromFault(e.code, ignored);
      continue;
    }
    ctl.io.out(`${makeNamespec(group, proc)}: stopped`);
  }
}

async function doRestart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  if (!words(arg).length) {
    ctl.io.out('Error: restart requires a process name');
    ctl.exitstatus = ExitStatus.GENERIC;
    ctl.help('restart');
    return;
  }
  // Everything named is stopped first, then everything is started; the exit status accumulates.
  await doStop(ctl, arg);
  await doStart(ctl, arg);
}

async function doSignal(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = words(arg);
  if (args.length < 2) {
    ctl.io.out('Error: signal requires a signal name and a process name');
    ctl.help('signal');
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const [sig, ...names] = args as [string, ...string[]];
  if (names.includes('all')) {
    printResults(ctl, await ctl.rpc<ProcessResult[]>('supervisor.signalAllProcesses', sig), (r) => signalResult(r));
    return;
  }
  for (const name of names) {
    const [group, proc] = splitNamespec(name);
    if (proc === null) {
      try {
        const results = await ctl.rpc<ProcessResult[]>('supervisor.signalProcessGroup', group, sig);
        printResults(ctl, results, (r) => signalResult(r));
      } catch (e) {
        if (!(e instanceof RpcFault) || e.code !== Faults.BAD_NAME) throw e;
        ctl.io.out(`${group}: ERROR (no such group)`);
        ctl.exitstatus = ExitStatus.GENERIC;
      }
      continue;
    }
    try {
      await ctl.rpc('supervisor.signalProcess', name, sig);
    } catch (e) {
      if (!(e instanceof RpcFault)) throw e;
      ctl.io.out(signalResult(faultResult(e, group, proc)));
      ctl.setExitFromFault(e.code);
      continue;
    }
    ctl.io.out(`${makeNamespec(group, proc)}: signalled`);
  }
}

/** The `start` action. */
export const start: Action = { name: 'start', completes: 'processes', run: doStart };
/** The `stop` action. */
export const stop: Action = { name: 'stop', completes: 'processes', run: doStop };
/** The `restart` action. */
export const restart: Action = { name: 'restart', completes: 'processes', run: doRestart };
/** The `signal` action. */
export const signal: Action = { name: 'signal', completes: 'processes', run: doSignal };
