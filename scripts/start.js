#!/usr/bin/env node
// `npm start`: bring up supervisord on examples/demo.conf and open supervisorctl on it.
// On a terminal: the daemon goes to the background, supervisorctl opens interactively, and the
// daemon is shut down when you leave it (pass --keep to leave it running).
// Without a terminal: the daemon runs in the foreground (-n) until it gets SIGTERM or SIGINT.
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const conf = join(root, 'examples', 'demo.conf');
const node = process.execPath;
const supervisord = join(root, 'bin', 'supervisord.js');
// The installed command (a shell launcher for the one-shot bundle or bin/supervisorctl.js; see there why).
const supervisorctl = join(root, 'bin', 'supervisorctl');
const keep = process.argv.includes('--keep');

if (!process.stdin.isTTY || !process.stdout.isTTY) {
  const d = spawn(node, [supervisord, '-n', '-c', conf], { stdio: 'inherit' });
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => d.kill(s));
  d.on('exit', (code) => process.exit(code ?? 1));
} else {
  const up = spawnSync(node, [supervisord, '-c', conf], { stdio: 'inherit' });
  if (up.status !== 0) process.exit(up.status ?? 1);
  const ctl = spawnSync(supervisorctl, ['-c', conf], { stdio: 'inherit' });
  if (!keep) spawnSync(supervisorctl, ['-c', conf, 'shutdown'], { stdio: 'inherit' });
  process.exit(ctl.status ?? 0);
}
