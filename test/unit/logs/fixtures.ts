/** Shared helpers for the daemon/logs tests: temp dirs, configs, polling. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChannelLogConfig, ProcessConfig, SupervisordConfig } from '../../../src/config/types.js';
import { makeProcessConfig } from '../process/fixtures.js';

/** A fresh temp dir; remove it with `rmTemp`. */
export function mkTemp(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sv-logs-${tag}-`));
}

export function rmTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs `body` in a fresh temp dir, removed afterwards (also when `body` throws). */
export async function withTemp(tag: string, body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkTemp(tag);
  try {
    await body(dir);
  } finally {
    rmTemp(dir);
  }
}

/** Polls `cond` every 10 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function channelConfig(over: Partial<ChannelLogConfig> = {}): ChannelLogConfig {
  return {
    logfile: { kind: 'none' },
    maxbytes: 0,
    backups: 0,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
    ...over,
  };
}

export function processConfig(name: string, over: Partial<ProcessConfig> = {}): ProcessConfig {
  // Supervisor's defaults come from the engine's fixture; logs tests start with no files at all.
  return makeProcessConfig({
    name,
    command: '/bin/true',
    argv: ['/bin/true'],
    stdout: channelConfig(),
    stderr: channelConfig(),
    source: { file: '/test.conf', line: 1 },
    ...over,
  });
}

export function supervisordConfig(dir: string, over: Partial<SupervisordConfig> = {}): SupervisordConfig {
  return {
    logfile: path.join(dir, 'supervisord.log'),
    logfileMaxbytes: 50 * 1024 * 1024,
    logfileBackups: 10,
    loglevel: 'info',
    pidfile: path.join(dir, 'supervisord.pid'),
    umask: 0o22,
    nodaemon: false,
    silent: false,
    minfds: 1024,
    minprocs: 200,
    nocleanup: false,
    childlogdir: dir,
    user: null,
    uid: null,
    gid: null,
    directory: null,
    stripAnsi: false,
    environment: {},
    identifier: 'supervisor',
    ...over,
  };
}

/** The rotated set of `base` in write order: .N … .1, base. */
export function rotatedFiles(base: string): string[] {
  const dir = path.dirname(base);
  const name = path.basename(base);
  const nums = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(name + '.') && /^\d+$/.test(f.slice(name.length + 1)))
    .map((f) => Number(f.slice(name.length + 1)))
    .sort((a, b) => b - a);
  const out = nums.map((n) => `${base}.${n}`);
  if (fs.existsSync(base)) out.push(base);
  return out;
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function pseudoRandom(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}
