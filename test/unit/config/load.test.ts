import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { dumpConfig } from '../../../src/config/dump.js';
import { noConfigFoundMessage, searchPaths } from '../../../src/config/search.js';
import { ConfigError, type ProcessConfig, type ServerConfig } from '../../../src/config/types.js';
import { load, loadError, TEST_ENV, writeTree } from './helpers.js';
import { makeProcessConfig } from '../process/fixtures.js';

const S = '[supervisord]\n';
const proc = (cfg: ServerConfig, name: string): ProcessConfig => {
  for (const g of cfg.groups) for (const p of g.processes) if (p.name === name) return p;
  throw new Error(`no process ${name}`);
};

test('supervisord defaults, paths made absolute from the cwd', () => {
  const { cfg, dir } = load(S);
  assert.deepEqual(cfg.supervisord, {
    logfile: join(dir, 'supervisord.log'),
    logfileMaxbytes: 52428800,
    logfileBackups: 10,
    loglevel: 'info',
    pidfile: join(dir, 'supervisord.pid'),
    umask: 0o22,
    nodaemon: false,
    silent: false,
    minfds: 1024,
    minprocs: 200,
    nocleanup: false,
    childlogdir: '/tmp',
    user: null,
    uid: null,
    gid: null,
    directory: null,
    stripAnsi: false,
    environment: {},
    identifier: 'supervisor',
  });
  assert.deepEqual(cfg.groups, []);
  assert.deepEqual(cfg.httpServers, []);
  assert.equal(cfg.supervisorctl, null);
});

test('supervisord options, user resolved, logfile=syslog kept', () => {
  const { cfg } = load(
    S + 'logfile=syslog\nloglevel=DEBUG\numask=077\nuser=nobody\nidentifier=%(ENV_HOME)s\nnodaemon=true\nminfds=10\nstrip_ansi=on\n',
  );
  assert.equal(cfg.supervisord.logfile, 'syslog');
  assert.equal(cfg.supervisord.loglevel, 'debug');
  assert.equal(cfg.supervisord.umask, 0o77);
  assert.deepEqual([cfg.supervisord.user, cfg.supervisord.uid, cfg.supervisord.gid], ['nobody', 65534, 65534]);
  assert.equal(cfg.supervisord.identifier, '/root');
  assert.equal(cfg.supervisord.nodaemon, true);
  assert.equal(cfg.supervisord.minfds, 10);
  assert.equal(cfg.supervisord.stripAnsi, true);
});

test('command-line overrides win over the file and are normalised', () => {
  const { cfg, dir } = load(S + 'logfile=/tmp/a.log\nnodaemon=false\n', {
    overrides: { logfile: 'b.log', nodaemon: true, user: 'root' },
  });
  assert.equal(cfg.supervisord.logfile, join(dir, 'b.log'));
  assert.equal(cfg.supervisord.nodaemon, true);
  assert.deepEqual([cfg.supervisord.uid, cfg.supervisord.gid], [0, 0]);
  assert.equal(loadError(S, { overrides: { user: 'nosuchuser' } }).message, 'Invalid user name nosuchuser');
});

test('a program with every default', () => {
  const { cfg, file } = load(S + '[program:cat]\ncommand=/bin/cat -n\n');
  assert.equal(cfg.groups.length, 1);
  assert.deepEqual(cfg.groups[0]!.name, 'cat');
  assert.deepEqual(cfg.groups[0]!.kind, 'program');
  assert.deepEqual(cfg.groups[0]!.priority, 999);
  // makeProcessConfig holds Supervisor's [program:x] defaults (shared with the engine tests); this
  // test is what ties it to the loader: every field must be equal.
  assert.deepEqual(
    proc(cfg, 'cat'),
    makeProcessConfig({ name: 'cat', command: '/bin/cat -n', argv: ['/bin/cat', '-n'], source: { file, line: 2 } }),
  );
});

test('program options, the pty extension, and a command shlex cannot split', () => {
  const { cfg } = load(
    S +
      '[program:p]\ncommand=sh -c \'echo "a b"\'  ; comment\nautorestart=true\nexitcodes=0,2\nstopsignal=int\n' +
      'stopasgroup=true\nuser=nobody\numask=002\npty=yes\nstdout_logfile=NONE\nstderr_logfile=syslog\n' +
      'stdout_capture_maxbytes=1KB\nstderr_events_enabled=true\n[program:q]\ncommand=echo "open\n',
  );
  const p = proc(cfg, 'p');
  assert.deepEqual(p.argv, ['sh', '-c', 'echo "a b"']);
  assert.equal(p.autorestart, 'true');
  assert.deepEqual(p.exitcodes, [0, 2]);
  assert.equal(p.stopsignal, 'INT');
  assert.deepEqual([p.stopasgroup, p.killasgroup], [true, true]);
  assert.deepEqual([p.user, p.uid, p.gid], ['nobody', 65534, 65534]);
  assert.equal(p.umask, 0o2);
  assert.equal(p.pty, true);
  assert.deepEqual(p.stdout.logfile, { kind: 'none' });
  assert.equal(p.stdout.captureMaxbytes, 1024);
  assert.deepEqual([p.stderr.logfile, p.stderr.syslog, p.stderr.eventsEnabled], [{ kind: 'none' }, true, true]);
  assert.deepEqual(cfg.messages, [
    {
      level: 'warn',
      text: 'For [program:p], stderr_logfile=syslog but this is deprecated and will be removed.  Use stderr_syslog=true to enable syslog instead.',
    },
  ]);
  const q = proc(cfg, 'q');
  assert.deepEqual(q.argv, []);
  assert.equal(q.argvError, `can't parse command 'echo "open': No closing quotation`);
});

test('numprocs: names, process_num, numprocs_start, sorted by name', () => {
  const { cfg } = load(
    S + '[program:w]\ncommand=w %(process_num)02d of %(numprocs)d\nprocess_name=%(program_name)s_%(process_num)s\nnumprocs=3\nnumprocs_start=9\n',
  );
  const ps = cfg.groups[0]!.processes;
  assert.deepEqual(ps.map((p) => p.name), ['w_10', 'w_11', 'w_9']);
  assert.deepEqual(ps.map((p) => p.command), ['w 10 of 3', 'w 11 of 3', 'w 09 of 3']);
  assert.deepEqual(ps.map((p) => p.processNum), [10, 11, 9]);
});

test('expansions: here, host_node_name, group_name, ENV_, and the in-place update quirk', () => {
  const { cfg, dir } = load(
    S +
      'environment=GLOBAL="g;1",B=2\n[group:grp]\nprograms=foo\n[program:foo]\n' +
      'command=/bin/echo %(here)s %(host_node_name)s %(group_name)s %(ENV_GLOBAL)s %(ENV_LOCAL)s %(ENV_HOME)s\n' +
      'environment=LOCAL="l-%(process_num)s",HOME2="%(ENV_HOME)s"\ndirectory=/tmp/%(process_num)s\n' +
      'stdout_logfile=%(here)s/foo-%(process_num)s.log\n',
  );
  const p = proc(cfg, 'foo');
  assert.equal(p.command, `/bin/echo ${dir} ${hostname()} grp g;1 l-0 /root`);
  assert.deepEqual(p.environment, { LOCAL: 'l-0', HOME2: '/root' });
  assert.deepEqual(cfg.supervisord.environment, { GLOBAL: 'g;1', B: '2' });
  // directory and the logfiles are read inside the per-process loop, so they see process_num.
  assert.equal(p.directory, '/tmp/0');
  assert.deepEqual(p.stdout.logfile, { kind: 'path', path: join(dir, 'foo-0.log') });
  // priority is read before the loop: no process_num there.
  assert.match(loadError(S + '[program:x]\ncommand=a\npriority=%(process_num)d\n').message, /contains names \('process_num'\)/);
});

test('[supervisord] environment is expanded twice (so %% must be doubled twice)', () => {
  assert.deepEqual(load(S + 'environment=A="x%%%%y"\n').cfg.supervisord.environment, { A: 'x%y' });
  assert.deepEqual(load(S + 'environment=H="%%(host_node_name)s"\n').cfg.supervisord.environment, { H: hostname() });
});

test('logfile warnings: AUTO without rollover, redirect_stderr with a stderr file', () => {
  const { cfg } = load(S + '[program:bar]\ncommand=cat\nstderr_logfile=/tmp/x.err\nredirect_stderr=true\nstdout_logfile_maxbytes=0\n');
  assert.deepEqual(cfg.messages.map((m) => m.text), [
    'For [program:bar], AUTO logging used for stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally',
    'For [program:bar], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored',
  ]);
  assert.deepEqual(proc(cfg, 'bar').stderr.logfile, { kind: 'none' });
});

test('groups: members leave the standalone list, sorted by priority then name', () => {
  const { cfg } = load(
    S +
      '[program:b]\ncommand=b\npriority=1\n[program:a]\ncommand=a\npriority=7\n[program:z]\ncommand=z\n' +
      '[program:y]\ncommand=y\n[group:g]\nprograms=a, b\npriority=5\n[group:empty]\n',
  );
  assert.deepEqual(cfg.groups.map((g) => [g.name, g.kind, g.priority]), [
    ['g', 'group', 5],
    ['empty', 'group', 999],
    ['y', 'program', 999],
    ['z', 'program', 999],
  ]);
  const g = cfg.groups[0]!;
  // Each member keeps its own priority; the order is the programs= order.
  assert.deepEqual(g.processes.map((p) => [p.name, p.group, p.priority]), [['a', 'g', 7], ['b', 'g', 1]]);
});

test('group errors: ambiguous member, fcgi-program member becomes a plain process', () => {
  assert.equal(
    loadError(S + '[group:g]\nprograms=a\n[program:a]\ncommand=a\n[fcgi-program:a]\ncommand=a\nsocket=tcp://h:1\n').message,
    '[group:g] name a is ambiguous (exists as program and fcgi-program)',
  );
  const { cfg } = load(S + '[group:g]\nprograms=f\n[fcgi-program:f]\ncommand=a\nsocket=tcp://h:1\n');
  assert.deepEqual(cfg.groups.map((x) => x.name), ['g']);
  assert.equal(cfg.groups[0]!.processes[0]!.kind, 'program');
  assert.equal(cfg.groups[0]!.processes[0]!.socket, undefined);
});

test('eventlistener pools: priority -1, events upper-cased once, buffer_size, result_handler', () => {
  const { cfg } = load(
    S + '[eventlistener:l]\ncommand=listen\nevents=tick_5, PROCESS_STATE,TICK_5\nbuffer_size=3\nresult_handler=my.mod:handler\n',
  );
  const g = cfg.groups[0]!;
  assert.deepEqual([g.name, g.kind, g.priority], ['l', 'eventlistener', -1]);
  const p = g.processes[0]!;
  assert.deepEqual([p.kind, p.events, p.bufferSize, p.resultHandler], ['eventlistener', ['TICK_5', 'PROCESS_STATE'], 3, 'my.mod:handler']);
  // Supervisor gives the pool priority -1 but reads each process's own priority with default 999.
  assert.equal(p.priority, 999);
  assert.match(cfg.messages[0]!.text, /^\[eventlistener:l\] result_handler my\.mod:handler is a Python function/);
});

test('fcgi-program sockets', () => {
  const d = load(S + '[fcgi-program:f]\ncommand=php\nsocket=unix://%(here)s/../%(program_name)s.sock\nuser=nobody\nsocket_backlog=5\n');
  const p = d.cfg.groups[0]!.processes[0]!;
  assert.equal(p.socket, `unix://${join(d.dir, '..', 'f.sock')}`);
  assert.deepEqual([p.socketOwner, p.socketMode, p.socketBacklog], [[65534, 65534], 0o700, 5]);
  const t = load(S + '[fcgi-program:f]\ncommand=php\nsocket=tcp://LOCALHOST:9000\n').cfg.groups[0]!.processes[0]!;
  assert.deepEqual([t.socket, t.socketOwner, t.socketMode], ['tcp://localhost:9000', null, undefined]);
  // Supervisor formats these two as Python tuples; ours are plain sentences.
  assert.equal(loadError(S + '[fcgi-program:f]\ncommand=a\nsocket=unix://rel.sock\n').message, 'Unix socket path rel.sock is not an absolute path in [fcgi-program:f] socket');
  assert.equal(loadError(S + '[fcgi-program:f]\ncommand=a\nsocket=udp://x:1\n').message, 'Bad socket format udp://x:1 in [fcgi-program:f] socket');
});

test('http servers, serverurl AUTO derivation', () => {
  const { cfg, dir } = load(
    S + '[inet_http_server]\nport=*:9001\nusername=u\npassword={SHA}abc\n[unix_http_server]\nfile=%(here)s/s.sock\nchmod=0770\nchown=nobody:root\n' +
      '[program:a]\ncommand=a\n[program:b]\ncommand=b\nserverurl=http://x:1\n',
  );
  assert.deepEqual(cfg.httpServers, [
    { section: 'inet_http_server', family: 'inet', host: '', port: 9001, username: 'u', password: '{SHA}abc' },
    { section: 'unix_http_server', family: 'unix', file: join(dir, 's.sock'), chmod: 0o770, chown: [65534, 0], username: null, password: null },
  ]);
  assert.equal(proc(cfg, 'a').serverurl, `unix://${join(dir, 's.sock')}`);
  assert.equal(proc(cfg, 'b').serverurl, 'http://x:1');
  const inet = load(S + '[inet_http_server]\nport=9001\n[program:a]\ncommand=a\nserverurl=AUTO\n').cfg;
  assert.equal(proc(inet, 'a').serverurl, 'http://localhost:9001');
});

test('rpcinterface sections: extras kept, foreign factories warned about', () => {
  const { cfg } = load(
    S + '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n' +
      '[rpcinterface:twiddler]\nsupervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make\nretries=%(ENV_HOME)s\n',
  );
  assert.deepEqual(cfg.rpcinterfaces, [
    { name: 'supervisor', factory: 'supervisor.rpcinterface:make_main_rpcinterface', extra: {} },
    { name: 'twiddler', factory: 'supervisor_twiddler.rpcinterface:make', extra: { retries: '/root' } },
  ]);
  assert.deepEqual(cfg.messages.map((m) => m.level), ['warn']);
  assert.match(cfg.messages[0]!.text, /\[rpcinterface:twiddler\].*cannot be loaded; RPC interface 'twiddler' is not available/);
});

test('DEFAULT keys apply to every program', () => {
  const { cfg } = load('[DEFAULT]\nautostart=false\n' + S + '[program:a]\ncommand=a\n');
  assert.equal(proc(cfg, 'a').autostart, false);
});

test('include: globs relative to the file, sorted, %(here)s per file, messages, not recursive', () => {
  const dir = writeTree({
    'supervisord.conf': S + 'logfile=%(here)s/main.log\n[include]\nfiles = conf.d/*.ini missing/*.conf /nonexistent.conf\n',
    'conf.d/b.ini': '[program:b]\ncommand=%(here)s/b\n[include]\nfiles=never.txt\n',
    'conf.d/a.ini': '[program:a]\ncommand=%(here)s/a\n',
    'conf.d/.hidden.ini': '[program:hidden]\ncommand=h\n',
    'conf.d/never.txt': 'not read: it has no section header',
  });
  const cfg = loadConfig({ configFile: join(dir, 'supervisord.conf'), cwd: dir, env: TEST_ENV });
  assert.equal(cfg.supervisord.logfile, join(dir, 'main.log'));
  assert.deepEqual(cfg.filesRead, [join(dir, 'supervisord.conf'), join(dir, 'conf.d/a.ini'), join(dir, 'conf.d/b.ini')]);
  assert.deepEqual(cfg.groups.map((g) => [g.name, g.processes[0]!.command]), [['a', join(dir, 'conf.d/a')], ['b', join(dir, 'conf.d/b')]]);
  assert.deepEqual(cfg.messages, [
    // Warnings come before infos, the order supervisord logs them in.
    { level: 'warn', text: `No file matches via include "${join(dir, 'missing/*.conf')}"` },
    { level: 'warn', text: 'No file matches via include "/nonexistent.conf"' },
    { level: 'info', text: `Included extra file "${join(dir, 'conf.d/a.ini')}" during parsing` },
    { level: 'info', text: `Included extra file "${join(dir, 'conf.d/b.ini')}" during parsing` },
  ]);
});

test('include: an error in an included file names that file', () => {
  const dir = writeTree({ 'main.conf': S + '[include]\nfiles=x.conf\n', 'x.conf': '\n[program:x]\ncommand=a\nstartsecs=no\n' });
  assert.throws(() => loadConfig({ configFile: join(dir, 'main.conf'), env: TEST_ENV }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, `invalid literal for int() with base 10: 'no' in section 'program:x' (file: '${join(dir, 'x.conf')}')`);
    assert.deepEqual(e.pos, { file: join(dir, 'x.conf'), line: 4 });
    return true;
  });
});

test('zmq defaults: next to the unix socket with its access rules, else next to the pidfile', () => {
  const unix = load(S + '[unix_http_server]\nfile=/tmp/x.sock\nchmod=0760\nusername=u\npassword=p\n').cfg.zmq;
  assert.deepEqual(unix, {
    endpoint: 'ipc:///tmp/x.sock.zmq',
    pubsubEndpoint: 'ipc:///tmp/x.sock.pub.zmq',
    chmod: 0o760,
    chown: null,
    username: 'u',
    password: 'p',
    curveSecretKey: null,
    curvePublicKey: null,
    curveAllowedClients: [],
    derived: true,
  });
  const { cfg, dir } = load(S + 'pidfile=%(here)s/sd.pid\n');
  assert.equal(cfg.zmq.endpoint, `ipc://${dir}/supervisord.zmq`);
  assert.equal(cfg.zmq.pubsubEndpoint, `ipc://${dir}/supervisord.pub.zmq`);
  assert.equal(cfg.zmq.chmod, 0o700);
});

test('[zmq_server] section: here expansion, relative ipc paths, tcp, curve', () => {
  const { cfg, dir } = load(
    S + '[zmq_server]\nendpoint=ipc://%(here)s/c.zmq\npubsub_endpoint=ipc://p.zmq\nchmod=0770\nchown=nobody\n' +
      'curve_secretkey=SEC\ncurve_publickey=PUB\ncurve_allowed_clients=K1, K2\n',
  );
  assert.deepEqual(cfg.zmq, {
    endpoint: `ipc://${dir}/c.zmq`,
    pubsubEndpoint: `ipc://${dir}/p.zmq`,
    chmod: 0o770,
    chown: [65534, -1],
    username: null,
    password: null,
    curveSecretKey: 'SEC',
    curvePublicKey: 'PUB',
    curveAllowedClients: ['K1', 'K2'],
    derived: false,
  });
  const tcp = load(S + '[zmq_server]\nendpoint=tcp://127.0.0.1:9002\npubsub_endpoint=tcp://localhost:9003\n').cfg.zmq;
  assert.deepEqual([tcp.endpoint, tcp.pubsubEndpoint], ['tcp://127.0.0.1:9002', 'tcp://localhost:9003']);
  const auth = load(S + '[zmq_server]\nendpoint=tcp://0.0.0.0:9002\npubsub_endpoint=tcp://*:9003\nusername=u\npassword={SHA}ab\n').cfg.zmq;
  assert.deepEqual([auth.username, auth.password], ['u', '{SHA}ab']);
});

test('[zmq_server] errors', () => {
  const open = loadError(S + '[zmq_server]\nendpoint=tcp://0.0.0.0:9002\npubsub_endpoint=ipc:///tmp/p\n');
  assert.deepEqual(open, {
    message: '[zmq_server] endpoint tcp://0.0.0.0:9002 is not loopback and has no credentials: set username/password or curve keys',
    line: 3,
  });
  assert.equal(
    loadError(S + '[zmq_server]\npubsub_endpoint=tcp://*:9003\n').message,
    '[zmq_server] pubsub_endpoint tcp://*:9003 is not loopback and has no credentials: set username/password or curve keys',
  );
  assert.equal(loadError(S + '[zmq_server]\nendpoint=http://x\n').message, '[zmq_server] endpoint http://x is not an ipc:///path or tcp://host:port endpoint');
  assert.match(loadError(S + '[zmq_server]\nusername=u\n').message, /^Section \[zmq_server\] contains incomplete authentication/);
  assert.equal(loadError(S + '[zmq_server]\ncurve_secretkey=x\n').message, '[zmq_server] curve_secretkey and curve_publickey must be set together');
});

test('ProcessConfig is plain JSON data; dumpConfig round-trips', () => {
  const { cfg } = load(S + '[program:a]\ncommand=a\nnumprocs=2\nprocess_name=a%(process_num)s\n[eventlistener:l]\ncommand=l\nevents=TICK_60\n');
  assert.deepEqual(JSON.parse(dumpConfig(cfg)), JSON.parse(JSON.stringify(cfg)));
  for (const g of cfg.groups) for (const p of g.processes) assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  assert.ok(dumpConfig(cfg).endsWith('}\n'));
});

test('missing or unreadable main file', () => {
  const dir = writeTree({});
  mkdirSync(join(dir, 'adir'));
  assert.throws(() => loadConfig({ configFile: join(dir, 'nope.conf') }), { message: `could not find config file ${join(dir, 'nope.conf')}` });
  assert.throws(() => loadConfig({ configFile: join(dir, 'adir') }), { message: `could not read config file ${join(dir, 'adir')}` });
});

test('search order: here/etc, here, cwd, cwd/etc; the message lists all six', () => {
  const root = writeTree({});
  const bin = join(root, 'prefix', 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(root, 'prefix', 'etc'));
  const cwd = join(root, 'cwd');
  mkdirSync(join(cwd, 'etc'), { recursive: true });
  const argv0 = join(bin, 'supervisord');
  const paths = [join(root, 'prefix/etc/supervisord.conf'), join(root, 'prefix/supervisord.conf'), join(cwd, 'supervisord.conf'), join(cwd, 'etc/supervisord.conf')];
  // Write them last-first, checking each time that the earliest existing one wins.
  for (let i = paths.length - 1; i >= 0; i--) {
    writeFileSync(paths[i]!, `${S}identifier=${i}\n`);
    assert.equal(loadConfig({ argv0, cwd, env: TEST_ENV }).supervisord.identifier, String(i));
  }
});

test('search paths and the message when none exists', () => {
  assert.deepEqual(searchPaths('/opt/sv/bin/supervisord'), [
    '/opt/sv/etc/supervisord.conf',
    '/opt/sv/supervisord.conf',
    'supervisord.conf',
    'etc/supervisord.conf',
    '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf',
  ]);
  // A bare program name gives relative paths, spelled as Python's os.path.join does.
  assert.deepEqual(searchPaths('supervisord').slice(0, 2), ['etc/supervisord.conf', 'supervisord.conf']);
  assert.deepEqual(searchPaths('./bin/supervisord').slice(0, 2), ['./etc/supervisord.conf', './supervisord.conf']);
  assert.equal(
    noConfigFoundMessage('/opt/sv/bin/supervisord'),
    'No config file found at default paths (/opt/sv/etc/supervisord.conf, /opt/sv/supervisord.conf, ' +
      'supervisord.conf, etc/supervisord.conf, /etc/supervisord.conf, /etc/supervisor/supervisord.conf); ' +
      'use the -c option to specify a config file at a different path',
  );
});
