/**
 * XML-RPC encoding and decoding, shared by the daemon's HTTP server and the XML-RPC client.
 *
 * The wire format follows Python's `xmlrpc.client` (what Supervisor speaks): the same element layout and
 * line breaks, `&`, `<`, `>` escaped, ints limited to the signed 32-bit range, no `<nil/>` unless asked.
 * The parser is a small, strict XML reader of our own: no DOCTYPE (so no entity expansion attacks),
 * standard entities and character references only.
 */

/** Limits of an XML-RPC `<int>` (Python's `xmlrpc.client.MAXINT` / `MININT`). */
export const MAXINT = 2 ** 31 - 1;
export const MININT = -(2 ** 31);

/** Clamps an integer into the XML-RPC int range, as Supervisor's `capped_int` does for times. */
export function cappedInt(value: number): number {
  const i = Math.trunc(value);
  if (i > MAXINT) return MAXINT;
  if (i < MININT) return MININT;
  return i;
}

/** Forces a number to be sent as `<double>` even when it is integral. */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
}

/** A value that can travel over XML-RPC. */
export type XmlRpcValue =
  | number
  | boolean
  | string
  | Buffer
  | Date
  | XmlRpcDouble
  | null
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

/** Malformed XML or a document that is not valid XML-RPC. */
export class XmlRpcParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRpcParseError';
  }
}

/** A value that cannot be marshalled (null without allowNone, a function, a cycle…). */
export class XmlRpcEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRpcEncodeError';
  }
}

export interface EncodeOptions {
  /** Send null as `<nil/>` (Python's allow_none); Supervisor never does, so the default is to refuse. */
  allowNone?: boolean;
}

export interface DecodeOptions {
  /**
   * How `<base64>` arrives: as a Buffer (the client, like Python's `Binary`) or as a UTF-8 string (the
   * server, like Supervisor's own unmarshaller).
   */
  base64?: 'buffer' | 'string';
}

// ---------------------------------------------------------------------------------------------------
// Encoding

/** Escapes text for element content, as Python's `xmlrpc.client.escape`, plus CR (kept as a char ref so
 * the receiver's newline normalisation does not turn it into LF). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYYMMDDTHH:MM:SS` in UTC (XML-RPC dates carry no zone; we read and write UTC consistently). */
function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new XmlRpcEncodeError('cannot marshal an invalid Date');
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : String(n);
}

function encodeValue(v: unknown, out: string[], opts: EncodeOptions, stack: Set<object>): void {
  switch (typeof v) {
    case 'string':
      out.push(`<value><string>${escapeXml(v)}</string></value>\n`);
      return;
    case 'boolean':
      out.push(`<value><boolean>${v ? 1 : 0}</boolean></value>\n`);
      return;
    case 'number':
      if (Number.isInteger(v)) out.push(`<value><int>${cappedInt(v)}</int></value>\n`);
      else out.push(`<value><double>${formatDouble(v)}</double></value>\n`);
      return;
    case 'bigint':
      out.push(`<value><int>${cappedInt(Number(v))}</int></value>\n`);
      return;
    case 'object':
      break;
    default:
      throw new XmlRpcEncodeError(`cannot marshal ${typeof v} objects`);
  }
  if (v === null) {
    if (!opts.allowNone) throw new XmlRpcEncodeError('cannot marshal None unless allow_none is enabled');
    out.push('<value><nil/></value>\n');
    return;
  }
  if (v instanceof XmlRpcDouble) {
    out.push(`<value><double>${formatDouble(v.value)}</double></value>\n`);
    return;
  }
  if (v instanceof Date) {
    out.push(`<value><dateTime.iso8601>${formatDate(v)}</dateTime.iso8601></value>\n`);
    return;
  }
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    // Lines of 76 characters, as Python's base64.encodebytes writes them.
    const b64 = Buffer.from(v).toString('base64').replace(/.{76}(?=.)/g, '$&\n');
    out.push(`<value><base64>\n${b64}\n</base64></value>\n`);
    return;
  }
  if (stack.has(v)) throw new XmlRpcEncodeError('cannot marshal recursive structures');
  stack.add(v);
  if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const item of v) encodeValue(item, out, opts, stack);
    out.push('</data></array></value>\n');
  } else {
    out.push('<value><struct>\n');
    for (const [k, item] of Object.entries(v)) {
      // Like JSON: an absent optional field is simply not sent.
      if (item === undefined) continue;
      out.push(`<member>\n<name>${escapeXml(k)}</name>\n`);
      encodeValue(item, out, opts, stack);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
  stack.delete(v);
}

function encodeParams(params: readonly unknown[], opts: EncodeOptions): string {
  const out: string[] = ['<params>\n'];
  for (const p of params) {
    out.push('<param>\n');
    encodeValue(p, out, opts, new Set());
    out.push('</param>\n');
  }
  out.push('</params>\n');
  return out.join('');
}

const XML_DECL = "<?xml version='1.0'?>\n";

/** A `<methodCall>` document. */
export function encodeMethodCall(method: string, params: readonly unknown[] = [], opts: EncodeOptions = {}): string {
  return `${XML_DECL}<methodCall>\n<methodName>${escapeXml(method)}</methodName>\n${encodeParams(params, opts)}</methodCall>\n`;
}

/** A successful `<methodResponse>` carrying one value. */
export function encodeMethodResponse(value: unknown, opts: EncodeOptions = {}): string {
  return `${XML_DECL}<methodResponse>\n${encodeParams([value], opts)}</methodResponse>\n`;
}

/** A fault `<methodResponse>`. */
export function encodeFault(code: number, faultString: string): string {
  const out: string[] = [];
  encodeValue({ faultCode: code, faultString }, out, {}, new Set());
  return `${XML_DECL}<methodResponse>\n<fault>\n${out.join('')}</fault>\n</methodResponse>\n`;
}

// ---------------------------------------------------------------------------------------------------
// A small XML reader

interface XmlElement {
  name: string;
  children: XmlNode[];
}
type XmlNode = XmlElement | string;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlReader {
  private pos = 0;
  constructor(private readonly s: string) {}

  private fail(what: string): never {
    const before = this.s.slice(0, this.pos);
    const line = before.split('\n').length;
    const col = this.pos - before.lastIndexOf('\n');
    throw new XmlRpcParseError(`malformed XML at line ${line}, column ${col}: ${what}`);
  }

  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }

  private skipUntil(end: string, what: string): string {
    const i = this.s.indexOf(end, this.pos);
    if (i < 0) this.fail(`unterminated ${what}`);
    const body = this.s.slice(this.pos, i);
    this.pos = i + end.length;
    return body;
  }

  private skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  /** Comments, processing instructions and whitespace between top-level constructs. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<?')) {
        this.pos += 2;
        this.skipUntil('?>', 'processing instruction');
      } else if (this.startsWith('<!--')) {
        this.pos += 4;
        this.skipUntil('-->', 'comment');
      } else if (this.startsWith('<!DOCTYPE') || this.startsWith('<!doctype')) {
        this.fail('DOCTYPE is not allowed');
      } else return;
    }
  }

  /** Reads the whole document and returns its root element. */
  document(): XmlElement {
    if (this.s.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipMisc();
    if (!this.startsWith('<')) this.fail('expected the root element');
    const root = this.element();
    this.skipMisc();
    if (this.pos < this.s.length) this.fail('content after the root element');
    return root;
  }

  private name(): string {
    const m = /^[^\s/>=<&"']+/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private element(): XmlElement {
    this.pos++; // '<'
    const name = this.name();
    // Attributes are parsed for well-formedness and ignored: XML-RPC has none.
    for (;;) {
      this.skipSpace();
      if (this.startsWith('/>')) {
        this.pos += 2;
        return { name, children: [] };
      }
      if (this.startsWith('>')) {
        this.pos++;
        break;
      }
      this.name();
      this.skipSpace();
      if (this.s[this.pos] !== '=') this.fail(`expected '=' in an attribute of <${name}>`);
      this.pos++;
      this.skipSpace();
      const q = this.s[this.pos];
      if (q !== '"' && q !== "'") this.fail('expected a quoted attribute value');
      this.pos++;
      this.skipUntil(q, 'attribute value');
    }
    const children: XmlNode[] = [];
    let text = '';
    const flush = () => {
      if (text) children.push(text);
      text = '';
    };
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unclosed element <${name}>`);
      const lt = this.s.indexOf('<', this.pos);
      const amp = this.s.indexOf('&', this.pos);
      const stop = Math.min(lt < 0 ? this.s.length : lt, amp < 0 ? this.s.length : amp);
      // XML end-of-line handling: a raw CR or CRLF in content is read as LF.
      text += this.s.slice(this.pos, stop).replace(/\r\n?/g, '\n');
      this.pos = stop;
      if (this.pos >= this.s.length) continue;
      if (this.s[this.pos] === '&') {
        text += this.reference();
      } else if (this.startsWith('</')) {
        this.pos += 2;
        const end = this.name();
        if (end !== name) this.fail(`</${end}> does not close <${name}>`);
        this.skipSpace();
        if (this.s[this.pos] !== '>') this.fail(`expected '>' after </${end}`);
        this.pos++;
        flush();
        return { name, children };
      } else if (this.startsWith('<!--')) {
        this.pos += 4;
        this.skipUntil('-->', 'comment');
      } else if (this.startsWith('<![CDATA[')) {
        this.pos += 9;
        text += this.skipUntil(']]>', 'CDATA section');
      } else if (this.startsWith('<?')) {
        this.pos += 2;
        this.skipUntil('?>', 'processing instruction');
      } else if (this.startsWith('<!')) {
        this.fail('markup declarations are not allowed');
      } else {
        flush();
        children.push(this.element());
      }
    }
  }

  private reference(): string {
    const end = this.s.indexOf(';', this.pos);
    if (end < 0 || end - this.pos > 12) this.fail("'&' that starts no entity reference");
    const body = this.s.slice(this.pos + 1, end);
    let out: string | undefined;
    if (body.startsWith('#')) {
      const code = /^#x[0-9a-fA-F]+$/.test(body)
        ? parseInt(body.slice(2), 16)
        : /^#[0-9]+$/.test(body)
          ? parseInt(body.slice(1), 10)
          : NaN;
      if (Number.isFinite(code) && code <= 0x10ffff) out = String.fromCodePoint(code);
    } else out = ENTITIES[body];
    if (out === undefined) this.fail(`unknown entity &${body};`);
    this.pos = end + 1;
    return out;
  }
}

/** Parses an XML document into a tree (exported for tests and for other XML readers of ours). */
export function parseXml(text: string): XmlElement {
  return new XmlReader(text).document();
}

// ---------------------------------------------------------------------------------------------------
// Decoding XML-RPC from the tree

function elements(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) {
    if (typeof c !== 'string') out.push(c);
    else if (c.trim()) throw new XmlRpcParseError(`unexpected text in <${e.name}>`);
  }
  return out;
}

function textOf(e: XmlElement): string {
  let s = '';
  for (const c of e.children) {
    if (typeof c !== 'string') throw new XmlRpcParseError(`unexpected <${c.name}> in <${e.name}>`);
    s += c;
  }
  return s;
}

function only(e: XmlElement, name: string): XmlElement {
  const kids = elements(e);
  if (kids.length !== 1 || kids[0]!.name !== name) throw new XmlRpcParseError(`<${e.name}> must hold exactly one <${name}>`);
  return kids[0]!;
}

function parseDate(s: string): Date {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?Z?$/.exec(s.trim());
  if (!m) throw new XmlRpcParseError(`bad dateTime.iso8601 value '${s}'`);
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 60) {
    throw new XmlRpcParseError(`bad dateTime.iso8601 value '${s}'`);
  }
  return date;
}

function decodeValue(v: XmlElement, opts: DecodeOptions): XmlRpcValue {
  const kids = v.children.filter((c): c is XmlElement => typeof c !== 'string');
  // A <value> with no type element is a string, whitespace and all.
  if (kids.length === 0) return textOf(v);
  const t = only(v, kids[0]!.name);
  switch (t.name) {
    case 'int':
    case 'i4':
    case 'i8':
    case 'i1':
    case 'i2': {
      const s = textOf(t).trim();
      if (!/^[+-]?\d+$/.test(s)) throw new XmlRpcParseError(`bad <${t.name}> value '${s}'`);
      return Number(s);
    }
    case 'boolean': {
      const s = textOf(t).trim();
      if (s !== '0' && s !== '1') throw new XmlRpcParseError(`bad <boolean> value '${s}'`);
      return s === '1';
    }
    case 'string':
      return textOf(t);
    case 'double': {
      const s = textOf(t).trim();
      if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
      if (/^[+-]?nan$/i.test(s)) return NaN;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new XmlRpcParseError(`bad <double> value '${s}'`);
      return Number(s);
    }
    case 'dateTime.iso8601':
      return parseDate(textOf(t));
    case 'base64': {
      const s = textOf(t).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw new XmlRpcParseError('bad <base64> value');
      const buf = Buffer.from(s, 'base64');
      return opts.base64 === 'string' ? buf.toString('utf8') : buf;
    }
    case 'nil':
      if (elements(t).length || textOf(t).trim()) throw new XmlRpcParseError('<nil/> must be empty');
      return null;
    case 'array': {
      const data = only(t, 'data');
      return elements(data).map((c) => {
        if (c.name !== 'value') throw new XmlRpcParseError(`unexpected <${c.name}> in <data>`);
        return decodeValue(c, opts);
      });
    }
    case 'struct': {
      const out: { [key: string]: XmlRpcValue } = {};
      for (const m of elements(t)) {
        if (m.name !== 'member') throw new XmlRpcParseError(`unexpected <${m.name}> in <struct>`);
        const parts = elements(m);
        const name = parts.find((p) => p.name === 'name');
        const value = parts.find((p) => p.name === 'value');
        if (!name || !value || parts.length !== 2) throw new XmlRpcParseError('a <member> needs one <name> and one <value>');
        // defineProperty: a member called __proto__ must stay a plain key.
        Object.defineProperty(out, textOf(name), {
          value: decodeValue(value, opts),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown value type <${t.name}>`);
  }
}

function decodeParams(params: XmlElement | undefined, opts: DecodeOptions): XmlRpcValue[] {
  if (!params) return [];
  return elements(params).map((p) => {
    if (p.name !== 'param') throw new XmlRpcParseError(`unexpected <${p.name}> in <params>`);
    return decodeValue(only(p, 'value'), opts);
  });
}

function toText(xml: string | Buffer): string {
  return typeof xml === 'string' ? xml : xml.toString('utf8');
}

/** A decoded `<methodCall>`. `method` is '' when the document has no (or an empty) methodName. */
export interface MethodCall {
  method: string;
  params: XmlRpcValue[];
}

/** Decodes a `<methodCall>`; throws XmlRpcParseError on malformed input. A missing `<params>` means none. */
export function decodeMethodCall(xml: string | Buffer, opts: DecodeOptions = {}): MethodCall {
  const root = parseXml(toText(xml));
  if (root.name !== 'methodCall') throw new XmlRpcParseError(`expected <methodCall>, got <${root.name}>`);
  let method = '';
  let params: XmlElement | undefined;
  for (const e of elements(root)) {
    if (e.name === 'methodName') method = textOf(e).trim();
    else if (e.name === 'params') params = e;
    else throw new XmlRpcParseError(`unexpected <${e.name}> in <methodCall>`);
  }
  return { method, params: decodeParams(params, opts) };
}

/** A decoded `<methodResponse>`: a value or a fault. */
export type MethodResponse =
  | { kind: 'value'; value: XmlRpcValue }
  | { kind: 'fault'; code: number; faultString: string };

/** Decodes a `<methodResponse>`; throws XmlRpcParseError on malformed input. */
export function decodeMethodResponse(xml: string | Buffer, opts: DecodeOptions = {}): MethodResponse {
  const root = parseXml(toText(xml));
  if (root.name !== 'methodResponse') throw new XmlRpcParseError(`expected <methodResponse>, got <${root.name}>`);
  const body = only(root, elements(root)[0]?.name ?? 'params');
  if (body.name === 'fault') {
    const f = decodeValue(only(body, 'value'), opts);
    if (typeof f !== 'object' || f === null || Array.isArray(f) || typeof (f as Record<string, unknown>).faultCode !== 'number') {
      throw new XmlRpcParseError('a <fault> needs a struct with faultCode and faultString');
    }
    const s = (f as Record<string, unknown>).faultString;
    return { kind: 'fault', code: (f as { faultCode: number }).faultCode, faultString: typeof s === 'string' ? s : '' };
  }
  if (body.name !== 'params') throw new XmlRpcParseError(`unexpected <${body.name}> in <methodResponse>`);
  const values = decodeParams(body, opts);
  if (values.length !== 1) throw new XmlRpcParseError('a <methodResponse> must hold exactly one <param>');
  return { kind: 'value', value: values[0]! };
}
