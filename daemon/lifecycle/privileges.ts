/**
 * Dropping root privileges at startup (`-u` / `[supervisord] user=`), as Supervisor's
 * `drop_privileges` + `set_uid_or_exit` (reference b.2 step 3): supplementary groups (primary
 * first), then the gid, then the uid. Node has no getpwuid, so the account comes from src/config/users.
 */
import { getpwuid, supplementaryGids } from '../../src/config/users.js';

/** The CRIT Supervisor logs when root runs it without a user. */
export const ROOT_WITHOUT_USER =
  'Supervisor is running as root.  Privileges were not dropped because no user is specified in the ' +
  'config file.  If you intend to run as root, you can set user=root in the config file to avoid this message.';

/** Become `uid`. Returns null on success or Supervisor's message; already being `uid` is a success. */
export function dropPrivileges(uid: number): string | null {
  const rec = getpwuid(uid);
  if (!rec) return `Can't find uid ${uid}`;
  if (process.getuid!() === uid) return null;
  if (process.getuid!() !== 0) return "Can't drop privilege as nonroot user";
  try {
    process.setgroups!([rec.gid, ...supplementaryGids(rec.name)]);
  } catch {
    return 'Could not set groups of effective user';
  }
  try {
    process.setgid!(rec.gid);
  } catch {
    return 'Could not set group id of effective user';
  }
  process.setuid!(uid);
  return null;
}

/** The outcome of set_uid_or_exit: messages to log, or the usage error that ends startup. */
export type UidOutcome = { critical?: string; info?: string } | { error: string };

/** Supervisor's `set_uid_or_exit` for the configured uid (null: no user given). */
export function setUidOrExit(uid: number | null): UidOutcome {
  if (uid === null) return process.getuid!() === 0 ? { critical: ROOT_WITHOUT_USER } : {};
  const msg = dropPrivileges(uid);
  return msg === null ? { info: `Set uid to user ${uid} succeeded` } : { error: msg };
}
