/**
 * The daemon's pty programs in one place: the running sessions by `group:name` (what the spawners
 * start and the ext.pty* methods reach) and who may type into each (several viewers, one typist).
 */
import type { GroupConfig } from '../../src/config/types.js';
import type { EngineContext } from '../process/types.js';
import type { Spawner } from '../process/spawner.js';
import type { PtySession } from './session.js';
import { PtySpawner, type PtySpawnerOptions } from './spawn-pty.js';

/**
 * A typist that made no ext.pty* call for this long counts as gone: the control socket does not
 * report vanished clients, so the typing role is a lease that each call renews.
 */
export const WRITER_LEASE_MS = 30_000;

/** The result of asking to type. */
export type Claim = { ok: true } | { ok: false; holder: string };

/** The running pty sessions and their typists; one per daemon pass, shared by spawners and methods. */
export class PtyHub {
  private readonly sessions = new Map<string, PtySession>();
  private readonly writers = new Map<string, { client: string; seen: number }>();

  constructor(
    private readonly opts: PtySpawnerOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** The spawner for the pty programs of one group (it names their sessions `group:name`). */
  spawnerFor(group: GroupConfig, ctx: Pick<EngineContext, 'bus' | 'supervisord'>): Spawner {
    return new PtySpawner(this, group, ctx, this.opts);
  }

  /** A spawner started a session. */
  add(session: PtySession): void {
    this.sessions.set(key(session.group, session.name), session);
  }

  /** A session ended (a newer one of the same process is left alone). */
  remove(session: PtySession): void {
    const k = key(session.group, session.name);
    if (this.sessions.get(k) === session) this.sessions.delete(k);
  }

  /** The running session of a process, if any. */
  session(group: string, name: string): PtySession | undefined {
    const s = this.sessions.get(key(group, name));
    return s && !s.ended ? s : undefined;
  }

  /**
   * Ask for the typing role: granted when nobody holds it, the caller already does, or the holder's
   * lease ran out. Renews the caller's lease.
   */
  claim(group: string, name: string, client: string): Claim {
    const k = key(group, name);
    const t = this.now();
    const w = this.writers.get(k);
    if (w && w.client !== client && t - w.seen < WRITER_LEASE_MS) return { ok: false, holder: w.client };
    this.writers.set(k, { client, seen: t });
    return { ok: true };
  }

  /** True when `client` holds the typing role (and renews its lease). */
  holds(group: string, name: string, client: string): boolean {
    const w = this.writers.get(key(group, name));
    if (!w || w.client !== client || this.now() - w.seen >= WRITER_LEASE_MS) return false;
    w.seen = this.now();
    return true;
  }

  /** Give up the typing role (no-op for a client that does not hold it). */
  release(group: string, name: string, client: string): void {
    const k = key(group, name);
    if (this.writers.get(k)?.client === client) this.writers.delete(k);
  }
}

function key(group: string, name: string): string {
  return `${group}:${name}`;
}
