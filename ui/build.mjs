#!/usr/bin/env node
// Bundles the console (dist/ui/main.js and everything it loads: Ink, React, @xterm/headless) into
// dist/ui/console.bundle.js, so `supervisorctl` opens it in one file read instead of Ink's hundreds
// (about 0.5 s faster). Run after tsc: `node ui/build.mjs`. dist/ui/main.js picks the bundle up when
// it exists. The project's own src/ modules stay outside the bundle: the ctl has loaded them already,
// and their classes (RpcFault, ClientError) must be the same ones for instanceof checks.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/ui/main.js');
const outdir = join(root, 'dist/ui');
const outfile = join(outdir, 'console.bundle.js');
// Code only some sessions need (the pty screen emulator, @xterm/headless) goes to chunks loaded on
// first use, so a start parses a third less. Chunks sit beside the bundle (the imports of dist/src
// kept outside are relative to it), named console.bundle-*.js.
const chunkPrefix = 'console.bundle-';
const distSrc = join(root, 'dist/src') + sep;

if (!existsSync(entry)) {
  console.error(`Error: ${relative(root, entry)} does not exist; run tsc first`);
  process.exit(2);
}

/** Imports of dist/src/** stay imports, rewritten relative to the bundle. */
const keepProjectSrc = {
  name: 'keep-project-src',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const abs = resolve(args.resolveDir, args.path);
      if (!abs.startsWith(distSrc)) return undefined;
      return { path: './' + relative(dirname(outfile), abs).split(sep).join('/'), external: true };
    });
  },
};

/**
 * React's devtools hook (and Ink's module that connects to it, with its `ws` dependency) is only
 * imported in development: empty modules keep them out.
 */
const stubDevtools = {
  name: 'stub-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      args.importer.includes(`${sep}ink${sep}`) ? { path: 'ink-devtools', namespace: 'stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default {}; export const connectToDevTools = () => {};', loader: 'js' }));
  },
};

const started = Date.now();
for (const f of readdirSync(outdir)) if (f.startsWith(chunkPrefix) && f.endsWith('.js')) rmSync(join(outdir, f));
const result = await build({
  entryPoints: [entry],
  outdir,
  entryNames: 'console.bundle',
  chunkNames: `${chunkPrefix}[name]-[hash]`,
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Native modules are never part of the console itself.
  external: ['zeromq', 'node-pty'],
  // CommonJS packages inside (@xterm/headless, react) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [keepProjectSrc, stubDevtools],
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const entryBytes = result.metafile.outputs[relative(process.cwd(), outfile)]?.bytes ?? bytes;
console.log(
  `${relative(root, outfile)}: ${(entryBytes / 1024).toFixed(0)} KiB (+${((bytes - entryBytes) / 1024).toFixed(0)} KiB in ${chunkPrefix}*.js) in ${Date.now() - started} ms`,
);
