/**
 * `[supervisorctl]` (options.py `ClientOptions`): its defaults and how its keys are read. Apart from
 * servers.ts so that supervisorctl's loader does not load the server sections' converters.
 */
import type { SupervisorctlConfig } from './types.js';
import { saneget, type LoadContext } from './context.js';
import { normalizePath } from './paths.js';

/** Defaults of supervisorctl when no file (or no key) says otherwise. */
export const CTL_DEFAULTS: SupervisorctlConfig = {
  serverurl: 'http://localhost:9001',
  username: null,
  password: null,
  prompt: 'supervisor',
  historyFile: null,
};

/** `[supervisorctl]` as supervisorctl's read_config reads it (`%(here)s` in serverurl and history_file). */
export function supervisorctlSection(ctx: LoadContext): SupervisorctlConfig {
  const section = 'supervisorctl';
  const here = new Map([['here', ctx.here]]);
  let serverurl = saneget(ctx, section, 'serverurl', CTL_DEFAULTS.serverurl, { expansions: here }).value;
  if (serverurl.startsWith('unix://')) serverurl = `unix://${normalizePath(serverurl.slice(7), ctx.cwd, ctx.env)}`;
  const prompt = saneget(ctx, section, 'prompt', CTL_DEFAULTS.prompt).value;
  const username = saneget(ctx, section, 'username', null as string | null).value;
  const password = saneget(ctx, section, 'password', null as string | null).value;
  const history = saneget(ctx, section, 'history_file', null as string | null, { expansions: here }).value;
  return { serverurl, username, password, prompt, historyFile: history ? normalizePath(history, ctx.cwd, ctx.env) : null };
}
