/**
 * `supervisord --dump-config`: the effective configuration as pretty JSON (schema in docs/config.md).
 */
import type { ServerConfig } from './types.js';

/** The effective config as JSON, two-space indented, keys in the ServerConfig order. */
export function dumpConfig(cfg: ServerConfig): string {
  return JSON.stringify(cfg, null, 2) + '\n';
}
