/**
 * The entry that bin/supervisorctl (the installed command) runs: ui/build.mjs bundles it into ONE
 * CommonJS file, dist/bundle/supervisorctl.cjs, which Node loads 10-15 ms sooner than the ESM
 * bundle's graph of modules and chunks (hyperfine, `status` of 100 programs: 90 against 104 ms). It
 * runs one-shot actions itself. What must share classes with the console and fg's attach,
 * which are ESM only (Ink), goes to the ESM bundle's `main` before anything else is done: no action
 * (the console or the classic shell) and `fg`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runEntry } from './entry.js';
import { main } from './main.js';
import { parseCtlArgs } from './options.js';
import { parseLine } from './parseline.js';

/** Whether this command line runs in the ESM modules (the console, the shell, fg) rather than here. */
function needsEsmModules(argv: readonly string[]): boolean {
  const parsed = parseCtlArgs(argv);
  // -h and usage errors are printed here.
  if (parsed.kind !== 'ok') return false;
  if (!parsed.options.args.length) return true;
  // The action line is the words joined and split as onecmd splits it: `fg x`, `'fg x'` and `fg:x`
  // are all fg.
  return parseLine(parsed.options.args.join(' ')).cmd === 'fg';
}

/**
 * The ESM `main` beside this file: dist/bundle/supervisorctl.js, or the compiled modules on a Node
 * without process.getBuiltinModule (before 20.16), which the ESM bundle takes built-ins from. This
 * module runs only as dist/bundle/supervisorctl.cjs, so both paths are relative to dist/bundle/.
 */
function esmMain(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = typeof process.getBuiltinModule === 'function';
  return pathToFileURL(bundled ? join(here, 'supervisorctl.js') : join(here, '..', 'src', 'ctl', 'main.js')).href;
}

runEntry(async (argv) => {
  if (!needsEsmModules(argv)) return main(argv);
  const esm = (await import(esmMain())) as { main: typeof main };
  return esm.main(argv);
});
