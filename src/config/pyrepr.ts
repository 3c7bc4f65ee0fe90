/**
 * Small pieces of Python semantics that Supervisor's messages and parsers depend on:
 * `repr()` of strings, `str.isspace()`/`str.strip()`, and `int()` of a string.
 */

/** Python's ValueError: a bad value; its message is Python's text. */
export class ValueError extends Error {}

/** Python's whitespace set (`str.isspace()`), which differs from JS `\s` (e.g. \x1c-\x1f, no BOM). */
const PY_SPACE = new Set(
  [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]
    .concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i))
    .map((c) => String.fromCharCode(c)),
);

/** True when `ch` (one character) is whitespace for Python. */
export function isPySpace(ch: string): boolean {
  return PY_SPACE.has(ch);
}

/** Python's `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && PY_SPACE.has(s[a]!)) a++;
  while (b > a && PY_SPACE.has(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Python's `str.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  let b = s.length;
  while (b > 0 && PY_SPACE.has(s[b - 1]!)) b--;
  return s.slice(0, b);
}

/** Python's `str.split()` with no argument: split on runs of whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (PY_SPACE.has(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

// Characters Python's repr() escapes: controls, format chars, surrogates, private use,
// unassigned, and separators other than the plain space.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr()` of a str, e.g. `'x'`, `"it's"`, `'a\nb'`. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

/** A value an expansion dict may hold: Supervisor's are strings and ints. */
export type PyValue = string | number | boolean | null;

/** Python's `repr()` of a str, int, bool or None. */
export function pyReprValue(v: PyValue): string {
  if (typeof v === 'string') return pyRepr(v);
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** Python's `str()` of a str, int, bool or None. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  return pyReprValue(v);
}

/** Python's type name of a value, for TypeError texts (`str`, `int`, `dict`...). */
export function pyTypeName(v: PyValue | Map<string, PyValue>): string {
  if (v instanceof Map) return 'dict';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'NoneType';
  return 'int';
}

// int()'s literal syntax per base, compiled once (config reading calls it for every number).
const INT_LITERAL = {
  10: /^([+-]?)([0-9]+(?:_[0-9]+)*)$/,
  8: /^([+-]?)(?:0[oO]_?)?([0-7]+(?:_[0-7]+)*)$/,
} as const;

/** Python's `int(s, base)` for the bases Supervisor uses (10 and 8), or null where int() raises. */
export function pyIntOrNull(s: string, base: 10 | 8 = 10): number | null {
  const m = INT_LITERAL[base].exec(pyStrip(s));
  if (!m) return null;
  const n = parseInt(m[2]!.replace(/_/g, ''), base);
  return m[1] === '-' ? -n : n;
}

/** Python's `int(s, base)` for the bases Supervisor uses (10 and 8); throws Python's ValueError text. */
export function pyInt(s: string, base: 10 | 8 = 10): number {
  const n = pyIntOrNull(s, base);
  if (n === null) throw new ValueError(`invalid literal for int() with base ${base}: ${pyRepr(s)}`);
  return n;
}
