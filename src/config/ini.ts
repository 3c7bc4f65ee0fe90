/**
 * An INI reader with the rules of Python 3.11's `configparser.RawConfigParser` as Supervisor
 * configures it (`inline_comment_prefixes=(';', '#')`, `strict=False`), keeping the file and line
 * of every section and key for error messages.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type SourcePos } from './types.js';
import { isPySpace, pyRepr, pyRstrip, pyStrip } from './pyrepr.js';

/** One option value and where it was written. */
export interface IniValue {
  value: string;
  file: string;
  line: number;
}

/** One section: its options in the order first written. */
export interface IniSection {
  name: string;
  /** Where the section was first opened. */
  pos: SourcePos;
  options: Map<string, IniValue>;
}

const COMMENT_PREFIXES = ['#', ';'];
const INLINE_COMMENT_PREFIXES = [';', '#'];
const DEFAULT_SECTION = 'DEFAULT';
// RawConfigParser.SECTCRE and OPTCRE ("very permissive!"); \s is widened to Python's set below.
const SECTCRE = /^\[(.+)\]/;

/** Split text into lines as Python's universal-newline reading does (each keeps a trailing '\n'). */
function pyLines(text: string): string[] {
  const norm = text.replace(/\r\n?/g, '\n');
  const lines = norm.split('\n').map((l) => l + '\n');
  // The last element is what follows the final newline: drop it when empty, else it has no '\n'.
  const last = lines.pop()!;
  if (last !== '\n') lines.push(last.slice(0, -1));
  return lines;
}

/** Index where an inline comment starts, or -1: the loop of RawConfigParser._read, round by round. */
function inlineCommentStart(line: string): number {
  // Most lines have no comment character at all: skip the rounds (supervisorctl reads every line).
  if (!line.includes(';') && !line.includes('#')) return -1;
  let start = Infinity;
  let prefixes = new Map(INLINE_COMMENT_PREFIXES.map((p) => [p, -1]));
  while (start === Infinity && prefixes.size) {
    const next = new Map<string, number>();
    for (const [prefix, from] of prefixes) {
      const index = line.indexOf(prefix, from + 1);
      if (index === -1) continue;
      next.set(prefix, index);
      // A prefix counts only at the start or after whitespace ("a=b;c" keeps ";c").
      if (index === 0 || isPySpace(line[index - 1]!)) start = Math.min(start, index);
    }
    prefixes = next;
  }
  return start === Infinity ? -1 : start;
}

/** OPTCRE: `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`, the first `=` or `:` delimits. */
function matchOption(value: string): { option: string; value: string } | null {
  let i = 0;
  while (i < value.length && value[i] !== '=' && value[i] !== ':') i++;
  if (i >= value.length) return null;
  let end = i;
  while (end > 0 && isPySpace(value[end - 1]!)) end--;
  let v = i + 1;
  while (v < value.length && isPySpace(value[v]!)) v++;
  return { option: value.slice(0, end), value: value.slice(v) };
}

/** Turn Python's multi-line parser error text into our one-line form. */
function oneLine(s: string): string {
  return s.replace(/\n\t?/g, ' ');
}

/**
 * A configuration being read: sections merge across files (and across repeats in one file);
 * a repeated key takes the last value, as with `strict=False`.
 */
export class IniParser {
  readonly sections = new Map<string, IniSection>();
  /** The `[DEFAULT]` section: its keys show through in every section. */
  readonly defaults = new Map<string, IniValue>();
  /** For sections first seen in a file given to `read()` (includes): that file. */
  readonly sectionToFile = new Map<string, string>();

  /**
   * Parse `text` as RawConfigParser.read_file does. `fpname` is the name used in messages
   * (Python uses the path as given); `file` is recorded in positions.
   */
  readString(text: string, fpname: string, file: string = fpname): void {
    let cursect: Map<string, IniValue> | null = null;
    let optname: string | null = null;
    // The value being built for optname in this read, as Python's list of lines.
    let curLines: string[] | null = null;
    // The lines of each key set in this read (its last setting), joined at the end.
    const building = new Map<Map<string, IniValue>, Map<string, string[]>>();
    let indentLevel = 0;
    const errors: { lineno: number; line: string }[] = [];
    const lines = pyLines(text);
    for (let idx = 0; idx < lines.length; idx++) {
      const lineno = idx + 1;
      const line = lines[idx]!;
      let commentStart = inlineCommentStart(line);
      const stripped = pyStrip(line);
      if (COMMENT_PREFIXES.some((p) => stripped.startsWith(p))) commentStart = 0;
      const value = pyStrip(commentStart === -1 ? line : line.slice(0, commentStart));
      if (!value) {
        // empty_lines_in_values: a blank (not comment) line becomes part of the current value.
        if (commentStart === -1 && cursect && optname && curLines) curLines.push('');
        continue;
      }
      let firstNonSpace = 0;
      while (firstNonSpace < line.length && isPySpace(line[firstNonSpace]!)) firstNonSpace++;
      if (firstNonSpace >= line.length) firstNonSpace = 0;
      if (cursect && optname && curLines && firstNonSpace > indentLevel) {
        // A line indented deeper than its key continues the value (even one that looks like [x]).
        curLines.push(value);
        continue;
      }
      indentLevel = firstNonSpace;
      const sect = SECTCRE.exec(value);
      if (sect) {
        const name = sect[1]!;
        if (name === DEFAULT_SECTION) {
          cursect = this.defaults;
        } else {
          let s = this.sections.get(name);
          if (!s) {
            s = { name, pos: { file, line: lineno }, options: new Map() };
            this.sections.set(name, s);
          }
          cursect = s.options;
        }
        optname = null;
        curLines = null;
        continue;
      }
      if (!cursect) {
        const msg = `File contains no section headers.\nfile: ${pyRepr(fpname)}, line: ${lineno}\n${pyRepr(line)}`;
        throw new ConfigError(oneLine(msg), { file, line: lineno });
      }
      const opt = matchOption(value);
      if (!opt) {
        // Python keeps going and reports every bad line at the end.
        errors.push({ lineno, line });
        continue;
      }
      if (!opt.option) errors.push({ lineno, line });
      optname = opt.option.toLowerCase();
      curLines = [pyStrip(opt.value)];
      if (!building.has(cursect)) building.set(cursect, new Map());
      building.get(cursect)!.set(optname, curLines);
      cursect.set(optname, { value: '', file, line: lineno });
    }
    // _join_multiline_values: lines joined by '\n', trailing whitespace (blank lines) removed.
    for (const [target, keys] of building) {
      for (const [key, parts] of keys) target.get(key)!.value = pyRstrip(parts.join('\n'));
    }
    if (errors.length) {
      let msg = `Source contains parsing errors: ${pyRepr(fpname)}`;
      for (const e of errors) msg += `\n\t[line ${String(e.lineno).padStart(2)}]: ${pyRepr(e.line)}`;
      throw new ConfigError(oneLine(msg), { file, line: errors[0]!.lineno });
    }
  }

  /** Read a file as `RawConfigParser.read` does (an unreadable file is skipped silently). */
  read(filename: string): boolean {
    let text: string;
    try {
      text = readFileSync(filename, 'utf8');
    } catch {
      return false;
    }
    const before = new Set(this.sections.keys());
    this.readString(text, filename, filename);
    for (const name of this.sections.keys()) if (!before.has(name)) this.sectionToFile.set(name, filename);
    return true;
  }

  /** Section names in the order first seen (`[DEFAULT]` excluded). */
  sectionNames(): string[] {
    return [...this.sections.keys()];
  }

  has(section: string): boolean {
    return this.sections.has(section);
  }

  /** The raw value of an option (section first, then `[DEFAULT]`), or undefined. */
  getValue(section: string, key: string): IniValue | undefined {
    return this.sections.get(section)?.options.get(key) ?? this.defaults.get(key);
  }

  /** Option names of a section, `[DEFAULT]` keys included, as `RawConfigParser.options`. */
  options(section: string): string[] {
    const own = [...(this.sections.get(section)?.options.keys() ?? [])];
    for (const k of this.defaults.keys()) if (!own.includes(k)) own.push(k);
    return own;
  }

  /** Set a value (keeping its position), as `RawConfigParser.set`. */
  set(section: string, key: string, value: IniValue): void {
    this.sections.get(section)?.options.set(key, value);
  }

  /** Where a section starts, for messages. */
  sectionPos(section: string): SourcePos | null {
    return this.sections.get(section)?.pos ?? null;
  }

  /**
   * Supervisor's `expand_here`: replace the text `%(here)s` in every value of every section
   * (defaults that show through are copied into the section, as `parser.set` does).
   */
  expandHere(here: string): void {
    for (const name of this.sections.keys()) {
      for (const key of this.options(name)) {
        const v = this.getValue(name, key)!;
        if (v.value.includes('%(here)s')) this.set(name, key, { ...v, value: v.value.split('%(here)s').join(here) });
      }
    }
  }
}
