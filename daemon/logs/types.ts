/**
 * Contract between the process engine (daemon/process) and the child-log writers (daemon/logs).
 * One OutputChannel per process and channel (stdout, stderr). Implemented in logs/child-output.ts
 * as `createOutputChannel`.
 */
import type { ProcessConfig, SupervisordConfig } from '../../src/config/types.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from './logger.js';

export interface OutputChannelOptions {
  process: ProcessConfig;
  channel: 'stdout' | 'stderr';
  supervisord: SupervisordConfig;
  bus: EventBus;
  logger: Logger;
}

/**
 * Takes a child's output for one channel: writes it to the channel's log file (rotating per
 * maxbytes/backups, strip_ansi applied), syslog if enabled, capture mode, PROCESS_LOG events, the
 * debug copy into the activity log, and an `output` bus event after the bytes are in the file.
 * No byte is ever dropped on the way to the file.
 */
export interface OutputChannel {
  /** The log file path, or null when the channel has no file (NONE, syslog only). */
  readonly path: string | null;
  /**
   * Take a chunk read from the child (whose pid is `pid`). Returns false when the writer is behind:
   * the caller must pause reading from the child until the `onDrain` callback runs.
   */
  write(chunk: Buffer, pid: number): boolean;
  /** Register the callback run when a writer that returned false can take more. */
  onDrain(fn: () => void): void;
  /** The child's pipe reached EOF (flush capture-mode leftovers). */
  end(): void;
  /** SIGUSR2: close and reopen the file without losing bytes. */
  reopen(): void;
  /** clearProcessLogs: delete the file and open a new empty one. */
  clear(): void;
  /** Flush everything pending and close the file. */
  close(): Promise<void>;
}

export type OutputChannelFactory = (opts: OutputChannelOptions) => OutputChannel;
