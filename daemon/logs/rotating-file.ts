/**
 * An append-mode log file with Supervisor's size rotation (`loggers.RotatingFileHandler`):
 * after each chunk, if the file size is >= maxbytes, close it, shift `.N-1 -> .N … base -> .1` and open
 * the base again empty. backups=0 truncates instead; maxbytes=0 never rotates.
 *
 * Two write modes:
 * - `sync`: every write() is a blocking fs.writeSync (the activity log: low volume, and a line must be
 *   on disk before an RPC reads it back or the daemon exits).
 * - queued (default): chunks go into a FIFO drained by async fs.writev on libuv's thread pool, so a
 *   slow disk or a blocked pipe (/dev/stdout to a slow reader) never stalls the daemon. write() returns
 *   false once more than `highWaterMark` bytes wait; `onDrain` callbacks run when it is back under
 *   half of that. Chunks are never dropped on a write error: they are retried (1 s apart) while the
 *   caller stays paused, so a full disk blocks the child instead of losing its output.
 * - `direct` (queued mode plus a fast path, for child logs): a chunk of at most `highWaterMark` bytes
 *   for a regular file, arriving while nothing waits, is written at once with fs.writeSync, as
 *   Python's supervisord does. A round trip through the thread pool per chunk costs more than the
 *   write into the page cache; pipes and devices, a non-empty queue and a failed write still take the
 *   queued path, so a slow reader or a full disk never blocks the daemon.
 * - `lazy`: a regular file is opened (created) at construction, reopen() and remove() as always, but
 *   its descriptor is closed again until the first write. A program that never writes then holds no
 *   descriptor, and every fork() of the daemon copies, and every exec() of a child closes, two fewer
 *   per program. Once written to, the file stays open.
 */
import * as fs from 'node:fs';
import { osErrorText } from './message-texts.js';

export interface RotatingFileOptions {
  /** Rotate when the file reaches this size; 0 = never. */
  maxbytes: number;
  /** How many `.N` backups to keep; 0 = truncate the base on rotation. */
  backups: number;
  /** Blocking writes (see the module comment). */
  sync?: boolean;
  /** Queued mode: write() returns false above this many waiting bytes. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued mode: write chunks to a regular file synchronously while nothing waits (see above). */
  direct?: boolean;
  /** Keep a regular file closed until its first write (see above). */
  lazy?: boolean;
  /**
   * With `lazy`: the path is a new empty regular file the caller has just created (an AUTO child log),
   * so there is nothing to learn from opening it now: the first write opens it.
   */
  deferOpen?: boolean;
  /** Called with a one-line message when an I/O error happens (once per run of failures). */
  onError?: (message: string) => void;
}

interface Pending {
  buf: Buffer;
  /** Bytes of buf already written (a pipe can take part of a chunk). */
  off: number;
  done?: () => void;
}

// Upper bounds of one writev call; Linux's IOV_MAX is 1024.
const MAX_IOV = 256;
const MAX_BATCH_BYTES = 4 << 20;
const RETRY_MS = 1000;
const EAGAIN_RETRY_MS = 10;
/** What a blocking write sleeps on between EAGAIN retries (Atomics.wait needs a shared cell). */
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** A log file that rotates by size and never loses or reorders bytes. */
export class RotatingFile {
  readonly path: string;
  readonly maxbytes: number;
  readonly backups: number;
  private readonly sync: boolean;
  private readonly direct: boolean;
  private readonly lazy: boolean;
  private readonly hwm: number;
  private readonly onError: (message: string) => void;

  private fd: number | null = null;
  /** Our own count of the file's size (fstat at each open, plus bytes written). */
  private size = 0;
  /** Not a regular file (a pipe, /dev/stdout, a tty): it cannot be sized or renamed, so never rotated. */
  private special = false;
  private readonly queue: Pending[] = [];
  private queued = 0;
  private writing = false;
  /** Descriptors replaced (reopen/remove) while a write on them was in flight; closed when it returns. */
  private retired: number[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private needDrain = false;
  private readonly drainFns: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private closing = false;
  private closed = false;
  private errorReported = false;
  /** Bumped when the queue is discarded, so a write in flight does not consume newer chunks. */
  private generation = 0;

  /** Opens (creates) the file in append mode; throws a one-line Error if it cannot. */
  constructor(path: string, opts: RotatingFileOptions) {
    this.path = path;
    this.maxbytes = Math.max(0, opts.maxbytes);
    this.backups = Math.max(0, opts.backups);
    this.sync = opts.sync ?? false;
    this.direct = opts.direct ?? false;
    this.lazy = opts.lazy ?? false;
    this.hwm = opts.highWaterMark ?? 1 << 20;
    this.onError = opts.onError ?? ((m) => process.stderr.write(`supervisord: ${m}\n`));
    if (this.lazy && opts.deferOpen) return; // fd null, size 0, not special: what an open would find
    this.openBase('a');
    this.park();
  }

  /** Bytes accepted but not yet written (always 0 in sync mode). */
  get pending(): number {
    return this.queued;
  }

  /** True when the writer is above its high-water mark: the producer should pause. */
  get behind(): boolean {
    return this.needDrain;
  }

  /** True when the file cannot seek (pipe, character device): rotation is off for it. */
  get isSpecial(): boolean {
    return this.special;
  }

  /**
   * Appends a chunk. `done` runs once its bytes are in the file. Returns false when the queue is
   * above the high-water mark (pause the producer until an onDrain callback runs).
   */
  write(buf: Buffer, done?: () => void): boolean {
    if (this.closed || this.closing) {
      this.report(`write to ${this.path} after close: ${buf.length} bytes not logged`);
      done?.();
      return true;
    }
    if (this.sync) {
      this.writeNow(buf);
      done?.();
      return true;
    }
    if (buf.length === 0) {
      // Keep `done` ordered after the bytes before it.
      if (this.queue.length === 0 && !this.writing) done?.();
      else this.queue.push({ buf, off: 0, done });
      return !this.needDrain;
    }
    if (this.direct && this.writeDirect(buf, done)) return !this.needDrain;
    this.queue.push({ buf, off: 0, done });
    this.queued += buf.length;
    this.pump();
    if (this.queued > this.hwm) this.needDrain = true;
    return !this.needDrain;
  }

  /** Registers a callback run each time the writer, after write() returned false, can take more. */
  onDrain(fn: () => void): void {
    this.drainFns.push(fn);
  }

  /** Resolves when every accepted byte is written. */
  flush(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * SIGUSR2: close and open the path again in append mode, so that after an external rename
   * (logrotate) new bytes go to a new file at the old name. Never throws: a failure is reported and
   * the open is retried before the next write.
   */
  reopen(): void {
    if (this.closed) return;
    this.retire();
    try {
      this.openBase('a');
    } catch (e) {
      this.report((e as Error).message);
    }
    this.pump();
    this.park();
  }

  /** Deletes the file (ENOENT is fine) and leaves the writer without a file until reopen(). Throws on failure. */
  unlink(): void {
    // A special file is a device or pipe the user pointed us at (e.g. /dev/stdout): deleting it would
    // remove the device node itself, so clearing it only reopens it.
    if (this.special) return;
    try {
      fs.unlinkSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(osErrorText(e, this.path));
    }
  }

  /**
   * clear (clearProcessLogs): drop what is still queued (it would have been in the deleted file),
   * delete the file and open a new empty one. Throws a one-line Error when the file cannot be removed
   * or created again.
   */
  remove(): void {
    if (this.closed) return;
    this.discardQueue();
    this.unlink();
    this.retire();
    this.openBase('a');
    this.pump();
    this.park();
  }

  /** Writes everything pending, then closes the file. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closing = true;
    if (this.retryTimer) {
      // One last attempt; a failure while closing drops the rest (reported) instead of hanging.
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.pump();
    }
    return this.flush().then(() => this.finishClose());
  }

  /** Closes now without waiting for queued bytes (sync mode, or at process exit). */
  closeSync(): void {
    if (this.closed) return;
    if (this.queue.length > 0) this.report(`${this.queued} bytes for ${this.path} not written at close`);
    this.discardQueue();
    this.finishClose();
  }

  // ---- internals ----

  private finishClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retire();
  }

  /** Opens the base path. 'a' appends (size from fstat); 'w' truncates (after a rotation). */
  private openBase(flags: 'a' | 'w'): void {
    let fd: number;
    try {
      fd = fs.openSync(this.path, flags);
    } catch (e) {
      this.fd = null;
      throw new Error(osErrorText(e, this.path));
    }
    this.fd = fd;
    try {
      const st = fs.fstatSync(fd);
      // /dev/stdout redirected to a regular file still must not be renamed or unlinked: that would
      // move the /dev symlink itself. Anything under /dev or /proc is treated as a device.
      this.special = !st.isFile() || /^\/(dev|proc)\//.test(this.path);
      this.size = this.special ? 0 : st.size;
    } catch {
      this.special = false;
      this.size = 0;
    }
  }

  /** Closes the current descriptor now, or after the write in flight on it returns. */
  private retire(): void {
    if (this.fd !== null) {
      if (this.writing) this.retired.push(this.fd);
      else closeQuietly(this.fd);
    }
    this.fd = null;
    if (!this.writing) this.closeRetired();
  }

  private closeRetired(): void {
    for (const fd of this.retired) closeQuietly(fd);
    this.retired = [];
  }

  private rotates(): boolean {
    return this.maxbytes > 0 && !this.special;
  }

  /** Supervisor's doRollover, run only between whole chunks. */
  private rotateIfFull(): void {
    if (!this.rotates() || this.fd === null || this.size < this.maxbytes) return;
    closeQuietly(this.fd);
    this.fd = null;
    try {
      if (this.backups > 0) {
        for (let i = this.backups - 1; i > 0; i--) renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        renameIfExists(this.path, `${this.path}.1`);
      }
    } catch (e) {
      this.report(osErrorText(e));
    }
    try {
      // A failed rename leaves the base in place: truncating it would lose its bytes, so append.
      this.openBase(fs.existsSync(this.path) && this.backups > 0 ? 'a' : 'w');
    } catch (e) {
      this.report((e as Error).message);
    }
  }

  /** Sync mode: write the whole chunk now, report (once) and drop it on failure. */
  private writeNow(buf: Buffer): void {
    if (this.fd === null) {
      try {
        this.openBase('a');
      } catch (e) {
        this.report((e as Error).message);
        return;
      }
    }
    let off = 0;
    try {
      while (off < buf.length) {
        try {
          off += fs.writeSync(this.fd!, buf, off, buf.length - off);
        } catch (e) {
          // A non-blocking pipe somebody handed us: wait for it rather than drop the line.
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          Atomics.wait(SLEEP_CELL, 0, 0, EAGAIN_RETRY_MS);
        }
      }
      this.errorReported = false;
    } catch (e) {
      this.report(`cannot write to ${this.path}: ${osErrorText(e, this.path)}`);
    }
    if (!this.special) this.size += off;
    this.rotateIfFull();
  }

  /**
   * The `direct` fast path: writes the chunk now when nothing waits and the file is a regular one.
   * True when it took the chunk (written, or its unwritten rest queued after a failed write); false
   * leaves the whole chunk to the queued path (over the high-water mark, a special file, a busy queue).
   */
  private writeDirect(buf: Buffer, done?: () => void): boolean {
    if (buf.length > this.hwm || this.special) return false;
    if (this.writing || this.retryTimer || this.queue.length > 0) return false;
    if (this.fd === null) {
      // Parked (lazy) or lost: open it now; a failure is the queue's to report and retry.
      try {
        this.openBase('a');
      } catch {
        return false;
      }
    }
    const fd = this.fd;
    if (fd === null || this.special) return false;
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch {
      // The queue retries (and reports) whatever is left, with the producer paused as usual.
    }
    this.size += off;
    if (off < buf.length) {
      this.queue.push({ buf, off, done });
      this.queued += buf.length - off;
      if (this.queued > this.hwm) this.needDrain = true;
      this.pump();
      return true;
    }
    this.errorReported = false;
    this.rotateIfFull();
    // As in the queued path, `done` runs after write() has returned, never inside it.
    if (done) queueMicrotask(done);
    return true;
  }

  /** `lazy`: close an idle regular file's descriptor; the next write opens the path again. */
  private park(): void {
    if (!this.lazy || this.special || this.fd === null || this.writing || this.queue.length > 0) return;
    closeQuietly(this.fd);
    this.fd = null;
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && !this.writing;
  }

  /** Starts the next writev if none is running. */
  private pump(): void {
    if (this.writing || this.retryTimer) return;
    // Zero-length entries only carry a `done` in order; complete those at the head.
    while (this.queue.length > 0 && this.queue[0].buf.length === 0) this.queue.shift()!.done?.();
    if (this.queue.length === 0) {
      this.settle();
      return;
    }
    if (this.fd === null) {
      try {
        this.openBase('a');
      } catch (e) {
        this.failed(e, null);
        return;
      }
    }
    const fd = this.fd!;
    const bufs: Buffer[] = [];
    let total = 0;
    for (const p of this.queue) {
      if (p.buf.length === 0) continue;
      const b = p.off ? p.buf.subarray(p.off) : p.buf;
      bufs.push(b);
      total += b.length;
      // Stop at the chunk that reaches maxbytes, so rotation happens exactly where Supervisor's would.
      if (this.rotates() && this.size + total >= this.maxbytes) break;
      if (bufs.length >= MAX_IOV || total >= MAX_BATCH_BYTES) break;
    }
    this.writing = true;
    const gen = this.generation;
    fs.writev(fd, bufs, (err, n) => this.written(fd, gen, err, n));
  }

  private written(fd: number, gen: number, err: NodeJS.ErrnoException | null, n: number): void {
    this.writing = false;
    this.closeRetired();
    if (gen !== this.generation) {
      // remove() dropped the chunks this write was carrying (their file is gone): start afresh.
      this.pump();
      return;
    }
    if (err) {
      this.failed(err, fd);
      return;
    }
    this.errorReported = false;
    const dones = this.consume(n);
    if (fd === this.fd && !this.special) this.size += n;
    // Rotate only at a chunk boundary (the head chunk not half written), as Supervisor checks after each chunk.
    if (fd === this.fd && (this.queue.length === 0 || this.queue[0].off === 0)) this.rotateIfFull();
    for (const d of dones) d();
    if (this.needDrain && this.queued <= this.hwm / 2) {
      this.needDrain = false;
      for (const fn of this.drainFns) fn();
    }
    this.pump();
  }

  /** Removes n written bytes from the head of the queue; returns the callbacks of finished chunks. */
  private consume(n: number): (() => void)[] {
    const dones: (() => void)[] = [];
    this.queued -= n;
    while (this.queue.length > 0) {
      const p = this.queue[0];
      const left = p.buf.length - p.off;
      if (n < left) {
        p.off += n;
        break;
      }
      n -= left;
      this.queue.shift();
      if (p.done) dones.push(p.done);
    }
    return dones;
  }

  private failed(err: unknown, fd: number | null): void {
    const code = (err as NodeJS.ErrnoException).code;
    if (this.closing) {
      this.report(`${osErrorText(err, this.path)}; ${this.queued} bytes not written at close`);
      this.discardQueue();
      this.settle();
      return;
    }
    this.report(`cannot write to ${this.path}: ${osErrorText(err, this.path)} (will retry)`);
    // A descriptor that went bad (EBADF, EIO after a device vanished) is replaced by a fresh open.
    if (fd !== null && fd === this.fd && code !== 'EAGAIN' && code !== 'ENOSPC' && code !== 'EDQUOT') {
      this.retire();
    }
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.pump();
      },
      code === 'EAGAIN' ? EAGAIN_RETRY_MS : RETRY_MS,
    );
  }

  private discardQueue(): void {
    const dones = this.queue.filter((p) => p.done).map((p) => p.done!);
    this.generation++;
    this.queue.length = 0;
    this.queued = 0;
    for (const d of dones) d();
    if (this.needDrain) {
      this.needDrain = false;
      for (const fn of this.drainFns) fn();
    }
  }

  /** The queue is empty: wake flush()/close() waiters. */
  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private report(message: string): void {
    if (this.errorReported) return;
    this.errorReported = true;
    try {
      this.onError(message);
    } catch {
      // Reporting must never break the writer.
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed or invalid: nothing left to release.
  }
}

/** rename(src, dst), ignoring a missing source (a cleanup script may have removed it, as Supervisor does). */
function renameIfExists(src: string, dst: string): void {
  try {
    fs.renameSync(src, dst);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
