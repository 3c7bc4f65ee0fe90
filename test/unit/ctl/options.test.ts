/** supervisorctl's command line: getopt semantics and Supervisor's messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCtlArgs, usageText } from '../../../src/ctl/options.js';

const ok = (argv: string[]) => {
  const r = parseCtlArgs(argv);
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as Extract<typeof r, { kind: 'ok' }>).options;
};
const err = (argv: string[]) => {
  const r = parseCtlArgs(argv);
  assert.equal(r.kind, 'error', JSON.stringify(r));
  return (r as Extract<typeof r, { kind: 'error' }>).message;
};

test('no arguments: defaults, no action', () => {
  assert.deepEqual(ok([]), {
    configFile: null,
    interactive: false,
    serverurl: null,
    username: null,
    password: null,
    historyFile: null,
    args: [],
  });
});

test('short options with attached or separate values, flags, clusters', () => {
  const o = ok(['-c', 'x.conf', '-sunix:///tmp/s.sock', '-u', 'me', '-ppw', '-r', 'hist', '-i', 'status', 'all']);
  assert.equal(o.configFile, 'x.conf');
  assert.equal(o.serverurl, 'unix:///tmp/s.sock');
  assert.equal(o.username, 'me');
  assert.equal(o.password, 'pw');
  assert.equal(o.historyFile, 'hist');
  assert.equal(o.interactive, true);
  assert.deepEqual(o.args, ['status', 'all']);
  const c = ok(['-ic', 'f.conf']);
  assert.equal(c.interactive, true);
  assert.equal(c.configFile, 'f.conf');
});

test('long options with = or a separate value, and unique prefixes', () => {
  const o = ok(['--configuration=a.conf', '--serverurl', 'http://h:1', '--user=me', '--pass', 'pw', '--interactive', '--history_file=h']);
  assert.deepEqual([o.configFile, o.serverurl, o.username, o.password, o.interactive, o.historyFile], [
    'a.conf',
    'http://h:1',
    'me',
    'pw',
    true,
    'h',
  ]);
  assert.equal(ok(['--history-file', 'h2']).historyFile, 'h2');
  assert.equal(ok(['--hist=h3']).historyFile, 'h3', 'both spellings of one option are not ambiguous');
  assert.equal(ok(['--ser=http://x:1']).serverurl, 'http://x:1');
});

test('options stop at the first action word; -- ends them', () => {
  assert.deepEqual(ok(['status', '-s', 'x']).args, ['status', '-s', 'x']);
  assert.deepEqual(ok(['--', '-s']).args, ['-s']);
  assert.deepEqual(ok(['-', 'x']).args, ['-', 'x']);
});

test('help: -h, -?, --help, a prefix of it', () => {
  for (const a of [['-h'], ['-?'], ['--help'], ['--he'], ['-s', 'http://x:1', '-h', 'status']]) {
    assert.equal(parseCtlArgs(a).kind, 'help', a.join(' '));
  }
  // Options are handled in order: a bad value before -h is reported first.
  assert.equal(err(['-s', 'foo', '-h']), "invalid value for -s 'foo': value 'foo' is not a URL");
});

test("getopt's messages", () => {
  assert.equal(err(['-x']), 'option -x not recognized');
  assert.equal(err(['--foo']), 'option --foo not recognized');
  assert.equal(err(['-s']), 'option -s requires argument');
  assert.equal(err(['--ser']), 'option --serverurl requires argument');
  assert.equal(err(['--interactive=3']), 'option --interactive must not have an argument');
  assert.equal(err(['--h']), 'option --h not a unique prefix');
  assert.equal(err(['-ix']), 'option -x not recognized');
});

test('-s must be a URL; repeated options conflict', () => {
  assert.equal(err(['-s', 'foo']), "invalid value for -s 'foo': value 'foo' is not a URL");
  assert.equal(err(['--serverurl=x']), "invalid value for --serverurl 'x': value 'x' is not a URL");
  assert.equal(err(['-s', 'http://']), "invalid value for -s 'http://': value 'http://' is not a URL");
  assert.equal(ok(['-s', 'foo:bar']).serverurl, 'foo:bar', 'a scheme and a path are a URL (the scheme is checked later)');
  assert.equal(ok(['-s', 'ipc:///tmp/x.zmq']).serverurl, 'ipc:///tmp/x.zmq');
  assert.equal(err(['-c', 'a', '-c', 'b']), "conflicting command line option '-c'");
  assert.equal(err(['-i', '--interactive']), "conflicting command line option '--interactive'");
  assert.equal(err(['-u', 'a', '--username', 'b']), "conflicting command line option '--username'");
});

test('the usage text names the program', () => {
  const t = usageText('/usr/bin/supervisorctl');
  assert.ok(t.includes('Usage: /usr/bin/supervisorctl [options] [action [arguments]]'));
  for (const o of ['-c/--configuration', '-h/--help', '-i/--interactive', '-s/--serverurl', '-u/--username', '-p/--password', '-r/--history_file']) {
    assert.ok(t.includes(o), o);
  }
  assert.ok(!t.includes('%s'));
});
