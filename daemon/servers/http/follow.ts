/**
 * Follows a growing file like Supervisor's `tail_f_producer`: starts `head` bytes before the end, sends
 * what is appended, reopens the path when it names a new file (rotation: the new file is sent from its
 * start), and says `==> File truncated <==` when the file shrinks. Woken by fs.watch; a stat every
 * FALLBACK_MS catches what a watch can miss (a rotation, a file re-created under the same name).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';

export const TRUNCATED_NOTICE = '==> File truncated <==\n';
/** The fallback check interval (never a busy poll). */
export const FALLBACK_MS = 500;
const READ_CHUNK = 64 * 1024;

/** Where the followed bytes go. `write` returning false means: wait for `waitDrain` before more. */
export interface FollowSink {
  write(data: Buffer): boolean;
  waitDrain(): Promise<void>;
}

export class FileFollower {
  private fh: fsp.FileHandle | null = null;
  private ino = 0;
  private pos = 0;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private closed = false;

  private constructor(
    private readonly path: string,
    private readonly sink: FollowSink,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Opens `path` (it must exist) and starts sending from `head` bytes before its end. */
  static async start(path: string, head: number, sink: FollowSink, onError: (err: Error) => void): Promise<FileFollower> {
    const f = new FileFollower(path, sink, onError);
    const { size } = await f.open();
    // As Supervisor: a file shorter than `head` is sent whole.
    f.pos = size >= head ? size - head : 0;
    f.watch();
    f.timer = setInterval(() => f.wake(), FALLBACK_MS);
    f.timer.unref();
    f.wake();
    return f;
  }

  /** Opens the path, to be read from its start; its stat gives the inode (rotation) and the size (head). */
  private async open(): Promise<fs.Stats> {
    const fh = await fsp.open(this.path, 'r');
    this.fh = fh;
    const st = await fh.stat();
    this.ino = st.ino;
    this.pos = 0;
    return st;
  }

  private watch(): void {
    this.watcher?.close();
    this.watcher = null;
    try {
      this.watcher = fs.watch(this.path, { persistent: false }, () => this.wake());
      this.watcher.on('error', () => {
        // The watched file went away (rotation, clear): the fallback timer finds the new one.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      // Out of inotify watches, or the file vanished: the fallback timer still follows it.
    }
  }

  /** Runs one pass (or schedules another after the running one). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.pass()
      .catch((e: Error) => {
        if (!this.closed) this.onError(e);
      })
      .finally(() => {
        this.running = false;
        if (this.again && !this.closed) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pass(): Promise<void> {
    await this.followRename();
    await this.sendAppended();
  }

  /**
   * Sends what the open file holds past `pos`, until it stops growing. A file that shrank below `pos`
   * was truncated in place (or cleared): say so, then send it from its start.
   */
  private async sendAppended(): Promise<void> {
    for (;;) {
      if (this.closed || !this.fh) return;
      const { size } = await this.fh.stat();
      if (size < this.pos) {
        this.pos = 0;
        if (!this.sink.write(Buffer.from(TRUNCATED_NOTICE))) await this.sink.waitDrain();
        continue;
      }
      if (size === this.pos) return;
      const len = Math.min(size - this.pos, READ_CHUNK);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await this.fh.read(buf, 0, len, this.pos);
      if (bytesRead === 0 || this.closed) return;
      this.pos += bytesRead;
      if (!this.sink.write(buf.subarray(0, bytesRead))) await this.sink.waitDrain();
    }
  }

  /** When the path now names another file (rotated, re-created), switch to it from its start. */
  private async followRename(): Promise<void> {
    let ino: number;
    try {
      ino = (await fsp.stat(this.path)).ino;
    } catch {
      return; // Unlinked and not yet re-created: keep the old file until a new one appears.
    }
    if (ino === this.ino || this.closed) return;
    // Send what the old file still got before it was renamed away, then move on.
    await this.sendAppended();
    if (this.closed) return;
    const old = this.fh;
    await this.open();
    await old?.close().catch(() => {});
    // close() during the open() above could not see the new handle: close it here.
    if (this.closed) {
      void this.fh?.close().catch(() => {});
      this.fh = null;
      return;
    }
    this.watch();
  }

  /** Stops following and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    const fh = this.fh;
    this.fh = null;
    // A pass may still hold the handle; closing it makes its read fail, which is ignored once closed.
    void fh?.close().catch(() => {});
  }
}
