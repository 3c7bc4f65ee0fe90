/**
 * The result structs of the group and *All* methods (Supervisor's `make_allfunc`): one
 * `{name, group, status, description}` per process the predicate selects, status 80/`OK` or the fault's
 * code and string. Results that are known at once come first, in the order of the processes; those
 * that wait (start/stop with wait) are appended as they finish.
 */
import { Faults, RpcFault } from '../../src/api/faults.js';
import type { ProcessResult } from '../../src/api/process-info.js';
import type { Process, ProcessGroup } from '../process/types.js';
import { makeNamespec } from './namespec.js';

function resultOf(group: ProcessGroup, proc: Process, err?: unknown): ProcessResult {
  if (err === undefined) return { name: proc.name, group: group.name, status: Faults.SUCCESS, description: 'OK' };
  if (err instanceof RpcFault) return { name: proc.name, group: group.name, status: err.code, description: err.message };
  throw err;
}

/**
 * Run `op(namespec)` for each selected process (selection decided now, for all of them) and collect
 * the result structs. `op` returns synchronously when it is done at once, or a promise when it waits.
 */
export function forEachProcess(
  targets: [ProcessGroup, Process][],
  select: (p: Process) => boolean,
  op: (namespec: string) => unknown,
): ProcessResult[] | Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  const waiting: Promise<void>[] = [];
  for (const [group, proc] of targets.filter(([, p]) => select(p))) {
    let r: unknown;
    try {
      r = op(makeNamespec(group.name, proc.name));
    } catch (err) {
      results.push(resultOf(group, proc, err));
      continue;
    }
    if (r instanceof Promise) {
      waiting.push(
        r.then(
          () => void results.push(resultOf(group, proc)),
          (err) => void results.push(resultOf(group, proc, err)),
        ),
      );
    } else {
      results.push(resultOf(group, proc));
    }
  }
  return waiting.length ? Promise.all(waiting).then(() => results) : results;
}
