/** pid: supervisord's pid, a process's pid (0 when not running), or every pid. */
import { Faults } from '../../api/faults.js';
import type { ProcessInfo } from '../../api/process-info.js';
import type { Controller } from '../controller.js';
import { ExitStatus } from '../exit-codes.js';
import { words } from '../parseline.js';
import { reportFault } from './common.js';
import type { Action } from './types.js';

async function doPid(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = words(arg);
  if (!names.length) {
    ctl.io.out(String(await ctl.rpc<number>('supervisor.getPID')));
    return;
  }
  if (names.includes('all')) {
    for (const info of await ctl.rpc<ProcessInfo[]>('supervisor.getAllProcessInfo')) ctl.io.out(String(info.pid));
    return;
  }
  for (const name of names) {
    let info: ProcessInfo;
    try {
      info = await ctl.rpc<ProcessInfo>('supervisor.getProcessInfo', name);
    } catch (e) {
      reportFault(ctl, e, { [Faults.BAD_NAME]: `No such process ${name}` });
      continue;
    }
    ctl.io.out(String(info.pid));
    if (info.pid === 0) ctl.exitstatus = ExitStatus.NOT_RUNNING;
  }
}

/** The `pid` action. */
export const pid: Action = { name: 'pid', completes: 'processes', run: doPid };
