#!/usr/bin/env node
// Bundles supervisorctl and its console with esbuild, in ONE build, into dist/bundle/:
//   supervisorctl.js   the ctl (dist/src/ctl/main.js); bin/supervisorctl.js uses it when it exists
//   console.bundle.js  the console (dist/ui/main.js: Ink, React, @xterm/headless), loaded lazily
//   attach.js, detach-key.js   what `fg` loads for a pty program (dist/ui/attach.js, detach-key.js)
//   *-<hash>.js        chunks: code shared by several entries, and what each loads on demand
//   supervisorctl.cjs  the one-shot entry (dist/src/ctl/oneshot.js) as ONE CommonJS file, built
//                      separately: what bin/supervisorctl runs (Node loads it faster than ESM); it
//                      hands the console, the shell and fg to supervisorctl.js above
// A one-shot command then loads a few files instead of dozens (and the console one instead of Ink's
// hundreds). One build with code splitting keeps every module ONCE: RpcFault and ClientError are the
// same classes in the ctl, the console and attach, as instanceof needs. Run after tsc:
// `node ui/build.mjs` (part of `npm run build`). It also writes dist/bundle/manifest.json: for each
// output file, the project and package modules inside it (tests check what a command really loads).
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');

/** Output name (without .js) → the compiled module it bundles. */
const ENTRIES = {
  supervisorctl: join(dist, 'src/ctl/main.js'),
  'console.bundle': join(dist, 'ui/main.js'),
  attach: join(dist, 'ui/attach.js'),
  'detach-key': join(dist, 'ui/detach-key.js'),
};
const entryByInput = new Map(Object.entries(ENTRIES).map(([name, input]) => [input, name]));

for (const input of Object.values(ENTRIES)) {
  if (!existsSync(input)) {
    console.error(`Error: ${relative(root, input)} does not exist; run tsc first`);
    process.exit(2);
  }
}

/**
 * The project loads some of its own modules lazily by URL (`new URL('../../ui/main.js',
 * import.meta.url)`), which a bundler does not follow. Such a URL naming an entry above is pointed at
 * that entry's output (every output sits in dist/bundle/, so `./<name>.js` is right from any chunk).
 * A URL naming any other compiled module would load a second, unbundled copy of the project's
 * classes: that fails the build instead of failing at run time.
 */
const relocateModuleUrls = {
  name: 'relocate-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + sep) || args.path.startsWith(outdir + sep)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const errors = [];
      const contents = text.replace(/new URL\((['"])(\.\.?\/[^'"]+\.js)\1, import\.meta\.url\)/g, (whole, _q, rel) => {
        const target = resolve(dirname(args.path), rel);
        const name = entryByInput.get(target);
        if (name) return `new URL('./${name}.js', import.meta.url)`;
        errors.push({ text: `${whole} names ${relative(root, target)}, which is no entry of this bundle (add it to ENTRIES in ui/build.mjs)` });
        return whole;
      });
      return { contents, loader: 'js', resolveDir: dirname(args.path), errors };
    });
  },
};

/**
 * CommonJS packages inside the console (@xterm/headless, react) call require('events') and the like:
 * those built-ins come from process.getBuiltinModule() (a CommonJS-style module), so no chunk needs a
 * require() of its own (a createRequire() in every chunk cost each one-shot command its share). The
 * project's own `import 'node:x'` stay ESM imports: measured, that beats a module per built-in, each
 * a chunk of its own in the files a command loads.
 */
const BUILTINS = new Set(builtinModules);
const builtinsForRequire = {
  name: 'builtins-for-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
      if (!BUILTINS.has(name) && !args.path.startsWith('node:')) return undefined;
      if (args.kind !== 'require-call') return { path: `node:${name}`, external: true };
      return { path: name, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify('node:' + args.path)});`,
      loader: 'js',
    }));
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
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ in: input, out })),
  outdir,
  chunkNames: '[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // Linked maps, chained through tsc's own maps: stack traces (node --enable-source-maps) and debuggers
  // point at the .ts sources.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Native addons load from their packages (they find their .node files relative to themselves).
  external: ['zeromq', 'node-pty', '*.node'],
  plugins: [relocateModuleUrls, builtinsForRequire, stubDevtools],
  logLevel: 'warning',
  metafile: true,
});

/**
 * A lazy `await import('node:net')` would stay an import() in CommonJS, and the first one starts Node's
 * ESM loader, which this file exists to avoid: it becomes a require() in a module of its own.
 */
const dynamicBuiltinsAsRequire = {
  name: 'dynamic-builtins-as-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'required-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'required-builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};
const ONESHOT_INPUT = join(dist, 'src/ctl/oneshot.js');
if (!existsSync(ONESHOT_INPUT)) {
  console.error(`Error: ${relative(root, ONESHOT_INPUT)} does not exist; run tsc first`);
  process.exit(2);
}
/**
 * The one-shot entry as one CommonJS file. Its built-ins are plain require()s. `import.meta.url` (the
 * config search, zeromq's createRequire, the URLs relocated above) becomes this file's own URL at run
 * time, so every relative URL resolves in dist/bundle/ as it does for the ESM files.
 */
const oneshot = await build({
  absWorkingDir: root,
  entryPoints: [ONESHOT_INPUT],
  outfile: join(outdir, 'supervisorctl.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__supervisorctlFileUrl' },
  banner: { js: 'const __supervisorctlFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  external: ['zeromq', 'node-pty', '*.node'],
  plugins: [relocateModuleUrls, dynamicBuiltinsAsRequire],
  logLevel: 'warning',
  metafile: true,
});

// manifest.json: output file → the modules in it, as repository paths (`dist/src/ctl/main.js`,
// `node_modules/ink/build/index.js`) or `node:fs` for a built-in; for tests (what does a command really
// load?) and for reading what a chunk holds without its source map.
const moduleName = (input) =>
  input.startsWith('builtin:') ? `node:${input.slice(8)}` : input.startsWith('required-builtin:') ? input.slice(17) : input;
const manifest = {};
for (const [out, meta] of [...Object.entries(result.metafile.outputs), ...Object.entries(oneshot.metafile.outputs)]) {
  if (!out.endsWith('.js') && !out.endsWith('.cjs')) continue;
  manifest[relative(outdir, join(root, out))] = { bytes: meta.bytes, modules: Object.keys(meta.inputs).map(moduleName) };
}
writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

const files = Object.values(manifest);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const sizes = [...Object.keys(ENTRIES).map((name) => `${name}.js`), 'supervisorctl.cjs'].map((f) => `${f} ${kib(manifest[f].bytes)}`);
const total = files.reduce((n, m) => n + m.bytes, 0);
console.log(`${relative(root, outdir)}/: ${sizes.join(', ')}; ${files.length} files, ${kib(total)} in all; ${Date.now() - started} ms`);
