#!/usr/bin/env node
// Entry point (run by bin/supervisorctl, or as `node bin/supervisorctl.js`): the esbuild bundle (dist/bundle/supervisorctl.js, written by `node ui/build.mjs`) when it
// was built: it loads in a few files instead of dozens. Else the compiled modules (`tsc` alone), also
// on a Node without process.getBuiltinModule (before 20.16), which the bundle takes built-ins from.
// SUPERVISORCTL_UNBUNDLED=1 (or SUPERVISORCTL_CONSOLE_UNBUNDLED=1: the console cannot be unbundled
// under a bundled ctl, their classes must be the same) runs the compiled modules anyway.
import { existsSync } from 'node:fs';

const env = process.env;
// From bin/supervisorctl, the installed command: the name it was run by (Python's sys.argv[0], which
// Supervisor prints and searches the config relative to), and NODE_EXTRA_CA_CERTS, which it kept
// from Node's start (see there why). Both are put back before anything else reads them.
if (env.SUPERVISORCTL_ARGV0 !== undefined) {
  process.argv[1] = env.SUPERVISORCTL_ARGV0;
  delete env.SUPERVISORCTL_ARGV0;
}
if (env.SUPERVISORCTL_NODE_EXTRA_CA_CERTS !== undefined) {
  env.NODE_EXTRA_CA_CERTS = env.SUPERVISORCTL_NODE_EXTRA_CA_CERTS;
  delete env.SUPERVISORCTL_NODE_EXTRA_CA_CERTS;
}

const bundle = new URL('../dist/bundle/supervisorctl.js', import.meta.url);
const bundled =
  env.SUPERVISORCTL_UNBUNDLED !== '1' &&
  env.SUPERVISORCTL_CONSOLE_UNBUNDLED !== '1' &&
  typeof process.getBuiltinModule === 'function' &&
  existsSync(bundle);
const { main } = await import(bundled ? bundle.href : '../dist/src/ctl/main.js');

/**
 * Exit as soon as what was written is out: nothing is left to do, and waiting for the event loop to
 * drain (closed sockets, zeromq's context) only delays the shell or script that ran us.
 */
function exitWhenFlushed(code) {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(typeof code === 'number' ? code : 0),
  (err) => {
    process.stderr.write(`Error: ${err?.message ?? err}\n`);
    exitWhenFlushed(2);
  },
);
