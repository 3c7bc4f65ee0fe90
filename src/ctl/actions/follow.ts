/** tail -f / maintail -f: stream a log pushed by the server until Ctrl-C. */
import { Faults, isFault } from '../../api/faults.js';
import type { ProcessInfo } from '../../api/process-info.js';
import { ClientError } from '../../client/types.js';
import type { LogTarget } from '../../client/types.js';
import type { Controller } from '../controller.js';
import { nextInterrupt } from '../io.js';

/** The banner printed before streaming (also by fg). */
export const PRESS_CTRL_C = '==> Press Ctrl-C to exit <==';

/**
 * Starts following `target`, sending chunks to `onData`, notices (skipped bytes) to stderr, and calling
 * `onEnd` if the stream ends by itself. A missing process or log file gives Supervisor's line for its
 * HTTP 404 on stderr and null. `path` is the /logtail path Supervisor would have requested, for that line.
 */
export async function startFollow(
  ctl: Controller,
  target: LogTarget,
  path: string,
  onData: (chunk: Buffer) => void,
  onEnd?: (error?: Error) => void,
): Promise<(() => void) | null> {
  const client = await ctl.getClient();
  try {
    return await client.followLog(target, onData, (notice) => ctl.io.err(notice), onEnd);
  } catch (e) {
    if (isFault(e, Faults.BAD_NAME) || isFault(e, Faults.NO_FILE)) {
      ctl.io.err(`${ctl.serverurl}${path} Cannot read, status code 404`);
      return null;
    }
    // The action ended (fg left, the client closed) while the stream was still starting: nothing to say.
    if (e instanceof ClientError && e.kind === 'closed') return null;
    // The HTTP transport reports a refused stream with Supervisor's own "Cannot read" line.
    if (e instanceof ClientError && e.kind === 'protocol') {
      ctl.io.err(e.message);
      return null;
    }
    throw e;
  }
}

/**
 * Whether the process exists and writes `channel` to a file: Supervisor's /logtail answers 404
 * otherwise, and a push transport would wait forever for output that never comes.
 */
async function hasLogFile(ctl: Controller, target: { name: string; channel: 'stdout' | 'stderr' }): Promise<boolean> {
  let info: ProcessInfo;
  try {
    info = await ctl.rpc<ProcessInfo>('supervisor.getProcessInfo', target.name);
  } catch (e) {
    if (isFault(e, Faults.BAD_NAME)) return false;
    throw e;
  }
  return Boolean(target.channel === 'stdout' ? info.stdout_logfile : info.stderr_logfile);
}

/**
 * Follows `target` until Ctrl-C (tail -f, maintail -f), or until the server ends the stream; the exit
 * status is kept.
 */
export async function followLog(ctl: Controller, target: LogTarget, path: string): Promise<void> {
  const io = ctl.io;
  io.out(PRESS_CTRL_C);
  if (target !== 'main' && !(await hasLogFile(ctl, target))) {
    io.err(`${ctl.serverurl}${path} Cannot read, status code 404`);
    return;
  }
  const { interrupted, dispose } = nextInterrupt(io);
  let ended!: (how: 'ended') => void;
  const endedByServer = new Promise<'ended'>((resolve) => (ended = resolve));
  const starting = startFollow(ctl, target, path, (chunk) => io.raw(chunk), (err) => {
    if (err) io.err(err.message);
    ended('ended');
  });
  let how: 'ended' | 'interrupted' | void;
  try {
    // A server may answer the stream only once there is output: Ctrl-C must work while it waits.
    const first = await Promise.race([starting, interrupted.then(() => 'interrupted' as const)]);
    if (first === 'interrupted') {
      starting.then((stop) => stop?.(), () => {});
      how = first;
    } else if (!first) {
      return;
    } else {
      try {
        how = await Promise.race([interrupted, endedByServer]);
      } finally {
        first();
      }
    }
  } finally {
    dispose();
  }
  // Ctrl-C ends the stream; Supervisor then prints an empty line.
  if (how !== 'ended') io.out('');
}
