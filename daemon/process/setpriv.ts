/**
 * Switching a child to the program's user= with its supplementary groups where the daemon cannot run
 * code between fork and exec (the pty spawner and the child_process fallback; the native spawner's
 * child switches itself): util-linux setpriv execs the program after setting uid, gid and the user's
 * own groups (Node's and node-pty's uid/gid options would drop the groups or keep the daemon's).
 */
import { existsSync } from 'node:fs';
import type { Credentials } from './spawner.js';

/** Where Debian's util-linux installs setpriv. */
export const SETPRIV = '/usr/bin/setpriv';

/** setpriv's arguments that run `file args` as `creds`. */
export function setprivArgs(creds: Credentials, file: string, args: readonly string[]): string[] {
  return [`--reuid=${creds.uid}`, `--regid=${creds.gid}`, '--init-groups', '--', file, ...args];
}

const present = new Map<string, boolean>();

/** Whether setpriv exists at `path`: looked up at the first spawn that needs it, not at every one. */
export function hasSetpriv(path: string): boolean {
  let known = present.get(path);
  if (known === undefined) present.set(path, (known = existsSync(path)));
  return known;
}
