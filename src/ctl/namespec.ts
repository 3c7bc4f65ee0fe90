/** Process names as supervisorctl reads and prints them (Supervisor's split_namespec/make_namespec). */

/**
 * `a` → [a, a]; `g:` and `g:*` → [g, null] (the whole group); `g:p` → [g, p].
 * A bare group name is therefore a process name, as in Supervisor.
 */
export function splitNamespec(namespec: string): [string, string | null] {
  const i = namespec.indexOf(':');
  if (i === -1) return [namespec, namespec];
  const group = namespec.slice(0, i);
  const proc = namespec.slice(i + 1);
  return [group, proc === '' || proc === '*' ? null : proc];
}

/** `name` when the group is named like the process, else `group:name` (null prints as Python's None). */
export function makeNamespec(group: string, name: string | null): string {
  if (group === name) return name;
  return `${group}:${name ?? 'None'}`;
}
