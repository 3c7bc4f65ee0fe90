/**
 * The e2e tier's fixtures: a real daemon (test/helpers/daemon.ts) in a temp dir, the console
 * (`supervisorctl -c <conf>` with no action) in a private tmux, one-shot `supervisorctl` runs as
 * subprocesses, and a hard daemon crash followed by a restart in the same dir.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SUPERVISORD_BIN, descendants, isAlive, waitUntil, type DaemonHandle } from '../helpers/daemon.js';
import { Tmux, haveTmux } from '../helpers/tmux.js';

const run = promisify(execFile);

/** The installed command, bin/supervisorctl (the shell launcher; this file runs from dist/test/e2e). */
export const SUPERVISORCTL_CMD = fileURLToPath(new URL('../../../bin/supervisorctl', import.meta.url));
/** The scripts the launcher runs Node on (the one-shot bundle, or the .js without it): what the console process's command line names. */
export const SUPERVISORCTL_SCRIPTS = ['/dist/bundle/supervisorctl.cjs', fileURLToPath(new URL('../../../bin/supervisorctl.js', import.meta.url))];

/** The compiled console; without it supervisorctl would open the classic shell instead. */
export const CONSOLE_MODULE = fileURLToPath(new URL('../../ui/main.js', import.meta.url));

/** Why the e2e tier cannot run here, or false when it can (for node:test's `skip`). */
export function skipReason(): string | false {
  if (!haveTmux()) return 'tmux is not installed (apt-get install tmux); the e2e tier drives the console in tmux';
  return false;
}

/** Runs a one-shot `supervisorctl -c <conf> <args…>`; resolves with its status and output. */
export async function ctl(d: DaemonHandle, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(SUPERVISORCTL_CMD, ['-c', d.confPath, ...args], {
      cwd: d.dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The status word `supervisorctl status <name>` prints for a program (RUNNING, STOPPED, …). */
export async function ctlState(d: DaemonHandle, name: string): Promise<string> {
  const r = await ctl(d, 'status', name);
  const line = r.stdout.split('\n').find((l) => l.startsWith(name + ' '));
  return line?.trim().split(/\s+/)[1] ?? `(no status line: ${JSON.stringify(r.stdout + r.stderr)})`;
}

export interface ConsoleOptions {
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
}

/**
 * Opens the console on the daemon's conf in a private tmux. The pane's shell prints `EXITED=<n>` and
 * a `$ ` prompt after the console ends, so a test sees the terminal it left behind.
 */
export function openConsole(d: DaemonHandle, opts: ConsoleOptions = {}): Promise<Tmux> {
  if (!existsSync(CONSOLE_MODULE)) throw new Error(`the console is not built: ${CONSOLE_MODULE} is missing (run npm run build)`);
  return Tmux.start([SUPERVISORCTL_CMD, '-c', d.confPath], {
    cols: opts.cols ?? 120,
    rows: opts.rows ?? 40,
    cwd: d.dir,
    ...(opts.env && { env: opts.env }),
  });
}

/** The pid of the console process inside the pane (the Node the launcher execs). */
export async function consolePid(t: Tmux): Promise<number> {
  const pane = await t.panePid();
  return waitUntil(
    () =>
      descendants(pane).find((p) => {
        try {
          const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
          return SUPERVISORCTL_SCRIPTS.some((s) => cmdline.includes(s));
        } catch {
          return false;
        }
      }),
    5_000,
    'the console process in the pane',
  );
}

/**
 * Kills the daemon with SIGKILL (a dropped connection, no goodbye), then kills the programs it left
 * orphaned, so that a restart starts from nothing, as after a crash and a reboot of the service.
 */
export async function crashDaemon(d: DaemonHandle): Promise<void> {
  const programs = d.leftovers();
  d.signal('SIGKILL');
  await d.waitForExit(10_000);
  for (const p of [...programs, ...d.leftovers()]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitUntil(() => programs.every((p) => !isAlive(p)), 5_000, 'the orphaned programs to die');
}

/** Starts supervisord again on the same conf and dir (after crashDaemon) and waits until it answers. */
export async function restartDaemon(d: DaemonHandle): Promise<void> {
  const proc = spawn(process.execPath, [SUPERVISORD_BIN, '-n', '-c', d.confPath], { cwd: d.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // The handle follows the new process: forget the old one's status and output.
  d.exitCode = null;
  d.stderr = '';
  d.attach(proc);
  await waitUntil(
    async () => {
      if (d.exitCode !== null) throw new Error(`supervisord exited ${d.exitCode}: ${d.stderr.trim()}`);
      try {
        return ((await d.call('supervisor.getState')) as { statename: string }).statename === 'RUNNING';
      } catch {
        return false;
      }
    },
    15_000,
    'the restarted supervisord to answer',
  );
}

/**
 * A conf fragment every console test can use: a chatty pipe program, a quiet one that starts by hand,
 * and a pty shell. stopwaitsecs is short so that stops (and the final shutdown) never wait long.
 */
export const CONSOLE_CONF = `[program:ticker]
command=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick-$i"; sleep 0.2; done'
stopwaitsecs=2
stopasgroup=true

[program:idle]
command=/bin/sleep 100000
autostart=false
startsecs=0
stopwaitsecs=2

[program:shell]
command=/bin/sh -i
pty=true
startsecs=0
stopsignal=KILL
environment=PS1="e2e$ ",TERM="xterm-256color"
`;

/** The table row of process `name` on a captured screen (its first word is the name), or undefined. */
export function rowOf(screen: string, name: string): string | undefined {
  return screen.split('\n').find((l) => l.trim().split(/\s+/)[0] === name);
}

/** The STATE column of process `name` on a captured screen, or undefined when it has no row. */
export function stateOf(screen: string, name: string): string | undefined {
  return rowOf(screen, name)?.trim().split(/\s+/)[1];
}

/** Waits until the console shows process `name` in `state` (and is connected). */
export function waitForState(t: Tmux, name: string, state: string, timeoutMs = 10_000): Promise<string> {
  return t.waitFor((s) => stateOf(s, name) === state && /\blive\b/.test(s.split('\n')[0] ?? ''), timeoutMs, `${name} ${state} on the console`);
}

/** The process rows of the table on a captured screen: from under its heading to the first blank line. */
export function tableRows(screen: string): string[] {
  const lines = screen.split('\n');
  const heading = lines.findIndex((l) => /^\s*NAME\S*.*\bSTATE\b/.test(l));
  if (heading === -1) return [];
  const end = lines.findIndex((l, i) => i > heading && l.trim() === '');
  return lines.slice(heading + 1, end === -1 ? undefined : end);
}

/**
 * Narrows the table to `name` with the filter (`/`, the name, Enter), so that it is the selected row
 * whatever the sort order; resolves once the field is closed and `name` is the only row.
 */
export async function selectOnly(t: Tmux, name: string): Promise<void> {
  await t.send('/');
  await t.waitFor(/Filter: /, 5_000, 'the filter field');
  await t.type(name);
  await t.send('Enter');
  await t.waitFor(
    (s) => {
      const rows = tableRows(s);
      return !s.includes('Filter: ') && rows.length === 1 && rowOf(rows[0]!, name) !== undefined;
    },
    5_000,
    `the table filtered to ${name}`,
  );
}
