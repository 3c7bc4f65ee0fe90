/**
 * Authentication over tcp, end to end: a real supervisord with [zmq_server] (ZeroMQ PLAIN) and
 * [inet_http_server] (HTTP Basic) credentials, driven by the real bin/supervisorctl. The right -u/-p
 * work; a wrong or missing password prints Supervisor's `Server requires authentication` and exits 1
 * with nothing on stderr; `{SHA}` passwords work; a non-loopback zmq endpoint without credentials is
 * refused at start; the ipc socket files are 0700.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../http/helpers.js';
import { prepareDaemonDir, runSupervisord, startDaemon, waitUntil, type DaemonHandle } from '../../helpers/daemon.js';
import { runToEnd, type RunResult } from '../../helpers/run.js';

const CTL_BIN = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));
const PYTHON_CTL = '/usr/bin/supervisorctl';
/** The installed command (the sh launcher). */
const CTL_LAUNCHER = fileURLToPath(new URL('../../../../bin/supervisorctl', import.meta.url));
const SETPRIV = '/usr/bin/setpriv';

const sha = (password: string): string => `{SHA}${createHash('sha1').update(password).digest('hex')}`;

type Run = RunResult;

/** Runs a supervisorctl (ours unless `bin` is given) with `args` in the daemon's dir. */
function ctl(d: DaemonHandle, args: string[], bin?: string): Promise<Run> {
  const cmd = bin ? [bin] : [process.execPath, CTL_BIN];
  return runToEnd(cmd[0]!, [...cmd.slice(1), '-c', d.confPath, ...args], { cwd: d.dir });
}

/** A daemon with both tcp transports secured. Its own ipc/unix socket (the helper's) stays open for d.call. */
interface Secured {
  d: DaemonHandle;
  zmqUrl: string;
  httpUrl: string;
}

async function securedDaemon(opts: { zmqHost: string; zmqPassword: string; httpPassword: string }): Promise<Secured> {
  const [zp, pp, hp] = [await freePort(), await freePort(), await freePort()];
  const d = await startDaemon(`[zmq_server]
endpoint=tcp://${opts.zmqHost}:${zp}
pubsub_endpoint=tcp://${opts.zmqHost}:${pp}
username=zadmin
password=${opts.zmqPassword}

[inet_http_server]
port=127.0.0.1:${hp}
username=hadmin
password=${opts.httpPassword}

[program:sleeper]
command=/bin/sleep 1000
`);
  daemons.push(d);
  await waitUntil(async () => ((await d.call('supervisor.getProcessInfo', ['sleeper'])) as { statename: string }).statename === 'RUNNING', 15_000, 'sleeper RUNNING');
  return { d, zmqUrl: `tcp://127.0.0.1:${zp}`, httpUrl: `http://127.0.0.1:${hp}` };
}

const daemons: DaemonHandle[] = [];
let plain: Secured;
let hashed: Secured;

before(async () => {
  // Plain passwords for ZeroMQ and {SHA} for HTTP here; the other way round in `hashed`, which also
  // binds ZeroMQ on every interface (allowed because it has credentials; we only connect to 127.0.0.1).
  plain = await securedDaemon({ zmqHost: '127.0.0.1', zmqPassword: 'z-secret', httpPassword: sha('h-secret') });
  hashed = await securedDaemon({ zmqHost: '0.0.0.0', zmqPassword: sha('z-hashed'), httpPassword: 'h-plain' });
});

after(async () => {
  for (const d of daemons) await d.stop();
});

const STATUS = /^sleeper {26}RUNNING {3}pid \d+, uptime [\d:]+\n$/;
const REFUSED: Run = { code: 1, stdout: 'Server requires authentication\n', stderr: '' };

test('ZeroMQ over tcp: the right -u/-p work, a wrong or missing password is refused with exit 1', async () => {
  const { d, zmqUrl } = plain;
  const ok = await ctl(d, ['-s', zmqUrl, '-u', 'zadmin', '-p', 'z-secret', 'status']);
  assert.equal(ok.stderr, '');
  assert.match(ok.stdout, STATUS);
  assert.equal(ok.code, 0);
  const pid = await ctl(d, ['-s', zmqUrl, '-u', 'zadmin', '-p', 'z-secret', 'pid']);
  assert.deepEqual(pid, { code: 0, stdout: `${d.pid}\n`, stderr: '' });

  assert.deepEqual(await ctl(d, ['-s', zmqUrl, '-u', 'zadmin', '-p', 'wrong', 'status']), REFUSED);
  assert.deepEqual(await ctl(d, ['-s', zmqUrl, '-u', 'nobody', '-p', 'z-secret', 'status']), REFUSED);
  assert.deepEqual(await ctl(d, ['-s', zmqUrl, 'status']), REFUSED);
  // A command without the upcheck is refused the same way, and does nothing.
  assert.deepEqual(await ctl(d, ['-s', zmqUrl, '-p', 'wrong', 'stop', 'sleeper']), REFUSED);
  assert.equal(((await d.call('supervisor.getProcessInfo', ['sleeper'])) as { statename: string }).statename, 'RUNNING');
});

test('XML-RPC over http: the right -u/-p work, a wrong or missing password is refused with exit 1', async () => {
  const { d, httpUrl } = plain;
  const ok = await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', 'h-secret', 'status']);
  assert.equal(ok.stderr, '');
  assert.match(ok.stdout, STATUS);
  assert.equal(ok.code, 0);

  assert.deepEqual(await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', 'wrong', 'status']), REFUSED);
  assert.deepEqual(await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', sha('h-secret'), 'status']), REFUSED, 'the hash itself is no password');
  assert.deepEqual(await ctl(d, ['-s', httpUrl, 'status']), REFUSED);
  assert.deepEqual(await ctl(d, ['-s', httpUrl, '-p', 'wrong', 'stop', 'sleeper']), REFUSED);
  assert.equal(((await d.call('supervisor.getProcessInfo', ['sleeper'])) as { statename: string }).statename, 'RUNNING');
});

test('{SHA} passwords in the config work for both transports', async () => {
  const { d, zmqUrl, httpUrl } = hashed;
  const z = await ctl(d, ['-s', zmqUrl, '-u', 'zadmin', '-p', 'z-hashed', 'status']);
  assert.deepEqual([z.code, z.stderr], [0, '']);
  assert.match(z.stdout, STATUS);
  assert.deepEqual(await ctl(d, ['-s', zmqUrl, '-u', 'zadmin', '-p', sha('z-hashed'), 'status']), REFUSED);
  assert.deepEqual(await ctl(d, ['-s', zmqUrl, 'status']), REFUSED);

  const h = await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', 'h-plain', 'status']);
  assert.deepEqual([h.code, h.stderr], [0, '']);
  assert.match(h.stdout, STATUS);
  assert.deepEqual(await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', 'nope', 'status']), REFUSED);

  // The credentials cover the event socket too: a stream (tail -f over ZeroMQ) follows with them.
  const tail = spawn(process.execPath, [CTL_BIN, '-c', d.confPath, '-s', zmqUrl, '-u', 'zadmin', '-p', 'z-hashed', 'maintail', '-f'], {
    cwd: d.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  tail.stdout.on('data', (c: Buffer) => (out += c.toString()));
  try {
    await waitUntil(() => out.includes('==> Press Ctrl-C to exit <=='), 10_000, 'maintail -f to follow');
    await d.call('supervisor.stopProcess', ['sleeper']);
    await waitUntil(() => /stopped: sleeper/.test(out), 10_000, 'the stop on the followed main log');
  } finally {
    tail.kill('SIGKILL');
  }
});

test("Python's supervisorctl gets the same answers from our http server", { skip: !existsSync(PYTHON_CTL) && 'no /usr/bin/supervisorctl' }, async () => {
  const { d, httpUrl } = plain;
  const ok = await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', 'h-secret', 'pid'], PYTHON_CTL);
  assert.deepEqual(ok, { code: 0, stdout: `${d.pid}\n`, stderr: '' });
  // Supervisor's own line first (then its traceback-like line, a 4.2.5 bug we do not copy).
  const bad = await ctl(d, ['-s', httpUrl, '-u', 'hadmin', '-p', 'wrong', 'pid'], PYTHON_CTL);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout.split('\n')[0], 'Server requires authentication');
});

test('a zmq endpoint on a non-loopback address without credentials is refused at start, exit 2', async () => {
  const port = await freePort();
  for (const [option, line] of [
    ['endpoint', `endpoint=tcp://0.0.0.0:${port}`],
    ['pubsub_endpoint', `pubsub_endpoint=tcp://0.0.0.0:${port}`],
  ] as const) {
    const d = prepareDaemonDir(`[zmq_server]\n${line}\n\n[program:sleeper]\ncommand=/bin/sleep 1000\n`);
    try {
      const r = await runSupervisord(['-n', '-c', d.confPath], d.dir);
      assert.equal(r.code, 2);
      const lines = r.stderr.trimEnd().split('\n');
      assert.match(
        lines[0]!,
        new RegExp(
          `^Error: \\[zmq_server\\] ${option} tcp://0\\.0\\.0\\.0:${port} is not loopback and has no credentials: ` +
            'set username/password or curve keys',
        ),
      );
      // Supervisor's usage() form: the error, then where to find help.
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[1]!, /^For help, use \S+ -h$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(d.log(), /spawned:/, 'nothing was started');
      assert.ok(!existsSync(d.pidfile));
    } finally {
      d.cleanup();
    }
  }
});

test('the ipc socket files (ZeroMQ control and events, and the unix http socket) are mode 0700', async () => {
  const d = await startDaemon('[program:sleeper]\ncommand=/bin/sleep 1000\n');
  daemons.push(d);
  for (const name of ['supervisor.sock.zmq', 'supervisor.sock.pub.zmq', 'supervisor.sock']) {
    const st = statSync(join(d.dir, name));
    assert.ok(st.isSocket(), `${name} is a socket`);
    assert.equal((st.mode & 0o777).toString(8), '700', name);
  }
  // And our supervisorctl reaches the daemon through them (ZeroMQ next to the unix socket).
  const r = await ctl(d, ['pid']);
  assert.deepEqual(r, { code: 0, stdout: `${d.pid}\n`, stderr: '' });
});

test('a user the socket refuses gets Python\'s PermissionError line and exit 1, not "refused connection"', { skip: (process.getuid?.() !== 0 || !existsSync(SETPRIV)) && 'needs root and setpriv' }, async () => {
  const d = await startDaemon('[program:sleeper]\ncommand=/bin/sleep 1000\n');
  daemons.push(d);
  // As nobody, from /, with the socket named on the command line (the config is root's alone).
  const asNobody = (cmd: string[]) => runToEnd(SETPRIV, ['--reuid=65534', '--regid=65534', '--clear-groups', ...cmd], { cwd: '/' });
  const args = ['-s', `unix://${d.socketPath}`, 'status'];
  const ours = await asNobody([CTL_LAUNCHER, ...args]);
  assert.deepEqual(ours, { code: 1, stdout: "error: <class 'PermissionError'>, [Errno 13] Permission denied\n", stderr: '' });
  if (existsSync(PYTHON_CTL)) {
    // Python adds where in its own source the error came from; we leave that out.
    const theirs = await asNobody([PYTHON_CTL, ...args]);
    assert.deepEqual({ ...theirs, stdout: theirs.stdout.replace(/: file: .* line: \d+\n$/, '\n') }, ours);
  }
});
