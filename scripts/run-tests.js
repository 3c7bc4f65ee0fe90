#!/usr/bin/env node
// Runs the compiled tests (dist/test/**/*.test.js) with Node's test runner and the spec reporter,
// so CI reads "ℹ pass N". Node 20 does not expand globs itself, hence this file list.
// Usage: node scripts/run-tests.js [tier...]   (tiers: unit integration e2e compat)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const testRoot = join(root, 'dist', 'test');
if (!existsSync(testRoot)) {
  console.error('Error: dist/test does not exist; run `npm run build` first');
  process.exit(2);
}
const tiers = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = walk(testRoot, []);
if (tiers.length) files = files.filter((f) => tiers.includes(relative(testRoot, f).split('/')[0]));
if (!files.length) {
  console.error(`Error: no test files found for ${tiers.join(', ') || 'any tier'}`);
  process.exit(2);
}
const args = [
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 180000}`,
  ...files,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
