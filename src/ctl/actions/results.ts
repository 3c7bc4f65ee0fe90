/** The text of one result of start/stop/signal/clear (Supervisor's _startresult, _signalresult, _clearresult). */
import { Faults, type RpcFault } from '../../api/faults.js';
import type { ProcessResult } from '../../api/process-info.js';
import { PyError } from '../errors.js';
import { makeNamespec } from '../namespec.js';

/** A result whose process part may be null (a group-wide namespec), as Supervisor builds them from faults. */
export interface ResultLike {
  name: string | null;
  group: string;
  status: number;
  description: string;
}

/** A fault thrown by a one-process call (startProcess, clearProcessLogs…), as the result struct Supervisor builds from it. */
export function faultResult(e: RpcFault, group: string, name: string | null): ResultLike {
  return { status: e.code, name, group, description: e.message };
}

const T = (name: string, why: string): string => `${name}: ERROR (${why})`;

function unknownCode(code: number, name: string): never {
  throw new PyError('ValueError', `Unknown result code ${code} for ${name}`);
}

/** `x: started` or `x: ERROR (...)` for a start result. */
export function startResult(r: ResultLike | ProcessResult): string {
  const name = makeNamespec(r.group, r.name);
  switch (r.status) {
    case Faults.BAD_NAME:
      return T(name, 'no such process');
    case Faults.NO_FILE:
      return T(name, 'no such file');
    case Faults.NOT_EXECUTABLE:
      return T(name, 'file is not executable');
    case Faults.ALREADY_STARTED:
      return T(name, 'already started');
    case Faults.SPAWN_ERROR:
      return T(name, 'spawn error');
    case Faults.ABNORMAL_TERMINATION:
      return T(name, 'abnormal termination');
    case Faults.SUCCESS:
      return `${name}: started`;
    default:
      return unknownCode(r.status, name);
  }
}

/** `x: <success>` or `x: ERROR (...)` for a signal or stop result; FAILED prints its description as is. */
export function signalResult(r: ResultLike | ProcessResult, success = 'signalled'): string {
  const name = makeNamespec(r.group, r.name);
  switch (r.status) {
    case Faults.BAD_NAME:
      return T(name, 'no such process');
    case Faults.BAD_SIGNAL:
      return T(name, 'bad signal name');
    case Faults.NOT_RUNNING:
      return T(name, 'not running');
    case Faults.SUCCESS:
      return `${name}: ${success}`;
    case Faults.FAILED:
      return r.description;
    default:
      return unknownCode(r.status, name);
  }
}

/** The stop flavour of signalResult. */
export function stopResult(r: ResultLike | ProcessResult): string {
  return signalResult(r, 'stopped');
}

/** `x: cleared` or `x: ERROR (...)` for a clear result. */
export function clearResult(r: ResultLike | ProcessResult): string {
  const name = makeNamespec(r.group, r.name);
  switch (r.status) {
    case Faults.BAD_NAME:
      return T(name, 'no such process');
    case Faults.FAILED:
      return T(name, 'failed');
    case Faults.SUCCESS:
      return `${name}: cleared`;
    default:
      return unknownCode(r.status, name);
  }
}
