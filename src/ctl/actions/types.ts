/** The shape of one supervisorctl action. */
import type { Controller } from '../controller.js';

export interface Action {
  /** The word typed to run it. */
  name: string;
  /** What tab completion offers after the action word. */
  completes?: 'actions' | 'groups' | 'processes';
  /** True when it can change the set of processes (the completion cache is dropped afterwards). */
  changesNames?: boolean;
  /** Runs with the argument string (stripped); resolves true to end the shell. */
  run(ctl: Controller, arg: string): Promise<boolean | void>;
}
