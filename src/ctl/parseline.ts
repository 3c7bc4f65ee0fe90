/** How Python's cmd.Cmd splits a command line into the action word and its argument string. */

export interface ParsedLine {
  /** The action word (letters, digits, `_`), '' when the line starts otherwise, null for `!x`/empty. */
  cmd: string | null;
  /** The rest of the line, stripped. */
  arg: string;
  /** The whole stripped line, after `?x` became `help x`. */
  line: string;
}

const IDENT = /[A-Za-z0-9_]/;

/** Splits `line` as cmd.Cmd.parseline does (`?` is `help`; `!` has no shell here). */
export function parseLine(raw: string): ParsedLine {
  let line = raw.trim();
  if (!line) return { cmd: null, arg: '', line };
  if (line.startsWith('?')) line = 'help ' + line.slice(1);
  else if (line.startsWith('!')) return { cmd: null, arg: '', line };
  let i = 0;
  while (i < line.length && IDENT.test(line[i]!)) i++;
  return { cmd: line.slice(0, i), arg: line.slice(i).trim(), line };
}

/** Python's str.split(): words separated by runs of whitespace. */
export function words(arg: string): string[] {
  return arg.split(/\s+/).filter((w) => w.length > 0);
}
