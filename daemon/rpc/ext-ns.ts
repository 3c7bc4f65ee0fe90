/**
 * Our `ext.*` namespace: calls Supervisor's API does not have, for our clients (the TUI, the ZeroMQ
 * transport). Unlike supervisor.*, these answer during a shutdown too, so a console can watch it.
 */
import { supervisorStateName } from '../../src/api/states.js';
import type { ConfigInfo, ProcessInfo, SupervisorStateInfo } from '../../src/api/process-info.js';
import type { Supervisor } from '../supervisor.js';
import { SUPERVISOR_VERSION } from '../cli.js';
import { makeNamespec } from './namespec.js';

/** ext.getSnapshot result (the ZeroMQ server adds `seq` and `topics`). */
export interface SnapshotResult {
  identification: string;
  pid: number;
  version: string;
  state: SupervisorStateInfo;
  processes: ProcessInfo[];
}

/** One process in ext.getLogPaths. '' means the channel has no file. */
export interface ProcessLogPaths {
  namespec: string;
  name: string;
  group: string;
  stdout: string;
  stderr: string;
}

/** ext.getLogPaths result. */
export interface LogPathsResult {
  /** The activity log; '' when it goes to syslog. */
  main: string;
  processes: ProcessLogPaths[];
}

/** ext.getAllConfigInfo element: Supervisor's struct plus our own options. */
export interface ExtConfigInfo extends ConfigInfo {
  /** The program runs under a pseudo-terminal (`pty=true`). */
  pty: boolean;
}

/** The `ext.*` methods over a Supervisor. */
export class ExtNamespace {
  /** `configInfo` builds Supervisor's getAllConfigInfo result (the supervisor namespace owns its shape). */
  constructor(
    private readonly sup: Supervisor,
    private readonly configInfo: () => ConfigInfo[],
  ) {}

  /**
   * Return getAllConfigInfo's structs with our extensions added: `pty`
   * (the program runs under a pseudo-terminal). supervisor.getAllConfigInfo
   * keeps Supervisor's exact key set for existing clients.
   *
   * @return array result  An array of process config info structs
   */
  getAllConfigInfo(): ExtConfigInfo[] {
    const ptyByKey = new Map<string, boolean>();
    for (const g of this.sup.groupConfigs) for (const p of g.processes) ptyByKey.set(`${g.name}:${p.name}`, p.pty);
    return this.configInfo().map((ci) => ({ ...ci, pty: ptyByKey.get(`${ci.group}:${ci.name}`) ?? false }));
  }

  /**
   * Return everything a client needs to draw the process list at once:
   * the identification, supervisord's pid and version, its state, and
   * every process info struct (in getAllProcessInfo order).
   *
   * @return struct snapshot {identification, pid, version, state, processes}
   */
  getSnapshot(): SnapshotResult {
    const mood = this.sup.mood;
    return {
      identification: this.sup.identifier,
      pid: this.sup.pid,
      version: SUPERVISOR_VERSION,
      state: { statecode: mood, statename: supervisorStateName(mood) ?? 'UNKNOWN' },
      processes: this.sup.allProcesses(true).map(([, p]) => p.info()),
    };
  }

  /**
   * Return the files behind every log: the activity log and each
   * process' stdout and stderr logs ('' when a channel has none).
   *
   * @return struct paths {main, processes: [{namespec, name, group, stdout, stderr}]}
   */
  getLogPaths(): LogPathsResult {
    return {
      main: this.sup.mainLog?.path ?? '',
      processes: this.sup.allProcesses(true).map(([g, p]) => ({
        namespec: makeNamespec(g.name, p.name),
        name: p.name,
        group: g.name,
        stdout: p.logfile('stdout') ?? '',
        stderr: p.logfile('stderr') ?? '',
      })),
    };
  }
}
