import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCtlConfig } from '../../../src/config/ctl.js';
import { zmqEndpointsForUnixSocket } from '../../../src/api/protocol.js';
import { loadConfig } from '../../../src/config/load.js';
import { main } from '../../../src/config/echo.js';
import { SAMPLE_CONF } from '../../../src/config/sample.js';
import { ConfigError } from '../../../src/config/types.js';
import { TEST_ENV, writeTree } from './helpers.js';

test('ctl: no file found gives the defaults', () => {
  const dir = writeTree({});
  // argv0 and cwd point at empty dirs; /etc files may exist on the machine, so only assert when none did.
  const r = loadCtlConfig({ argv0: join(dir, 'bin/supervisorctl'), cwd: dir, env: TEST_ENV });
  if (r.file === null) {
    assert.deepEqual(r.ctl, { serverurl: 'http://localhost:9001', username: null, password: null, prompt: 'supervisor', historyFile: null });
  } else assert.ok(r.file.startsWith('/etc/'));
});

test('ctl: the search finds a file in the cwd', () => {
  const dir = writeTree({ 'supervisord.conf': '[supervisorctl]\nprompt=here\n' });
  mkdirSync(join(dir, 'bin'));
  const r = loadCtlConfig({ argv0: join(dir, 'nowhere/bin/supervisorctl'), cwd: dir, env: TEST_ENV });
  assert.equal(r.file, join(dir, 'supervisord.conf'));
  assert.equal(r.ctl.prompt, 'here');
});

test('ctl: [supervisorctl] values, %(here)s, unix paths normalised, include ignored', () => {
  const dir = writeTree({
    'sd.conf':
      '[include]\nfiles=nothing/*.conf\n[supervisorctl]\nserverurl=unix://%(here)s/run/../s.sock\nusername=u\npassword=%(ENV_HOME)s\n' +
      'prompt=mysv\nhistory_file=%(here)s/hist\n',
  });
  const r = loadCtlConfig({ configFile: join(dir, 'sd.conf'), env: TEST_ENV });
  assert.deepEqual(r, {
    file: join(dir, 'sd.conf'),
    ctl: { serverurl: `unix://${join(dir, 's.sock')}`, username: 'u', password: '/root', prompt: 'mysv', historyFile: join(dir, 'hist'), detachKey: null },
    messages: [],
  });
  const tilde = loadCtlConfig({ configFile: join(dir, 'sd.conf'), env: { HOME: '/home/me' } });
  assert.equal(tilde.ctl.password, '/home/me');
});

test('ctl: a file without [supervisorctl], a missing file, ctlplugin sections', () => {
  const dir = writeTree({ 'a.conf': '[supervisord]\n', 'b.conf': '[supervisorctl]\n[ctlplugin:wild]\nsupervisor.ctl_factory = wild.ctl:make\n', 'c.conf': '[supervisorctl]\n[ctlplugin:x]\n' });
  assert.throws(() => loadCtlConfig({ configFile: join(dir, 'a.conf') }), (e: unknown) => e instanceof ConfigError && e.message === '.ini file does not include supervisorctl section');
  assert.throws(() => loadCtlConfig({ configFile: join(dir, 'none.conf') }), { message: `could not find config file ${join(dir, 'none.conf')}` });
  const b = loadCtlConfig({ configFile: join(dir, 'b.conf') });
  assert.deepEqual(b.ctl.serverurl, 'http://localhost:9001');
  assert.deepEqual(b.messages, ['[ctlplugin:wild] supervisor.ctl_factory wild.ctl:make is Python code and cannot be loaded; its commands are not available']);
  assert.throws(() => loadCtlConfig({ configFile: join(dir, 'c.conf') }), { message: 'section [ctlplugin:x] does not specify a supervisor.ctl_factory' });
});

test('zmqEndpointsForUnixSocket', () => {
  assert.deepEqual(zmqEndpointsForUnixSocket('/run/s.sock'), { endpoint: 'ipc:///run/s.sock.zmq', pubsubEndpoint: 'ipc:///run/s.sock.pub.zmq' });
});

test('sample: echo main prints it, and it loads without error', async () => {
  const chunks: string[] = [];
  const out = { write: (s: string, cb: (e?: Error | null) => void) => { chunks.push(s); cb(); return true; } } as unknown as NodeJS.WritableStream;
  assert.equal(await main([], out), 0);
  assert.equal(chunks.join(''), SAMPLE_CONF);
  const dir = writeTree({ 'supervisord.conf': SAMPLE_CONF });
  const cfg = loadConfig({ configFile: join(dir, 'supervisord.conf'), cwd: dir, env: TEST_ENV });
  assert.equal(cfg.supervisord.logfile, '/tmp/supervisord.log');
  assert.deepEqual(cfg.httpServers.map((s) => s.file), ['/tmp/supervisor.sock']);
  assert.equal(cfg.supervisorctl?.serverurl, 'unix:///tmp/supervisor.sock');
  assert.deepEqual(cfg.messages, []);
  assert.equal(loadCtlConfig({ configFile: join(dir, 'supervisord.conf') }).ctl.serverurl, 'unix:///tmp/supervisor.sock');
});

test('sample: every section and key, uncommented, loads (with the paths made real)', () => {
  const dir = writeTree({});
  writeFileSync(join(dir, 'bin'), '');
  // Uncomment every ";key=value" line and every ";[section]" header.
  const text = SAMPLE_CONF.split('\n')
    .map((l) => (/^;(\[|[a-z_.]+ ?=)/.test(l) ? l.slice(1) : l))
    .join('\n')
    .replace(/^(?:(?:username|password|chown|user|socket_owner|curve_[a-z]+|history_file|directory|std(?:out|err)_logfile)=.*|serverurl=http.*)\n/gm, '')
    .replace('[group:thegroupname]\nprograms=progname1,progname2', '[group:thegroupname]\nprograms=theprogramname');
  const cfg = loadConfig({ configFile: join(dir, 'all.conf'), cwd: dir, env: TEST_ENV, ...writeAndReturn(join(dir, 'all.conf'), text) });
  assert.deepEqual(cfg.groups.map((g) => g.name).sort(), ['theeventlistenername', 'thefcgiprogramname', 'thegroupname']);
  assert.equal(cfg.zmq.derived, false);
  assert.deepEqual(cfg.messages.map((m) => m.text), [`No file matches via include "${join(dir, 'relative/directory/*.ini')}"`]);
  assert.equal(cfg.groups.find((g) => g.name === 'thegroupname')!.processes[0]!.pty, false);
});

function writeAndReturn(path: string, text: string): Record<string, never> {
  writeFileSync(path, text);
  return {};
}

test('ctl: detach_key (our extension) is taken literally', () => {
  const dir = writeTree({ 'sd.conf': '[supervisorctl]\ndetach_key = ^%(x)s\n' });
  assert.equal(loadCtlConfig({ configFile: join(dir, 'sd.conf'), env: TEST_ENV }).ctl.detachKey, '^%(x)s');
});
