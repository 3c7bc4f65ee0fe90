#!/usr/bin/env node
// Builds the native spawner addon (native/ -> native/build/Release/supervisor_native.node) with
// node-gyp: the one on PATH (inside npm scripts), else npm's bundled copy, else $npm_config_node_gyp.
// Skipped when the built addon is newer than its sources. When the build fails it prints one line and
// exits 0, so the rest of the build goes on: the daemon then uses child_process (a test fails on CI,
// where the addon must be built and used).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Where the daemon loads the addon from (tsc runs before this script in `npm run build`).
import { ADDON_RELATIVE_PATH } from '../dist/daemon/process/native-addon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');

/** The node-gyp command to run: [executable, ...leading args], or null when none is found. */
function findNodeGyp() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'node-gyp'))) return [join(dir, 'node-gyp')];
  }
  const npmBundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(npmBundled)) return [process.execPath, npmBundled];
  const configured = process.env.npm_config_node_gyp;
  if (configured && existsSync(configured)) return configured.endsWith('.js') ? [process.execPath, configured] : [configured];
  return null;
}

const built = join(root, ADDON_RELATIVE_PATH);
const sources = [join(nativeDir, 'binding.gyp'), ...readdirSync(join(nativeDir, 'src')).map((f) => join(nativeDir, 'src', f))];
if (existsSync(built) && sources.every((f) => statSync(f).mtimeMs < statSync(built).mtimeMs)) process.exit(0);

/** The one line for a build that could not be made, and on with the rest of the build. */
function notBuilt(why) {
  console.error(`build-native: ${why}; the daemon will start programs with child_process`);
  process.exit(0);
}

const gyp = findNodeGyp();
if (!gyp) notBuilt('node-gyp not found (not on PATH, not bundled with npm, npm_config_node_gyp unset)');
/**
 * The headers of the running node, so that node-gyp never downloads them (there may be no network):
 * npm passes its nodedir setting as npm_config_nodedir; run directly, use node's own install prefix.
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

const [cmd, ...lead] = gyp;
const quiet = process.env.BUILD_NATIVE_VERBOSE !== '1';
const r = spawnSync(cmd, [...lead, 'rebuild', '-C', nativeDir, ...nodedirArgs(), ...(quiet ? ['--silent'] : [])], {
  cwd: root,
  stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit',
  encoding: 'utf8',
});
if (r.error || r.status !== 0 || !existsSync(built)) {
  const why = r.error ? r.error.message : `exit status ${r.status}`;
  const detail = (r.stderr ?? '').split('\n').find((l) => /error/i.test(l))?.trim();
  notBuilt(`node-gyp rebuild failed (${why})${detail ? `: ${detail}` : ''} (rerun with BUILD_NATIVE_VERBOSE=1)`);
}
