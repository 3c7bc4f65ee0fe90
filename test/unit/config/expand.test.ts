import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyPercentFormat, PyFormatError } from '../../../src/config/pyformat.js';
import { expand } from '../../../src/config/expand.js';
import { ConfigError } from '../../../src/config/types.js';
import type { PyValue } from '../../../src/config/pyrepr.js';

const names = new Map<string, PyValue>([
  ['a', "xy'z"],
  ['n', 7],
  ['m', 1234567],
  ['neg', -7],
  ['e', 'é\n'],
]);

// Each expected value is what Python 3.11 gives for `fmt % names`.
const good: [string, string][] = [
  ['plain', 'plain'],
  ['%%', '%'],
  ['%(a)s', "xy'z"],
  ['%(n)s-%(n)d', '7-7'],
  ['%(n)02d', '07'],
  ['%(n)5.2f', ' 7.00'],
  ['%(a)r', `"xy'z"`],
  ['%(e)a', "'\\xe9\\n'"],
  ['%(n)x %(n)#o %(n)#x %(n)#X', '7 0o7 0x7 0X7'],
  ['%(n)+d|%(n) d|%(n)-5d|', '+7| 7|7    |'],
  ['%(neg).3d %(neg)05x %(neg)#06x', '-007 -0007 -0x007'],
  ['%(a)10s|%(a)-10s|%(a).2s', "      xy'z|xy'z      |xy"],
  ['%(m)g %(m)e %(m)f', '1.23457e+06 1.234567e+06 1234567.000000'],
  ['%(n)ld %(n)i %(n)u', '7 7 7'],
  ['%(a(b)c)s', 'P'],
];
const withNested = new Map(names).set('a(b)c', 'P');
for (const [fmt, want] of good) {
  test(`pyformat ${JSON.stringify(fmt)}`, () => assert.equal(pyPercentFormat(fmt, withNested), want));
}

const bad: [string, string, string][] = [
  ['%', 'ValueError', 'incomplete format'],
  ['%(a)s%', 'ValueError', 'incomplete format'],
  ['%z', 'ValueError', "unsupported format character 'z' (0x7a) at index 1"],
  ['%é', 'ValueError', "unsupported format character '?' (0xe9) at index 1"],
  ['%(a)%', 'ValueError', "unsupported format character '%' (0x25) at index 4"],
  ['%(a', 'ValueError', 'incomplete format key'],
  ['%(nope)s', 'KeyError', "'nope'"],
  ['%(a)d', 'TypeError', '%d format: a real number is required, not str'],
  ['%(a)x', 'TypeError', '%x format: an integer is required, not str'],
  ['%(a)f', 'TypeError', 'must be real number, not str'],
  ['%(a)c', 'TypeError', '%c requires int or char'],
  ['%(a)*d', 'TypeError', '* wants int'],
  ['%(n)*d', 'TypeError', 'not enough arguments for format string'],
  ['%(a)s %s', 'TypeError', 'not enough arguments for format string'],
  ['%d', 'TypeError', '%d format: a real number is required, not dict'],
];
for (const [fmt, kind, message] of bad) {
  test(`pyformat error ${JSON.stringify(fmt)}`, () => {
    assert.throws(() => pyPercentFormat(fmt, names), (e: unknown) => {
      assert.ok(e instanceof PyFormatError);
      assert.equal(e.kind, kind);
      assert.equal(e.message, message);
      return true;
    });
  });
}

test('pyformat: a bare %s formats the whole dict, in insertion order', () => {
  assert.equal(pyPercentFormat('%s', new Map<string, PyValue>([['a', 'x'], ['n', 1]])), "{'a': 'x', 'n': 1}");
});

test('expand: Supervisor\'s two error texts', () => {
  const n = new Map<string, PyValue>([['here', '/h'], ['ENV_HOME', '/root']]);
  assert.throws(() => expand('%(x)s', n, 'program:p.command'), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "Format string '%(x)s' for 'program:p.command' contains names ('x') which cannot be expanded. Available names: ENV_HOME, here");
    return true;
  });
  assert.throws(() => expand('a %', n, 'x'), { message: "Format string 'a %' for 'x' is badly formatted: incomplete format" });
  assert.equal(expand('%(here)s/%%', n, 'x'), '/h/%');
});
