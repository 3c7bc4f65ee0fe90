/**
 * Namespecs (Supervisor's `split_namespec` / `make_namespec`): `name` when the group and the process
 * share the name, otherwise `group:name`; `group:` and `group:*` mean the whole group.
 */

/** [group, process], with process null for `g:` / `g:*`; a bare `name` is (name, name). */
export function splitNamespec(namespec: string): [string, string | null] {
  const i = namespec.indexOf(':');
  if (i < 0) return [namespec, namespec];
  const group = namespec.slice(0, i);
  const name = namespec.slice(i + 1);
  return [group, name === '' || name === '*' ? null : name];
}

/** The namespec of a process: its name alone when it equals the group's name. */
export function makeNamespec(group: string, name: string): string {
  return group === name ? name : `${group}:${name}`;
}
