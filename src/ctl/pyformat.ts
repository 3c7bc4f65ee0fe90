/**
 * Small helpers that reproduce Python's formatting where supervisorctl's output depends on it:
 * `%-Ns` padding (counted in code points), `repr()` of a string, `str(xmlrpclib.Fault)`.
 */
import { pyRepr } from '../config/pyrepr.js';

/** Length in code points, as Python's len() of a str. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `'%-Ns' % s`: pads on the right to `width` code points (never truncates). */
export function ljust(s: string, width: number): string {
  const n = pyLen(s);
  return n >= width ? s : s + ' '.repeat(width - n);
}

/** Python's `repr()` of a str: one implementation for the whole project. */
export { pyRepr };

/** `str(xmlrpclib.Fault)`: `<Fault 70: 'NOT_RUNNING: x'>`. */
export function faultRepr(code: number, faultString: string): string {
  return `<Fault ${code}: ${pyRepr(faultString)}>`;
}

/** Python's int() of a command-line word: optional sign, digits (underscores between digits allowed). */
export function parsePyInt(s: string): number | null {
  const t = s.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return null;
  return Number.parseInt(t.replace(/_/g, ''), 10);
}
