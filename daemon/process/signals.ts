/**
 * Signal names and numbers on Linux, as Supervisor spells them (`supervisor.options.signame`,
 * `supervisor.datatypes.signal_number`), and the exit-status texts of `decode_wait_status`.
 */
import { constants } from 'node:os';

/** Every `SIG*` name Python's signal module knows on Linux, with its number (aliases included). */
const NAME_TO_NUMBER: ReadonlyMap<string, number> = new Map<string, number>([
  ...Object.entries(constants.signals as Record<string, number>),
  // Python has these too; Node's table leaves them out.
  ['SIGCLD', 17],
  ['SIGRTMIN', 34],
  ['SIGRTMAX', 64],
]);

/**
 * Python builds signame() from `signal.__dict__`, where the later alias wins: 6 is SIGABRT (not
 * SIGIOT), 17 SIGCHLD (not SIGCLD), 29 SIGPOLL (not SIGIO).
 */
const PREFERRED: Record<number, string> = { 6: 'SIGABRT', 17: 'SIGCHLD', 29: 'SIGPOLL' };

const NUMBER_TO_NAME: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  for (const [name, num] of NAME_TO_NUMBER) if (!m.has(num)) m.set(num, name);
  for (const [num, name] of Object.entries(PREFERRED)) m.set(Number(num), name);
  return m;
})();

/**
 * The numbers Supervisor accepts (`SIGNUMS`: every `SIG*` attribute of Python's signal module,
 * which includes SIG_DFL=0 and SIG_IGN=1, so `0` is a valid signal number for signalProcess).
 */
const VALID_NUMBERS: ReadonlySet<number> = new Set([0, ...NAME_TO_NUMBER.values()]);

/** `signame(sig)`: `SIGTERM` for 15, `signal 35` for a number without a name. */
export function signame(sig: number): string {
  return NUMBER_TO_NAME.get(sig) ?? `signal ${sig}`;
}

/**
 * `signal_number(value)`: a number, or a name with or without `SIG` in any case ('term', 'SIGHUP').
 * Returns null when the value is not a valid signal name or number.
 */
export function signalNumber(value: string | number): number | null {
  let num: number | undefined;
  const text = String(value).trim();
  if (/^[+-]?\d+$/.test(text)) {
    num = Number(text);
  } else {
    let name = text.toUpperCase();
    if (!name.startsWith('SIG')) name = `SIG${name}`;
    num = NAME_TO_NUMBER.get(name);
  }
  return num !== undefined && VALID_NUMBERS.has(num) ? num : null;
}

/** Exit status (-1 when killed by a signal) and the message Supervisor logs for it. */
export interface WaitStatus {
  exitstatus: number;
  message: string;
}

/**
 * `decode_wait_status` for what the spawner reports: an exit code, or the name of the terminating
 * signal and whether a core was dumped (only the native spawner knows; child_process does not say).
 */
export function decodeWaitStatus(code: number | null, signal: NodeJS.Signals | string | null, coreDumped = false): WaitStatus {
  if (code !== null && code !== undefined) {
    const es = code & 0xffff;
    return { exitstatus: es, message: `exit status ${es}` };
  }
  if (signal) {
    // Node names signals its own way (SIGIOT/SIGIO); go through the number for Python's name.
    const num = NAME_TO_NUMBER.get(signal);
    const core = coreDumped ? ' (core dumped)' : '';
    return { exitstatus: -1, message: `terminated by ${num !== undefined ? signame(num) : signal}${core}` };
  }
  return { exitstatus: -1, message: 'unknown termination cause 0x0000' };
}
