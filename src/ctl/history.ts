/** The shell's history file: one line per entry, oldest first (GNU readline's format). */
import { readFileSync, writeFileSync } from 'node:fs';

/** Entries newest first (node:readline's order); a missing or unreadable file gives none. */
export function loadHistory(file: string | null): string[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.length > 0 && l !== '_HiStOrY_V2_')
    .reverse();
}

/** Writes `newestFirst` to `file`; failures are ignored, as Supervisor ignores them. */
export function saveHistory(file: string | null, newestFirst: readonly string[], max = 1000): void {
  if (!file) return;
  const lines = newestFirst.slice(0, max).reverse();
  try {
    writeFileSync(file, lines.map((l) => l + '\n').join(''));
  } catch {
    // An unwritable history file must not spoil the exit.
  }
}
