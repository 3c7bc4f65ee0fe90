/**
 * Python's path helpers as Supervisor uses them (`os.path.expanduser`, `dirname`, `join`,
 * `normalize_path`). Kept apart from datatypes.ts so that supervisorctl's loader needs only these.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { getpwnam, getpwuid } from './users.js';

/** `os.path.expanduser`: `~` and `~user` at the start. */
export function expandUser(p: string, env: Record<string, string | undefined> = process.env): string {
  if (!p.startsWith('~')) return p;
  let i = p.indexOf('/', 1);
  if (i === -1) i = p.length;
  let home: string;
  if (i === 1) {
    home = env.HOME ?? getpwuid(process.getuid?.() ?? 0)?.home ?? homedir();
  } else {
    const rec = getpwnam(p.slice(1, i));
    if (!rec) return p;
    home = rec.home;
  }
  home = home.replace(/\/+$/, '');
  return (home || '/') + p.slice(i);
}

/** `os.path.dirname`. */
export function pyDirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
  return head;
}

/** `os.path.join` (no normalisation: './etc' stays './etc'; an absolute part restarts). */
export function pyJoin(...parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p.startsWith('/')) out = p;
    else if (out === '' || out.endsWith('/')) out += p;
    else out += '/' + p;
  }
  return out;
}

/** `normalize_path`: `~` expanded, made absolute against `cwd`, normalized. */
export function normalizePath(p: string, cwd: string, env: Record<string, string | undefined> = process.env): string {
  return resolve(cwd, expandUser(p, env));
}
