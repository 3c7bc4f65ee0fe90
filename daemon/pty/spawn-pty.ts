/**
 * The spawner of `pty=true` programs: node-pty instead of pipes, with the same rules as the pipe
 * spawner where node-pty falls short (tech-notes §5): supplementary groups through
 * `setpriv --init-groups`, the umask set around the (synchronous) fork, and exec failures turned into
 * spawn errors. The child leads its own session and process group with the pty as its terminal.
 */
import { createRequire } from 'node:module';
import type { IPty, IPtyForkOptions } from 'node-pty';
import type { GroupConfig } from '../../src/config/types.js';
import type { EngineContext } from '../process/types.js';
import { SpawnError, type ChildHandle, type ChildIO, type SpawnPlan, type Spawner } from '../process/spawner.js';
import { precheckExec } from '../process/exec-check.js';
import { PtySession } from './session.js';
import { hasSetpriv, SETPRIV, setprivArgs } from '../process/setpriv.js';
import type { PtyHub } from './hub.js';

const require = createRequire(import.meta.url);

export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;
/** What the headless screen (and most clients' terminals) understand. */
export const DEFAULT_TERM = 'xterm-256color';

/** Knobs of the pty spawner (tests point them elsewhere). */
export interface PtySpawnerOptions {
  /** Path of setpriv; when it does not exist, node-pty's uid/gid are used (no supplementary groups). */
  setpriv?: string;
}

type PtyModule = typeof import('node-pty');
let ptyModule: PtyModule | null = null;
/** node-pty, loaded on the first pty spawn (a daemon without pty programs never loads it). */
function nodePty(): PtyModule {
  ptyModule ??= require('node-pty') as PtyModule;
  return ptyModule;
}

/** Starts the pty programs of one group. */
export class PtySpawner implements Spawner {
  private readonly setpriv: string;

  constructor(
    private readonly hub: PtyHub,
    private readonly group: GroupConfig,
    private readonly ctx: Pick<EngineContext, 'bus' | 'supervisord'>,
    opts: PtySpawnerOptions = {},
  ) {
    this.setpriv = opts.setpriv ?? SETPRIV;
  }

  /** TERM from the program's or supervisord's `environment=`, else xterm-256color (not the daemon's own). */
  private termFor(processName: string): string {
    const cfg = this.group.processes.find((p) => p.name === processName);
    return cfg?.environment.TERM ?? this.ctx.supervisord.environment.TERM ?? DEFAULT_TERM;
  }

  /** Start the child of `plan` under a new pty; throws SpawnError when it cannot run. */
  spawn(plan: SpawnPlan, io: ChildIO): ChildHandle {
    const argv0 = plan.argv[0] ?? plan.filename;
    // node-pty cannot report a failed exec before it forks: check what it would trip over first.
    const bad = precheckExec(plan.filename);
    if (bad) throw new SpawnError(`couldn't exec ${argv0}: ${bad}`);

    const term = this.termFor(plan.name);
    let file = plan.filename;
    let args = plan.argv.slice(1);
    const options: IPtyForkOptions = {
      name: term,
      cols: DEFAULT_COLS,
      rows: DEFAULT_ROWS,
      cwd: plan.cwd ?? process.cwd(),
      env: { ...plan.env, TERM: term },
      encoding: null,
    };
    let viaSetpriv = false;
    if (plan.credentials) {
      const { uid, gid } = plan.credentials;
      if (hasSetpriv(this.setpriv)) {
        // node-pty's uid/gid keep the daemon's supplementary groups; setpriv sets the user's own.
        args = setprivArgs(plan.credentials, file, args);
        file = this.setpriv;
        viaSetpriv = true;
      } else {
        options.uid = uid;
        options.gid = gid;
      }
    }

    // The child inherits the umask at fork, and node-pty forks synchronously: set ours around it.
    const savedUmask = plan.umask !== null ? process.umask(plan.umask) : null;
    let pty: IPty;
    try {
      pty = nodePty().spawn(file, args, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err);
      throw new SpawnError(`couldn't exec ${argv0}: ${code}`);
    } finally {
      if (savedUmask !== null) process.umask(savedUmask);
    }

    const session = new PtySession(pty, {
      group: this.group.name,
      name: plan.name,
      bus: this.ctx.bus,
      io,
      cols: DEFAULT_COLS,
      rows: DEFAULT_ROWS,
      exec: { argv0, cwd: plan.cwd, uid: plan.credentials?.uid ?? null, viaSetpriv },
      onEnd: (s) => this.hub.remove(s),
    });
    this.hub.add(session);
    return session;
  }
}
