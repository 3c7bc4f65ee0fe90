#!/usr/bin/env node
// Entry point: everything lives in the compiled code under dist/.
import { main } from '../dist/src/config/echo.js';
main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write(`Error: ${err?.message ?? err}\n`); process.exitCode = 2; },
);
