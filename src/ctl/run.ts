/**
 * The text front ends, loaded by main.ts once the settings are known: a one-shot command
 * (`supervisorctl status`: one action, then its exit status) and the classic shell; and the one
 * Connector every front end (the console too) opens its client with. Everything a one-shot command
 * needs is imported here statically, so that it arrives in one import (one file and the chunks it
 * shares with the console, in the bundle); `-h` and usage errors never load it.
 */
import { connect } from '../client/index.js';
import type { Client, ClientOptions } from '../client/types.js';
import { Controller, type Connector, type CtlSettings } from './controller.js';
import { TerminalIO } from './terminal-io.js';

export { runShell } from './shell.js';

/** Opens a client through src/client (which picks the transport by URL). */
export const connectTransport: Connector = (url: string, opts: ClientOptions): Promise<Client> => connect(url, opts);

/** Runs `line` once against `settings.serverurl`; resolves to the exit status. */
export async function runOnce(settings: CtlSettings, line: string): Promise<number> {
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
