/**
 * HTTP Basic authentication as Supervisor's medusa auth handler does it: realm `default`, the stored
 * password plain or `{SHA}<hex sha1>`.
 */
import { passwordMatches, sameSecret } from '../password.js';

/** The outcome of reading an `Authorization` header. */
export type AuthHeader =
  | { kind: 'none' }
  | { kind: 'malformed' }
  /** A scheme other than Basic (Supervisor answers 401). */
  | { kind: 'unsupported'; scheme: string }
  | { kind: 'basic'; username: string; password: string };

/** Parses an `Authorization` header value (`Basic <base64 of user:password>`). */
export function parseAuthorization(value: string | undefined): AuthHeader {
  if (value === undefined || value === '') return { kind: 'none' };
  const m = /^(\S+) (.*)$/.exec(value);
  if (!m) return { kind: 'unsupported', scheme: value };
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'basic') return { kind: 'unsupported', scheme };
  const cookie = m[2]!.replace(/\s+/g, '');
  // base64 with correct padding, like Python's base64.decodebytes accepts.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cookie) || cookie.length % 4 !== 0) return { kind: 'malformed' };
  const decoded = Buffer.from(cookie, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // No colon: no password part, which can never match.
  if (colon < 0) return { kind: 'basic', username: decoded, password: '' };
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** What the server does with a request: serve it (as `user`), or answer 400/401. */
export type AuthDecision = { ok: true; user?: string } | { ok: false; status: 400 | 401 };

/**
 * Decides a request against a server's credentials. With no username configured every request passes
 * (Supervisor logs a CRIT line for that at startup).
 */
export function authorize(header: string | undefined, username: string | null, password: string | null): AuthDecision {
  if (!username) return { ok: true };
  const a = parseAuthorization(header);
  if (a.kind === 'malformed') return { ok: false, status: 400 };
  if (a.kind !== 'basic') return { ok: false, status: 401 };
  const userOk = sameSecret(a.username, username);
  const passOk = passwordMatches(password ?? '', a.password);
  return userOk && passOk ? { ok: true, user: a.username } : { ok: false, status: 401 };
}
