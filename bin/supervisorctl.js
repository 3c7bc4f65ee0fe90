#!/usr/bin/env node
// supervisorctl as an ES module, for `node bin/supervisorctl.js`; the installed command is
// bin/supervisorctl, which runs the one-shot CommonJS bundle (dist/bundle/supervisorctl.cjs) and
// gets here only without it. This runs the esbuild bundle (dist/bundle/supervisorctl.js, written by
// `node ui/build.mjs`) when it was built: it loads in a few files instead of dozens. Else the compiled
// modules (`tsc` alone), also on a Node without process.getBuiltinModule (before 20.16), which the
// bundle takes built-ins from. SUPERVISORCTL_UNBUNDLED=1 (or SUPERVISORCTL_CONSOLE_UNBUNDLED=1: the
// console cannot be unbundled under a bundled ctl, their classes must be the same) runs the compiled
// modules anyway. runEntry (src/ctl/entry.ts) first undoes what the launcher did, then runs main and
// exits with its status.
import { existsSync } from 'node:fs';

const env = process.env;
const bundle = new URL('../dist/bundle/supervisorctl.js', import.meta.url);
const bundled =
  env.SUPERVISORCTL_UNBUNDLED !== '1' &&
  env.SUPERVISORCTL_CONSOLE_UNBUNDLED !== '1' &&
  typeof process.getBuiltinModule === 'function' &&
  existsSync(bundle);
const { main, runEntry } = await import(bundled ? bundle.href : '../dist/src/ctl/main.js');
runEntry(main);
