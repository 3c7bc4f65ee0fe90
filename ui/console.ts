/**
 * runConsole on the real terminal: a session on process.stdin/stdout, plus the process-wide guard that
 * restores the terminal on signals and crashes.
 */
import { startConsole } from './app/session.js';
import type { ConsoleOptions } from './main.js';
import { guardProcessTerminal, restoreProcessTerminal } from './term/guard.js';

/** Runs the full-screen console until the user quits; resolves to the exit status. */
export async function runConsole(opts: ConsoleOptions): Promise<number> {
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
  const unguard = guardProcessTerminal(() => restoreProcessTerminal(s.sink));
  early?.release();
  const code = await s.done;
  unguard();
  // Everything is closed; should a library still hold the event loop, do not hang the shell.
  setTimeout(() => process.exit(process.exitCode ?? code), 1000).unref();
  return code;
}
