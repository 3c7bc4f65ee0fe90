/** Pure helpers: columns, Python formatting, namespecs, line parsing, completion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChanges, formatConfigInfo } from '../../../src/ctl/actions/config.js';
import { clearResult, signalResult, startResult, stopResult } from '../../../src/ctl/actions/results.js';
import { columnize } from '../../../src/ctl/columnize.js';
import { completeActions, completeLine, completeProcesses, completeGroups, completeWord } from '../../../src/ctl/completion.js';
import { Controller } from '../../../src/ctl/controller.js';
import { makeNamespec, splitNamespec } from '../../../src/ctl/namespec.js';
import { parseLine, words } from '../../../src/ctl/parseline.js';
import { faultRepr, ljust, parsePyInt, pyLen, pyRepr } from '../../../src/ctl/pyformat.js';
import type { ConfigInfo, ProcessInfo } from '../../../src/api/process-info.js';
import { FakeSupervisor } from './fake-client.js';
import { MemoryIO, settings } from './memory-io.js';

test('columnize: as cmd.Cmd, including the trailing padding', () => {
  assert.deepEqual(columnize([], 79), ['<empty>']);
  assert.deepEqual(columnize(['one'], 79), ['one']);
  assert.deepEqual(columnize(['a', 'bb', 'ccc'], 79), ['a  bb  ccc']);
  assert.deepEqual(columnize(['aaaa', 'b', 'cc', 'd'], 8), ['aaaa  cc', 'b     d ']);
  assert.deepEqual(columnize(['aaaa', 'b', 'cc', 'd'], 6), ['aaaa', 'b', 'cc', 'd']);
  assert.deepEqual(columnize(['aaaaaaaa', 'bbbbbbbb', 'cccccccc'], 5), ['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
});

test('pyRepr, faultRepr, ljust, pyLen, parsePyInt', () => {
  assert.equal(pyRepr('foo'), "'foo'");
  assert.equal(pyRepr("it's"), '"it\'s"');
  assert.equal(pyRepr(`a'b"c`), `'a\\'b"c'`);
  assert.equal(pyRepr('a\nb\t\\'), "'a\\nb\\t\\\\'");
  assert.equal(pyRepr('\x01'), "'\\x01'");
  assert.equal(faultRepr(70, 'NOT_RUNNING: x'), "<Fault 70: 'NOT_RUNNING: x'>");
  assert.equal(ljust('ab', 4), 'ab  ');
  assert.equal(ljust('abcdef', 4), 'abcdef');
  assert.equal(pyLen('😀é'), 2);
  assert.equal(parsePyInt('100'), 100);
  assert.equal(parsePyInt('+5'), 5);
  assert.equal(parsePyInt('-5'), -5);
  assert.equal(parsePyInt('1_000'), 1000);
  assert.equal(parsePyInt('x'), null);
  assert.equal(parsePyInt('1.5'), null);
  assert.equal(parsePyInt(''), null);
});

test('namespecs', () => {
  assert.deepEqual(splitNamespec('a'), ['a', 'a']);
  assert.deepEqual(splitNamespec('g:'), ['g', null]);
  assert.deepEqual(splitNamespec('g:*'), ['g', null]);
  assert.deepEqual(splitNamespec('g:p'), ['g', 'p']);
  assert.deepEqual(splitNamespec('g:p:q'), ['g', 'p:q']);
  assert.equal(makeNamespec('a', 'a'), 'a');
  assert.equal(makeNamespec('g', 'p'), 'g:p');
  assert.equal(makeNamespec('g', null), 'g:None');
});

test('parseLine as cmd.Cmd.parseline; words as str.split', () => {
  assert.deepEqual(parseLine('  status  a b '), { cmd: 'status', arg: 'a b', line: 'status  a b' });
  assert.deepEqual(parseLine('?'), { cmd: 'help', arg: '', line: 'help ' });
  assert.deepEqual(parseLine('?stop'), { cmd: 'help', arg: 'stop', line: 'help stop' });
  assert.deepEqual(parseLine('!ls'), { cmd: null, arg: '', line: '!ls' });
  assert.deepEqual(parseLine(''), { cmd: null, arg: '', line: '' });
  assert.deepEqual(parseLine('start:x'), { cmd: 'start', arg: ':x', line: 'start:x' });
  assert.deepEqual(parseLine('-x'), { cmd: '', arg: '-x', line: '-x' });
  assert.deepEqual(words(' a\t b  c '), ['a', 'b', 'c']);
  assert.deepEqual(words(''), []);
});

test('result lines for every code', () => {
  const r = (status: number, name: string | null = 'p', group = 'g') => ({ status, name, group, description: 'FAILED: why' });
  assert.equal(startResult(r(80)), 'g:p: started');
  assert.equal(startResult(r(10)), 'g:p: ERROR (no such process)');
  assert.equal(startResult(r(20)), 'g:p: ERROR (no such file)');
  assert.equal(startResult(r(21)), 'g:p: ERROR (file is not executable)');
  assert.equal(startResult(r(60)), 'g:p: ERROR (already started)');
  assert.equal(startResult(r(50)), 'g:p: ERROR (spawn error)');
  assert.equal(startResult(r(40)), 'g:p: ERROR (abnormal termination)');
  assert.throws(() => startResult(r(30)), /Unknown result code 30 for g:p/);
  assert.equal(stopResult(r(80, 'x', 'x')), 'x: stopped');
  assert.equal(signalResult(r(80)), 'g:p: signalled');
  assert.equal(signalResult(r(11)), 'g:p: ERROR (bad signal name)');
  assert.equal(signalResult(r(70)), 'g:p: ERROR (not running)');
  assert.equal(signalResult(r(10)), 'g:p: ERROR (no such process)');
  assert.equal(signalResult(r(30)), 'FAILED: why');
  assert.throws(() => signalResult(r(60)), /Unknown result code 60/);
  assert.equal(clearResult(r(80)), 'g:p: cleared');
  assert.equal(clearResult(r(10, null)), 'g:None: ERROR (no such process)');
  assert.equal(clearResult(r(30)), 'g:p: ERROR (failed)');
  assert.throws(() => clearResult(r(70)), /Unknown result code 70/);
});

test('avail and reread formats', () => {
  const c = { name: 'x', group: 'x', inuse: false, autostart: true, group_prio: 5, process_prio: 7 } as ConfigInfo;
  assert.equal(formatConfigInfo(c), 'x'.padEnd(32) + ' avail     auto      5:7');
  assert.deepEqual(formatChanges([[], [], []]), ['No config updates to processes']);
  assert.deepEqual(formatChanges([['b'], ['a'], ['c']]), ['a: changed', 'b: available', 'c: disappeared']);
});

const infos = (): ProcessInfo[] => {
  const s = new FakeSupervisor();
  s.add('cat');
  s.add('a', { group: 'grp' });
  s.add('b', { group: 'grp' });
  s.add('web-1', { group: 'web' });
  return s.procs.map((p) => s.info(p));
};

test('completion: actions, groups, processes as Supervisor offers them', async () => {
  assert.deepEqual(completeActions('st'), ['start ', 'status ', 'stop ']);
  assert.deepEqual(completeActions('h'), ['help ']);
  assert.ok(!completeActions('').includes('EOF '));
  assert.equal(completeActions('')[0], 'help ');
  assert.deepEqual(completeGroups(infos(), ''), ['cat ', 'grp ', 'web ']);
  assert.deepEqual(completeProcesses(infos(), ''), ['cat ', 'grp:a ', 'grp:* ', 'grp:b ', 'web:web-1 ', 'web:* ']);
  assert.deepEqual(completeProcesses(infos(), 'cat:'), ['cat:cat ', 'cat:* ']);
  assert.deepEqual(completeProcesses(infos(), 'grp:'), ['grp:a ', 'grp:* ', 'grp:b ']);
  const all = async () => infos();
  assert.deepEqual(await completeWord('', all), completeActions(''));
  assert.deepEqual(await completeWord('sta', all), ['start ', 'status ']);
  assert.deepEqual(await completeWord('start ', all), completeProcesses(infos(), ''));
  assert.deepEqual(await completeWord('start c', all), ['cat ']);
  assert.deepEqual(await completeWord('stop grp:a w', all), ['web:web-1 ', 'web:* ']);
  assert.deepEqual(await completeWord('add g', all), ['grp ']);
  assert.deepEqual(await completeWord('update ', all), ['cat ', 'grp ', 'web ']);
  assert.deepEqual(await completeWord('help re', all), ['reload ', 'remove ', 'reread ', 'restart ']);
  assert.deepEqual(await completeWord('version ', all), []);
  assert.deepEqual(await completeWord('nosuch x', all), []);
});

test('completeLine fetches the process list once per session and copes with a missing server', async () => {
  const s = new FakeSupervisor();
  s.add('cat');
  s.add('a', { group: 'grp' });
  const ctl = new Controller(settings(), new MemoryIO(), s.connector());
  assert.deepEqual(await completeLine(ctl, 'start c'), [['cat '], 'c']);
  assert.deepEqual(await completeLine(ctl, 'stop '), [['cat ', 'grp:a ', 'grp:* '], '']);
  assert.equal(s.calls.filter((c) => c.method === 'supervisor.getAllProcessInfo').length, 1);
  // An action that changes the groups drops the cache.
  s.available.push({ ...s.proc('cat'), name: 'new', group: 'new' });
  await ctl.onecmd('add new');
  assert.deepEqual((await completeLine(ctl, 'stop n'))[0], ['new ']);
  s.down = 'nofile';
  await ctl.onecmd('remove new');
  assert.deepEqual(await completeLine(ctl, 'stop n'), [[], 'n']);
  await ctl.close();
});
