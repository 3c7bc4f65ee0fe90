/**
 * Runs Debian's Python supervisord 4.2.5 (`-n -c`) on a conf in a temp dir for the compat tests, and
 * makes sure it and its children are gone afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connectXmlRpc } from '../../src/client/xmlrpc.js';
import { tempDir, waitFor } from '../integration/http/helpers.js';
import { SUPERVISORD } from './python.js';

export interface PythonSupervisord {
  dir: string;
  conf: string;
  sock: string;
  child: ChildProcess;
  /** stdout+stderr of supervisord so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts supervisord on `confText` (where `{DIR}` is replaced by the temp dir; the unix socket must be
 * `{DIR}/py.sock`) and waits until it answers on the unix socket.
 */
export async function startPythonSupervisord(confText: string): Promise<PythonSupervisord> {
  const dir = tempDir('sv-py-');
  const conf = path.join(dir, 'supervisord.conf');
  const sock = path.join(dir, 'py.sock');
  fs.writeFileSync(conf, confText.replaceAll('{DIR}', dir));
  const child = spawn(SUPERVISORD, ['-n', '-c', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  // If this test process dies first (a timeout, a crash), supervisord still gets SIGTERM and stops its
  // children itself.
  const onExit = () => {
    if (!done) child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  child.once('exit', () => {
    done = true;
    process.off('exit', onExit);
  });

  const stop = async () => {
    if (!done) {
      // SIGTERM: supervisord stops its children, then exits.
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const client = await connectXmlRpc(`unix://${sock}`, {});
    await waitFor(async () => {
      if (done) throw new Error(`supervisord exited early:\n${out}`);
      try {
        const s = (await client.call('supervisor.getState')) as { statename: string };
        return s.statename === 'RUNNING';
      } catch {
        return false;
      }
    }, 'Python supervisord to answer', 20000);
    await client.close();
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, conf, sock, child, output: () => out, stop };
}
