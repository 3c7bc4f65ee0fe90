/**
 * The console's entry point, loaded lazily by src/ctl/main.ts on a terminal. It only picks the
 * implementation: the esbuild bundle (dist/ui/console.bundle.js, ~0.5 s faster to start because Ink's
 * hundreds of files load as one) when it was built, else the compiled modules.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connector, CtlSettings } from '../src/ctl/controller.js';

interface ConsoleImpl {
  runConsole(opts: { settings: CtlSettings; connect: Connector }): Promise<number>;
}

async function loadImpl(): Promise<ConsoleImpl> {
  const bundle = new URL('./console.bundle.js', import.meta.url);
  // Inside the bundle import.meta.url is the bundle itself: then the bundled code is used directly.
  const useBundle =
    bundle.href !== import.meta.url && process.env.SUPERVISORCTL_CONSOLE_UNBUNDLED !== '1' && existsSync(fileURLToPath(bundle));
  if (useBundle) return (await import(bundle.href)) as ConsoleImpl;
  return import('./console.js');
}

/** Runs the full-screen console (ConsoleModule in src/ctl/main.ts); resolves to the exit status. */
export async function runConsole(opts: { settings: CtlSettings; connect: Connector }): Promise<number> {
  // React and Ink run about twice as fast in production mode; set before they load.
  // (Through a variable: the bundler replaces the literal expression with a constant.)
  const env = process.env;
  env.NODE_ENV ??= 'production';
  const impl = await loadImpl();
  return impl.runConsole(opts);
}
