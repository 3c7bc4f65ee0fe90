/**
 * Debian's /usr/bin/supervisorctl against OUR daemon prints what it prints against Debian's Python
 * supervisord: both daemons run the same programs, the same commands go to each, and the outputs and
 * exit statuses are compared after normalising pids, uptimes, dates and the temp dirs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { waitFor } from '../integration/http/helpers.js';
import { run, skipWithoutSupervisor, SUPERVISORCTL } from './python.js';
import { startPythonSupervisord, type PythonSupervisord } from './python-supervisord.js';

const skip = skipWithoutSupervisor();
if (skip) console.log(`# skipping supervisorctl comparisons: ${skip}`);

const PROGRAMS = `
[program:talker]
command=/bin/sh -c 'echo hello; echo oops >&2; exec sleep 1000'

[program:sleeper]
command=/bin/sleep 1000
autostart=false

[program:quick]
command=/bin/sh -c 'exit 3'
autostart=false
startsecs=1
startretries=0

[program:member]
command=/bin/sleep 1000
autostart=false

[group:grp]
programs=member
`;

const PYTHON_CONF = `
[unix_http_server]
file={DIR}/py.sock

[supervisord]
logfile={DIR}/supervisord.log
pidfile={DIR}/supervisord.pid
childlogdir={DIR}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{DIR}/py.sock
${PROGRAMS}`;

/** The parts of supervisorctl's output that differ between two runs of the same thing. */
function normalise(text: string, dir: string): string {
  return text
    .replaceAll(dir, 'DIR')
    .replace(/DIR\/(py|supervisor)\.sock/g, 'DIR/SOCK')
    .replace(/pid \d+, uptime \d+:\d\d:\d\d/g, 'pid PID, uptime UPTIME')
    .replace(/[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M/g, 'DATE')
    .replace(/^\d+$/gm, 'PID');
}

interface Outcome {
  code: number;
  out: string;
}

async function ctl(conf: string, dir: string, args: string[]): Promise<Outcome> {
  const r = await run(SUPERVISORCTL, ['-c', conf, ...args], { timeoutMs: 30000 });
  return { code: r.code, out: normalise(r.stdout + r.stderr, dir) };
}

/** `tail -f`-style commands stream forever: run until `want` shows up, then stop them. */
async function ctlStream(conf: string, dir: string, args: string[], want: string): Promise<string> {
  const child = spawn(SUPERVISORCTL, ['-c', conf, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    await waitFor(() => out.includes(want), `${args.join(' ')} to print ${JSON.stringify(want)}`, 15000);
    return normalise(out, dir);
  } finally {
    child.kill('SIGKILL');
  }
}

describe("Debian's supervisorctl: our daemon answers as Python's does", { skip }, () => {
  let py: PythonSupervisord;
  let ours: DaemonHandle;

  before(async () => {
    py = await startPythonSupervisord(PYTHON_CONF);
    ours = await startDaemon(PROGRAMS);
    // Both: talker past its startsecs.
    for (const [conf, dir] of [[py.conf, py.dir], [ours.confPath, ours.dir]] as const) {
      await waitFor(async () => (await ctl(conf, dir, ['status', 'talker'])).out.includes('RUNNING'), `talker RUNNING (${dir})`, 15000);
    }
  });
  after(async () => {
    await py?.stop();
    await ours?.stop();
  });

  /** Runs one command on both daemons and compares. */
  async function same(args: string[]): Promise<Outcome> {
    const theirs = await ctl(py.conf, py.dir, args);
    const mine = await ctl(ours.confPath, ours.dir, args);
    assert.deepEqual(mine, theirs, `supervisorctl ${args.join(' ')}`);
    return mine;
  }

  test('status, start, stop and their errors, in order', async () => {
    const steps: string[][] = [
      ['status'],
      ['start', 'sleeper'],
      ['start', 'sleeper'],
      ['start', 'nosuch'],
      ['start', 'grp:*'],
      ['status', 'grp:*'],
      ['status', 'sleeper', 'nosuch'],
      ['start', 'quick'],
      ['status'],
      ['stop', 'sleeper'],
      ['stop', 'sleeper'],
      ['stop', 'grp:*'],
      ['stop', 'nosuch'],
      ['status'],
    ];
    const outs: Record<string, Outcome> = {};
    for (const s of steps) outs[s.join(' ')] ??= await same(s);
    // The comparisons above are of real answers, not of two identical failures.
    assert.match(outs.status!.out, /^grp:member +STOPPED +Not started\nquick +STOPPED +Not started\nsleeper +STOPPED +Not started\ntalker +RUNNING +pid PID, uptime UPTIME\n$/);
    assert.deepEqual(outs['start quick'], { code: 7, out: 'quick: ERROR (spawn error)\n' });
    assert.deepEqual(outs['start sleeper'], { code: 0, out: 'sleeper: started\n' });
  });

  test('pid and version', async () => {
    const pid = await same(['pid']);
    assert.deepEqual(pid, { code: 0, out: 'PID\n' });
    await same(['pid', 'talker']);
    await same(['pid', 'sleeper']);
    await same(['pid', 'nosuch']);
    assert.deepEqual(await same(['version']), { code: 0, out: '4.2.5\n' });
  });

  test('tail of stdout and stderr, and its errors', async () => {
    const t = await same(['tail', 'talker']);
    assert.equal(t.out, 'hello\n\n');
    await same(['tail', 'talker', 'stderr']);
    await same(['tail', '-3', 'talker']);
    await same(['tail', 'nosuch']);
    await same(['tail', 'talker', 'bogus']);
  });

  test('tail -f and maintail -f stream', async () => {
    const theirs = await ctlStream(py.conf, py.dir, ['tail', '-f', 'talker'], 'hello\n');
    const mine = await ctlStream(ours.confPath, ours.dir, ['tail', '-f', 'talker'], 'hello\n');
    assert.equal(mine, theirs);
    assert.equal(mine, '==> Press Ctrl-C to exit <==\nhello\n');
    // maintail -f: both daemons' streams show a spawn that happens while following.
    for (const [conf, dir] of [[py.conf, py.dir], [ours.confPath, ours.dir]] as const) {
      const following = ctlStream(conf, dir, ['maintail', '-f'], "spawned: 'sleeper' with pid");
      await waitFor(async () => (await ctl(conf, dir, ['start', 'sleeper'])).out === 'sleeper: started\n', 'start sleeper');
      assert.match(await following, /^==> Press Ctrl-C to exit <==\n(.|\n)*INFO spawned: 'sleeper' with pid \d+\n/);
      await ctl(conf, dir, ['stop', 'sleeper']);
    }
    const errs = await ctlStream(ours.confPath, ours.dir, ['tail', '-f', 'nosuch'], 'Cannot read');
    assert.equal(errs, await ctlStream(py.conf, py.dir, ['tail', '-f', 'nosuch'], 'Cannot read'));
  });

  test('maintail -N prints the last N bytes of the activity log, as against Python', async () => {
    for (const [conf, dir, log] of [[py.conf, py.dir, `${py.dir}/supervisord.log`], [ours.confPath, ours.dir, ours.logPath]] as const) {
      const r = await ctl(conf, dir, ['maintail', '-300']);
      const fs = await import('node:fs');
      assert.deepEqual(r, { code: 0, out: normalise(fs.readFileSync(log, 'utf8').slice(-300) + '\n', dir) });
    }
  });
});
