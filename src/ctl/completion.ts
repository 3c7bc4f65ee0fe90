/** Tab completion in the shell: action names, then group or process names fetched from the daemon. */
import type { ProcessInfo } from '../api/process-info.js';
import { ACTIONS, VOCAB } from './actions/index.js';
import type { Controller } from './controller.js';
import { words } from './parseline.js';

/** Candidates (each ending in a space, as Supervisor's) for the word being typed. */
export function completeWord(line: string, infos: () => Promise<ProcessInfo[]>): Promise<string[]> {
  const text = /\s$/.test(line) ? '' : (words(line).pop() ?? '');
  const ws = words(line);
  if (!ws.length || (ws.length === 1 && !/\s$/.test(line))) return Promise.resolve(completeActions(text));
  const kind = ACTIONS.get(ws[0]!)?.completes;
  if (kind === 'actions') return Promise.resolve(completeActions(text));
  if (kind === 'groups') return infos().then((i) => completeGroups(i, text));
  if (kind === 'processes') return infos().then((i) => completeProcesses(i, text));
  return Promise.resolve([]);
}

/** Action names starting with `text`. */
export function completeActions(text: string): string[] {
  return VOCAB.filter((a) => a.startsWith(text)).map((a) => a + ' ');
}

/** Group names starting with `text`, each once. */
export function completeGroups(infos: readonly ProcessInfo[], text: string): string[] {
  const groups = [...new Set(infos.map((i) => i.group))];
  return groups.filter((g) => g.startsWith(text)).map((g) => g + ' ');
}

/**
 * Process names starting with `text`: `name` for a process alone in its same-named group, otherwise
 * `group:name` plus `group:*` (also for lone processes once the typed text has a colon).
 */
export function completeProcesses(infos: readonly ProcessInfo[], text: string): string[] {
  const names: string[] = [];
  for (const i of infos) {
    if (text.includes(':') || i.name !== i.group) {
      names.push(`${i.group}:${i.name}`);
      if (!names.includes(`${i.group}:*`)) names.push(`${i.group}:*`);
    } else names.push(i.name);
  }
  return names.filter((n) => n.startsWith(text)).map((n) => n + ' ');
}

/** The readline completer for a controller's session: [candidates, the text they replace]. */
export async function completeLine(ctl: Controller, line: string): Promise<[string[], string]> {
  const text = /\s$/.test(line) ? '' : (words(line).pop() ?? '');
  let hits: string[];
  try {
    hits = await completeWord(line, () => ctl.completionInfos());
  } catch {
    hits = []; // no daemon: nothing to offer
  }
  return [hits, text];
}
