/**
 * Helpers for the config tests: temp directories that are always removed, and loading a conf
 * text with a fixed environment so messages that list ENV_* names are stable.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { loadConfig, type LoadOptions } from '../../../src/config/load.js';
import { ConfigError, type ServerConfig } from '../../../src/config/types.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test file ends. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cfgtest-'));
  dirs.push(d);
  return d;
}

/** Write `files` (relative path → text) under a new temp dir; returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const d = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, rel)), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

/** The fixed environment used by `load` (so Available names lists are stable). */
export const TEST_ENV = { HOME: '/root' };

/** Load `text` as supervisord.conf in a temp dir (cwd = that dir). */
export function load(text: string, opts: LoadOptions = {}): { cfg: ServerConfig; file: string; dir: string } {
  const dir = writeTree({ 'supervisord.conf': text });
  const file = join(dir, 'supervisord.conf');
  const cfg = loadConfig({ configFile: file, cwd: dir, env: TEST_ENV, ...opts });
  return { cfg, file, dir };
}

/** Load `text` and return the ConfigError (message with the file path replaced by FILE). */
export function loadError(text: string, opts: LoadOptions = {}): { message: string; line: number | null } {
  const dir = writeTree({ 'supervisord.conf': text });
  const file = join(dir, 'supervisord.conf');
  try {
    loadConfig({ configFile: file, cwd: dir, env: TEST_ENV, ...opts });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { message: e.message.split(file).join('FILE'), line: e.pos?.line ?? null };
  }
  throw new Error('expected a ConfigError');
}
