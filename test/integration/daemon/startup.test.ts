/**
 * supervisord's startup and command line, run for real: daemonizing (the parent exits 0 only once
 * the daemon is up, and reports startup errors with exit 2), umask/directory in the daemon,
 * --check-config, --dump-config, -v/-h, minfds, -u, --profile_options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, prepareDaemonDir, runSupervisord, startDaemon, waitUntil } from '../../helpers/daemon.js';

function procStatField(pid: number, index: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index]);
}

test('daemonize: the parent exits 0 once the pidfile exists; the daemon has its own session and /dev/null stdio', async () => {
  const d = await startDaemon(
    `[program:um]\ncommand=/bin/sh -c "umask; pwd; exec sleep 1000"\nstdout_logfile=%(here)s/um.log\nstartsecs=0\n`,
    { daemonize: true, args: ['-m', '027', '-d', '/'] },
  );
  try {
    assert.equal(d.stderr, '');
    assert.ok(isAlive(d.pid));
    // setsid: the daemon leads its own session and process group.
    assert.equal(procStatField(d.pid, 3), d.pid, 'session id');
    assert.equal(procStatField(d.pid, 2), d.pid, 'process group');
    for (const fd of [0, 1, 2]) assert.equal(readlinkSync(`/proc/${d.pid}/fd/${fd}`), '/dev/null');
    assert.equal(readlinkSync(`/proc/${d.pid}/cwd`), '/');
    const log = d.log();
    assert.match(log, /INFO daemonizing the supervisord process/);
    assert.match(log, /INFO set current directory: '\/'/);
    // The umask and directory apply in the daemon, so its children inherit them.
    await waitUntil(() => existsSync(join(d.dir, 'um.log')) && readFileSync(join(d.dir, 'um.log'), 'utf8').includes('\n/\n'));
    assert.equal(readFileSync(join(d.dir, 'um.log'), 'utf8'), '0027\n/\n');
    // Programs get their three pipes and nothing else (no status pipe, no daemon fd).
    assert.deepEqual(readdirSync(`/proc/${d.spawnedPid('um')}/fd`).sort(), ['0', '1', '2']);
    assert.equal(await d.stop(), 0);
    assert.ok(!existsSync(d.pidfile));
  } finally {
    d.cleanup();
  }
});

test('daemonize: a config error or a startup error in the daemon is reported by the parent, exit 2', async () => {
  const bad = prepareDaemonDir('[program:x]\ncommand=/bin/true\nautorestart=maybe\n');
  try {
    const r = await runSupervisord(['-c', bad.confPath], bad.dir);
    assert.equal(r.code, 2);
    const [first, second] = r.stderr.split('\n');
    const line = readFileSync(bad.confPath, 'utf8').split('\n').indexOf('autorestart=maybe') + 1;
    assert.equal(first, `Error: invalid 'autorestart' value 'maybe' in section 'program:x' (file: '${bad.confPath}', line ${line})`);
    assert.match(second!, /^For help, use \S+supervisord\.js -h$/);
    assert.ok(!existsSync(bad.pidfile), 'no daemon was started');
  } finally {
    bad.cleanup();
  }
  // The HTTP socket is taken by a running daemon: the second one fails after it has detached.
  const d = await startDaemon('[program:s]\ncommand=/bin/sleep 1000\n');
  try {
    const r = await runSupervisord(['-c', d.confPath], d.dir);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.split('\n')[0],
      'Error: Another program is already listening on a port that one of our HTTP servers is configured to use.  ' +
        'Shut this program down first before starting supervisord.',
    );
    assert.equal(readFileSync(d.pidfile, 'utf8'), `${d.pid}\n`, 'the running daemon keeps its pidfile');
    assert.equal(await d.stop(), 0);
  } finally {
    d.cleanup();
  }
});

test('--check-config, --dump-config, -v, -h and usage errors', async () => {
  const good = prepareDaemonDir('[program:x]\ncommand=/bin/true\n');
  try {
    assert.deepEqual(await runSupervisord(['-c', good.confPath, '--check-config'], good.dir), {
      code: 0,
      stdout: `${good.confPath}: configuration OK\n`,
      stderr: '',
    });
    const dump = await runSupervisord(['--dump-config', '-c', good.confPath], good.dir);
    assert.equal(dump.code, 0);
    const cfg = JSON.parse(dump.stdout) as { configFile: string; groups: { name: string }[] };
    assert.equal(cfg.configFile, good.confPath);
    assert.deepEqual(cfg.groups.map((g) => g.name), ['x']);
    assert.deepEqual(await runSupervisord(['-v'], good.dir), { code: 0, stdout: '4.2.5\n', stderr: '' });
    const help = await runSupervisord(['-h'], good.dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: \S+supervisord\.js \[options\]/);
    const usage = await runSupervisord(['-c', good.confPath, 'extra'], good.dir);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^Error: positional arguments are not supported: \['extra'\]\nFor help, use \S+ -h\n$/);
    assert.equal(usage.stdout, '');
  } finally {
    good.cleanup();
  }
  const bad = prepareDaemonDir('[program:x]\n');
  try {
    const r = await runSupervisord(['-c', bad.confPath, '--check-config'], bad.dir);
    assert.equal(r.code, 2);
    // Supervisor's text, with the line of the section added for the reader.
    const first = r.stderr.split('\n')[0]!;
    const want = `Error: program section program:x does not specify a command in section 'program:x' (file: '${bad.confPath}', line `;
    assert.ok(first.startsWith(want) && /, line \d+\)$/.test(first), first);
    assert.equal(r.stdout, '');
  } finally {
    bad.cleanup();
  }
});

test('without -c the config is searched, the CWD included, with the root warning', async () => {
  const d = prepareDaemonDir('[program:x]\ncommand=/bin/true\n');
  try {
    const r = await runSupervisord(['--check-config'], d.dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${d.confPath}: configuration OK\n`);
    if (process.getuid?.() === 0) {
      assert.match(r.stderr, /^UserWarning: Supervisord is running as root and it is searching for its configuration file in default locations/);
    }
  } finally {
    d.cleanup();
  }
});

test('minprocs raises RLIMIT_NPROC; -u drops privileges; as that user a too-low hard limit is refused', async () => {
  // Node raises its own RLIMIT_NOFILE soft limit to the hard one at startup, so the raise is shown
  // with RLIMIT_NPROC: started with a soft limit below minprocs (200), the hard one left alone.
  const d = await startDaemon('[program:s]\ncommand=/bin/sleep 1000\n', { prefix: ['prlimit', '--nproc=150:', '--'] });
  try {
    assert.match(d.log(), /INFO Increased RLIMIT_NPROC limit to 200/);
    assert.match(readFileSync(`/proc/${d.pid}/limits`, 'utf8'), /Max processes\s+200\s/);
    // Children inherit the raised limit.
    await d.waitForLog(/success: s entered RUNNING/);
    assert.match(readFileSync(`/proc/${d.spawnedPid('s')}/limits`, 'utf8'), /Max processes\s+200\s/);
    assert.equal(await d.stop(), 0);
  } finally {
    d.cleanup();
  }

  const u = prepareDaemonDir('[program:s]\ncommand=/bin/sleep 1000\n');
  try {
    chmodSync(u.dir, 0o777);
    // As nobody, a hard limit below minfds cannot be raised.
    const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    const r = await runSupervisord(['-n', '-c', u.confPath, '-u', 'nobody', '-a', String(hard + 1)], u.dir);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.split('\n')[0],
      `Error: The minimum number of file descriptors required to run this process is ${hard + 1} as per the "minfds" ` +
        `command-line argument or config file setting. The current environment will only allow you to open ${hard + 1} ` +
        'file descriptors.  Either raise the number of usable file descriptors in your environment (see README.rst) or ' +
        'lower the minfds setting in the config file to allow the process to start.',
    );
    const bogus = await runSupervisord(['-n', '-c', u.confPath, '-u', 'no-such-user'], u.dir);
    assert.equal(bogus.code, 2);
    assert.equal(bogus.stderr.split('\n')[0], 'Error: Invalid user name no-such-user');
  } finally {
    u.cleanup();
  }

  // The temp dir must be writable by nobody: the logs and the pidfile are opened after setuid.
  const d2 = await startDaemon('[program:s]\ncommand=/bin/sleep 1000\n', { args: ['-u', 'nobody'], dirMode: 0o777 });
  try {
    const status = readFileSync(`/proc/${d2.pid}/status`, 'utf8');
    assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    assert.match(status, /^Gid:\s+65534\s+65534\s+65534\s+65534$/m);
    assert.match(d2.log(), /INFO Set uid to user 65534 succeeded/);
    assert.doesNotMatch(d2.log(), /Supervisor is running as root/);
    assert.equal(await d2.stop(), 0);
  } finally {
    d2.cleanup();
  }
});

test('--profile_options writes a CPU profile next to the pidfile and prints a pstats-like summary', async () => {
  const d = await startDaemon('[program:s]\ncommand=/bin/sleep 1000\nstartsecs=0\n', { args: ['--profile_options', 'cumulative,callers'] });
  try {
    await d.waitForLog(/success: s entered RUNNING/);
    d.signal('SIGTERM');
    assert.equal(await d.waitForExit(), 0);
    const profile = join(d.dir, `supervisord.${d.pid}.cpuprofile`);
    assert.ok(existsSync(profile));
    assert.ok((JSON.parse(readFileSync(profile, 'utf8')) as { nodes: unknown[] }).nodes.length > 0);
    assert.match(d.stdout, /\d+ samples in [\d.]+ seconds/);
    assert.match(d.stdout, /Ordered by: cumulative time/);
    assert.match(d.stdout, /Function\s+was called by\.\.\./);
    assert.equal(await d.stop(), 0);
  } finally {
    d.cleanup();
  }
});
