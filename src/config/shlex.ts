/**
 * Python's `shlex` as Supervisor 4.2.5 uses it:
 * - `shlexSplit`: `shlex.split(s)` (POSIX mode, whitespace split, no comments) for `command=`;
 * - `shlexTokens`: iterating a non-POSIX `shlex.shlex(s)` with extra word characters, which is
 *   how `dict_of_key_value_pairs` reads `environment=` values.
 */

import { ValueError } from './pyrepr.js';

const WHITESPACE = ' \t\r\n';
const QUOTES = `'"`;
const ASCII_WORDCHARS = 'abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';

/**
 * `shlex.split(s)`: POSIX shell-like splitting. Throws ValueError('No closing quotation') or
 * Error('No escaped character') as Python does.
 */
export function shlexSplit(s: string): string[] {
  const chars = [...s];
  const out: string[] = [];
  let i = 0;
  let state: string = ' ';
  let token = '';
  let quoted = false;
  let escapedState = ' ';
  for (;;) {
    const c = i < chars.length ? chars[i++]! : '';
    if (state === ' ' || state === 'a') {
      if (!c) {
        if (token || quoted) out.push(token);
        return out;
      }
      if (WHITESPACE.includes(c)) {
        // Whitespace ends a word (an empty quoted word "" counts as one).
        if (state === 'a' || token || quoted) {
          if (token || quoted) out.push(token);
          token = '';
          quoted = false;
        }
        state = ' ';
      } else if (c === '\\') {
        escapedState = 'a';
        state = '\\';
      } else if (QUOTES.includes(c)) {
        state = c;
      } else {
        token += c;
        state = 'a';
      }
    } else if (state === '\\') {
      if (!c) throw new ValueError('No escaped character');
      // Inside double quotes only the quote itself or the backslash can be escaped.
      if (QUOTES.includes(escapedState) && c !== '\\' && c !== escapedState) token += '\\';
      token += c;
      state = escapedState;
    } else {
      // Inside quotes.
      quoted = true;
      if (!c) throw new ValueError('No closing quotation');
      if (c === state) state = 'a';
      else if (c === '\\' && state === '"') {
        escapedState = state;
        state = '\\';
      } else token += c;
    }
  }
}

/**
 * The tokens of a non-POSIX `shlex.shlex(s)` (comments start at `#`), with `extraWordchars`
 * added to its word characters; stops at the first empty token, as `list(lexer)` does.
 * Quoted tokens keep their quotes. Throws ValueError('No closing quotation').
 */
export function shlexTokens(s: string, extraWordchars: string): string[] {
  const wordchars = ASCII_WORDCHARS + extraWordchars;
  const chars = [...s];
  let i = 0;
  const tokens: string[] = [];
  // Characters that end a word are handed back as whole tokens (shlex's pushback deque).
  const pushback: string[] = [];
  let state: string | null = ' ';
  const skipLine = () => {
    while (i < chars.length && chars[i] !== '\n') i++;
    if (i < chars.length) i++;
  };
  for (;;) {
    if (pushback.length) {
      tokens.push(pushback.shift()!);
      continue;
    }
    let token = '';
    // read_token
    for (;;) {
      const c = i < chars.length ? chars[i++]! : '';
      if (state === null) {
        token = '';
        break;
      } else if (state === ' ') {
        if (!c) {
          state = null;
          break;
        } else if (WHITESPACE.includes(c)) {
          if (token) break;
        } else if (c === '#') {
          skipLine();
        } else if (wordchars.includes(c)) {
          token = c;
          state = 'a';
        } else if (QUOTES.includes(c)) {
          token = c;
          state = c;
        } else {
          token = c;
          break;
        }
      } else if (QUOTES.includes(state)) {
        if (!c) throw new ValueError('No closing quotation');
        token += c;
        if (c === state) {
          state = ' ';
          break;
        }
      } else {
        // state 'a': inside a word
        if (!c) {
          state = null;
          break;
        } else if (WHITESPACE.includes(c)) {
          state = ' ';
          if (token) break;
        } else if (c === '#') {
          // Non-POSIX: the rest of the line is dropped and the word goes on.
          skipLine();
        } else if (wordchars.includes(c) || QUOTES.includes(c)) {
          token += c;
        } else {
          pushback.push(c);
          state = ' ';
          if (token) break;
        }
      }
    }
    if (token === '') return tokens;
    tokens.push(token);
  }
}
