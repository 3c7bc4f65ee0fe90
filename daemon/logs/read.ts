/**
 * Reading log files for the RPC API (reference d.2): readLog / readProcess*Log use readLogRange
 * (Supervisor's `readFile` plus the NO_FILE check of its callers), tailProcess*Log use tailLogRange
 * (`tailFile`). Bytes are decoded as UTF-8 with replacement characters.
 */
import * as fs from 'node:fs';
import { Faults, RpcFault } from '../../src/api/faults.js';

/**
 * Returns bytes of the file at `path`:
 * - offset < 0, length == 0: the last |offset| bytes;
 * - offset >= 0, length == 0: from offset to the end;
 * - otherwise `length` bytes from offset.
 * Faults: NO_FILE (`NO_FILE: <path>`, plain `NO_FILE` when path is null) when there is no such file,
 * BAD_ARGUMENTS for a negative length, or a negative offset with a length; FAILED on an I/O error.
 */
export function readLogRange(path: string | null, offset: number, length: number): string {
  if (path === null) throw new RpcFault(Faults.NO_FILE);
  if (!fs.existsSync(path)) throw new RpcFault(Faults.NO_FILE, path);
  offset = Math.trunc(offset);
  length = Math.trunc(length);
  const fd = openForRead(path);
  if (fd === null) throw new RpcFault(Faults.FAILED);
  try {
    // Supervisor opens the file first, so an unreadable file is FAILED even with bad arguments.
    if (offset < 0 && length !== 0) throw new RpcFault(Faults.BAD_ARGUMENTS);
    if (offset >= 0 && length < 0) throw new RpcFault(Faults.BAD_ARGUMENTS);
    let size: number;
    try {
      size = fs.fstatSync(fd).size;
    } catch {
      throw new RpcFault(Faults.FAILED);
    }
    let start: number;
    let want: number;
    if (offset < 0) {
      start = Math.max(0, size - -offset);
      want = -offset;
    } else {
      start = offset;
      want = length === 0 ? Math.max(0, size - offset) : length;
    }
    return readAt(fd, start, want).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Supervisor's tailFile: up to `length` bytes ending at EOF, moving offset forward when the file grew
 * past offset+length. Returns `[text, size, overflow]`; `['', 0, false]` when path is null or missing,
 * `['', offset, false]` on an I/O error.
 */
export function tailLogRange(path: string | null, offset: number, length: number): [string, number, boolean] {
  if (path === null || !fs.existsSync(path)) return ['', 0, false];
  offset = Math.trunc(offset);
  length = Math.trunc(length);
  const fd = openForRead(path);
  if (fd === null) return ['', offset, false];
  const asked = offset;
  try {
    const size = fs.fstatSync(fd).size;
    let overflow = false;
    if (size > offset + length) {
      overflow = true;
      offset = size - 1;
    }
    if (offset + length > size) {
      if (offset > size - 1) length = 0;
      offset = size - length;
    }
    if (offset < 0) offset = 0;
    if (length < 0) length = 0;
    const data = length === 0 ? '' : readAt(fd, offset, length).toString('utf8');
    return [data, size, overflow];
  } catch {
    return ['', asked, false];
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens for reading; null where Python's open() would fail (including a directory, which Linux opens). */
function openForRead(path: string): number | null {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    if (!fs.fstatSync(fd).isDirectory()) return fd;
  } catch {
    // fall through: unusable
  }
  fs.closeSync(fd);
  return null;
}

/** Reads up to `want` bytes at `pos` (fewer at EOF). Throws FAILED on an I/O error. */
function readAt(fd: number, pos: number, want: number): Buffer {
  const out: Buffer[] = [];
  let got = 0;
  try {
    while (got < want) {
      const step = Math.min(want - got, 1 << 20);
      const buf = Buffer.allocUnsafe(step);
      const n = fs.readSync(fd, buf, 0, step, pos + got);
      if (n === 0) break;
      out.push(n === step ? buf : buf.subarray(0, n));
      got += n;
    }
  } catch {
    throw new RpcFault(Faults.FAILED);
  }
  return Buffer.concat(out, got);
}
