/** The environment a child gets (reference e.2, "Child setup"). */
import type { ProcessConfig, SupervisordConfig } from '../../src/config/types.js';

/**
 * The daemon's environment, then SUPERVISOR_ENABLED, SUPERVISOR_SERVER_URL (when known),
 * SUPERVISOR_PROCESS_NAME and SUPERVISOR_GROUP_NAME, then `[supervisord] environment`, then the
 * program's `environment` (so either can override the SUPERVISOR_* variables, as in Supervisor).
 * HOME and USER are left alone, also for `user=` (Supervisor's documented behaviour).
 */
export function childEnvironment(
  cfg: ProcessConfig,
  supervisord: Pick<SupervisordConfig, 'environment'>,
  base: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.SUPERVISOR_ENABLED = '1';
  if (cfg.serverurl) env.SUPERVISOR_SERVER_URL = cfg.serverurl;
  env.SUPERVISOR_PROCESS_NAME = cfg.name;
  env.SUPERVISOR_GROUP_NAME = cfg.group;
  Object.assign(env, supervisord.environment, cfg.environment);
  return env;
}
