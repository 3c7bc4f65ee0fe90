/**
 * Capture mode (`*_capture_maxbytes` > 0), Supervisor's `POutputDispatcher.record_output` and
 * `BoundIO`. Output between `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->` is captured
 * instead of logged; at END the capture becomes a PROCESS_COMMUNICATION event. Pure logic, no I/O.
 */
/** Starts a capture (ProcessCommunicationEvent.BEGIN_TOKEN, 24 bytes). */
export const BEGIN_TOKEN = Buffer.from('<!--XSUPERVISOR:BEGIN-->');
/** Ends a capture (22 bytes). */
export const END_TOKEN = Buffer.from('<!--XSUPERVISOR:END-->');

const EMPTY = Buffer.alloc(0);

/** Where the splitter sends its results. */
export interface CaptureSink {
  /** A piece of output, to be logged to the current log (the capture buffer while capturing). */
  log(data: Buffer): void;
  /** BEGIN (capturing=true) or END (capturing=false) was seen, after the text before it was logged. */
  toggle(capturing: boolean): void;
}

/**
 * Length of the longest proper prefix of `token` that `data` ends with (medusa's
 * `find_prefix_at_end`): those bytes may start a token completed by the next chunk.
 */
export function prefixAtEnd(data: Buffer, token: Buffer): number {
  for (let l = Math.min(token.length - 1, data.length); l > 0; l--) {
    if (data.subarray(data.length - l).equals(token.subarray(0, l))) return l;
  }
  return 0;
}

/** Splits a channel's byte stream around capture tokens. */
export class CaptureSplitter {
  /** Inside BEGIN … END. */
  capturing = false;
  private pending: Buffer = EMPTY;

  /** `enabled` = capture_maxbytes > 0; when false every chunk is logged as it comes. */
  constructor(
    private readonly enabled: boolean,
    private readonly sink: CaptureSink,
  ) {}

  /** Output held back because it is too short to rule out a token (Supervisor's output_buffer). */
  get held(): Buffer {
    return this.pending;
  }

  /** Takes one chunk read from the child. */
  push(chunk: Buffer): void {
    if (!this.enabled) {
      // Supervisor's shortcut: no capture log, nothing to look for.
      this.sink.log(chunk);
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.record();
  }

  /**
   * EOF: log what was held back and start the next run in normal mode. Supervisor drops the held
   * bytes at EOF (a trailing short line never reaches the file); we keep the no-byte-lost rule.
   * An unterminated capture is never emitted, as in Supervisor.
   */
  end(): void {
    const rest = this.pending;
    this.pending = EMPTY;
    if (rest.length) this.sink.log(rest);
    this.capturing = false;
  }

  private record(): void {
    for (;;) {
      const token = this.capturing ? END_TOKEN : BEGIN_TOKEN;
      // Short output is held: it may be the start of a token (observed: `after\n` stays unwritten).
      if (this.pending.length <= token.length) return;
      const data = this.pending;
      this.pending = EMPTY;
      const at = data.indexOf(token);
      if (at < 0) {
        const keep = prefixAtEnd(data, token);
        if (keep) this.pending = data.subarray(data.length - keep);
        this.sink.log(keep ? data.subarray(0, data.length - keep) : data);
        return;
      }
      this.sink.log(data.subarray(0, at));
      // normal -> capturing at BEGIN; capturing -> normal at END (the sink emits the comm event).
      this.capturing = !this.capturing;
      this.sink.toggle(this.capturing);
      this.pending = data.subarray(at + token.length);
      if (this.pending.length === 0) return;
    }
  }
}

/** Supervisor's BoundIO: when a write would pass maxbytes, drop as many bytes from the front as it adds. */
export class BoundBuffer {
  private buf: Buffer = EMPTY;
  constructor(readonly maxbytes: number) {}

  write(b: Buffer): void {
    if (this.buf.length + b.length > this.maxbytes) this.buf = this.buf.subarray(b.length);
    this.buf = Buffer.concat([this.buf, b]);
  }

  getvalue(): Buffer {
    return this.buf;
  }

  clear(): void {
    this.buf = EMPTY;
  }
}
