/**
 * Terminal control sequences the console writes itself (Ink 6.8 manages none of them): entering and
 * leaving the alternate screen, and the mode resets needed after a program had the terminal (fg/attach).
 */

export const ESC = '\x1b';
export const CSI = '\x1b[';

/** Synchronized output (DEC mode 2026): the terminal shows a frame only once it is complete. */
export const SYNC_BEGIN = '\x1b[?2026h';
export const SYNC_END = '\x1b[?2026l';

/** Absolute cursor position, 1-based (CUP). */
export function cursorTo(row: number, col = 1): string {
  return `${CSI}${row};${col}H`;
}

/** Erase the whole line the cursor is on (EL 2). */
export const ERASE_LINE = '\x1b[2K';
/** Home the cursor and erase the screen. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/**
 * Everything a program may have switched on, switched back off: cursor keys and keypad to normal,
 * bracketed paste, every mouse mode, focus reports, the scroll region, origin mode, insert mode, the G0
 * charset and SGR. Sent after a pty program had the terminal and before the console repaints.
 */
export const RESET_MODES =
  '\x1b[?1l' + // DECCKM: cursor keys send CSI, not SS3
  '\x1b>' + // DECKPNM: numeric keypad
  '\x1b[?2004l' + // bracketed paste off
  '\x1b[?9l\x1b[?1000l\x1b[?1001l\x1b[?1002l\x1b[?1003l' + // mouse tracking off (X10, normal, highlight, button, any)
  '\x1b[?1005l\x1b[?1006l\x1b[?1015l\x1b[?1016l' + // mouse encodings off (UTF-8, SGR, urxvt, pixels)
  '\x1b[?1004l' + // focus in/out reports off
  '\x1b[r' + // scroll region: the whole screen
  '\x1b[?6l' + // origin mode off
  '\x1b[4l' + // insert mode off (replace)
  '\x1b(B' + // G0 = US ASCII (a program may have left line drawing on)
  '\x1b[0m'; // SGR: default colours and attributes

/** What the console writes when it takes the terminal: alternate screen, cleared, cursor hidden, no autowrap. */
export const ENTER_CONSOLE = '\x1b[?1049h' + CLEAR_SCREEN + '\x1b[?25l' + '\x1b[?7l';

/**
 * What restores the terminal when the console ends (normally or not): end a half-written synchronized
 * frame, reset modes, autowrap back on, cursor shown, main screen back.
 */
export const LEAVE_CONSOLE = SYNC_END + RESET_MODES + '\x1b[?7h' + '\x1b[?25h' + '\x1b[?1049l';

/** After a pty program had the terminal: reset its modes and (re-)enter our alternate screen. */
export const BACK_TO_CONSOLE = SYNC_END + RESET_MODES + '\x1b[?1049h' + CLEAR_SCREEN + '\x1b[?25l' + '\x1b[?7l';
