/**
 * What a spawner can tell about an exec before (or after) it fails, by looking at the file with the
 * daemon's rights: shared by the pty spawner (node-pty reports a failed exec only in the child's
 * output) and the child_process fallback (Node reports it only later, without the reason).
 */
import { accessSync, closeSync, constants as fsConstants, existsSync, openSync, readSync } from 'node:fs';

/**
 * Why `filename` cannot be exec'd (checked with the daemon's rights): an errno name, or null when it
 * looks runnable. A `#!` script whose interpreter is missing fails exec with ENOENT, so that is
 * checked too.
 */
export function precheckExec(filename: string): string | null {
  try {
    accessSync(filename, fsConstants.X_OK);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EACCES';
  }
  let head: string;
  try {
    const fd = openSync(filename, 'r');
    try {
      const buf = Buffer.alloc(256);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    // Executable but unreadable (mode 0111): exec can still run a binary; let it try.
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? null : ((err as NodeJS.ErrnoException).code ?? null);
  }
  if (!head.startsWith('#!')) return null;
  const interp = head.slice(2).split('\n')[0]!.trim().split(/\s+/)[0] ?? '';
  if (!interp || !existsSync(interp)) return 'ENOENT';
  try {
    accessSync(interp, fsConstants.X_OK);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EACCES';
  }
  return null;
}
