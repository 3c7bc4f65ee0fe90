/** avail, reread, update, add, remove: the configuration and the active process groups. */
import { Faults, isFault } from '../../api/faults.js';
import type { ConfigInfo, ProcessInfo, ProcessResult, ReloadResult } from '../../api/process-info.js';
import type { Controller } from '../controller.js';
import { makeNamespec } from '../namespec.js';
import { words } from '../parseline.js';
import { ljust } from '../pyformat.js';
import { errorLine, noArgs, reportFault } from './common.js';
import type { Action } from './types.js';

/** One `avail` line: name (32), in use/avail (9), auto/manual (9), group_prio:process_prio. */
export function formatConfigInfo(c: ConfigInfo): string {
  return [
    ljust(makeNamespec(c.group, c.name), 32),
    ljust(c.inuse ? 'in use' : 'avail', 9),
    ljust(c.autostart ? 'auto' : 'manual', 9),
    `${c.group_prio}:${c.process_prio}`,
  ].join(' ');
}

/** The `reread` lines for [added, changed, removed], sorted by name. */
export function formatChanges([added, changed, removed]: [string[], string[], string[]]): string[] {
  const what = new Map<string, string>();
  for (const n of added) what.set(n, 'available');
  for (const n of changed) what.set(n, 'changed');
  for (const n of removed) what.set(n, 'disappeared');
  if (!what.size) return ['No config updates to processes'];
  return [...what.keys()].sort().map((n) => `${n}: ${what.get(n)}`);
}

async function doAvail(ctl: Controller, arg: string): Promise<void> {
  if (!noArgs(ctl, 'avail', arg)) return;
  let infos: ConfigInfo[];
  try {
    infos = await ctl.rpc<ConfigInfo[]>('supervisor.getAllConfigInfo');
  } catch (e) {
    return reportFault(ctl, e, { [Faults.SHUTDOWN_STATE]: 'ERROR: supervisor shutting down' });
  }
  for (const c of infos) ctl.io.out(formatConfigInfo(c));
}

async function doReread(ctl: Controller, arg: string): Promise<void> {
  if (!noArgs(ctl, 'reread', arg)) return;
  let result: ReloadResult;
  try {
    result = await ctl.rpc<ReloadResult>('supervisor.reloadConfig');
  } catch (e) {
    return reportFault(ctl, e, {
      [Faults.SHUTDOWN_STATE]: 'ERROR: supervisor shutting down',
      [Faults.CANT_REREAD]: `ERROR: ${isFault(e) ? e.message : ''}`,
    });
  }
  for (const line of formatChanges(result[0])) ctl.io.out(line);
}

async function doUpdate(ctl: Controller, arg: string): Promise<void> {
  let result: ReloadResult;
  try {
    result = await ctl.rpc<ReloadResult>('supervisor.reloadConfig');
  } catch (e) {
    return reportFault(ctl, e, { [Faults.SHUTDOWN_STATE]: 'ERROR: already shutting down' });
  }
  const [added, changed, removed] = result[0];
  let wanted = new Set(words(arg));
  if (wanted.has('all')) wanted = new Set(); // `update all` is `update`
  const selected = (g: string): boolean => !wanted.size || wanted.has(g);
  if (wanted.size) {
    const known = new Set((await ctl.rpc<ProcessInfo[]>('supervisor.getAllProcessInfo')).map((i) => i.group));
    for (const g of added) known.add(g);
    for (const g of wanted) {
      if (!known.has(g)) errorLine(ctl, `ERROR: no such group: ${g}`);
    }
  }
  for (const g of removed.filter(selected)) {
    const results = await ctl.rpc<ProcessResult[]>('supervisor.stopProcessGroup', g);
    ctl.io.out(`${g}: stopped`);
    if (results.some((r) => r.status === Faults.FAILED)) {
      errorLine(ctl, `${g}: has problems; not removing`);
      continue;
    }
    await ctl.rpc('supervisor.removeProcessGroup', g);
    ctl.io.out(`${g}: removed process group`);
  }
  for (const g of changed.filter(selected)) {
    // A changed group is stopped, removed and added again as a whole.
    await ctl.rpc('supervisor.stopProcessGroup', g);
    ctl.io.out(`${g}: stopped`);
    await ctl.rpc('supervisor.removeProcessGroup', g);
    await ctl.rpc('supervisor.addProcessGroup', g);
    ctl.io.out(`${g}: updated process group`);
  }
  for (const g of added.filter(selected)) {
    await ctl.rpc('supervisor.addProcessGroup', g);
    ctl.io.out(`${g}: added process group`);
  }
}

async function doAdd(ctl: Controller, arg: string): Promise<void> {
  for (const name of words(arg)) {
    try {
      await ctl.rpc('supervisor.addProcessGroup', name);
    } catch (e) {
      // Supervisor leaves the exit status alone for a group already active.
      if (isFault(e, Faults.ALREADY_ADDED)) ctl.io.out('ERROR: process group already active');
      else
        reportFault(ctl, e, {
          [Faults.SHUTDOWN_STATE]: 'ERROR: shutting down',
          [Faults.BAD_NAME]: `ERROR: no such process/group: ${name}`,
        });
      continue;
    }
    ctl.io.out(`${name}: added process group`);
  }
}

async function doRemove(ctl: Controller, arg: string): Promise<void> {
  for (const name of words(arg)) {
    try {
      await ctl.rpc('supervisor.removeProcessGroup', name);
    } catch (e) {
      reportFault(ctl, e, {
        [Faults.STILL_RUNNING]: `ERROR: process/group still running: ${name}`,
        [Faults.BAD_NAME]: `ERROR: no such process/group: ${name}`,
      });
      continue;
    }
    ctl.io.out(`${name}: removed process group`);
  }
}

/** The `avail` action. */
export const avail: Action = { name: 'avail', run: doAvail };
/** The `reread` action. */
export const reread: Action = { name: 'reread', run: doReread };
/** The `update` action. */
export const update: Action = { name: 'update', completes: 'groups', changesNames: true, run: doUpdate };
/** The `add` action. */
export const add: Action = { name: 'add', completes: 'groups', changesNames: true, run: doAdd };
/** The `remove` action. */
export const remove: Action = { name: 'remove', completes: 'groups', changesNames: true, run: doRemove };
