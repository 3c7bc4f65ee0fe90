/**
 * API method documentation, read from the JSDoc written on each implementation (as Supervisor reads
 * its docstrings): `system.methodHelp` returns the comment's text and `system.methodSignature` is
 * parsed from its `@param <type> <name>` / `@return <type>` tags, like Supervisor's `gettags`.
 * The comments are taken from the compiled module, which keeps them (tsc's removeComments is off).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The JSDoc text of every method of the module at `moduleUrl`, by method name. */
export function readMethodDocs(moduleUrl: string): Map<string, string> {
  const source = readFileSync(fileURLToPath(moduleUrl), 'utf8');
  const docs = new Map<string, string>();
  const re = /\/\*\*([\s\S]*?)\*\/\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*\(/g;
  for (const m of source.matchAll(re)) docs.set(m[2]!, commentText(m[1]!));
  return docs;
}

/** The body of a `/** ... *\/` comment without its leading `*` column. */
function commentText(body: string): string {
  const lines = body.split('\n').map((l) => l.replace(/^\s*\* ?/, '').trimEnd());
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}

/** `[returnType, ...paramTypes]` from the tags of a docstring, or null when it has no @return. */
export function signatureOf(doc: string): string[] | null {
  let ret: string | null = null;
  const params: string[] = [];
  for (const raw of doc.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('@')) continue;
    const [tag, type = ''] = line.split(/\s+/);
    if (tag === '@return') ret = type;
    else if (tag === '@param') params.push(type);
  }
  return ret === null ? null : [ret, ...params];
}
