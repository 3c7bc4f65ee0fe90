/**
 * Turns raw terminal input into keys. One read can hold many keys (tmux send-keys "jjj", a paste, a
 * fast typist), so a chunk is split here into a list that the handlers loop over.
 */

export interface Key {
  /** A printable character as itself ('j', 'J', '/', ' '), or a name: up, down, left, right, home, end,
   * pageup, pagedown, insert, delete, return, escape, tab, backtab, backspace, f1…f12; for Ctrl+letter the
   * lower-case letter with `ctrl`. */
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  /** The bytes of the key as received. */
  seq: string;
}

const CSI_TILDE: Record<string, string> = {
  '1': 'home', '2': 'insert', '3': 'delete', '4': 'end', '5': 'pageup', '6': 'pagedown', '7': 'home', '8': 'end',
  '11': 'f1', '12': 'f2', '13': 'f3', '14': 'f4', '15': 'f5', '17': 'f6', '18': 'f7', '19': 'f8', '20': 'f9',
  '21': 'f10', '23': 'f11', '24': 'f12',
};
const CSI_FINAL: Record<string, string> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', Z: 'backtab', P: 'f1', Q: 'f2', R: 'f3', S: 'f4',
};

function key(name: string, seq: string, mods: Partial<Pick<Key, 'ctrl' | 'meta' | 'shift'>> = {}): Key {
  return { name, seq, ctrl: mods.ctrl ?? false, meta: mods.meta ?? false, shift: mods.shift ?? false };
}

/** xterm modifier parameter (1 + shift·1 + alt·2 + ctrl·4). */
function mods(param: string | undefined): Partial<Key> {
  const m = Number(param ?? '1') - 1;
  return m > 0 ? { shift: (m & 1) !== 0, meta: (m & 2) !== 0, ctrl: (m & 4) !== 0 } : {};
}

/** One control byte as a key. */
function control(c: number, seq: string): Key {
  if (c === 0x0d || c === 0x0a) return key('return', seq);
  if (c === 0x09) return key('tab', seq);
  if (c === 0x7f || c === 0x08) return key('backspace', seq);
  if (c === 0x00) return key('space', seq, { ctrl: true });
  if (c >= 0x01 && c <= 0x1a) return key(String.fromCharCode(c + 0x60), seq, { ctrl: true });
  // 0x1c..0x1f: Ctrl-\ Ctrl-] Ctrl-^ Ctrl-_
  return key(String.fromCharCode(c + 0x40), seq, { ctrl: true });
}

/** Splits one chunk of input into keys. */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (c === 0x1b) {
      const next = input[i + 1];
      if (next === undefined) {
        keys.push(key('escape', '\x1b'));
        i++;
        continue;
      }
      // SS3 is only a key when a known final follows; else it is Esc, then Shift-O.
      const ss3 = next === 'O' && input[i + 2] !== undefined && 'ABCDHFPQRS'.includes(input[i + 2]!);
      if (next === '[' || ss3) {
        // CSI or SS3: parameters, then one final byte.
        let j = i + 2;
        while (j < input.length && /[0-9;]/.test(input[j]!)) j++;
        const final = input[j];
        const seq = input.slice(i, j + 1);
        const params = input.slice(i + 2, j).split(';');
        i = j + 1;
        if (final === undefined) {
          keys.push(key('escape', seq));
          continue;
        }
        if (final === '~') {
          const name = CSI_TILDE[params[0] ?? ''];
          keys.push(key(name ?? 'unknown', seq, mods(params[1])));
        } else {
          const name = CSI_FINAL[final];
          const k = key(name ?? 'unknown', seq, mods(params[1]));
          if (final === 'Z') k.shift = true;
          keys.push(k);
        }
        continue;
      }
      if (next === '\x1b') {
        // ESC ESC: an escape on its own, then whatever follows.
        keys.push(key('escape', '\x1b'));
        i++;
        continue;
      }
      // ESC then a key in one read: tmux send-keys Escape x, or a fast typist. Nothing is bound to
      // Alt, so it is Esc followed by the key (which the next turn of the loop reads).
      keys.push(key('escape', '\x1b'));
      i++;
      continue;
    }
    if (c < 0x20 || c === 0x7f) {
      // \r\n from a paste is one Enter.
      if (c === 0x0d && input.charCodeAt(i + 1) === 0x0a) {
        keys.push(key('return', '\r\n'));
        i += 2;
        continue;
      }
      keys.push(control(c, input[i]!));
      i++;
      continue;
    }
    const cp = input.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    keys.push(key(ch === ' ' ? 'space' : ch, ch));
    i += ch.length;
  }
  return keys;
}

/** The binding name of a key as the keymap writes it: `j`, `G`, `ctrl+r`, `alt+x`, `shift+tab`, `pagedown`. */
export function keyId(k: Key): string {
  let id = k.name === 'backtab' ? 'shift+tab' : k.name;
  if (k.meta) id = 'alt+' + id;
  if (k.ctrl) id = 'ctrl+' + id;
  return id;
}

/** The character a key types into a text field, or null for keys that do not type. */
export function typedChar(k: Key): string | null {
  if (k.ctrl || k.meta) return null;
  if (k.name === 'space') return ' ';
  return [...k.name].length === 1 ? k.name : null;
}
