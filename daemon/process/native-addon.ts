/**
 * The native spawner addon (native/, built by scripts/build-native.js into
 * native/build/Release/supervisor_native.node): typed access, loaded once. When it is missing,
 * fails to load, cannot watch exits (no pidfd_open) or keep descriptors from children (no
 * close_range), or SUPERVISOR_TS_NATIVE=0 is set,
 * nativeAddon() is null and nativeAddonStatus() says why, and the daemon uses child_process.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the child is started with (all checked by the caller; the addon only validates types). */
export interface NativeSpawnOptions {
  /** The file to execve. */
  file: string;
  argv: string[];
  /** `NAME=value` strings. */
  envp: string[];
  cwd?: string | null;
  umask?: number | null;
  /** The descriptors that become the child's 0, 1 and 2 (the same one may appear twice). */
  stdio: [number, number, number];
  /**
   * user=: the child sets the supplementary groups of uid's user (primary gid first), then gid, then
   * uid, before its chdir, as Supervisor's child does. gid is required with uid.
   */
  uid?: number;
  gid?: number;
}

/**
 * An error thrown by spawn: `code` is the errno name (ENOENT, EACCES…), `step` the call that failed
 * (clone, getpwuid, setpgid, setgroups, setgid, setuid, chdir, dup2, close_range, exec, pidfd_open,
 * uv_poll).
 */
export interface NativeSpawnError extends Error {
  code: string;
  errno: number;
  step?: string;
}

/** The functions of supervisor_native.node. */
export interface Addon {
  /**
   * Start a child without forking Node (clone with CLONE_VM|CLONE_VFORK, then execve); its exit is
   * reported once through onExit (code or signal number, and whether a core was dumped), which keeps the event loop alive until then.
   */
  spawn(
    opts: NativeSpawnOptions,
    onExit: (code: number | null, signal: number | null, coreDumped: boolean) => void,
  ): { pid: number };
  /** pipe2(O_CLOEXEC): [readFd, writeFd]. */
  pipe(): [number, number];
  /** F_SETPIPE_SZ: returns the new capacity (rounded up by the kernel) or throws (EPERM over the limits). */
  setPipeSize(fd: number, bytes: number): number;
  /** true, or the errno name with which probing pidfd_open failed. */
  readonly pidfd: true | string;
  /** true, or the errno name with which probing close_range (Linux 5.9) failed. */
  readonly closeRange: true | string;
}

/** The addon file, relative to the package root. */
export const ADDON_RELATIVE_PATH = 'native/build/Release/supervisor_native.node';

/** The package root: the nearest directory above this module holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The absolute path the addon is loaded from. */
export function addonPath(): string {
  return join(packageRoot(), ADDON_RELATIVE_PATH);
}

let loaded: { addon: Addon | null; reason: string } | null = null;

function load(): { addon: Addon | null; reason: string } {
  if (process.env.SUPERVISOR_TS_NATIVE === '0') return { addon: null, reason: 'SUPERVISOR_TS_NATIVE=0' };
  const file = addonPath();
  if (!existsSync(file)) return { addon: null, reason: `${file} not built (run node scripts/build-native.js)` };
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch (err) {
    return { addon: null, reason: `${file} failed to load: ${(err as Error).message.split('\n')[0]}` };
  }
  if (addon.pidfd !== true) return { addon: null, reason: `pidfd_open unavailable (${addon.pidfd})` };
  if (addon.closeRange !== true) return { addon: null, reason: `close_range unavailable (${addon.closeRange})` };
  return { addon, reason: `loaded from ${file}` };
}

/** The addon, or null (see nativeAddonStatus for why). Loaded at the first call. */
export function nativeAddon(): Addon | null {
  loaded ??= load();
  return loaded.addon;
}

/** Whether the addon is in use and why (the path it came from, or the reason it is not). */
export function nativeAddonStatus(): { available: boolean; reason: string } {
  loaded ??= load();
  return { available: loaded.addon !== null, reason: loaded.reason };
}
