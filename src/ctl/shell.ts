/**
 * The classic `supervisor> ` shell: it runs `status` first, then one command per line until quit, exit
 * or end of input (Ctrl-D, or the end of piped input). It always exits 0, as Supervisor's does.
 */
import { completeLine } from './completion.js';
import { Controller } from './controller.js';
import type { Connector, CtlSettings } from './controller.js';
import { loadHistory, saveHistory } from './history.js';
import { TerminalIO } from './terminal-io.js';
import type { TerminalIOOptions } from './terminal-io.js';

/** Streams for the shell (the process's own by default). */
export type ShellStreams = Pick<TerminalIOOptions, 'input' | 'output' | 'error'>;

/** Runs the shell against `settings.serverurl`; resolves to the exit status (always 0). */
export async function runShell(settings: CtlSettings, connector: Connector, streams: ShellStreams = {}): Promise<number> {
  let ctl: Controller | null = null;
  let finish = (): void => {};
  const io = new TerminalIO({
    ...streams,
    history: loadHistory(settings.historyFile),
    completer: (line) => (ctl ? completeLine(ctl, line) : Promise.resolve([[], line])),
    // Ctrl-C during a command that does not stream ends the shell, as in Supervisor.
    onUnhandledInterrupt: () => {
      io.out('');
      finish();
      process.exit(0);
    },
  });
  ctl = new Controller({ ...settings, interactive: true }, io, connector);
  finish = () => saveHistory(settings.historyFile, io.history());
  const prompt = `${settings.prompt}> `;
  try {
    let stop = await ctl.onecmd('status');
    while (!stop) {
      const line = await io.readCommand(prompt);
      // End of input is the EOF command: it prints an empty line and leaves.
      stop = await ctl.onecmd(line ?? 'EOF');
    }
  } finally {
    finish();
    io.close();
    await ctl.close();
  }
  return 0;
}
