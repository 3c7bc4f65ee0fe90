/**
 * fg <name>: attach to a running program. A pipe program's stdout and stderr stream to ours, each typed
 * line goes to its stdin, Ctrl-C or end of input leaves. A pty program (`pty=true`) gets the whole
 * terminal: every key, Ctrl-C included, reaches it, and the detach key (default Ctrl-]) leaves; that
 * path lives in ui/attach.js, loaded only then.
 */
import { Faults, isFault, RpcFault } from '../../api/faults.js';
import { ClientError } from '../../client/types.js';
import type { ProcessInfo } from '../../api/process-info.js';
import { ProcessStates } from '../../api/states.js';
import type { Controller } from '../controller.js';
import { genericErrorLine } from '../errors.js';
import { nextInterrupt } from '../io.js';
import { words } from '../parseline.js';
import { faultRepr } from '../pyformat.js';
import { errorLine, reportFault } from './common.js';
import { PRESS_CTRL_C, startFollow } from './follow.js';
import type { Action } from './types.js';

const EXITING = 'Exiting foreground';
const KILLED = 'Process got killed';
const BAD_NAME = 'ERROR: bad process name supplied';
const NOT_RUNNING = 'ERROR: process not running';

/** `ERROR: <Fault 6: 'SHUTDOWN_STATE'>`: Supervisor's `'ERROR: ' + str(fault)`. */
function faultLine(e: RpcFault): string {
  return 'ERROR: ' + faultRepr(e.code, e.message);
}

/** dist/ui/attach.js and dist/ui/detach-key.js (no React in either), next to this file in dist/. */
const ATTACH_MODULE = new URL('../../../ui/attach.js', import.meta.url);
const DETACH_KEY_MODULE = new URL('../../../ui/detach-key.js', import.meta.url);

/** What this action uses of ui/attach.ts and ui/detach-key.ts. */
interface AttachModule {
  attachPty(
    client: unknown,
    name: string,
    stdin: NodeJS.ReadStream,
    stdout: NodeJS.WriteStream,
    opts: { detachKey?: number; onNotice?: (text: string) => void },
  ): Promise<'detached' | 'exited'>;
}
interface DetachKeyModule {
  resolveDetachKey(env: Record<string, string | undefined>, settings: object, warn: (message: string) => void): number;
  detachKeyName(byte: number): string;
}

/**
 * Whether `name` is a pty program of our daemon. ext.ptyDetach answers true for one and FAILED for a
 * pipe program, and changes nothing for a client that is not typing; other supervisords do not know it.
 */
async function isPtyProgram(ctl: Controller, name: string): Promise<boolean> {
  try {
    return (await ctl.rpc<boolean>('ext.ptyDetach', name)) === true;
  } catch (e) {
    if (e instanceof RpcFault) return false;
    throw e;
  }
}

/** fg on a pty program: the terminal is the program's until the detach key or its exit. */
async function fgPty(ctl: Controller, name: string): Promise<void> {
  const io = ctl.io;
  const [{ attachPty }, keys] = await Promise.all([
    import(ATTACH_MODULE.href) as Promise<AttachModule>,
    import(DETACH_KEY_MODULE.href) as Promise<DetachKeyModule>,
  ]);
  const detachKey = keys.resolveDetachKey(process.env, ctl.settings, (m) => io.err(m));
  io.out(`Press ${keys.detachKeyName(detachKey)} to detach`);
  // stdin flows only while attached: a one-shot supervisorctl must be able to exit afterwards.
  const stdin = process.stdin;
  const wasFlowing = stdin.readableFlowing === true;
  // The classic shell's readline listens to stdin too: park its listeners while the program has the
  // terminal, or it would echo and run every key typed for the program.
  type Listener = (...args: unknown[]) => void;
  const parked = (['data', 'keypress'] as const).map((event) => ({ event, fns: stdin.listeners(event) as Listener[] }));
  for (const { event, fns } of parked) for (const fn of fns) stdin.removeListener(event, fn);
  let how: 'detached' | 'exited';
  try {
    how = await attachPty(await ctl.getClient(), name, stdin, process.stdout, {
      detachKey,
      onNotice: (text) => io.out(text),
    });
  } catch (e) {
    // The program went away between the checks and the attach: the texts of those checks; other
    // faults and connection errors: onecmd's generic lines, as in every action. What attaching itself
    // refuses (a server without our ZeroMQ transport) is one ERROR line, not a Python class name.
    if (isFault(e) || e instanceof ClientError) {
      return reportFault(ctl, e, { [Faults.BAD_NAME]: BAD_NAME, [Faults.NOT_RUNNING]: NOT_RUNNING });
    }
    return errorLine(ctl, `ERROR: ${(e as Error | undefined)?.message ?? String(e)}`);
  } finally {
    for (const { event, fns } of parked) for (const fn of fns) stdin.on(event, fn);
    if (!wasFlowing) stdin.pause();
  }
  if (how === 'exited') io.out(KILLED);
  io.out(EXITING);
}

async function doFg(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const io = ctl.io;
  const names = words(arg);
  if (!names.length) return errorLine(ctl, 'ERROR: no process name supplied', 'fg');
  if (names.length > 1) return errorLine(ctl, 'ERROR: too many process names supplied');
  const name = names[0]!;
  let info: ProcessInfo;
  try {
    info = await ctl.rpc<ProcessInfo>('supervisor.getProcessInfo', name);
  } catch (e) {
    // Supervisor prints any other fault (SHUTDOWN_STATE, when the shutdown began after upcheck) and
    // leaves the exit status alone; BAD_NAME is an error like in every other action.
    if (isFault(e) && e.code !== Faults.BAD_NAME) {
      io.out(faultLine(e));
      return;
    }
    return reportFault(ctl, e, { [Faults.BAD_NAME]: BAD_NAME });
  }
  if (info.state !== ProcessStates.RUNNING) return errorLine(ctl, NOT_RUNNING);
  if (await isPtyProgram(ctl, name)) {
    await fgPty(ctl, name);
    return;
  }
  io.out(PRESS_CTRL_C);

  const stops: Array<() => void> = [];
  let done = false;
  const { interrupted, dispose } = nextInterrupt(io);
  const abort = new AbortController();
  let serverEnded!: () => void;
  const ended = new Promise<'interrupt'>((resolve) => (serverEnded = () => resolve('interrupt')));
  // The streams start in the background: a server may answer them only once there is output.
  const follow = (channel: 'stdout' | 'stderr', write: (c: Buffer) => void): void => {
    startFollow(ctl, { name, channel }, `/logtail/${name}/${channel}`, write, serverEnded).then(
      (stop) => {
        if (!stop) return;
        if (done) stop();
        else stops.push(stop);
      },
      (e: unknown) => io.err(genericErrorLine(e, ctl.serverurl)),
    );
  };
  follow('stdout', (c) => io.raw(c));
  follow('stderr', (c) => io.rawErr(c));
  try {
    // Ctrl-C, or the server ending the output streams, leaves fg.
    const stopped = Promise.race([interrupted.then(() => 'interrupt' as const), ended]);
    for (;;) {
      const line = await Promise.race([io.ask('', { signal: abort.signal }), stopped]);
      if (line === 'interrupt' || line === null) {
        // Leaving fg (Ctrl-C, end of input) leaves the program running.
        io.out(EXITING);
        return;
      }
      try {
        await ctl.rpc('supervisor.sendProcessStdin', name, line + '\n');
      } catch (e) {
        // Not reportFault: Supervisor prints any fault here, leaves fg and keeps the exit status.
        if (!isFault(e)) throw e;
        io.out(e.code === Faults.NOT_RUNNING ? KILLED : faultLine(e));
        io.out(EXITING);
        return;
      }
      const now = await ctl.rpc<ProcessInfo>('supervisor.getProcessInfo', name);
      if (now.state !== ProcessStates.RUNNING) {
        io.out(KILLED);
        io.out(EXITING);
        return;
      }
    }
  } finally {
    done = true;
    abort.abort();
    dispose();
    for (const stop of stops) stop();
  }
}

/** The `fg` action. */
export const fg: Action = { name: 'fg', completes: 'processes', run: doFg };
