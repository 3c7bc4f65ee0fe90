#!/usr/bin/env node
// Entry point: everything lives in the compiled code under dist/.
import { setFlagsFromString } from 'node:v8';
// Keep V8's young generation at its initial size (two 1 MiB semi-spaces) instead of letting it grow to
// 2 x 16 MiB: the daemon's garbage is short-lived, so the bigger young generation only adds resident
// memory, and every fork() of a child copies the page tables of that memory (docs/benchmarks.md).
// Set before the daemon's modules load (hence the dynamic import), as the flag acts on later growth.
setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../dist/daemon/main.js');
main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write(`Error: ${err?.message ?? err}\n`); process.exitCode = 2; },
);
