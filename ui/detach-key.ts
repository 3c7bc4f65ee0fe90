/**
 * The key that leaves an attached pty program (fg). Ctrl-C must reach the program, so the default is
 * Ctrl-] (as telnet); SUPERVISORCTL_DETACH_KEY or [supervisorctl] detach_key change it.
 */

/** Ctrl-] : the default detach key. */
export const DEFAULT_DETACH_KEY = 0x1d;

/**
 * Parses `ctrl-]`, `ctrl+a`, `C-a` or `^A` into the control byte the terminal sends for it.
 * Throws an Error naming the bad value when it is none of these.
 */
export function parseDetachKey(spec: string): number {
  const s = spec.trim();
  const m = /^(?:ctrl[-+]|c-|\^)(.)$/i.exec(s);
  if (m) {
    const ch = m[1]!;
    if (ch === '?') return 0x7f;
    const code = ch.toUpperCase().charCodeAt(0);
    // Ctrl turns @ A-Z [ \ ] ^ _ into 0x00-0x1f.
    if (code >= 0x40 && code <= 0x5f) return code - 0x40;
  }
  throw new Error(`invalid detach key '${spec}' (expected ctrl-<key>, e.g. ctrl-] or ^A)`);
}

/** How the key is written for people: `Ctrl-]`. */
export function detachKeyName(byte: number): string {
  if (byte === 0x7f) return 'Ctrl-?';
  return `Ctrl-${String.fromCharCode(byte + 0x40)}`;
}

/**
 * The detach key for this session: the environment wins over the config file's `detach_key`
 * (settings objects may carry it as `detachKey` or `detach_key`); a bad value is reported through
 * `warn` and the default is used.
 */
export function resolveDetachKey(
  env: Record<string, string | undefined>,
  settings: object,
  warn: (message: string) => void = () => {},
): number {
  const s = settings as Record<string, unknown>;
  const fromEnv = env.SUPERVISORCTL_DETACH_KEY;
  const fromConfig = typeof s.detachKey === 'string' ? s.detachKey : typeof s.detach_key === 'string' ? s.detach_key : undefined;
  for (const [spec, where] of [
    [fromEnv, 'SUPERVISORCTL_DETACH_KEY'],
    [fromConfig, '[supervisorctl] detach_key'],
  ] as const) {
    if (spec === undefined || spec === '') continue;
    try {
      return parseDetachKey(spec);
    } catch (e) {
      warn(`${where}: ${(e as Error).message}`);
    }
  }
  return DEFAULT_DETACH_KEY;
}
