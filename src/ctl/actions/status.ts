/** status [--json] [name… | group:* | all]: one line per process, Supervisor's columns and exit codes. */
import type { ProcessInfo } from '../../api/process-info.js';
import { STOPPED_STATES } from '../../api/states.js';
import type { ProcessState } from '../../api/states.js';
import type { Controller } from '../controller.js';
import { StatusExitStatus } from '../exit-codes.js';
import { makeNamespec, splitNamespec } from '../namespec.js';
import { words } from '../parseline.js';
import { ljust, pyLen } from '../pyformat.js';
import type { Action } from './types.js';

/** Our extension: `status --json` prints the same processes as a JSON array. */
export const JSON_FLAG = '--json';

/**
 * The status lines: namespec padded to max(30, longest)+3, the state name padded to 10, then the
 * server's description (which may be empty, leaving the padding spaces).
 */
export function formatStatusLines(infos: readonly ProcessInfo[]): string[] {
  const specs = infos.map((i) => makeNamespec(i.group, i.name));
  const width = Math.max(30, ...specs.map(pyLen)) + 3;
  return infos.map((info, i) => ljust(specs[i]!, width) + ljust(info.statename, 10) + info.description);
}

/** The JSON form: every ProcessInfo field as the server sent it, plus `namespec`. */
export function formatStatusJson(infos: readonly ProcessInfo[]): string {
  return JSON.stringify(
    infos.map((i) => ({ namespec: makeNamespec(i.group, i.name), ...i })),
    null,
    2,
  );
}

/** The processes `names` select, in the server's order per name, and one error line per bad name. */
export function selectInfos(all: readonly ProcessInfo[], names: readonly string[]): { infos: ProcessInfo[]; errors: string[] } {
  if (!names.length || names.includes('all')) return { infos: [...all], errors: [] };
  const infos: ProcessInfo[] = [];
  const errors: string[] = [];
  for (const name of names) {
    const [group, proc] = splitNamespec(name);
    const hits = all.filter((i) => i.group === group && (proc === null || i.name === proc));
    if (hits.length) infos.push(...hits);
    else errors.push(proc === null ? `${group}: ERROR (no such group)` : `${name}: ERROR (no such process)`);
  }
  return { infos, errors };
}

async function doStatus(ctl: Controller, arg: string): Promise<void> {
  const args = words(arg);
  const json = args.includes(JSON_FLAG);
  const names = args.filter((a) => a !== JSON_FLAG);
  if (!(await ctl.upcheck())) {
    // Whatever the upcheck said, status reports "unknown" (LSB status code 4).
    ctl.exitstatus = StatusExitStatus.UNKNOWN;
    return;
  }
  const all = await ctl.rpc<ProcessInfo[]>('supervisor.getAllProcessInfo');
  const { infos, errors } = selectInfos(all, names);
  for (const line of errors) {
    // With --json, stdout carries only the JSON document.
    if (json) ctl.io.err(line);
    else ctl.io.out(line);
    ctl.exitstatus = StatusExitStatus.UNKNOWN;
  }
  if (json) ctl.io.out(formatStatusJson(infos));
  else for (const line of formatStatusLines(infos)) ctl.io.out(line);
  // Any stopped process shown makes the status 3, even over a bad name's 4.
  if (infos.some((i) => STOPPED_STATES.includes(i.state as ProcessState))) {
    ctl.exitstatus = StatusExitStatus.NOT_RUNNING;
  }
}

/** The `status` action. */
export const status: Action = { name: 'status', completes: 'processes', run: doStatus };
