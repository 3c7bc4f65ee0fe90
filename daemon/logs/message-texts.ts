/**
 * Values in log messages as Python prints them: an OS error as `str(OSError)` (`[Errno N] Text: 'path'`)
 * and undecodable output as `repr(bytes)`. Those exact strings end up in users' logs and scripts.
 * (A str's `repr()` is src/config/pyrepr.ts.)
 */
import { getSystemErrorMap } from 'node:util';
import { pyRepr } from '../../src/config/pyrepr.js';

/** Python 3 `repr()` of bytes: `b'...'` with printable ASCII kept and everything else as \xhh. */
export function pyBytesRepr(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? 0x22 : 0x27;
  let out = 'b' + String.fromCharCode(quote);
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if (c === quote) out += '\\' + String.fromCharCode(c);
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += String.fromCharCode(c);
  }
  return out + String.fromCharCode(quote);
}

// glibc's strerror() texts for the errors a log file can hit; libuv's own texts differ in places.
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EEXIST: 'File exists',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENXIO: 'No such device or address',
  EPIPE: 'Broken pipe',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EFBIG: 'File too large',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
};

/**
 * Formats a Node fs error as Python's OSError str: `[Errno 2] No such file or directory: '/x'`.
 * Falls back to the error's own message when it carries no errno.
 */
export function osErrorText(err: unknown, path?: string): string {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.errno !== 'number' || !e.code) return String((e as Error)?.message ?? err);
  const libuv = getSystemErrorMap().get(e.errno)?.[1] ?? e.code;
  const text = STRERROR[e.code] ?? libuv.charAt(0).toUpperCase() + libuv.slice(1);
  const where = path ?? e.path;
  return `[Errno ${Math.abs(e.errno)}] ${text}` + (where !== undefined ? `: ${pyRepr(where)}` : '');
}
