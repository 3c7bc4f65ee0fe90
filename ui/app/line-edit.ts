/** Editing of the one-line text fields (filter, search, `:` command, answers, fg input). */
import { typedChar, type Key } from '../term/keys.js';
import type { LineEdit } from '../state/types.js';

export function emptyEdit(text = ''): LineEdit {
  return { text, cursor: text.length };
}

/**
 * Applies an editing key to `e` in place: characters, Backspace, Delete, ←/→, Home/End (Ctrl-A/E),
 * Ctrl-U (to start), Ctrl-K (to end), Ctrl-W (word back). Returns false for keys that do not edit.
 */
export function editLine(e: LineEdit, k: Key): boolean {
  const { text, cursor } = e;
  const ch = typedChar(k);
  if (ch !== null) {
    e.text = text.slice(0, cursor) + ch + text.slice(cursor);
    e.cursor = cursor + ch.length;
    return true;
  }
  const id = (k.ctrl ? 'ctrl+' : '') + k.name;
  switch (id) {
    case 'backspace':
    case 'ctrl+h':
      if (cursor > 0) {
        e.text = text.slice(0, cursor - 1) + text.slice(cursor);
        e.cursor = cursor - 1;
      }
      return true;
    case 'delete':
    case 'ctrl+d':
      e.text = text.slice(0, cursor) + text.slice(cursor + 1);
      return true;
    case 'left':
    case 'ctrl+b':
      e.cursor = Math.max(0, cursor - 1);
      return true;
    case 'right':
    case 'ctrl+f':
      e.cursor = Math.min(text.length, cursor + 1);
      return true;
    case 'home':
    case 'ctrl+a':
      e.cursor = 0;
      return true;
    case 'end':
    case 'ctrl+e':
      e.cursor = text.length;
      return true;
    case 'ctrl+u':
      e.text = text.slice(cursor);
      e.cursor = 0;
      return true;
    case 'ctrl+k':
      e.text = text.slice(0, cursor);
      return true;
    case 'ctrl+w': {
      const before = text.slice(0, cursor).replace(/\S+\s*$/, '');
      e.text = before + text.slice(cursor);
      e.cursor = before.length;
      return true;
    }
    default:
      return false;
  }
}
