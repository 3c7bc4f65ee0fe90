/**
 * The one supervisord.conf each scenario gives to both daemons. Only options of Supervisor 4.2.5 are
 * used, so Python reads exactly what ours reads; paths all live in the scenario's temp dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One [program:x] section: its name and its keys as written. */
export interface ProgramSection {
  name: string;
  keys: Record<string, string | number | boolean>;
}

/** Where a scenario's files are. */
export interface ConfPaths {
  dir: string;
  conf: string;
  /** The activity log. */
  log: string;
  /** The unix socket of [unix_http_server]; ours also binds ZeroMQ at `<sock>.zmq` next to it. */
  sock: string;
  childlogdir: string;
}

/** Names p001…pNNN, padded so that they sort the same way everywhere. */
export function programNames(count: number, prefix = 'p'): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/** `count` long sleepers that count as started at once (startsecs=0). */
export function sleepers(count: number, extra: Record<string, string | number | boolean> = {}): ProgramSection[] {
  return programNames(count).map((name) => ({
    name,
    keys: { command: 'sleep 100000', startsecs: 0, autostart: true, autorestart: false, ...extra },
  }));
}

/** Write `<dir>/supervisord.conf` for these programs and return the paths in it. */
export function writeConf(dir: string, programs: ProgramSection[], tag: string): ConfPaths {
  const p: ConfPaths = {
    dir,
    conf: join(dir, 'supervisord.conf'),
    log: join(dir, 'supervisord.log'),
    sock: join(dir, 'supervisor.sock'),
    childlogdir: join(dir, 'childlogs'),
  };
  mkdirSync(p.childlogdir, { recursive: true });
  const lines = [
    '[unix_http_server]',
    `file=${p.sock}`,
    '',
    '[supervisord]',
    `logfile=${p.log}`,
    'logfile_maxbytes=0',
    'loglevel=info',
    `pidfile=${join(dir, 'supervisord.pid')}`,
    `childlogdir=${p.childlogdir}`,
    // minfds stays at its default: Python's child closes fds 3..minfds-1 before exec, so raising it
    // costs Python seconds over 500 spawns. The fd limit itself is raised for both daemons alike
    // (daemon.ts) when the shell's is too low for 500 programs.
    // The tag is inherited anyway; writing it here makes sure programs keep it (cleanup finds them).
    `environment=SUPERVISOR_TS_BENCH_TAG="${tag}"`,
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    `serverurl=unix://${p.sock}`,
    '',
  ];
  for (const prog of programs) {
    lines.push(`[program:${prog.name}]`);
    for (const [k, v] of Object.entries(prog.keys)) lines.push(`${k}=${v}`);
    lines.push('');
  }
  writeFileSync(p.conf, lines.join('\n'));
  return p;
}
