/** shutdown, reload, version, open: supervisord itself and which one we talk to. */
import { Faults, isFault } from '../../api/faults.js';
import { ClientError } from '../../client/types.js';
import type { Controller } from '../controller.js';
import { ExitStatus } from '../exit-codes.js';
import { CLIENT_SCHEMES, urlScheme } from '../url.js';
import type { Action } from './types.js';
import { errorLine, noArgs, reportFault } from './common.js';
import { status } from './status.js';

/** In interactive use, asks `question` and says whether the answer starts with y. */
async function confirmed(ctl: Controller, question: string): Promise<boolean> {
  if (!ctl.settings.interactive) return true;
  const answer = await ctl.io.ask(question);
  if (answer === null) {
    // End of input (or Ctrl-C) at the question means no; end the prompt's line.
    ctl.io.out('');
    return false;
  }
  return answer.toLowerCase().startsWith('y');
}

async function doShutdown(ctl: Controller, arg: string): Promise<void> {
  if (!noArgs(ctl, 'shutdown', arg)) return;
  if (!(await confirmed(ctl, 'Really shut the remote supervisord process down y/N? '))) return;
  try {
    await ctl.rpc('supervisor.shutdown');
  } catch (e) {
    if (isFault(e, Faults.SHUTDOWN_STATE)) {
      // Supervisor keeps the exit status here.
      ctl.io.out('ERROR: already shutting down');
      return;
    }
    if (e instanceof ClientError && (e.kind === 'refused' || e.kind === 'nofile')) {
      ctl.exitstatus = ExitStatus.GENERIC;
      const why = e.kind === 'refused' ? 'refused connection' : 'no such file';
      ctl.io.out(`ERROR: ${ctl.serverurl} ${why} (already shut down?)`);
      return;
    }
    if (isFault(e)) ctl.exitstatus = ExitStatus.GENERIC;
    throw e;
  }
  ctl.io.out('Shut down');
}

async function doReload(ctl: Controller, arg: string): Promise<void> {
  if (!noArgs(ctl, 'reload', arg)) return;
  if (!(await confirmed(ctl, 'Really restart the remote supervisord process y/N? '))) return;
  try {
    await ctl.rpc('supervisor.restart');
  } catch (e) {
    return reportFault(ctl, e, { [Faults.SHUTDOWN_STATE]: 'ERROR: already shutting down' });
  }
  ctl.io.out('Restarted supervisord');
}

async function doVersion(ctl: Controller, arg: string): Promise<void> {
  if (!noArgs(ctl, 'version', arg)) return;
  if (!(await ctl.upcheck())) return;
  ctl.io.out(String(await ctl.rpc<string>('supervisor.getSupervisorVersion')));
}

async function doOpen(ctl: Controller, arg: string): Promise<void> {
  const url = arg.trim();
  if (!CLIENT_SCHEMES.has(urlScheme(url))) return errorLine(ctl, 'ERROR: url must be http:// or unix://');
  await ctl.setServerUrl(url);
  // Show the new server's processes; `open` itself does not change the exit status.
  const saved = ctl.exitstatus;
  try {
    await status.run(ctl, '');
  } finally {
    ctl.exitstatus = saved;
  }
}

/** The `shutdown` action. */
export const shutdown: Action = { name: 'shutdown', run: doShutdown };
/** The `reload` action. */
export const reload: Action = { name: 'reload', changesNames: true, run: doReload };
/** The `version` action. */
export const version: Action = { name: 'version', run: doVersion };
/** The `open` action. */
export const open: Action = { name: 'open', changesNames: true, run: doOpen };
