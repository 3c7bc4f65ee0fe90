/** help, quit, exit, EOF: the shell's own commands. */
import { columnize } from '../columnize.js';
import type { Controller } from '../controller.js';
import { HELP } from '../help-texts.js';
import type { Action } from './types.js';

/** The header of the `help` topic list (Supervisor's default plugin is named "default"). */
const HEADER = 'default commands (type help <topic>):';

/** cmd.Cmd's print_topics width. */
const HELP_WIDTH = 80;

/** The actions `help` lists, sorted: every one with a help text except help itself. */
const TOPICS: readonly string[] = Object.keys(HELP)
  .filter((k) => k !== 'help')
  .sort();

/** Prints `help` or `help <topic>`. */
function printHelp(ctl: Controller, arg: string): void {
  if (arg === 'help') {
    ctl.help('help');
    return;
  }
  if (arg) {
    if (TOPICS.includes(arg)) ctl.help(arg);
    else ctl.io.out(`*** No help on ${arg}`);
    return;
  }
  ctl.io.out('');
  ctl.io.out(HEADER);
  ctl.io.out('='.repeat(HEADER.length));
  for (const line of columnize(TOPICS, HELP_WIDTH - 1)) ctl.io.out(line);
  ctl.io.out('');
}

/** Ends the shell after an empty line (the end of the prompt's line). */
async function leave(ctl: Controller): Promise<boolean> {
  ctl.io.out('');
  return true;
}

/** The `quit` action. */
export const quit: Action = { name: 'quit', run: leave };
/** The `exit` action. */
export const exit: Action = { name: 'exit', run: leave };
/** What end of input runs (Supervisor's do_EOF); it has no help topic. */
export const eof: Action = { name: 'EOF', run: leave };

/** The `help` action. */
export const help: Action = {
  name: 'help',
  completes: 'actions',
  run: async (ctl, arg) => printHelp(ctl, arg),
};
