import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IniParser } from '../../../src/config/ini.js';
import { ConfigError } from '../../../src/config/types.js';

/** All sections and values (DEFAULT keys shown through), as RawConfigParser.items would give. */
function parse(text: string): Record<string, Record<string, string>> {
  const p = new IniParser();
  p.readString(text, 'f.conf');
  const out: Record<string, Record<string, string>> = {};
  for (const s of p.sectionNames()) {
    out[s] = {};
    for (const k of p.options(s)) out[s]![k] = p.getValue(s, k)!.value;
  }
  return out;
}

// Expected values were produced by Python 3.11's RawConfigParser as Supervisor configures it.
const cases: [string, string, Record<string, Record<string, string>>][] = [
  ['= and :, keys lower-cased, values stripped', '[s]\nKey = v \nd : colon\n', { s: { key: 'v', d: 'colon' } }],
  ['inline comments need whitespace before them', '[s]\nb=x;y #c ;d\nf=#notcomment\ng= #comment\n', { s: { b: 'x;y', f: '#notcomment', g: '' } }],
  ['inline comment prefixes are searched round by round', '[s]\na=x;y ;c #d\nb=p#q ;r\n', { s: { a: 'x;y ;c', b: 'p#q' } }],
  ['full-line comments with # and ;', '# top\n[s]\n; c\n  # indented comment\na=1\n', { s: { a: '1' } }],
  ['continuation lines, blank lines kept inside, comments dropped', '[s]\nc = v1\n\n   v2\n   ; comment line\n\n   v3\n\nd=u\n', { s: { c: 'v1\n\nv2\n\nv3', d: 'u' } }],
  ['an indented [x] continues the value', '[s]\nc=[x]\n  [y]\n', { s: { c: '[x]\n[y]' } }],
  ['repeated sections merge, repeated keys: last wins', '[s]\na=1\nb=1\n[t]\nk=1\n[s]\na=2\n', { s: { a: '2', b: '1' }, t: { k: '1' } }],
  ['DEFAULT shows through in every section', '[DEFAULT]\nshared = d\n[s]\na=1\n[t]\nshared=own\n', { s: { a: '1', shared: 'd' }, t: { shared: 'own' } }],
  ['section names keep case and take up to the last ]', '[Prog:A] x\n[a]b]\n', { 'Prog:A': {}, 'a]b': {} }],
  ['CRLF line ends', '[s]\r\na=1\r\n  b\r\n', { s: { a: '1\nb' } }],
  ['tabs inside a value survive', '[s]\nh=a\tb\n', { s: { h: 'a\tb' } }],
];

for (const [name, text, want] of cases) {
  test(`ini: ${name}`, () => assert.deepEqual(parse(text), want));
}

test('ini: positions of sections and keys', () => {
  const p = new IniParser();
  p.readString('[s]\n\na=1\n  more\n[s]\nb=2\n', 'f.conf', '/abs/f.conf');
  assert.deepEqual(p.sectionPos('s'), { file: '/abs/f.conf', line: 1 });
  assert.deepEqual(p.getValue('s', 'a'), { value: '1\nmore', file: '/abs/f.conf', line: 3 });
  assert.equal(p.getValue('s', 'b')!.line, 6);
});

const errors: [string, string, string, number][] = [
  ['no section header', 'x=1\n', "File contains no section headers. file: 'f.conf', line: 1 'x=1\\n'", 1],
  ['bad lines are all listed', '[s]\nfoo\n  bar\nok=1\nbaz\n', "Source contains parsing errors: 'f.conf' [line  2]: 'foo\\n' [line  3]: '  bar\\n' [line  5]: 'baz\\n'", 2],
  ['an empty key', '[s]\n=v\n', "Source contains parsing errors: 'f.conf' [line  2]: '=v\\n'", 2],
];
for (const [name, text, message, line] of errors) {
  test(`ini error: ${name}`, () => {
    const p = new IniParser();
    assert.throws(() => p.readString(text, 'f.conf'), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, message);
      assert.equal(e.pos?.line, line);
      return true;
    });
  });
}

test('ini: expandHere replaces %(here)s textually, defaults copied into sections', () => {
  const p = new IniParser();
  p.readString('[DEFAULT]\nd=%(here)s/x\n[s]\na=%(here)s/a %%(here)s\n', 'f.conf');
  p.expandHere('/H');
  assert.equal(p.getValue('s', 'a')!.value, '/H/a %/H');
  assert.equal(p.getValue('s', 'd')!.value, '/H/x');
});
