#!/usr/bin/env node
// Builds the native spawner addon (native/ -> native/build/Release/supervisor_native.node) with
// node-gyp: the one on PATH (inside npm scripts), else npm's bundled copy, else $npm_config_node_gyp.
// Prints one line and exits nonzero when the build fails; the daemon then uses child_process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const BUNDLED = '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';

/** The node-gyp command to run: [executable, ...leading args], or null when none is found. */
function findNodeGyp() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'node-gyp'))) return [join(dir, 'node-gyp')];
  }
  const npmBundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  for (const script of [BUNDLED, npmBundled]) if (existsSync(script)) return [process.execPath, script];
  const configured = process.env.npm_config_node_gyp;
  if (configured && existsSync(configured)) return configured.endsWith('.js') ? [process.execPath, configured] : [configured];
  return null;
}

const gyp = findNodeGyp();
if (!gyp) {
  console.error('build-native: node-gyp not found (not on PATH, not bundled with npm, npm_config_node_gyp unset)');
  process.exit(1);
}
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
const built = join(nativeDir, 'build', 'Release', 'supervisor_native.node');
if (r.error || r.status !== 0 || !existsSync(built)) {
  const why = r.error ? r.error.message : `exit status ${r.status}`;
  const detail = (r.stderr ?? '').split('\n').find((l) => /error/i.test(l))?.trim();
  console.error(`build-native: node-gyp rebuild failed (${why})${detail ? `: ${detail}` : ''}; rerun with BUILD_NATIVE_VERBOSE=1`);
  process.exit(1);
}
