/**
 * User and group look-ups by reading /etc/passwd and /etc/group directly (Node has no getpwnam).
 * The files are re-read on every call so that a reload sees new accounts.
 */
import { readFileSync } from 'node:fs';

/** One /etc/passwd entry. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Where the account databases are; tests may point these elsewhere. */
export const accountFiles = { passwd: '/etc/passwd', group: '/etc/group' };

function readLines(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/** Every passwd entry, in file order. */
export function passwdEntries(): PasswdEntry[] {
  return readLines(accountFiles.passwd)
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '', shell: f[6] ?? '' }));
}

/** Every group entry, in file order. */
export function groupEntries(): GroupEntry[] {
  return readLines(accountFiles.group)
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [] }));
}

/** `pwd.getpwnam`: the first entry with that name, or null. */
export function getpwnam(name: string): PasswdEntry | null {
  return passwdEntries().find((e) => e.name === name) ?? null;
}

/** `pwd.getpwuid`: the first entry with that uid, or null. */
export function getpwuid(uid: number): PasswdEntry | null {
  return passwdEntries().find((e) => e.uid === uid) ?? null;
}

/** `grp.getgrnam`: the first group with that name, or null. */
export function getgrnam(name: string): GroupEntry | null {
  return groupEntries().find((e) => e.name === name) ?? null;
}

/** `grp.getgrgid`: the first group with that gid, or null. */
export function getgrgid(gid: number): GroupEntry | null {
  return groupEntries().find((e) => e.gid === gid) ?? null;
}

/** The supplementary groups of a user (groups listing it as a member), for drop_privileges. */
export function supplementaryGids(user: string): number[] {
  return groupEntries()
    .filter((g) => g.members.includes(user))
    .map((g) => g.gid);
}
