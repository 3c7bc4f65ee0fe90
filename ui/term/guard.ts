/**
 * Whatever ends the process, the terminal comes back as it was: SIGTERM, SIGHUP (a dropped SSH
 * connection), SIGINT from kill, an uncaught exception, an unhandled rejection, or a plain exit.
 */
import { writeSync } from 'node:fs';
import type { FrameSink } from './frame-sink.js';
import { LEAVE_CONSOLE } from './sequences.js';

/** The process events the guard needs (process itself; a test passes a stand-in). */
export interface GuardedProcess {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  removeListener(event: string, fn: (...args: unknown[]) => void): unknown;
  exit(code?: number): void;
}

/** Exit statuses as a shell reports death by signal (128 + signal number). */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Calls `restore` (synchronously, once) before the process goes away, and makes fatal errors print one
 * line on `report` instead of a stack trace over the console. Returns the function that removes the guard.
 */
export function guardTerminal(restore: () => void, proc: GuardedProcess, report: (line: string) => void): () => void {
  let restored = false;
  const once = (): void => {
    if (restored) return;
    restored = true;
    try {
      restore();
    } catch {
      // Restoring is best effort: the process is going away anyway.
    }
  };
  const handlers: Array<[string, (...args: unknown[]) => void]> = [];
  for (const sig of Object.keys(SIGNAL_EXIT)) {
    handlers.push([
      sig,
      () => {
        once();
        proc.exit(SIGNAL_EXIT[sig]);
      },
    ]);
  }
  const fatal = (err: unknown): void => {
    once();
    report(`supervisorctl: console failed: ${err instanceof Error ? err.message : String(err)}`);
    proc.exit(1);
  };
  handlers.push(['uncaughtException', fatal], ['unhandledRejection', fatal], ['exit', once]);
  for (const [ev, fn] of handlers) proc.on(ev, fn);
  return () => {
    for (const [ev, fn] of handlers) proc.removeListener(ev, fn);
  };
}

/**
 * Gives this process's terminal back: stops `sink` painting, leaves raw mode and the console's screen.
 * Synchronous, because it also runs while the process is dying.
 */
export function restoreProcessTerminal(sink: FrameSink): void {
  sink.close();
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  writeSync(1, LEAVE_CONSOLE);
}

/** guardTerminal on this process, reporting fatal errors on stderr (synchronously: it may be dying). */
export function guardProcessTerminal(restore: () => void): () => void {
  return guardTerminal(restore, process as unknown as GuardedProcess, (line) => writeSync(2, line + '\n'));
}
