/**
 * Telling a failed exec from a program's own exit. node-pty forks, then the child prints
 * `execvp(3) failed.: <strerror>` (or chdir/setuid/setgid) and exits 1; setpriv prints
 * `setpriv: failed to execute X: <strerror>` and exits 127 (ENOENT) or 126. Neither throws in the daemon, so the
 * spawner checks what it can before forking and recognises these messages in a child's first output.
 */

/** strerror(3) texts glibc prints, back to the errno names Supervisor's messages use. */
const ERRNO_BY_TEXT: Record<string, string> = {
  'No such file or directory': 'ENOENT',
  'Permission denied': 'EACCES',
  'Exec format error': 'ENOEXEC',
  'Not a directory': 'ENOTDIR',
  'Is a directory': 'EISDIR',
  'Operation not permitted': 'EPERM',
  'Text file busy': 'ETXTBSY',
  'Too many levels of symbolic links': 'ELOOP',
  'Argument list too long': 'E2BIG',
  'Cannot allocate memory': 'ENOMEM',
  'Invalid argument': 'EINVAL',
};

/** The errno name of a strerror text, or the text itself when unknown. */
export function errnoName(text: string): string {
  return ERRNO_BY_TEXT[text.trim()] ?? text.trim();
}

/** What the spawner knew when it forked, for the message. */
export interface ExecContext {
  /** The command word as written (Supervisor's messages name it). */
  argv0: string;
  cwd: string | null;
  /** The uid switched to, when a user was set. */
  uid: number | null;
  /** True when the child was `setpriv … -- file`. */
  viaSetpriv: boolean;
}

const NODE_PTY_FAILURE = /^(execvp\(3\)|chdir\(2\)|setgid\(2\)|setuid\(2\)) failed\.: (.+)$/;
const SETPRIV_EXEC = /^setpriv: failed to execute .*: ([^:]+)$/;
const SETPRIV_OTHER = /^setpriv: (.+)$/;

/**
 * The spawnerr text when `output` (everything the child wrote) and its exit code are a failed exec
 * rather than the program's own doing; null otherwise. Only a single line of output counts, so a
 * program that printed anything else is never mistaken for a failed exec.
 */
export function execFailure(output: string, exitCode: number | null, ctx: ExecContext): string | null {
  const text = output.replace(/\r?\n$/, '').replace(/\r$/, '');
  if (text.includes('\n') || exitCode === null) return null;
  const m = NODE_PTY_FAILURE.exec(text);
  if (m && exitCode === 1) {
    const code = errnoName(m[2]!);
    if (m[1] === 'execvp(3)') return `couldn't exec ${ctx.argv0}: ${code}`;
    if (m[1] === 'chdir(2)') return `couldn't chdir to ${ctx.cwd ?? '.'}: ${code}`;
    return `couldn't setuid to ${ctx.uid ?? '?'}: ${code}`;
  }
  if (!ctx.viaSetpriv) return null;
  const e = SETPRIV_EXEC.exec(text);
  if (e && (exitCode === 126 || exitCode === 127)) return `couldn't exec ${ctx.argv0}: ${errnoName(e[1]!)}`;
  const o = SETPRIV_OTHER.exec(text);
  if (o && exitCode === 1) return `couldn't setuid to ${ctx.uid ?? '?'}: ${o[1]}`;
  return null;
}
