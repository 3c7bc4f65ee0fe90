/**
 * The real parts the Supervisor is built from in the daemon: groups of Subprocesses with pipe
 * spawners and the log writers of daemon/logs, and the command check startProcess makes first.
 */
import type { ProcessConfig } from '../../src/config/types.js';
import type { GroupFactory } from '../process/types.js';
import type { SetupEnv } from '../process/child-setup.js';
import { makeGroupFactory } from '../process/group.js';
import { checkCommand } from '../process/command.js';
import { createOutputChannel } from '../logs/child-output.js';
import type { CommandProblem } from '../supervisor.js';
import type { PtyHub } from '../pty/hub.js';

/**
 * The daemon's environment and uid as children inherit them, read once per pass (after the setuid of
 * `user=`): nothing in the daemon changes its own environment, and reading `process.env` goes through
 * a slow native accessor per variable, which every spawn of 500 programs would otherwise pay.
 */
export function daemonSetup(): SetupEnv {
  return { env: { ...process.env }, uid: process.getuid?.() ?? 0 };
}

/** Groups whose processes spawn real children and write real log files (`pty=true` ones through `ptys`). */
export function realGroupFactory(ptys?: PtyHub): GroupFactory {
  const setup = daemonSetup();
  if (!ptys) return makeGroupFactory({ channels: createOutputChannel, setup });
  return (config, ctx) => makeGroupFactory({ channels: createOutputChannel, ptySpawner: ptys.spawnerFor(config, ctx), setup })(config, ctx);
}

/**
 * startProcess's check (NO_FILE / NOT_EXECUTABLE), with the PATH rules of a spawn: the program's
 * environment, then `[supervisord] environment`, then the daemon's own.
 */
export function commandChecker(globalEnv: Record<string, string>): (cfg: ProcessConfig) => CommandProblem | null {
  return (cfg) => {
    const r = checkCommand(cfg, process.env, globalEnv);
    return r.ok ? null : { code: r.code, message: r.message };
  };
}
