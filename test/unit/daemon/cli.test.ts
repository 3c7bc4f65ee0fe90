/**
 * supervisord's command line (reference b.1): every option, getopt's forms, and every error text,
 * checked against what Debian's supervisord 4.2.5 prints for the same arguments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helpText, parseCommandLine, UsageError, type CommandLine } from '../../../daemon/cli.js';

function options(argv: string[]): CommandLine {
  const r = parseCommandLine(argv);
  assert.equal(r.action, 'run');
  return (r as { options: CommandLine }).options;
}

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `not a UsageError: ${err}`);
    return err.message;
  }
  assert.fail(`no error for ${JSON.stringify(argv)}`);
}

test('every option, short and long, attached and separate values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  try {
    const cases: [string[], CommandLine][] = [
      [['-c', '/x.conf'], { configFile: '/x.conf' }],
      [['-c/x.conf'], { configFile: '/x.conf' }],
      [['--configuration=/x.conf'], { configFile: '/x.conf' }],
      [['--configuration', '/x.conf'], { configFile: '/x.conf' }],
      [['--conf', '/x.conf'], { configFile: '/x.conf' }],
      [['-n'], { nodaemon: true }],
      [['--nodaemon'], { nodaemon: true }],
      [['-s'], { silent: true }],
      [['--silent'], { silent: true }],
      [['-u', 'nobody'], { user: 'nobody' }],
      [['--user=65534'], { user: '65534' }],
      [['-m', '027'], { umask: 0o27 }],
      [['--umask', '0o077'], { umask: 0o77 }],
      [['-d', dir], { directory: dir }],
      [['--directory', dir], { directory: dir }],
      [['-l', join(dir, 'a.log')], { logfile: join(dir, 'a.log') }],
      [['--logfile', 'rel.log'], { logfile: 'rel.log' }],
      [['-y', '1MB'], { logfileMaxbytes: 1024 * 1024 }],
      [['--logfile_maxbytes=10kb'], { logfileMaxbytes: 10240 }],
      [['-z', '3'], { logfileBackups: 3 }],
      [['--logfile_backups', '0'], { logfileBackups: 0 }],
      [['-e', 'DEBUG'], { loglevel: 'debug' }],
      [['--loglevel=blather'], { loglevel: 'blather' }],
      [['-j', join(dir, 'x.pid')], { pidfile: join(dir, 'x.pid') }],
      [['--pidfile', 'x.pid'], { pidfile: 'x.pid' }],
      [['-i', 'it'], { identifier: 'it' }],
      [['--identifier', 'two words'], { identifier: 'two words' }],
      [['-q', dir], { childlogdir: dir }],
      [['--childlogdir', dir], { childlogdir: dir }],
      [['-k'], { nocleanup: true }],
      [['--nocleanup'], { nocleanup: true }],
      [['-a', '2048'], { minfds: 2048 }],
      [['--minfds', ' 4096 '], { minfds: 4096 }],
      [['--minprocs', '300'], { minprocs: 300 }],
      [['-t'], { stripAnsi: true }],
      [['--strip_ansi'], { stripAnsi: true }],
      [['--profile_options', 'cumulative,callers'], { profileOptions: { sortOptions: ['cumulative'], callers: true } }],
      [['--profile_options=CALLS'], { profileOptions: { sortOptions: ['calls'], callers: false } }],
      [['--check-config'], { checkConfig: true }],
      [['--dump-config'], { dumpConfig: true }],
      // Bundled short flags, and a bundle ending in an option that takes the next word.
      [['-nkt'], { nodaemon: true, nocleanup: true, stripAnsi: true }],
      [['-nc', '/x.conf'], { nodaemon: true, configFile: '/x.conf' }],
      [['-ncx.conf'], { nodaemon: true, configFile: 'x.conf' }],
      [[], {}],
    ];
    for (const [argv, want] of cases) assert.deepEqual(options(argv), want, JSON.stringify(argv));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('help and version act when they are reached', () => {
  assert.deepEqual(parseCommandLine(['-h']), { action: 'help' });
  assert.deepEqual(parseCommandLine(['--help']), { action: 'help' });
  assert.deepEqual(parseCommandLine(['-?']), { action: 'help' });
  assert.deepEqual(parseCommandLine(['-v']), { action: 'version' });
  assert.deepEqual(parseCommandLine(['--version']), { action: 'version' });
  // An earlier option is applied first (its error wins); a later one is never looked at.
  assert.deepEqual(parseCommandLine(['-h', '-m', 'bad']), { action: 'help' });
  assert.equal(usageError(['-m', 'bad', '-h']), 'invalid value for -m \'bad\': bad can not be converted to an octal type');
  // getopt errors and positional arguments come before any option is applied.
  assert.equal(usageError(['-h', 'extra']), "positional arguments are not supported: ['extra']");
});

test("error texts are Supervisor's", () => {
  const cases: [string[], string][] = [
    [['-m', 'abc'], "invalid value for -m 'abc': abc can not be converted to an octal type"],
    [['-n', '-n'], "conflicting command line option '-n'"],
    [['-c', 'a', '--configuration', 'b'], "conflicting command line option '--configuration'"],
    [['foo', 'bar'], "positional arguments are not supported: ['foo', 'bar']"],
    [['-n', 'foo', '-c', 'x'], "positional arguments are not supported: ['foo', '-c', 'x']"],
    [['-n', '--', 'foo'], "positional arguments are not supported: ['foo']"],
    [['--log'], 'option --log not a unique prefix'],
    [['--logfile_max=x'], "invalid value for --logfile_maxbytes 'x': invalid literal for int() with base 10: 'x'"],
    [['-y', '10xb'], "invalid value for -y '10xb': invalid literal for int() with base 10: '10xb'"],
    [['-e', 'bogus'], "invalid value for -e 'bogus': bad logging level name 'bogus'"],
    [['-z', 'x'], "invalid value for -z 'x': invalid literal for int() with base 10: 'x'"],
    [['-d', '/nonexist'], "invalid value for -d '/nonexist': /nonexist is not an existing directory"],
    [['-q', '/nonexist'], "invalid value for -q '/nonexist': /nonexist is not an existing directory"],
    [['-l', '/nonexist/x'], "invalid value for -l '/nonexist/x': The directory named as part of the path /nonexist/x does not exist"],
    [['-j', '/nonexist/x.pid'], "invalid value for -j '/nonexist/x.pid': The directory named as part of the path /nonexist/x.pid does not exist"],
    [['-a', '1.5'], "invalid value for -a '1.5': invalid literal for int() with base 10: '1.5'"],
    [['--minprocs', 'lots'], "invalid value for --minprocs 'lots': invalid literal for int() with base 10: 'lots'"],
    [['-x'], 'option -x not recognized'],
    [['-nx'], 'option -x not recognized'],
    [['--bogus'], 'option --bogus not recognized'],
    [['-c'], 'option -c requires argument'],
    [['--pidfile'], 'option --pidfile requires argument'],
    [['--nodaemon=1'], 'option --nodaemon must not have an argument'],
    [['--check-config=yes'], 'option --check-config must not have an argument'],
    [['-m', "it's"], `invalid value for -m "it's": it's can not be converted to an octal type`],
  ];
  for (const [argv, want] of cases) assert.equal(usageError(argv), want, JSON.stringify(argv));
});

test('our long flags must be spelled out, so Supervisor prefixes stay unique', () => {
  assert.deepEqual(options(['--con', '/x.conf']), { configFile: '/x.conf' });
  assert.equal(usageError(['--c', '/x.conf']), 'option --c not a unique prefix');
  assert.deepEqual(options(['--d', '/']), { directory: '/' });
  assert.equal(usageError(['--check']), 'option --check not recognized');
});

test('help text names every option and puts argv0 in', () => {
  const text = helpText('/usr/bin/supervisord');
  assert.match(text, /^supervisord -- /);
  assert.match(text, /Usage: \/usr\/bin\/supervisord \[options\]/);
  for (const opt of [
    '-c/--configuration', '-n/--nodaemon', '-s/--silent', '-h/--help', '-?', '-v/--version', '-u/--user',
    '-m/--umask', '-d/--directory', '-l/--logfile', '-y/--logfile_maxbytes', '-z/--logfile_backups',
    '-e/--loglevel', '-j/--pidfile', '-i/--identifier', '-q/--childlogdir', '-k/--nocleanup', '-a/--minfds',
    '-t/--strip_ansi', '--minprocs', '--profile_options', '--check-config', '--dump-config',
  ]) {
    assert.ok(text.includes(opt), `help lacks ${opt}`);
  }
});
