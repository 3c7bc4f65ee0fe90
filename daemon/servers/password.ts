/**
 * The password rule both transports share, as Supervisor's: the configured password is plain text, or
 * `{SHA}` followed by the lowercase hex SHA-1 of the password (Supervisor compares it with hexdigest()
 * as it is, so an uppercase digest never matches there either). HTTP Basic hands over text, ZeroMQ
 * PLAIN bytes; both are compared as UTF-8 bytes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The lowercase hex SHA-1 of a password (what `{SHA}` passwords hold); text is taken as UTF-8. */
export function sha1Hex(password: string | Buffer): string {
  return createHash('sha1').update(password).digest('hex');
}

/** Compares secrets without leaking where or whether the lengths differ (both hashed to 32 bytes first). */
export function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** True when `given` matches the configured password (plain text, or `{SHA}` + hex SHA-1). */
export function passwordMatches(configured: string, given: string | Buffer): boolean {
  if (configured.startsWith('{SHA}')) return sameSecret(configured.slice(5), sha1Hex(given));
  return sameSecret(configured, given);
}
