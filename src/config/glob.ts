/**
 * Python's `glob.glob(pattern)` (non-recursive) for `[include] files=`: `*`, `?` and `[...]`
 * per path segment, names starting with `.` only matched by a pattern starting with `.`.
 * (Node 20 has no fs.glob.)
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';

const MAGIC = /[*?[]/;

/** `fnmatch.translate`: a shell pattern as an anchored RegExp (case-sensitive, as on Linux). */
export function fnmatchRegExp(pat: string): RegExp {
  let re = '';
  const chars = [...pat];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (chars[j] === '!') j++;
      if (chars[j] === ']') j++;
      while (j < chars.length && chars[j] !== ']') j++;
      if (j >= chars.length) re += '\\[';
      else {
        let stuff = chars.slice(i + 1, j).join('');
        i = j;
        if (stuff.startsWith('!')) stuff = '^' + stuff.slice(1);
        else if (stuff.startsWith('^')) stuff = '\\' + stuff;
        re += '[' + stuff.replace(/\\/g, '\\\\') + ']';
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Matches of one segment pattern inside `dir` (a literal segment must exist). */
function matchSegment(dir: string, seg: string, wantDir: boolean): string[] {
  const join = (name: string) => (dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`);
  if (!MAGIC.test(seg)) {
    const p = join(seg);
    if (seg === '') return isDir(dir || '.') ? [p] : [];
    return (wantDir ? isDir(p) : exists(p)) ? [p] : [];
  }
  let names: string[];
  try {
    names = readdirSync(dir || '.');
  } catch {
    return [];
  }
  const re = fnmatchRegExp(seg);
  return names
    .filter((n) => (seg.startsWith('.') || !n.startsWith('.')) && re.test(n))
    .map(join)
    .filter((p) => !wantDir || isDir(p));
}

/** Every path matching `pattern`, unsorted (Python returns directory order). */
export function glob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segs = pattern.split('/');
  let paths = [absolute ? '/' : ''];
  let start = 0;
  if (absolute) {
    // Leading slashes form the root.
    while (start < segs.length && segs[start] === '') start++;
  }
  for (let i = start; i < segs.length; i++) {
    const last = i === segs.length - 1;
    const next: string[] = [];
    for (const dir of paths) next.push(...matchSegment(dir, segs[i]!, !last));
    paths = next;
  }
  return paths;
}
