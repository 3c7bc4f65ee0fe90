/**
 * How a Subprocess starts a child: it builds a SpawnPlan (what to run, and how), and a Spawner
 * turns it into a running child. The real spawners are spawn-native.ts (stdio pipes through the
 * native addon, the default), spawn-pipe.ts (stdio pipes through child_process, the fallback) and,
 * for `pty=true`, a pty spawner; unit tests use a hand-written fake.
 */
import type { OutputChannel } from '../logs/types.js';
import type { Clock } from './clock.js';

/** Switch to this user in the child (the daemon is root and the program's user differs). */
export interface Credentials {
  uid: number;
  gid: number;
}

/** Everything needed to start one child, already checked (command, directory, privileges). */
export interface SpawnPlan {
  /** The process name, for messages. */
  name: string;
  /** The file to exec (argv0 resolved on PATH). */
  filename: string;
  /** The argument vector; argv[0] is the command word as written. */
  argv: string[];
  env: Record<string, string>;
  cwd: string | null;
  umask: number | null;
  credentials: Credentials | null;
}

/** How the child ended: an exit code, or the name of the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
  /**
   * Set when the program never ran: the exec failed after the fork, which a pty spawner learns only
   * from the child's exit. The text is the spawnerr, and the exit counts as a spawn error.
   */
  spawnerr?: string;
  /** The kernel wrote a core dump (known to the native spawner only): ` (core dumped)` in the message. */
  coreDumped?: boolean;
}

/** Where the child's output goes and how its end is reported. */
export interface ChildIO {
  stdout: OutputChannel;
  /** null: stderr goes to the stdout channel (redirect_stderr). */
  stderr: OutputChannel | null;
  /** For the bounded wait for the pipes' EOF after the child exited. */
  clock: Clock;
  /**
   * Called once, asynchronously, when the exit status is known and the output pipes reached EOF
   * (or a short bound passed, e.g. when a grandchild keeps them open).
   */
  onExit(exit: ChildExit): void;
  /** Called when every output pipe is closed (possibly after onExit, when a grandchild held them). */
  onOutputClosed?(): void;
}

/** A started child. */
export interface ChildHandle {
  readonly pid: number;
  /** Queue bytes for the child's stdin. Throws `Error('NO_FILE')` when stdin is closed (EPIPE). */
  writeStdin(data: Buffer): void;
  /**
   * Send `sig` to the child, or to its whole process group when `group` is true (`kill(-pid)`).
   * Throws the OS error (`code` ESRCH, EPERM…) as process.kill does.
   */
  kill(sig: number, group: boolean): void;
  /** Resume reading output paused because a channel's write() returned false. */
  resumeOutput(): void;
  /** Stop reading and close the pipes (the process is being removed). */
  dispose(): void;
}

/** A spawn that failed before the child ran; `message` is the spawnerr text. */
export class SpawnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpawnError';
  }
}

/** Starts children for Subprocesses (pipes, or a pty for `pty=true`). */
export interface Spawner {
  /** Start the child. Throws SpawnError when it could not be started. */
  spawn(plan: SpawnPlan, io: ChildIO): ChildHandle;
}
