/**
 * Supervisor's `%(name)s` expansion (options.py `expand`): Python `%` formatting against a dict of
 * names, with Supervisor's two error texts. Also the builders of the name sets (reference a.2).
 */
import { hostname } from 'node:os';
import { ConfigError, type SourcePos } from './types.js';
import { pyPercentFormat, PyFormatError } from './pyformat.js';
import { pyRepr, type PyValue } from './pyrepr.js';

/** A set of expansion names, in insertion order (it matters for `%s` of the whole dict). */
export type Expansions = Map<string, PyValue>;

/**
 * Expand `s` with `expansions`; `name` is what the message calls the option (e.g.
 * `program:x.command`). Throws ConfigError with Supervisor's text and `pos`.
 */
export function expand(s: string, expansions: Expansions, name: string, pos: SourcePos | null = null): string {
  if (!s.includes('%')) return s; // nothing to format: `s % mapping` is `s` in Python
  try {
    return pyPercentFormat(s, expansions);
  } catch (e) {
    if (!(e instanceof PyFormatError)) throw e;
    if (e.kind === 'KeyError') {
      const available = [...expansions.keys()].sort().join(', ');
      throw new ConfigError(
        `Format string ${pyRepr(s)} for ${pyRepr(name)} contains names (${e.message}) which cannot be expanded. Available names: ${available}`,
        pos,
      );
    }
    throw new ConfigError(`Format string ${pyRepr(s)} for ${pyRepr(name)} is badly formatted: ${e.message}`, pos);
  }
}

/** Merge name sets left to right (later wins), as `dict(list(a.items()) + list(b.items()))`. */
export function combine(...sets: (Expansions | Record<string, PyValue>)[]): Expansions {
  const out: Expansions = new Map();
  for (const s of sets) {
    const entries = s instanceof Map ? [...s] : Object.entries(s);
    for (const [k, v] of entries) out.set(k, v);
  }
  return out;
}

/** `ENV_<NAME>` for every variable of the environment, in its order. */
export function envExpansions(env: Record<string, string | undefined>): Expansions {
  const out: Expansions = new Map();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out.set(`ENV_${k}`, v);
  return out;
}

/** `platform.node()`: the host name as Supervisor's `%(host_node_name)s`. */
export function hostNodeName(): string {
  return hostname();
}
