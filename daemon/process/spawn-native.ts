/**
 * The native pipe spawner, the default when native/ is built: real pipes (pipe2) instead of Node's
 * socketpairs, and a clone(CLONE_VM|CLONE_VFORK) + execve that does not fork the whole Node process
 * (child_process costs milliseconds per child for that). The child gets one pipe for fds 1 and 2
 * with redirect_stderr, as Supervisor does. Process group, user=, umask and directory are set in the
 * child, in Supervisor's order (the user's groups, gid and uid before the chdir), and argv[0] stays
 * the command word as written. Output, stdin and the exit are handled by the same PipeChild as the
 * child_process spawner's.
 */
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { OutputChannel } from '../logs/types.js';
import type { Addon, NativeSpawnError } from './native-addon.js';
import { signame } from './signals.js';
import { PipeChild, type PipeOutput } from './spawn-pipe.js';
import { SpawnError, type ChildHandle, type ChildIO, type SpawnPlan, type Spawner } from './spawner.js';

/** Tuning of the native spawner (defaults suit the daemon). */
export interface NativeSpawnerOptions {
  /** After the child exited, how long to wait for its pipes' EOF before reporting the exit. */
  eofWaitMs?: number;
  /**
   * Grow an output pipe to this many bytes once a read comes back full (a burst), so the child can
   * run ahead of the daemon's reads; 0 keeps every pipe at the kernel's default (64 KiB). Pipes are
   * not grown up front: 500 programs × 1 MiB of pipe is kernel memory. The default grows them only
   * for a root daemon: for any other user the kernel counts pipe pages per user
   * (pipe-user-pages-soft), and past that budget it creates every new pipe of the user, the
   * programs' own pipelines included, with two pages only.
   */
  burstPipeBytes?: number;
}

/** The capacity of a fresh pipe on Linux; a read of this much means the pipe was full. */
const DEFAULT_PIPE_BYTES = 65536;

/** Spawns children through the native addon, with real pipes. */
export class NativeSpawner implements Spawner {
  private readonly eofWaitMs: number;
  private readonly burstPipeBytes: number;

  constructor(
    private readonly addon: Addon,
    opts: NativeSpawnerOptions = {},
  ) {
    this.eofWaitMs = opts.eofWaitMs ?? 300;
    this.burstPipeBytes = opts.burstPipeBytes ?? (process.geteuid?.() === 0 ? 1024 * 1024 : 0);
  }

  /** Start the child of `plan`; throws SpawnError with Supervisor's text when it cannot run. */
  spawn(plan: SpawnPlan, io: ChildIO): ChildHandle {
    const file = plan.filename;
    const argv = plan.argv;
    const envp = Object.entries(plan.env).map(([k, v]) => `${k}=${v}`);

    // Ours stay open in the daemon; theirs are the child's 0, 1, 2 and are closed here after the spawn.
    const ours: number[] = [];
    const theirs: number[] = [];
    const closeAll = (fds: number[]) => {
      for (const fd of fds.splice(0)) closeSync(fd);
    };
    let stdio: [number, number, number];
    try {
      const [inR, inW] = this.addon.pipe();
      ours.push(inW);
      theirs.push(inR);
      const [outR, outW] = this.addon.pipe();
      ours.push(outR);
      theirs.push(outW);
      let errW = outW; // redirect_stderr: fds 1 and 2 share one pipe, as in Supervisor
      if (io.stderr) {
        const [errR, w] = this.addon.pipe();
        ours.push(errR);
        theirs.push(w);
        errW = w;
      }
      stdio = [inR, outW, errW];
    } catch (err) {
      closeAll(ours);
      closeAll(theirs);
      const code = (err as NativeSpawnError).code ?? String(err);
      // Supervisor's make_dispatchers failure texts (the name in plain quotes, not repr).
      throw new SpawnError(
        code === 'EMFILE'
          ? `too many open files to spawn '${plan.name}'`
          : `unknown error making dispatchers for '${plan.name}': ${code}`,
      );
    }

    let handle: PipeChild | null = null;
    let pid: number;
    try {
      ({ pid } = this.addon.spawn(
        { file, argv, envp, cwd: plan.cwd, umask: plan.umask, stdio, ...plan.credentials },
        // Runs from the event loop, so always after `handle` is set below.
        (code, sig, core) => handle?.exited(code, sig === null ? null : signame(sig), core),
      ));
    } catch (err) {
      closeAll(ours);
      closeAll(theirs);
      throw new SpawnError(spawnErrorText(plan, err as NativeSpawnError));
    }
    closeAll(theirs);

    const [inW, outR, errR] = ours as [number, number, number | undefined];
    // Each stream owns its descriptor from here on (destroying it closes the fd). stdin stays a
    // bare descriptor until something writes to it (PipeChild wraps it then).
    const outputs: PipeOutput[] = [];
    try {
      outputs.push(this.output(outR, io.stdout));
      if (errR !== undefined) outputs.push(this.output(errR, io.stderr!));
    } catch (err) {
      // Not expected for pipes; the child must not run on with nobody reading its output.
      process.kill(pid, 'SIGKILL');
      for (const o of outputs) o.stream.destroy();
      // ours is [inW, outR, errR?]: the read ends not yet owned by a stream are closed by hand.
      closeAll([inW, ...ours.slice(1 + outputs.length)]);
      throw new SpawnError(`unknown error making dispatchers for '${plan.name}': ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    handle = new PipeChild(pid, inW, outputs, io, this.eofWaitMs);
    return handle;
  }

  /** A read end of an output pipe as a stream, growing the pipe at its first full read. */
  private output(fd: number, channel: OutputChannel): PipeOutput {
    const stream = new Socket({ fd, readable: true, writable: false });
    if (this.burstPipeBytes <= DEFAULT_PIPE_BYTES) return { stream, channel };
    let grown = false;
    const onChunk = (bytes: number) => {
      if (grown || bytes < DEFAULT_PIPE_BYTES) return;
      grown = true;
      try {
        this.addon.setPipeSize(fd, this.burstPipeBytes);
      } catch {
        // EPERM past pipe-max-size or the user's pipe pages: the default size still works.
      }
    };
    return { stream, channel, onChunk };
  }
}

/** Supervisor's text for a spawn that failed in the fork or in the child before exec ran. */
function spawnErrorText(plan: SpawnPlan, e: NativeSpawnError): string {
  const code = e.code ?? String(e);
  if (e.step === 'exec') return `couldn't exec ${plan.argv[0]}: ${code}`;
  if (e.step === 'chdir') return `couldn't chdir to ${plan.cwd}: ${code}`;
  // Supervisor's drop_privileges texts, after `couldn't setuid to <uid>: `.
  const uid = plan.credentials?.uid;
  if (e.step === 'getpwuid' && code === 'ENOENT') return `couldn't setuid to ${uid}: Can't find uid ${uid}`;
  if (e.step === 'setgroups') return `couldn't setuid to ${uid}: Could not set groups of effective user`;
  if (e.step === 'setgid') return `couldn't setuid to ${uid}: Could not set group id of effective user`;
  if (e.step === 'setuid') return `couldn't setuid to ${uid}: ${code}`;
  if (e.step === 'clone' && code === 'EAGAIN') return `Too many processes in process table to spawn '${plan.name}'`;
  // Any other step (setpgid, getpwuid failing otherwise, dup2, close_range, pidfd_open, uv_poll) counts
  // as a fork failure.
  return `unknown error during fork for '${plan.name}': ${code}`;
}
