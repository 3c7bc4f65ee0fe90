/**
 * Supervisor's children never inherit a descriptor of supervisord (its child closes 3..minfds-1
 * before exec). Node's spawn cannot do that in the child, and everything Node and its libraries open
 * is close-on-exec already; what is left are descriptors supervisord itself inherited from whoever
 * started it. Closing those at startup gives the programs the same clean slate.
 */
import { closeSync, readFileSync, readdirSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** Close every inherited descriptor >= 3 that is not close-on-exec, except `keep`. Returns those closed. */
export function closeInheritedFds(keep: readonly number[] = []): number[] {
  const closed: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return closed; // no /proc: nothing we can inspect
  }
  for (const name of names) {
    const fd = Number(name);
    if (fd < 3 || keep.includes(fd)) continue;
    try {
      const flags = /^flags:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags === undefined || (parseInt(flags, 8) & O_CLOEXEC) !== 0) continue;
      closeSync(fd);
      closed.push(fd);
    } catch {
      // The directory listing's own descriptor, or already closed.
    }
  }
  return closed;
}
