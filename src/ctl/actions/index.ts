/** The table of every supervisorctl action, by the word that runs it. */
import { add, avail, remove, reread, update } from './config.js';
import { fg } from './fg.js';
import { clear, maintail, tail } from './logs.js';
import { pid } from './pid.js';
import { restart, signal, start, stop } from './process-control.js';
import { open, reload, shutdown, version } from './server.js';
import { eof, exit, help, quit } from './session.js';
import { status } from './status.js';
import type { Action } from './types.js';

export type { Action } from './types.js';

const ALL: Action[] = [
  add, avail, clear, exit, fg, maintail, open, pid, quit, reload, remove, reread, restart, shutdown, signal,
  start, status, stop, tail, update, version, help, eof,
];

/** Every action by the word that runs it (EOF included: end of input runs it). */
export const ACTIONS: ReadonlyMap<string, Action> = new Map(ALL.map((a) => [a.name, a]));

/** Words tab completion offers for the action position (Supervisor's vocab: help first, no EOF). */
export const VOCAB: readonly string[] = ['help', ...ALL.map((a) => a.name).filter((n) => n !== 'help' && n !== 'EOF').sort()];
