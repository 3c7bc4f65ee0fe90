/**
 * supervisorctl's entry point (bin/supervisorctl.js calls `main`). It reads the command line and
 * [supervisorctl], then runs one action and exits with its status, or starts an interactive front end.
 * Only what the chosen path needs is imported: the transports by URL scheme, readline for the shell.
 * The config reader loads while the options parse; for a one-shot command the actions load while
 * the config is read (module loading is most of its run time); `-h` and usage errors load neither the
 * actions nor a transport. A transport loads only when an action connects (help needs none).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client, ClientOptions } from '../client/types.js';
import type { Connector, CtlSettings } from './controller.js';
import type { CtlCommandLine } from './options.js';

/** Opens a client through src/client (loaded on first use; it loads only the transport the URL needs). */
export const connectTransport: Connector = async (url: string, opts: ClientOptions): Promise<Client> => {
  const { connect } = await import('../client/index.js');
  return connect(url, opts);
};

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
async function settingsFor(cl: CtlCommandLine, config: Promise<typeof import('../config/ctl.js')>): Promise<CtlSettings> {
  const { loadCtlConfig, normalizePath } = await config;
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
  // The config reader loads while the options do; neither needs the other.
  const config = import('../config/ctl.js');
  config.catch(() => {});
  const { parseCtlArgs, usageText } = await import('./options.js');
  const parsed = parseCtlArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(usageText(progname()));
    return 0;
  }
  if (parsed.kind === 'error') return usageError(parsed.message);
  const cl = parsed.options;
  // A one-shot command's actions load while the config is read.
  const once = cl.args.length ? loadOnce() : null;
  once?.catch(() => {});
  let settings: CtlSettings;
  try {
    settings = await settingsFor(cl, config);
  } catch (e) {
    // ConfigError: Supervisor's message (file and line where it has them), never a stack trace.
    return usageError(e instanceof Error ? e.message : String(e));
  }
  if (once) return runOnce(await once, settings, cl.args.join(' '));
  return runInteractive(settings);
}

/** What a one-shot command needs: the controller (with every action) and the terminal's CtlIO. */
function loadOnce(): Promise<[typeof import('./controller.js'), typeof import('./terminal-io.js')]> {
  return Promise.all([import('./controller.js'), import('./terminal-io.js')]);
}

/** One action, then exit with its status. */
async function runOnce(
  [{ Controller }, { TerminalIO }]: Awaited<ReturnType<typeof loadOnce>>,
  settings: CtlSettings,
  line: string,
): Promise<number> {
  const io = new TerminalIO();
  const ctl = new Controller(settings, io, connectTransport);
  try {
    await ctl.onecmd(line);
  } finally {
    io.close();
    await ctl.close();
  }
  return ctl.exitstatus;
}

/** What dist/ui/main.js (the full-screen console, a later issue) must export to be chosen. */
export interface ConsoleModule {
  runConsole(opts: { settings: CtlSettings; connect: Connector }): Promise<number>;
}

/** Where the console would be, next to this file in dist/. */
const CONSOLE_MODULE = new URL('../../ui/main.js', import.meta.url);

/**
 * THE place where an interactive session picks its front end. On a terminal, without -i, the
 * full-screen console runs when it is installed (loaded lazily so one-shot commands never pay for
 * React/Ink); otherwise, and whenever stdin is not a terminal, the classic `supervisor>` shell reads
 * the commands.
 */
async function runInteractive(settings: CtlSettings): Promise<number> {
  const onTerminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (onTerminal && !settings.interactive && existsSync(fileURLToPath(CONSOLE_MODULE))) {
    const ui = (await import(CONSOLE_MODULE.href)) as ConsoleModule;
    return ui.runConsole({ settings, connect: connectTransport });
  }
  const { runShell } = await import('./shell.js');
  return runShell(settings, connectTransport);
}
