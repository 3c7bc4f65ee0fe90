/**
 * `detach_key` in [supervisorctl] reaches `supervisorctl fg` (which attaches through ui/attach.ts), and
 * SUPERVISORCTL_DETACH_KEY still wins: a real supervisord with a pty shell, a real supervisorctl on a
 * real pty (node-pty).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ptyModule from 'node-pty';
import { loadCtlConfig } from '../../../src/config/ctl.js';
import { startDaemon, type DaemonHandle } from '../../helpers/daemon.js';

const CTL = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));

const CONF = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[unix_http_server]
file=%(here)s/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock
detach_key = ^A

[program:shell]
command=/bin/sh -i
pty=true
startsecs=0
stopsignal=KILL
environment=PS1="fgtest$ "
`;

interface Fg {
  output(): string;
  write(s: string): void;
  waitFor(re: RegExp, what: string): Promise<void>;
  exited: Promise<number>;
  kill(): void;
}

/** `supervisorctl -c conf fg shell` on a pty, with `env` added (and CI / the detach variable removed). */
function fg(d: DaemonHandle, env: Record<string, string> = {}): Fg {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI' && k !== 'SUPERVISORCTL_DETACH_KEY') base[k] = v;
  const p = ptyModule.spawn(process.execPath, [CTL, '-c', d.confPath, 'fg', 'shell'], { name: 'xterm-256color', cols: 80, rows: 24, env: { ...base, ...env } });
  let out = '';
  p.onData((s) => (out += s));
  const exited = new Promise<number>((resolve) => p.onExit(({ exitCode }) => resolve(exitCode)));
  return {
    output: () => out,
    write: (s) => p.write(s),
    async waitFor(re, what) {
      const deadline = Date.now() + 15_000;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output: ${JSON.stringify(out.slice(-400))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    exited,
    kill: () => {
      try {
        p.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

describe('detach_key for supervisorctl fg', () => {
  let d: DaemonHandle;
  before(async () => {
    d = await startDaemon(CONF);
  });
  after(async () => {
    await d?.stop();
  });

  it('reads detach_key from [supervisorctl] as written', () => {
    assert.equal(loadCtlConfig({ configFile: d.confPath }).ctl.detachKey, '^A');
  });

  it('fg detaches on the configured key; Ctrl-] then goes to the program', async () => {
    const t = fg(d);
    try {
      await t.waitFor(/Press Ctrl-A to detach/, 'the detach hint');
      await t.waitFor(/fgtest\$ /, 'the shell prompt');
      // The default key is just a byte for the program now: still attached, the shell still echoes.
      t.write('\x1d\r');
      await t.waitFor(/\x1d: not found/, 'the shell reading Ctrl-] as a command');
      t.write('echo "still""-here"\r');
      await t.waitFor(/^still-here/m, 'the shell answering after Ctrl-]');
      t.write('\x01');
      await t.waitFor(/Exiting foreground/, 'detached');
      assert.equal(await t.exited, 0);
    } finally {
      t.kill();
    }
  });

  it('SUPERVISORCTL_DETACH_KEY wins over detach_key', async () => {
    const t = fg(d, { SUPERVISORCTL_DETACH_KEY: 'ctrl-b' });
    try {
      await t.waitFor(/Press Ctrl-B to detach/, 'the detach hint');
      await t.waitFor(/fgtest\$ /, 'the shell prompt');
      t.write('\x02');
      await t.waitFor(/Exiting foreground/, 'detached');
      assert.equal(await t.exited, 0);
    } finally {
      t.kill();
    }
  });
});
