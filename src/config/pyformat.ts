/**
 * Python's `str % mapping` (printf-style formatting with a dict), which is what Supervisor's
 * `%(name)s` expansion is. Supports keys, flags `-+ #0`, width/precision (`*` too), the
 * length modifiers `hlL`, and the conversions `diouxXeEfFgGcrsa` plus `%%`.
 */
import { pyRepr, pyReprValue, pyStr, pyTypeName, type PyValue } from './pyrepr.js';

/** A failed format: `kind` is the Python exception class, `message` its `str()`. */
export class PyFormatError extends Error {
  constructor(
    readonly kind: 'KeyError' | 'ValueError' | 'TypeError' | 'OverflowError',
    message: string,
  ) {
    super(message);
  }
}

type Arg = PyValue | Map<string, PyValue>;
const EXHAUSTED = Symbol('exhausted');

/** Python's `ascii()`: repr with every non-ASCII character escaped. */
function pyAscii(s: string): string {
  let out = '';
  for (const ch of pyRepr(s)) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out;
}

/** repr() of any argument: the whole mapping prints as a dict, in insertion order. */
function reprArg(v: Arg, ascii: boolean): string {
  const r = (s: PyValue) => (typeof s === 'string' && ascii ? pyAscii(s) : pyReprValue(s));
  if (v instanceof Map) return '{' + [...v].map(([k, x]) => `${r(k)}: ${r(x)}`).join(', ') + '}';
  return r(v);
}

function isInt(v: Arg): v is number | boolean {
  return typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
}

/** Python's %e mantissa/exponent form: at least two exponent digits. */
function formatExp(n: number, prec: number, upper: boolean, alt: boolean): string {
  let s = Math.abs(n).toExponential(prec);
  if (alt && prec === 0) s = s.replace('e', '.e');
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

/** Python's %g: %e or %f by exponent, trailing zeros removed unless '#'. */
function formatGeneral(n: number, prec: number, upper: boolean, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const a = Math.abs(n);
  if (a === 0) return alt ? '0.' + '0'.repeat(p - 1) : '0';
  const exp = Number(a.toExponential(p - 1).split('e')[1]);
  let s: string;
  if (exp < -4 || exp >= p) {
    s = formatExp(a, p - 1, upper, alt);
    if (!alt) s = s.replace(/\.?0+(e)/i, '$1');
  } else {
    s = a.toFixed(Math.max(0, p - 1 - exp));
    if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s;
}

/**
 * Format `fmt` with `mapping` exactly as Python's `fmt % mapping`; throws PyFormatError with
 * Python's exception type and text.
 */
export function pyPercentFormat(fmt: string, mapping: Map<string, PyValue>): string {
  const chars = [...fmt];
  let out = '';
  let i = 0;
  // Python's "next argument": the mapping itself until a spec consumes it; after a %(key), the
  // looked-up value.
  let pending: Arg | typeof EXHAUSTED = mapping;
  const take = (): Arg => {
    if (pending === EXHAUSTED) throw new PyFormatError('TypeError', 'not enough arguments for format string');
    const v = pending;
    pending = EXHAUSTED;
    return v;
  };
  const incomplete = () => new PyFormatError('ValueError', 'incomplete format');
  while (i < chars.length) {
    const c = chars[i++]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    if (i >= chars.length) throw incomplete();
    if (chars[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (chars[i] === '(') {
      // The key runs to the matching ')', nested parentheses included.
      let depth = 1;
      const start = ++i;
      while (i < chars.length && depth > 0) {
        if (chars[i] === '(') depth++;
        else if (chars[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new PyFormatError('ValueError', 'incomplete format key');
      const key = chars.slice(start, i - 1).join('');
      if (!mapping.has(key)) throw new PyFormatError('KeyError', pyRepr(key));
      pending = mapping.get(key)!;
    }
    const flags = new Set<string>();
    while (i < chars.length && '-+ #0'.includes(chars[i]!)) flags.add(chars[i++]!);
    const readNum = (): number | null => {
      if (chars[i] === '*') {
        i++;
        const v = take();
        if (!isInt(v)) throw new PyFormatError('TypeError', '* wants int');
        return Number(v);
      }
      let d = '';
      while (i < chars.length && /[0-9]/.test(chars[i]!)) d += chars[i++];
      return d ? Number(d) : null;
    };
    let width = readNum() ?? 0;
    if (width < 0) {
      flags.add('-');
      width = -width;
    }
    let prec: number | null = null;
    if (chars[i] === '.') {
      i++;
      prec = readNum() ?? 0;
    }
    while (i < chars.length && 'hlL'.includes(chars[i]!)) i++;
    if (i >= chars.length) throw incomplete();
    const conv = chars[i++]!;
    let body: string;
    let sign = '';
    let numeric = false;
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        const v = take();
        body = conv === 's' ? (v instanceof Map ? reprArg(v, false) : pyStr(v)) : reprArg(v, conv === 'a');
        if (prec !== null) body = [...body].slice(0, prec).join('');
        break;
      }
      case 'c': {
        const v = take();
        if (isInt(v)) {
          const n = Number(v);
          if (n < 0 || n > 0x10ffff) throw new PyFormatError('OverflowError', '%c arg not in range(0x110000)');
          body = String.fromCodePoint(n);
        } else if (typeof v === 'string' && [...v].length === 1) body = v;
        else throw new PyFormatError('TypeError', '%c requires int or char');
        break;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        const v = take();
        if (!isInt(v)) {
          const what = 'oxX'.includes(conv) ? 'an integer' : 'a real number';
          throw new PyFormatError('TypeError', `%${conv} format: ${what} is required, not ${pyTypeName(v)}`);
        }
        const n = Number(v);
        numeric = true;
        const radix = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
        let digits = Math.abs(n).toString(radix);
        if (prec !== null) digits = digits.padStart(prec, '0');
        if (conv === 'X') digits = digits.toUpperCase();
        const prefix = flags.has('#') ? (conv === 'o' ? '0o' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') : '';
        sign = (n < 0 ? '-' : flags.has('+') ? '+' : flags.has(' ') ? ' ' : '') + prefix;
        body = digits;
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        const v = take();
        if (typeof v !== 'number' && typeof v !== 'boolean') {
          throw new PyFormatError('TypeError', `must be real number, not ${pyTypeName(v)}`);
        }
        const n = Number(v);
        numeric = true;
        const p = prec ?? 6;
        const lower = conv.toLowerCase();
        if (lower === 'e') body = formatExp(n, p, conv === 'E', flags.has('#'));
        else if (lower === 'f') body = Math.abs(n).toFixed(p) + (flags.has('#') && p === 0 ? '.' : '');
        else body = formatGeneral(n, p, conv === 'G', flags.has('#'));
        sign = n < 0 || Object.is(n, -0) ? '-' : flags.has('+') ? '+' : flags.has(' ') ? ' ' : '';
        break;
      }
      default: {
        const cp = conv.codePointAt(0)!;
        const shown = cp >= 31 && cp <= 126 ? conv : '?';
        throw new PyFormatError(
          'ValueError',
          `unsupported format character '${shown}' (0x${cp.toString(16)}) at index ${i - 1}`,
        );
      }
    }
    const len = [...body].length + sign.length;
    if (len >= width) out += sign + body;
    else if (flags.has('-')) out += sign + body + ' '.repeat(width - len);
    else if (numeric && flags.has('0')) out += sign + '0'.repeat(width - len) + body;
    else out += ' '.repeat(width - len) + sign + body;
  }
  return out;
}
