/**
 * Test helper: `supervisorctl` run under a real pseudo-terminal (node-pty), 90x25, xterm-256color,
 * with everything it writes collected and its exit status kept.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { IPty } from 'node-pty';

const require = createRequire(import.meta.url);
const CTL_BIN = fileURLToPath(new URL('../../../../bin/supervisorctl.js', import.meta.url));

/** A supervisorctl on a terminal: `out` is all it wrote so far, `exit` its status once it ended. */
export interface CtlTerminal {
  readonly pty: IPty;
  readonly out: string;
  readonly exit: number | null;
  write(data: string): void;
  /** SIGKILL it unless it already exited (for `finally`). */
  killIfRunning(): void;
}

/** Starts `supervisorctl <args>` in `cwd` on a 90x25 terminal. */
export function spawnCtl(args: string[], cwd: string): CtlTerminal {
  const { spawn } = require('node-pty') as typeof import('node-pty');
  const pty = spawn(process.execPath, [CTL_BIN, ...args], {
    cols: 90,
    rows: 25,
    cwd,
    // NODE_TEST_CONTEXT would make the child node report to this test runner instead of running.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, TERM: 'xterm-256color' },
  });
  let out = '';
  let exit: number | null = null;
  pty.onData((s) => (out += s));
  pty.onExit((e) => (exit = e.exitCode));
  return {
    pty,
    get out() {
      return out;
    },
    get exit() {
      return exit;
    },
    write: (data) => pty.write(data),
    killIfRunning() {
      if (exit === null) pty.kill('SIGKILL');
    },
  };
}
