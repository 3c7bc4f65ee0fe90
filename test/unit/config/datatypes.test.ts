import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../../src/config/datatypes.js';
import { shlexSplit, shlexTokens } from '../../../src/config/shlex.js';
import { pyRepr } from '../../../src/config/pyrepr.js';
import { tempDir } from './helpers.js';

type Case = [string, () => unknown, unknown];
/** Each case: a name, a call, and either the value or `{ error: text }`. */
function table(title: string, cases: Case[]): void {
  for (const [name, fn, want] of cases) {
    test(`${title}: ${name}`, () => {
      if (want && typeof want === 'object' && 'error' in want) {
        assert.throws(fn, (e: unknown) => {
          assert.ok(e instanceof dt.ValueError, String(e));
          assert.equal(e.message, (want as { error: string }).error);
          return true;
        });
      } else assert.deepEqual(fn(), want);
    });
  }
}

// Messages were checked against Debian's supervisor 4.2.5 (Python 3.11).
table('pyRepr', [
  ['plain', () => pyRepr('x'), "'x'"],
  ['single quote inside', () => pyRepr("it's"), `"it's"`],
  ['both quotes', () => pyRepr(`a'"b`), `'a\\'"b'`],
  ['controls', () => pyRepr('a\nb\t\x01\\'), "'a\\nb\\t\\x01\\\\'"],
  ['unicode kept', () => pyRepr('é'), "'é'"],
]);

table('boolean', [
  ['yes/true/on/1', () => ['yes', 'TRUE', 'On', '1'].map(dt.boolean), [true, true, true, true]],
  ['no/false/off/0', () => ['no', 'False', 'OFF', '0'].map(dt.boolean), [false, false, false, false]],
  ['bad', () => dt.boolean('maybe'), { error: "not a valid boolean value: 'maybe'" }],
]);

table('integer', [
  ['spaces, sign, underscores, leading zeros', () => ['12', ' 12 ', '-3', '+4', '1_000', '010'].map(dt.integer), [12, 12, -3, 4, 1000, 10]],
  ['bad', () => dt.integer('1.5'), { error: "invalid literal for int() with base 10: '1.5'" }],
  ['empty', () => dt.integer(''), { error: "invalid literal for int() with base 10: ''" }],
]);

table('byte_size', [
  ['suffixes', () => ['1024', '1KB', '2mb', '1Gb', '0'].map(dt.byteSize), [1024, 1024, 2097152, 1073741824, 0]],
  ['bad number', () => dt.byteSize('1.5MB'), { error: "invalid literal for int() with base 10: '1.5'" }],
  ['bad suffix (message is lower-cased)', () => dt.byteSize('5X'), { error: "invalid literal for int() with base 10: '5x'" }],
]);

table('octal_type', [
  ['values', () => ['022', '0o17', '777', '0'].map(dt.octalType), [18, 15, 511, 0]],
  ['bad', () => dt.octalType('8'), { error: '8 can not be converted to an octal type' }],
]);

table('signal', [
  ['names with and without SIG, any case', () => ['TERM', 'sigterm', ' Hup ', 'SIGUSR2', 'kill'].map(dt.signalName), ['TERM', 'TERM', 'HUP', 'USR2', 'KILL']],
  ['numbers normalise to names', () => ['15', '9', '6'].map(dt.signalName), ['TERM', 'KILL', 'ABRT']],
  ['aliases normalise', () => ['IOT', 'CLD', 'POLL'].map(dt.signalName), ['ABRT', 'CHLD', 'IO']],
  ['what Python accepts without a plain name', () => ['RTMIN', '64', '_DFL'].map(dt.signalName), ['34', '64', '0']],
  ['bad name', () => dt.signalName('FOO'), { error: "value 'FOO' is not a valid signal name" }],
  ['bad number', () => dt.signalName('99'), { error: "value '99' is not a valid signal number" }],
  ['round trip to numbers', () => ['TERM', 'HUP', '34', '0'].map(dt.signalNumberOf), [15, 1, 34, 0]],
]);

table('exitcodes', [
  ['list', () => dt.listOfExitcodes('0, 2,255'), [0, 2, 255]],
  ['empty', () => dt.listOfExitcodes(''), []],
  ['out of range', () => dt.listOfExitcodes('0,256'), { error: "not a valid list of exit codes: '0,256'" }],
  ['not ints', () => dt.listOfExitcodes('a'), { error: "not a valid list of exit codes: 'a'" }],
]);

table('names', [
  ['stripped', () => dt.processOrGroupName(' web '), 'web'],
  ['space', () => dt.processOrGroupName('a b'), { error: "Invalid name: 'a b' because of character: ' '" }],
  ['colon', () => dt.processOrGroupName('a:b'), { error: "Invalid name: 'a:b' because of character: ':'" }],
  ['slash', () => dt.processOrGroupName("it's/x"), { error: `Invalid name: "it's/x" because of character: '/'` }],
]);

table('dict_of_key_value_pairs (4.2.5, non-POSIX shlex)', [
  ['quotes protect ; and ,', () => dt.dictOfKeyValuePairs('A="x;y",B=2'), { A: 'x;y', B: '2' }],
  ['single quotes', () => dt.dictOfKeyValuePairs(`A='a b',B="c,d"`), { A: 'a b', B: 'c,d' }],
  ['trailing comma', () => dt.dictOfKeyValuePairs('A=1,B=2,'), { A: '1', B: '2' }],
  ['# starts a comment', () => dt.dictOfKeyValuePairs('A=x#c'), { A: 'x' }],
  ['extra word chars /.+-():', () => dt.dictOfKeyValuePairs('A=/usr/bin:/bin,B=a.b+c-d(e)'), { A: '/usr/bin:/bin', B: 'a.b+c-d(e)' }],
  ['a quote inside a word is literal', () => dt.dictOfKeyValuePairs('A=x"y z"'), { A: 'x"y' }],
  ['the fourth token is skipped whatever it is', () => dt.dictOfKeyValuePairs('A=1;B=2'), { A: '1', B: '2' }],
  ['empty', () => dt.dictOfKeyValuePairs(''), {}],
  ['no value', () => dt.dictOfKeyValuePairs('A='), { error: "Unexpected end of key/value pairs in value 'A='" }],
  ['space separated', () => dt.dictOfKeyValuePairs('A=1 B=2'), { error: "Unexpected end of key/value pairs in value 'A=1 B=2'" }],
  ['escaped quotes are not understood by 4.2.5', () => dt.dictOfKeyValuePairs('K="he said \\"hi\\""'), { error: `Unexpected end of key/value pairs in value 'K="he said \\"hi\\""'` }],
  ['unclosed quote', () => dt.dictOfKeyValuePairs('A="x'), { error: 'No closing quotation' }],
]);

table('shlex.split (command=)', [
  ['quotes', () => shlexSplit('a "b c" d'), ['a', 'b c', 'd']],
  ['backslash escapes', () => shlexSplit('a\\ b'), ['a b']],
  ['escapes inside double quotes only for " and \\', () => shlexSplit(`"a\\"b" 'c\\'`), ['a"b', 'c\\']],
  ['empty quoted word', () => shlexSplit('x ""'), ['x', '']],
  ['adjacent quoted parts join', () => shlexSplit('a"b"c'), ['abc']],
  ['# is not a comment', () => shlexSplit('echo #x'), ['echo', '#x']],
  ['newlines separate', () => shlexSplit('a\nb'), ['a', 'b']],
  ['unclosed', () => shlexSplit(`a 'b\\' c'`), { error: 'No closing quotation' }],
  ['trailing backslash', () => shlexSplit('a\\'), { error: 'No escaped character' }],
  ['non-POSIX tokens keep quotes', () => shlexTokens('A="x y",B', ''), ['A', '=', '"x y"', ',', 'B']],
]);

table('inet_address', [
  ['host:port', () => dt.inetAddress('LocalHost:9001'), { host: 'localhost', port: 9001 }],
  [':port and *:port and port', () => [':1', '*:2', '3'].map(dt.inetAddress), [{ host: '', port: 1 }, { host: '', port: 2 }, { host: '', port: 3 }]],
  ['no port', () => dt.inetAddress('host:'), { error: "no port number specified in ''" }],
  ['bad port alone', () => dt.inetAddress('abc'), { error: "not a valid port number: 'abc' " }],
  ['zero alone', () => dt.inetAddress('0'), { error: "not a valid port number: '0' " }],
  ['bad port after host', () => dt.inetAddress('h:abc'), { error: "invalid literal for int() with base 10: 'abc'" }],
  ['range after host', () => dt.inetAddress('h:70000'), { error: '70000 is above upper bound (65535)' }],
  ['range low after host', () => dt.inetAddress('h:0'), { error: '0 is below lower bound (1)' }],
]);

table('auto_restart', [
  ['words', () => ['true', 'yes', 'false', 'OFF', 'Unexpected'].map(dt.autoRestart), ['true', 'true', 'false', 'false', 'unexpected']],
  ['bad (lower-cased in the message)', () => dt.autoRestart('Sometimes'), { error: "invalid 'autorestart' value 'sometimes'" }],
]);

table('logging_level', [
  ['names', () => ['CRITICAL', 'error', 'warn', 'info', 'debug', 'trace', 'blather'].map(dt.loggingLevel), ['critical', 'error', 'warn', 'info', 'debug', 'trace', 'blather']],
  ['bad', () => dt.loggingLevel('warning'), { error: "bad logging level name 'warning'" }],
]);

table('users', [
  ['name to uid', () => [dt.nameToUid('root'), dt.nameToUid('0'), dt.nameToUid('nobody')], [0, 0, 65534]],
  ['bad user name', () => dt.nameToUid('nosuchuser'), { error: 'Invalid user name nosuchuser' }],
  ['bad uid', () => dt.nameToUid('99999'), { error: 'Invalid user id 99999' }],
  ['group', () => [dt.nameToGid('root'), dt.nameToGid('0')], [0, 0]],
  ['bad group', () => dt.nameToGid('nosuchgroup'), { error: 'Invalid group name nosuchgroup' }],
  ['primary gid', () => dt.gidForUid(65534), 65534],
  ['user:group', () => [dt.colonSeparatedUserGroup('root'), dt.colonSeparatedUserGroup('nobody:root')], [[0, -1], [65534, 0]]],
  ['bad user:group', () => dt.colonSeparatedUserGroup('root:nosuchgroup'), { error: 'Invalid user:group definition root:nosuchgroup' }],
]);

const home = { HOME: '/home/me' };
table('paths', [
  ['expanduser', () => [dt.expandUser('~/x', home), dt.expandUser('~', home), dt.expandUser('~root/x', home), dt.expandUser('~nosuch/x', home)], ['/home/me/x', '/home/me', '/root/x', '~nosuch/x']],
  ['dirname as Python', () => ['a', '/a', '/a/b/', 'a/b', '//x'].map(dt.pyDirname), ['', '/', '/a/b', 'a', '//']],
  ['existing_dirpath: no directory part', () => dt.existingDirpath('x.log', '/nonexistent'), 'x.log'],
  ['existing_dirpath: directory exists', () => dt.existingDirpath('/tmp/x.log', '/'), '/tmp/x.log'],
  ['existing_dirpath: missing', () => dt.existingDirpath('/nonexistent/x.log', '/'), { error: 'The directory named as part of the path /nonexistent/x.log does not exist' }],
  ['existing_directory', () => dt.existingDirectory('/tmp', '/'), '/tmp'],
  ['existing_directory missing', () => dt.existingDirectory('/nonexistent', '/'), { error: '/nonexistent is not an existing directory' }],
]);

test('logfile names: AUTO, NONE, OFF, syslog, paths (made absolute)', () => {
  const d = tempDir();
  assert.deepEqual(dt.logfileName('AUTO', d), { kind: 'auto' });
  assert.deepEqual(dt.logfileName('none', d), { kind: 'none' });
  assert.deepEqual(dt.logfileName('Off', d), { kind: 'none' });
  assert.equal(dt.logfileName('SYSLOG', d), 'syslog');
  assert.deepEqual(dt.logfileName('out.log', d), { kind: 'path', path: `${d}/out.log` });
  assert.throws(() => dt.logfileName('/nonexistent/x', d), { message: 'The directory named as part of the path /nonexistent/x does not exist' });
});

table('url', [
  ['http', () => dt.url('http://localhost:9001'), 'http://localhost:9001'],
  ['unix', () => dt.url('unix:///tmp/s.sock'), 'unix:///tmp/s.sock'],
  ['no scheme', () => dt.url('/tmp/x'), { error: "value '/tmp/x' is not a URL" }],
]);

table('profile_options', [
  ['callers split out', () => dt.profileOptions('cumulative,Callers'), { sortOptions: ['cumulative'], callers: true }],
]);
