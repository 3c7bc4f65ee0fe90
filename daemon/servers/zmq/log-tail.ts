/**
 * `ext.tailLog` / `ext.tailMainLog` (docs/protocol.md "Log tails"): the last bytes of a log file
 * together with the PUB sequence number they are valid at, so that a follower shows the tail and
 * then exactly the live chunks after it (`tail -f` starting like Supervisor's /logtail).
 *
 * When is a read "at" a seq? A chunk's `output` bus event comes after its bytes are in the file: the
 * child-log writer either writes a chunk at once and emits its event a microtask later (before the next
 * chunk is read), or has at most one queued write in flight, whose events all come in one synchronous
 * run when it completes. So the file holds exactly the bytes of the events emitted so far whenever that
 * writer is between writes. Two such moments are used:
 * - a log with output going: inside the handler of its next chunk (the write just completed, the next
 *   one not started); the chunks of the same run still to come are in the file too, so the seq is taken
 *   once that run is over (a microtask later);
 * - a quiet log: after QUIET_MS without a chunk, when no write of it can still be pending.
 * The activity log writes synchronously before its event, so a read is exact at any moment.
 * The seq itself is the queue's `settled()` position: every chunk queued before is at or below it.
 */
import * as fs from 'node:fs';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import type { LogTail } from '../../../src/api/protocol.js';
import type { PubQueue } from './pub-queue.js';

/** How long a log without output must stay quiet before its file is read as it is. */
export const QUIET_MS = 30;
/** The largest tail one call returns. */
export const MAX_TAIL_BYTES = 1024 * 1024;

/** The last `length` bytes of `path` (all of a shorter file) and the file's size. Faults NO_FILE/FAILED. */
export function readTail(path: string, length: number): { data: Buffer; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RpcFault(Faults.NO_FILE, path);
    throw new RpcFault(Faults.FAILED, `${path}: ${(e as Error).message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const want = Math.min(length, size);
    const data = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const n = fs.readSync(fd, data, got, want - got, size - want + got);
      if (n === 0) break;
      got += n;
    }
    return { data: data.subarray(0, got), size };
  } finally {
    fs.closeSync(fd);
  }
}

interface Waiter {
  /** Reads now (the writer is between writes) and answers once the current run of events is over. */
  read(): void;
}

/** Answers tail calls for one server; the bus bridge reports each queued child-log chunk. */
export class LogTails {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private closed = false;

  constructor(private readonly queue: PubQueue) {}

  /** The bridge queued a child-log chunk on `topic`: waiting tails of it read the file now. */
  chunkQueued(topic: string): void {
    const set = this.waiters.get(topic);
    if (!set) return;
    this.waiters.delete(topic);
    for (const w of set) w.read();
  }

  /** The tail of a child's log file, valid at a seq of its PUB topic. */
  child(topic: string, path: string, length: number): Promise<LogTail> {
    // A missing file answers at once (as /logtail's 404), without waiting.
    if (!fs.existsSync(path)) return Promise.reject(new RpcFault(Faults.NO_FILE, path));
    return new Promise<LogTail>((resolve, reject) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.get(topic)?.delete(waiter);
        let tail: { data: Buffer; size: number };
        try {
          tail = readTail(path, length);
        } catch (e) {
          reject(e);
          return;
        }
        // The rest of this run of events (same completed write) is in what was read: take the seq after it.
        queueMicrotask(() => {
          this.queue.settled(topic).then((seq) => resolve(answer(tail, seq)), reject);
        });
      };
      const waiter: Waiter = { read: finish };
      let set = this.waiters.get(topic);
      if (!set) this.waiters.set(topic, (set = new Set()));
      set.add(waiter);
      // waiting -> quiet: no chunk came, so no write of this log is pending; read it as it is.
      const timer = setTimeout(finish, this.closed ? 0 : QUIET_MS);
    });
  }

  /** The tail of the activity log: written synchronously before its events, so valid right now. */
  async main(topic: string, path: string, length: number): Promise<LogTail> {
    const tail = readTail(path, length);
    return answer(tail, await this.queue.settled(topic));
  }

  /** Ends every wait (the server is closing): each reads the file as it is. */
  close(): void {
    this.closed = true;
    const all = [...this.waiters.values()];
    this.waiters.clear();
    for (const set of all) for (const w of set) w.read();
  }
}

function answer(tail: { data: Buffer; size: number }, seq: number): LogTail {
  return { data: tail.data.toString('base64'), seq, offset: tail.size - tail.data.length, size: tail.size };
}

/** Checks the `length` argument of a tail call. */
export function tailLength(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  return Math.min(v, MAX_TAIL_BYTES);
}
