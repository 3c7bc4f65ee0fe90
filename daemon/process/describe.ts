/** The `description` of getProcessInfo: the text of supervisorctl's status column (reference c.2). */
import { ProcessStates } from '../../src/api/states.js';
import { formatStopTime, formatTimedelta } from './status-times.js';

/** The getProcessInfo fields the description is made from (timestamps are whole seconds). */
export interface DescribableInfo {
  name: string;
  state: number;
  start: number;
  stop: number;
  now: number;
  pid: number;
  spawnerr: string;
}

/**
 * Supervisor's `_interpretProcessInfo`: RUNNING `pid 6446, uptime 0:00:13`; BACKOFF/FATAL the
 * spawnerr or `unknown error (try "tail x")`; STOPPED/EXITED the stop time (`Nov 23 06:36 PM`,
 * local) or `Not started`; STARTING/STOPPING/UNKNOWN ''.
 */
export function describeInfo(info: DescribableInfo): string {
  switch (info.state) {
    case ProcessStates.RUNNING:
      // A clock set back gives a negative uptime, shown as 0:00:00.
      return `pid ${info.pid}, uptime ${formatTimedelta(Math.max(0, info.now - info.start))}`;
    case ProcessStates.FATAL:
    case ProcessStates.BACKOFF:
      return info.spawnerr || `unknown error (try "tail ${info.name}")`;
    case ProcessStates.STOPPED:
    case ProcessStates.EXITED:
      return info.start ? formatStopTime(info.stop) : 'Not started';
    default:
      return '';
  }
}
