/**
 * ZMTP 3.0 on the wire (RFC 23, rfc.zeromq.org/spec/23): the greeting, frames (short and long, MORE,
 * COMMAND), commands and their metadata properties. Pure byte work, no sockets: zmtp.ts drives it.
 */

/** The whole greeting is 64 bytes: signature (10), version (2), mechanism (20), as-server (1), filler (31). */
export const GREETING_SIZE = 64;
/** Signature and major version: what a server needs to send its whole greeting back. */
const GREETING_START_SIZE = 11;
const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;
const MECHANISM_END = MECHANISM_OFFSET + MECHANISM_SIZE;

/** Frame flag bits (RFC 23 "Framing"). */
const FLAG_MORE = 0x01;
const FLAG_LONG = 0x02;
const FLAG_COMMAND = 0x04;
/** Bits 7..3 are reserved and must be zero. */
const FLAGS_RESERVED = 0xf8;

/**
 * The biggest frame accepted from a server. Replies are JSON documents of a few MiB at most (16 MiB is
 * what the daemon accepts in a request); beyond this a length is taken for garbage, not a reply.
 */
export const MAX_FRAME_BYTES = 1 << 30;

/**
 * Our greeting in two parts. The start (signature with libzmq's padding, major version 3) goes first:
 * a libzmq server answers it with its whole greeting. The rest (minor version 1: ZMTP 3.1, whose PING
 * and PONG commands the client uses as heartbeats; the mechanism; as-server 0) follows once the
 * server's mechanism is known: sent at once, a server with another mechanism would close before its
 * own greeting was read.
 */
export function clientGreeting(mechanism: string): { start: Buffer; rest: Buffer } {
  const g = Buffer.alloc(GREETING_SIZE);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  g.write(mechanism, MECHANISM_OFFSET, MECHANISM_SIZE, 'latin1');
  g[32] = 0;
  return { start: g.subarray(0, GREETING_START_SIZE), rest: g.subarray(GREETING_START_SIZE) };
}

/** What the first bytes of a server's greeting tell: wait for more, a ZMTP 3 peer's mechanism, or why not. */
export type GreetingCheck = { kind: 'partial' } | { kind: 'zmtp3'; mechanism: string } | { kind: 'bad'; reason: string };

/**
 * Reads the server's greeting from its first bytes, deciding as early as the bytes allow: a wrong first
 * byte needs no more, a ZMTP 2 major version no mechanism (it sends none).
 */
export function checkGreeting(head: Buffer): GreetingCheck {
  if (head.length >= 1 && head[0] !== 0xff) return { kind: 'bad', reason: 'not a ZMTP greeting' };
  if (head.length >= 10 && head[9] !== 0x7f) return { kind: 'bad', reason: 'not a ZMTP 3 greeting' };
  if (head.length >= 11 && head[10]! < 3) return { kind: 'bad', reason: `ZMTP version ${head[10]} instead of 3` };
  if (head.length < MECHANISM_END) return { kind: 'partial' };
  const mechanism = head.subarray(MECHANISM_OFFSET, MECHANISM_END).toString('latin1').replace(/\0+$/, '');
  return { kind: 'zmtp3', mechanism };
}

/** One frame: a message part or a command. */
export interface Frame {
  command: boolean;
  more: boolean;
  body: Buffer;
}

/** A frame header: flags, then the size in one byte, or in eight (big-endian) with the LONG flag. */
function frameHeader(size: number, flags: number): Buffer {
  if (size <= 255) return Buffer.from([flags, size]);
  const h = Buffer.alloc(9);
  h[0] = flags | FLAG_LONG;
  h.writeBigUInt64BE(BigInt(size), 1);
  return h;
}

/** The bytes of one message frame (`more`: another part follows). */
export function encodeFrame(body: Buffer, more = false): Buffer[] {
  return [frameHeader(body.length, more ? FLAG_MORE : 0), body];
}

/** The bytes of one command: name size, name, data, in a frame with the COMMAND flag. */
export function encodeCommand(name: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), data]);
  return Buffer.concat([frameHeader(body.length, FLAG_COMMAND), body]);
}

/** A command split into its name and data. Throws on a body too short for its name. */
export function parseCommand(body: Buffer): { name: string; data: Buffer } {
  // libzmq 4.3 spells its ERROR command's prefix "\x05ERROR" in C, where the hex escape swallows the E:
  // the command arrives as 0x5E "RROR" (measured with zeromq.js 6.8 refusing PLAIN credentials).
  if (body.length >= 5 && body[0] === 0x5e && body.toString('latin1', 1, 5) === 'RROR') {
    return { name: 'ERROR', data: body.subarray(5) };
  }
  const n = body[0];
  if (n === undefined || body.length < 1 + n) throw new Error('malformed command');
  return { name: body.subarray(1, 1 + n).toString('latin1'), data: body.subarray(1 + n) };
}

/** Metadata properties (READY, INITIATE): name size (1 byte), name, value size (4 bytes), value. */
export function encodeMetadata(props: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(props)) {
    const v = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + name.length + 4);
    head[0] = name.length;
    head.write(name, 1, 'latin1');
    head.writeUInt32BE(v.length, 1 + name.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

/** Parses metadata properties; names are compared case-insensitively (RFC 23), so they come back lower-cased. */
export function parseMetadata(data: Buffer): Map<string, Buffer> {
  const props = new Map<string, Buffer>();
  let i = 0;
  while (i < data.length) {
    const n = data[i]!;
    if (n === 0 || i + 1 + n + 4 > data.length) throw new Error('malformed metadata');
    const name = data.subarray(i + 1, i + 1 + n).toString('latin1').toLowerCase();
    const size = data.readUInt32BE(i + 1 + n);
    const start = i + 1 + n + 4;
    if (start + size > data.length) throw new Error('malformed metadata');
    props.set(name, data.subarray(start, start + size));
    i = start + size;
  }
  return props;
}

/** PLAIN's HELLO data (RFC 24): username and password, each with a one-byte length. */
export function plainHello(username: string, password: string): Buffer {
  const u = Buffer.from(username, 'utf8');
  const p = Buffer.from(password, 'utf8');
  if (u.length > 255 || p.length > 255) throw new Error('PLAIN username and password must be at most 255 bytes each');
  return Buffer.concat([Buffer.from([u.length]), u, Buffer.from([p.length]), p]);
}

/**
 * Collects bytes as they come off a stream, however they are cut into chunks, and hands out whole
 * frames. Each byte is copied at most once: a frame inside one chunk is a view of it, one spread over
 * several chunks is copied into a buffer of its size.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private available = 0;
  /** The header of the frame whose body is still arriving. */
  private header: { flags: number; size: number } | null = null;

  /** Adds bytes read from the stream. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /** The bytes buffered and not yet taken. */
  get buffered(): number {
    return this.available;
  }

  /** The first `n` buffered bytes, removed; null while fewer are buffered. */
  take(n: number): Buffer | null {
    if (n > this.available) return null;
    this.available -= n;
    const first = this.chunks[0];
    if (first && first.length >= n) {
      // The common case: a view, no copy.
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let used = 0;
    while (filled < n) {
      const c = this.chunks[used]!;
      const part = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, part);
      filled += part;
      if (part === c.length) used++;
      else this.chunks[used] = c.subarray(part);
    }
    // One splice for all the chunks used up: shifting them one by one is quadratic on a long list.
    this.chunks.splice(0, used);
    return out;
  }

  /** Up to `n` of the first buffered bytes, left in place (fewer while fewer are buffered). */
  peek(n: number): Buffer {
    const want = Math.min(n, this.available);
    const first = this.chunks[0];
    if (!first) return Buffer.alloc(0);
    if (first.length >= want) return first.subarray(0, want);
    const parts: Buffer[] = [];
    for (let i = 0, got = 0; got < want; i++) {
      parts.push(this.chunks[i]!);
      got += this.chunks[i]!.length;
    }
    return Buffer.concat(parts).subarray(0, want);
  }

  /** The next whole frame, or null until its bytes are in. Throws on a malformed header. */
  next(): Frame | null {
    if (!this.header) {
      const flags = this.peek(1)[0];
      if (flags === undefined) return null;
      if (flags & FLAGS_RESERVED) throw new Error(`bad frame flags 0x${flags.toString(16)}`);
      const long = (flags & FLAG_LONG) !== 0;
      const head = this.take(long ? 9 : 2);
      if (!head) return null;
      const size = long ? head.readBigUInt64BE(1) : BigInt(head[1]!);
      if (size > BigInt(MAX_FRAME_BYTES)) throw new Error(`frame of ${size} bytes is too large`);
      this.header = { flags, size: Number(size) };
    }
    const body = this.take(this.header.size);
    if (!body) return null;
    const { flags } = this.header;
    this.header = null;
    const command = (flags & FLAG_COMMAND) !== 0;
    // A command never has MORE (RFC 23); a peer setting it is not followed.
    return { command, more: !command && (flags & FLAG_MORE) !== 0, body };
  }
}
