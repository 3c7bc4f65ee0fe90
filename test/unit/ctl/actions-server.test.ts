/** shutdown, reload, version, open, help, quit/exit/EOF, unknown syntax. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { ProcessStates } from '../../../src/api/states.js';
import { FakeSupervisor } from './fake-client.js';
import { lines, MemoryIO, run } from './memory-io.js';

function server(): FakeSupervisor {
  const s = new FakeSupervisor();
  s.add('cat');
  s.add('b', { group: 'grp', state: ProcessStates.STOPPED, start: 0 });
  return s;
}

test('shutdown: one-shot does not ask; Shut down; already shutting down keeps exit 0', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'shutdown').then((r) => [r.out, r.status]), ['Shut down\n', 0]);
  assert.deepEqual(await run(s, 'shutdown').then((r) => [r.out, r.status]), ['ERROR: already shutting down\n', 0]);
});

test('shutdown: a server that is gone', async () => {
  const s = server();
  s.down = 'nofile';
  assert.deepEqual(
    await run(s, 'shutdown').then((r) => [r.out, r.status]),
    ['ERROR: unix:///tmp/fake.sock no such file (already shut down?)\n', 1],
  );
  s.down = 'refused';
  assert.deepEqual(
    await run(s, 'shutdown', { settings: { serverurl: 'http://127.0.0.1:9001' } }).then((r) => [r.out, r.status]),
    ['ERROR: http://127.0.0.1:9001 refused connection (already shut down?)\n', 1],
  );
});

test('shutdown and reload: interactive confirmation', async () => {
  const s = server();
  const ended = new MemoryIO();
  ended.end();
  const no = await run(s, 'shutdown', { settings: { interactive: true }, io: ended });
  assert.equal(no.out, 'Really shut the remote supervisord process down y/N? \n', 'end of input means no');
  assert.equal(s.shuttingDown, false);
  const nIO = new MemoryIO();
  nIO.answer('n');
  assert.equal((await run(s, 'reload', { settings: { interactive: true }, io: nIO })).out, 'Really restart the remote supervisord process y/N? ');
  assert.equal(s.shuttingDown, false);
  const yIO = new MemoryIO();
  yIO.answer('Yes');
  const yes = await run(s, 'reload', { settings: { interactive: true }, io: yIO });
  assert.equal(yes.out, 'Really restart the remote supervisord process y/N? Restarted supervisord\n');
  const y2 = new MemoryIO();
  y2.answer('y');
  const again = await run(s, 'shutdown', { settings: { interactive: true }, io: y2 });
  assert.equal(again.out, 'Really shut the remote supervisord process down y/N? ERROR: already shutting down\n');
});

test('reload: Restarted supervisord; already shutting down exits 1', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'reload').then((r) => [r.out, r.status]), ['Restarted supervisord\n', 0]);
  assert.deepEqual(await run(s, 'reload').then((r) => [r.out, r.status]), ['ERROR: already shutting down\n', 1]);
});

test('shutdown, reload, version: arguments are refused with the help', async () => {
  const s = server();
  assert.deepEqual(
    await run(s, 'shutdown now').then((r) => [r.out, r.status]),
    ['Error: shutdown accepts no arguments\nshutdown \tShut the remote supervisord down.\n', 1],
  );
  assert.deepEqual(
    await run(s, 'reload x').then((r) => [r.out, r.status]),
    ['Error: reload accepts no arguments\nreload \t\tRestart the remote supervisord.\n', 1],
  );
  assert.deepEqual(
    await run(s, 'version x').then((r) => [r.out, r.status]),
    ['Error: version accepts no arguments\nversion\t\t\tShow the version of the remote supervisord process\n', 1],
  );
  assert.equal(s.calls.length, 0, 'nothing was sent');
});

test('version prints the remote version after the upcheck', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'version').then((r) => [r.out, r.status]), ['4.2.5\n', 0]);
  assert.deepEqual(
    s.calls.map((c) => c.method),
    ['supervisor.getVersion', 'supervisor.getSupervisorVersion'],
  );
});

test('open: switches the server and shows its status, keeping the exit status', async () => {
  const s = server();
  const other = new FakeSupervisor();
  other.add('elsewhere');
  const io = new MemoryIO();
  const { Controller } = await import('../../../src/ctl/controller.js');
  const urls: string[] = [];
  const ctl = new Controller(
    { serverurl: 'unix:///tmp/a.sock', username: null, password: null, prompt: 'supervisor', historyFile: null, interactive: true },
    io,
    async (url, opts) => {
      urls.push(url);
      return (url === 'http://127.0.0.1:9999' ? other : s).connector()(url, opts);
    },
  );
  await ctl.onecmd('status');
  assert.equal(ctl.exitstatus, 3);
  ctl.exitstatus = 0;
  await ctl.onecmd('open http://127.0.0.1:9999');
  assert.ok(io.stdout.endsWith('elsewhere'.padEnd(33) + 'RUNNING   pid 1000, uptime 0:00:13\n'));
  assert.equal(ctl.exitstatus, 0);
  assert.equal(ctl.serverurl, 'http://127.0.0.1:9999');
  assert.deepEqual(urls, ['unix:///tmp/a.sock', 'http://127.0.0.1:9999']);
  io.stdout = '';
  await ctl.onecmd('open foo');
  assert.equal(io.stdout, 'ERROR: url must be http:// or unix://\n');
  assert.equal(ctl.exitstatus, 1);
  await ctl.close();
});

test('help: the topic list in columns, exactly as Supervisor prints it', async () => {
  const r = await run(server(), 'help');
  assert.equal(
    r.out,
    lines(
      '',
      'default commands (type help <topic>):',
      '=====================================',
      'add    exit      open  reload  restart   start   tail   ',
      'avail  fg        pid   remove  shutdown  status  update ',
      'clear  maintail  quit  reread  signal    stop    version',
      '',
    ),
  );
  assert.equal(r.status, 0);
  assert.equal((await run(server(), '?')).out, r.out, '? is help');
});

test('help <action> for every action; help help; unknown topics', async () => {
  const s = server();
  assert.equal((await run(s, 'help help')).out, 'help\t\tPrint a list of available actions\nhelp <action>\tPrint help for <action>\n');
  assert.equal((await run(s, 'help quit')).out, 'quit\tExit the supervisor shell.\n');
  assert.equal((await run(s, 'help exit')).out, 'exit\tExit the supervisor shell.\n');
  assert.equal((await run(s, 'help add')).out, 'add <name> [...]\tActivates any updates in config for process/group\n');
  assert.equal((await run(s, 'help remove')).out, 'remove <name> [...]\tRemoves process/group from active config\n');
  assert.equal(
    (await run(s, 'help open')).out,
    'open <url>\tConnect to a remote supervisord process.\n\t\t(for UNIX domain socket, use unix:///socket/path)\n',
  );
  assert.equal(
    (await run(s, 'help pid')).out,
    lines(
      'pid\t\t\tGet the PID of supervisord.',
      'pid <name>\t\tGet the PID of a single child process by name.',
      'pid all\t\t\tGet the PID of every child process, one per line.',
    ),
  );
  assert.equal(
    (await run(s, 'help status')).out,
    lines(
      'status <name>\t\tGet status for a single process',
      'status <gname>:*\tGet status for all processes in a group',
      'status <name> <name>\tGet status for multiple named processes',
      'status\t\t\tGet all process status info',
    ),
  );
  assert.equal(
    (await run(s, 'help update')).out,
    lines(
      'update\t\t\tReload config and add/remove as necessary, and will restart affected programs',
      'update all\t\tReload config and add/remove as necessary, and will restart affected programs',
      'update <gname> [...]\tUpdate specific groups',
    ),
  );
  assert.equal((await run(s, '?stop')).out.split('\n')[0], 'stop <name>\t\tStop a process');
  for (const topic of ['foo', 'EOF', 'start stop']) {
    const r = await run(s, `help ${topic}`);
    assert.deepEqual([r.out, r.status], [`*** No help on ${topic}\n`, 0]);
  }
  assert.equal(s.calls.length, 0);
});

test('quit, exit and EOF print an empty line and end the session', async () => {
  for (const word of ['quit', 'exit', 'EOF']) {
    const io = new MemoryIO();
    const { Controller } = await import('../../../src/ctl/controller.js');
    const ctl = new Controller(
      { serverurl: 'unix:///x', username: null, password: null, prompt: 'supervisor', historyFile: null, interactive: false },
      io,
      server().connector(),
    );
    assert.equal(await ctl.onecmd(word), true);
    assert.equal(io.stdout, '\n');
    assert.equal(ctl.exitstatus, 0);
  }
});

test('unknown syntax, empty lines, odd words', async () => {
  const s = server();
  assert.deepEqual(await run(s, 'foo bar').then((r) => [r.out, r.status]), ['*** Unknown syntax: foo bar\n', 1]);
  assert.deepEqual(await run(s, '   ').then((r) => [r.out, r.status]), ['', 0]);
  assert.deepEqual(await run(s, '!ls').then((r) => [r.out, r.status]), ['*** Unknown syntax: !ls\n', 1]);
  assert.deepEqual(await run(s, ':x').then((r) => [r.out, r.status]), ['*** Unknown syntax: :x\n', 1]);
  assert.deepEqual(await run(s, 'Status').then((r) => [r.out, r.status]), ['*** Unknown syntax: Status\n', 1]);
  // cmd.Cmd splits the action word at the first non-word character.
  assert.deepEqual(await run(s, 'status:').then((r) => [r.out, r.status]), [': ERROR (no such group)\n', 4]);
});

test('faults nobody handles print Supervisor-style generic errors, exit 1', async () => {
  const s = server();
  s.faults.set('supervisor.getPID', new RpcFault(Faults.FAILED, "it's broken"));
  assert.deepEqual(
    await run(s, 'pid').then((r) => [r.out, r.status]),
    [`error: <class 'xmlrpc.client.Fault'>, <Fault 30: "FAILED: it's broken">\n`, 1],
  );
});
