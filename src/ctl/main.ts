/**
 * supervisorctl's entry point (bin/supervisorctl.js calls `main`). It reads the command line and
 * [supervisorctl], then runs one action and exits with its status, or starts an interactive front end.
 * Only what the chosen path needs is imported: the transports by URL scheme, readline for the shell.
 * The actions and the config reader are imported dynamically and at the same time: for a one-shot
 * command, module loading is most of its run time. A transport loads only when an action connects
 * (help needs none).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
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

/** `~` and relative paths as Supervisor's normalize_path. */
function normalizePath(p: string): string {
  const expanded = p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
  return resolve(expanded);
}

/** Reads [supervisorctl] (when a config file is found) and lays the command line over it. */
async function settingsFor(cl: CtlCommandLine, config: Promise<typeof import('../config/ctl.js')>): Promise<CtlSettings> {
  const { loadCtlConfig } = await config;
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
    historyFile: cl.historyFile !== null ? normalizePath(cl.historyFile) : c.historyFile,
    interactive: cl.interactive,
    detachKey: c.detachKey ?? null,
  };
}

/** Runs supervisorctl with `argv` (without the program name); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  // The config reader loads while the options and actions do; neither needs the other.
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
  let settings: CtlSettings;
  try {
    settings = await settingsFor(cl, config);
  } catch (e) {
    // ConfigError: Supervisor's message (file and line where it has them), never a stack trace.
    return usageError(e instanceof Error ? e.message : String(e));
  }
  if (cl.args.length) return runOnce(settings, cl.args.join(' '));
  return runInteractive(settings);
}

/** One action, then exit with its status. */
async function runOnce(settings: CtlSettings, line: string): Promise<number> {
  const [{ Controller }, { TerminalIO }] = await Promise.all([import('./controller.js'), import('./terminal-io.js')]);
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
