/**
 * When supervisord started, for the header's uptime. The API has no such call, so for a daemon on this
 * machine it is read from /proc (start time in clock ticks since boot, plus the boot time); for a remote
 * daemon it stays unknown.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of Linux's /proc/<pid>/stat times (USER_HZ, 100 on every common build). */
const USER_HZ = 100;

/** Local ms time at which process `pid` started, or null when it cannot be read. */
export function processStartTime(pid: number, proc = '/proc'): number | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[19]); // field 22, starttime
    const btime = /^btime (\d+)$/m.exec(readFileSync(`${proc}/stat`, 'utf8'));
    if (!btime || !Number.isFinite(ticks)) return null;
    return (Number(btime[1]) + ticks / USER_HZ) * 1000;
  } catch {
    return null;
  }
}

/** True when the server URL names this machine (a unix or ipc socket, or a loopback address). */
export function isLocalUrl(url: string): boolean {
  if (/^(unix|ipc):\/\//.test(url)) return true;
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(url);
  const host = m?.[1]?.replace(/^\[|\]$/g, '').toLowerCase() ?? '';
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The host to show in the header: this machine's name for local URLs, else the URL's host. */
export function hostOf(url: string, localName: string): string {
  if (isLocalUrl(url)) return localName;
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(url);
  return m?.[1] ?? url;
}
