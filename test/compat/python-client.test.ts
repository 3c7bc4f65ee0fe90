/**
 * Our XML-RPC server as Python sees it: Python's own xmlrpc.client (plain, and with Supervisor's
 * SupervisorTransport over the unix socket, which is what supervisorctl uses) and Debian's
 * /usr/bin/supervisorctl, against our server over a small real method table. Proves the wire format
 * (values, faults, multicall, auth, HTTP errors) is what Python expects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { freePort, inetConfig, startHarness, unixConfig, type Harness } from '../integration/http/helpers.js';
import { python, run, skipWithoutSupervisor, SUPERVISORCTL } from './python.js';

const skip = skipWithoutSupervisor();
if (skip) console.log(`# skipping Python client compat tests: ${skip}`);

/** Calls a set of methods through a Python ServerProxy and reports `[python type, value]` or the error. */
const PROBE = String.raw`
import json, sys, xmlrpc.client as x
from supervisor.xmlrpc import SupervisorTransport
url, user, pw = sys.argv[1], sys.argv[2] or None, sys.argv[3] or None
if url.startswith('unix://'):
    p = x.ServerProxy('http://127.0.0.1', transport=SupervisorTransport(user, pw, url))
else:
    p = x.ServerProxy(url + '/RPC2')
def conv(v):
    if isinstance(v, bytes): return {'bytes': v.decode('latin-1')}
    if isinstance(v, x.Binary): return {'binary': v.data.decode('latin-1')}
    if isinstance(v, x.DateTime): return {'datetime': v.value}
    if isinstance(v, list): return [conv(i) for i in v]
    if isinstance(v, dict): return {k: conv(i) for k, i in v.items()}
    return v
def types(v):
    if isinstance(v, list): return [types(i) for i in v]
    if isinstance(v, dict): return {k: types(i) for k, i in v.items()}
    return type(v).__name__
out = {}
def attempt(name, f):
    try:
        v = f()
        out[name] = {'type': types(v), 'value': conv(v)}
    except x.Fault as e:
        out[name] = {'fault': [e.faultCode, e.faultString]}
    except x.ProtocolError as e:
        out[name] = {'protocol': [e.errcode, e.errmsg]}
attempt('state', lambda: p.supervisor.getState())
attempt('params', lambda: p.test.params(1, True, 2.5, 'a<&>\r\n\t"\'', [1, [2]], {'k': {'n': 'v'}},
                                        x.Binary(b'bin'), x.DateTime('20240102T03:04:05'), -7, 'ünï ✓'))
attempt('fault', lambda: p.supervisor.getProcessInfo('nosuch'))
attempt('unknown', lambda: p.supervisor.nosuch())
attempt('dotted', lambda: getattr(p, 'a.b.c')())
attempt('private', lambda: getattr(p, 'supervisor._secret')())
attempt('multicall', lambda: p.system.multicall([
    {'methodName': 'supervisor.getAPIVersion', 'params': []},
    {'methodName': 'supervisor.startProcess', 'params': ['cat']},
    {'methodName': 'system.multicall', 'params': [[]]}]))
attempt('info', lambda: p.supervisor.getProcessInfo('cat'))
attempt('boom', lambda: p.test.boom())
attempt('slow', lambda: p.test.slow(200))
print(json.dumps(out))
`;

describe('Python xmlrpc.client against our server', { skip }, () => {
  let h: Harness;
  let sock: string;
  let port: number;
  let authPort: number;

  before(async () => {
    port = await freePort();
    authPort = await freePort();
    h = await startHarness((dir) => [
      unixConfig(path.join(dir, 'sv.sock')),
      inetConfig(port),
      { ...inetConfig(authPort, { username: 'user', password: '{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' }), section: 'inet_http_server:auth' },
    ]);
    sock = path.join(h.dir, 'sv.sock');
  });
  after(async () => h?.close());

  function checkProbe(out: Record<string, Record<string, unknown>>): void {
    assert.deepEqual(out.state, { type: { statecode: 'int', statename: 'str' }, value: { statecode: 1, statename: 'RUNNING' } });
    assert.deepEqual(out.params, {
      type: ['int', 'bool', 'float', 'str', ['int', ['int']], { k: { n: 'str' } }, 'str', 'DateTime', 'int', 'str'],
      // Supervisor hands base64 params to methods as text; our echo sends that text back.
      // Python sends CR raw, and XML reading makes it LF (Python's supervisord sees the same).
      value: [1, true, 2.5, 'a<&>\n\t"\'', [1, [2]], { k: { n: 'v' } }, 'bin', { datetime: '20240102T03:04:05' }, -7, 'ünï ✓'],
    });
    assert.deepEqual(out.fault, { fault: [10, 'BAD_NAME: nosuch'] });
    assert.deepEqual(out.unknown, { fault: [1, 'UNKNOWN_METHOD'] });
    assert.deepEqual(out.dotted, { fault: [1, 'UNKNOWN_METHOD'] });
    assert.deepEqual(out.private, { fault: [1, 'UNKNOWN_METHOD'] });
    assert.deepEqual(out.multicall, {
      type: ['str', { faultCode: 'int', faultString: 'str' }, { faultCode: 'int', faultString: 'str' }],
      value: [
        '3.0',
        { faultCode: 60, faultString: 'ALREADY_STARTED: cat' },
        { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      ],
    });
    assert.equal((out.info!.value as Record<string, unknown>).start, 2 ** 31 - 1);
    assert.deepEqual(out.boom, { protocol: [500, 'Internal Server Error'] });
    assert.deepEqual(out.slow, { type: 'str', value: 'slept 200' });
  }

  test("over the unix socket with Supervisor's SupervisorTransport", async () => {
    checkProbe((await python(PROBE, [`unix://${sock}`, '', ''])) as Record<string, Record<string, unknown>>);
  });

  test('over http with the plain ServerProxy', async () => {
    checkProbe((await python(PROBE, [`http://127.0.0.1:${port}`, '', ''])) as Record<string, Record<string, unknown>>);
  });

  test('Basic auth with a {SHA} password: right, wrong', async () => {
    const ok = (await python(PROBE, [`http://user:test@127.0.0.1:${authPort}`, '', ''])) as Record<string, Record<string, unknown>>;
    assert.deepEqual(ok.state!.value, { statecode: 1, statename: 'RUNNING' });
    const bad = (await python(PROBE, [`http://user:wrong@127.0.0.1:${authPort}`, '', ''])) as Record<string, Record<string, unknown>>;
    assert.deepEqual(bad.state, { protocol: [401, 'Unauthorized'] });
  });

  test("Debian's supervisorctl: version, pid, auth", async () => {
    const v = await run(SUPERVISORCTL, ['-s', `unix://${sock}`, 'version']);
    assert.deepEqual([v.code, v.stdout], [0, '4.2.5\n']);
    const pid = await run(SUPERVISORCTL, ['-s', `http://127.0.0.1:${port}`, 'pid']);
    assert.deepEqual([pid.code, pid.stdout], [0, `${process.pid}\n`]);
    const authed = await run(SUPERVISORCTL, ['-s', `http://127.0.0.1:${authPort}`, '-u', 'user', '-p', 'test', 'version']);
    assert.deepEqual([authed.code, authed.stdout], [0, '4.2.5\n']);
    const denied = await run(SUPERVISORCTL, ['-s', `http://127.0.0.1:${authPort}`, '-u', 'user', '-p', 'nope', 'version']);
    assert.equal(denied.code, 1);
    assert.match(denied.stdout, /^Server requires authentication\n/);
  });

  test("Debian's supervisorctl maintail and tail read our /mainlogtail and /logtail streams", async () => {
    const fs = await import('node:fs');
    fs.writeFileSync(h.files.main, 'main log line\n');
    fs.writeFileSync(h.files.catOut, 'cat says hi\n');
    // -f streams forever: run it until the first bytes arrive, then stop it.
    for (const [args, want] of [
      [['maintail', '-f'], 'main log line\n'],
      [['tail', '-f', 'cat'], 'cat says hi\n'],
    ] as const) {
      const { spawn } = await import('node:child_process');
      const child = spawn(SUPERVISORCTL, ['-s', `unix://${sock}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      try {
        const deadline = Date.now() + 10000;
        while (!out.includes(want) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.equal(out, `==> Press Ctrl-C to exit <==\n${want}`);
      } finally {
        child.kill('SIGKILL');
      }
    }
    // tail -f of an unknown process: Supervisor's line on stderr, exit 0 ... after the stream fails.
    const r = await run(SUPERVISORCTL, ['-s', `unix://${sock}`, 'tail', '-f', 'nosuch']);
    assert.match(r.stderr, new RegExp(`unix://${sock.replace(/[.]/g, '\\.')}/logtail/nosuch/stdout Cannot read, status code 404`));
  });
});
