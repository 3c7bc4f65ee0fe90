/**
 * runConsole on the real terminal: a session on process.stdin/stdout, plus the process-wide guard that
 * restores the terminal on signals and crashes.
 */
import { writeSync } from 'node:fs';
import type { Connector, CtlSettings } from '../src/ctl/controller.js';
import type { EarlyStart } from './app/early-start.js';
import { startConsole } from './app/session.js';
import { guardTerminal } from './term/guard.js';
import { LEAVE_CONSOLE } from './term/sequences.js';

/** Runs the full-screen console until the user quits; resolves to the exit status. */
export async function runConsole(opts: { settings: CtlSettings; connect: Connector; early?: EarlyStart }): Promise<number> {
  const early = opts.early;
  let session;
  try {
    session = await startConsole({
      settings: opts.settings,
      connect: opts.connect,
      input: process.stdin,
      output: process.stdout,
      ...(early?.sink && { sink: early.sink }),
    });
  } catch (e) {
    // The first frame may be up: the terminal goes back before the error is printed.
    early?.abandon();
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const s = session;
  const unguard = guardTerminal(
    () => {
      s.sink.close();
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      // Synchronously: the process may be about to die.
      writeSync(1, LEAVE_CONSOLE);
    },
    process as unknown as Parameters<typeof guardTerminal>[1],
    (line) => writeSync(2, line + '\n'),
  );
  early?.release();
  const code = await s.done;
  unguard();
  // Everything is closed; should a library still hold the event loop, do not hang the shell.
  setTimeout(() => process.exit(process.exitCode ?? code), 1000).unref();
  return code;
}
