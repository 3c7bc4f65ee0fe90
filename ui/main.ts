/**
 * The console's entry point, loaded lazily by src/ctl/main.ts on a terminal. It paints the first frame
 * and starts connecting at once (app/early-start.ts), then loads the implementation. Under the bundled
 * ctl (dist/bundle/, see ui/build.mjs) this module is itself bundled and the implementation comes from
 * the bundle's chunks; from the compiled modules (tsc only) it is dist/ui/console.js.
 */
import type { Connector, CtlSettings } from '../src/ctl/controller.js';
import { startEarly, type EarlyStart } from './app/early-start.js';

/** What runConsole is given; `early` is set once the first frame is painted. */
export interface ConsoleOptions {
  settings: CtlSettings;
  connect: Connector;
  early?: EarlyStart;
}

interface ConsoleImpl {
  runConsole(opts: ConsoleOptions): Promise<number>;
}

/**
 * Imports `href` with `fetch` hidden: yoga-layout (Ink's layout engine) decodes its WebAssembly with
 * fetch() when there is one, and merely asking for Node's fetch loads undici, ~70-100 ms of the start.
 * Without it yoga decodes the same bytes synchronously.
 */
async function importWithoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const g = globalThis as { fetch?: unknown };
  const own = Object.getOwnPropertyDescriptor(g, 'fetch');
  if (!own?.configurable) return load();
  Object.defineProperty(g, 'fetch', { value: undefined, configurable: true, writable: true, enumerable: false });
  try {
    return await load();
  } finally {
    Object.defineProperty(g, 'fetch', own);
  }
}

/** The console proper: a chunk of the bundle when the ctl runs from it, else the compiled modules. */
function loadImpl(): Promise<ConsoleImpl> {
  return importWithoutFetch(() => import('./console.js'));
}

/** Runs the full-screen console (ConsoleModule in src/ctl/main.ts); resolves to the exit status. */
export async function runConsole(opts: ConsoleOptions): Promise<number> {
  // React and Ink run about twice as fast in production mode; set before they load.
  // (Through a variable: the bundler replaces the literal expression with a constant.)
  const env = process.env;
  env.NODE_ENV ??= 'production';
  // Called again inside the bundle: the first frame is on screen already.
  const early = opts.early ?? startEarly(opts.settings, opts.connect);
  let impl: ConsoleImpl;
  try {
    impl = await loadImpl();
  } catch (e) {
    early.abandon();
    throw e;
  }
  return impl.runConsole({ ...opts, connect: early.connect, early });
}
