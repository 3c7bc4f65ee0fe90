/** What several actions share: Supervisor's argument errors and its handling of expected faults. */
import { isFault } from '../../api/faults.js';
import type { Controller } from '../controller.js';
import { ExitStatus } from '../exit-codes.js';

/**
 * An action's error as Supervisor reports it: the line, then (with `help`) that action's help text;
 * the exit status is 1 unless Supervisor uses another there (start without a name: 2).
 */
export function errorLine(ctl: Controller, line: string, help?: string, status: number = ExitStatus.GENERIC): void {
  ctl.io.out(line);
  ctl.exitstatus = status;
  if (help) ctl.help(help);
}

/** True when `arg` is empty; otherwise prints Supervisor's error and the action's help, exit status 1. */
export function noArgs(ctl: Controller, action: string, arg: string): boolean {
  if (!arg) return true;
  errorLine(ctl, `Error: ${action} accepts no arguments`, action);
  return false;
}

/**
 * Supervisor's `except xmlrpclib.Fault` blocks: a fault sets the exit status to 1 and, when `lines` has
 * its code, prints that line; any other fault, and anything that is not a fault, is thrown on (for
 * onecmd's generic error line).
 */
export function reportFault(ctl: Controller, e: unknown, lines: Readonly<Record<number, string>>): void {
  if (!isFault(e)) throw e;
  ctl.exitstatus = ExitStatus.GENERIC;
  const line = lines[e.code];
  if (line === undefined) throw e;
  ctl.io.out(line);
}
