/**
 * supervisorctl's main (bin/supervisorctl.js and the one-shot entry ./oneshot.ts run it through
 * runEntry). It reads the command line and [supervisorctl], then runs one action and exits with its
 * status, or starts an interactive front end.
 * The options and the config reader are imported statically (one file with this one in the bundle);
 * the controller, the actions and the transports (./run.js) load while the config is read; the console
 * and readline only when used. `-h` and usage errors load neither the actions nor a transport.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCtlConfig, normalizePath } from '../config/ctl.js';
import type { Connector, CtlSettings } from './controller.js';
import { parseCtlArgs, usageText, type CtlCommandLine } from './options.js';

export { runEntry } from './entry.js';

/** The program name in messages, as Python's sys.argv[0]. */
function progname(): string {
  return process.argv[1] ?? 'supervisorctl';
}

/** Supervisor's usage error: two lines on stderr, exit 2. */
function usageError(message: string): number {
  process.stderr.write(`Error: ${message}\nFor help, use ${progname()} -h\n`);
  return 2;
}

/** Reads [supervisorctl] (when a config file is found) and lays the command line over it. */
function settingsFor(cl: CtlCommandLine): CtlSettings {
  const loaded = loadCtlConfig({
    ...(cl.configFile !== null && { configFile: cl.configFile }),
    argv0: progname(),
  });
  for (const m of loaded.messages) process.stderr.write(m + '\n');
  const c = loaded.ctl;
  return {
    serverurl: cl.serverurl ?? c.serverurl,
    username: cl.username ?? c.username,
    password: cl.password ?? c.password,
    prompt: c.prompt,
    // -r works here (Supervisor 4.2.5 parses it and then ignores it).
    historyFile: cl.historyFile !== null ? normalizePath(cl.historyFile, process.cwd()) : c.historyFile,
    interactive: cl.interactive,
    detachKey: c.detachKey ?? null,
  };
}

/** Runs supervisorctl with `argv` (without the program name); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseCtlArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(usageText(progname()));
    return 0;
  }
  if (parsed.kind === 'error') return usageError(parsed.message);
  const cl = parsed.options;
  // The front ends load while the config is read.
  const run = import('./run.js');
  run.catch(() => {});
  let settings: CtlSettings;
  try {
    settings = settingsFor(cl);
  } catch (e) {
    // ConfigError: Supervisor's message (file and line where it has them), never a stack trace.
    return usageError(e instanceof Error ? e.message : String(e));
  }
  if (cl.args.length) return (await run).runOnce(settings, cl.args.join(' '));
  return runInteractive(settings, run);
}

/** What the full-screen console (dist/ui/main.js, or the bundle's console entry) must export. */
export interface ConsoleModule {
  runConsole(opts: { settings: CtlSettings; connect: Connector }): Promise<number>;
}

/**
 * Where the console is: dist/ui/main.js beside the compiled ctl. The bundle build (ui/build.mjs)
 * points this URL at its own console entry, so that the console shares the ctl's modules.
 */
const CONSOLE_MODULE = new URL('../../ui/main.js', import.meta.url);

/**
 * THE place where an interactive session picks its front end. On a terminal, without -i, the
 * full-screen console runs when it is installed (loaded lazily so one-shot commands never pay for
 * React/Ink); otherwise, and whenever stdin is not a terminal, the classic `supervisor>` shell reads
 * the commands.
 */
async function runInteractive(settings: CtlSettings, run: Promise<typeof import('./run.js')>): Promise<number> {
  const onTerminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (onTerminal && !settings.interactive && existsSync(fileURLToPath(CONSOLE_MODULE))) {
    // Both load at once: the console paints its first frame as soon as it is in.
    const ui = import(CONSOLE_MODULE.href) as Promise<ConsoleModule>;
    const { connectTransport } = await run;
    return (await ui).runConsole({ settings, connect: connectTransport });
  }
  const front = await run;
  return front.runShell(settings, front.connectTransport);
}
