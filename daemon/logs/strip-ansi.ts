/**
 * `[supervisord] strip_ansi`: Supervisor's `stripEscapes` on one chunk. From each `ESC[` everything is
 * dropped up to and including the first terminator byte (H f A B C D R s u J K h l p m). State does not
 * carry across chunks, exactly as Supervisor (which calls it per read).
 */
const TERMINATORS = new Set([...'HfABCDRsuJKhlpm'].map((c) => c.charCodeAt(0)));
const ESC_BRACKET = Buffer.from('\x1b[');

/** Returns `data` without ANSI escapes (the same Buffer when it has none). */
export function stripAnsi(data: Buffer): Buffer {
  let n = data.indexOf(ESC_BRACKET);
  if (n < 0) return data;
  const parts: Buffer[] = [];
  let i = 0;
  while (n >= 0) {
    parts.push(data.subarray(i, n));
    // Skip ESC and '[' itself, then everything up to the terminator.
    let j = n + 2;
    while (j < data.length && !TERMINATORS.has(data[j])) j++;
    if (j >= data.length) return Buffer.concat(parts);
    i = j + 1;
    n = data.indexOf(ESC_BRACKET, i);
  }
  parts.push(data.subarray(i));
  return Buffer.concat(parts);
}
