/**
 * The supervisorctl controller: one session with one server. It runs command lines (`onecmd`), owns the
 * exit status, the (lazily connected) client and the upcheck, and prints through a CtlIO. The one-shot
 * command, the classic shell and the TUI's `:` line all drive a Controller.
 */
import { Faults, isFault } from '../api/faults.js';
import type { ProcessInfo } from '../api/process-info.js';
import { ClientError } from '../client/types.js';
import type { Client, ClientOptions } from '../client/types.js';
import { ACTIONS } from './actions/index.js';
import { genericErrorLine, PyError } from './errors.js';
import { ExitStatus } from './exit-codes.js';
import { HELP } from './help-texts.js';
import type { CtlIO } from './io.js';
import { parseLine } from './parseline.js';
import { CLIENT_SCHEMES, urlScheme } from './url.js';

/** What a session needs to know: the merged result of the command line and [supervisorctl]. */
export interface CtlSettings {
  serverurl: string;
  username: string | null;
  password: string | null;
  /** The prompt word; the shell prints `<prompt>> `. */
  prompt: string;
  historyFile: string | null;
  /** True in the shell and with -i: `shutdown` and `reload` ask for confirmation. */
  interactive: boolean;
  /** [supervisorctl] detach_key as written (fg and the console; SUPERVISORCTL_DETACH_KEY wins). */
  detachKey?: string | null;
}

/** Opens a Client for a URL (src/client/index.ts `connect` in production, a fake in tests). */
export type Connector = (url: string, opts: ClientOptions) => Promise<Client>;

/** The API version this supervisorctl speaks (`supervisor.getVersion`). */
export const API_VERSION = '3.0';


/** One supervisorctl session: runs command lines against one server and keeps the exit status. */
export class Controller {
  /** The status the command exits with; actions only ever overwrite it (never reset within a command). */
  exitstatus: number = ExitStatus.SUCCESS;
  private client: Promise<Client> | null = null;
  private completionInfo: Promise<ProcessInfo[]> | null = null;

  constructor(
    readonly settings: CtlSettings,
    readonly io: CtlIO,
    private readonly connector: Connector,
  ) {}

  /** The server URL as configured (what Supervisor prints in its connection messages). */
  get serverurl(): string {
    return this.settings.serverurl;
  }

  /** The client, connected on first use; a failed connect is retried on the next call. */
  getClient(): Promise<Client> {
    if (this.client) return this.client;
    const url = this.settings.serverurl;
    if (!CLIENT_SCHEMES.has(urlScheme(url))) {
      return Promise.reject(new PyError('ValueError', `Unknown protocol for serverurl ${url}`));
    }
    const p = this.connector(url, {
      username: this.settings.username,
      password: this.settings.password,
      // Long calls (start/stop with wait) answer when done, as with Supervisor's own client.
      timeoutMs: 0,
    });
    this.client = p;
    p.catch(() => {
      if (this.client === p) this.client = null;
    });
    return p;
  }

  /** Calls an API method (`supervisor.getPID`, …) and returns its result as `T`. */
  async rpc<T>(method: string, ...params: unknown[]): Promise<T> {
    const client = await this.getClient();
    return (await client.call(method, params)) as T;
  }

  /** Closes the current client (if any); the next call connects again. */
  async disconnect(): Promise<void> {
    const p = this.client;
    this.client = null;
    this.completionInfo = null;
    if (!p) return;
    try {
      await (await p).close();
    } catch {
      // A client that never connected has nothing to close.
    }
  }

  /** Switches to another server (`open`). */
  async setServerUrl(url: string): Promise<void> {
    await this.disconnect();
    this.settings.serverurl = url;
  }

  /** Ends the session. */
  close(): Promise<void> {
    return this.disconnect();
  }

  /** Prints an action's help text. */
  help(action: string): void {
    for (const line of HELP[action] ?? []) this.io.out(line);
  }

  /**
   * Supervisor's `set_exitstatus_from_xmlrpc_fault`: SUCCESS or the ignored code leave the status alone;
   * SPAWN_ERROR/ABNORMAL_TERMINATION/NOT_RUNNING give 7 (NOT_RUNNING); anything else 1.
   */
  setExitFromFault(code: number, ignored?: number): void {
    if (code === Faults.SUCCESS || code === ignored) return;
    if (code === Faults.SPAWN_ERROR || code === Faults.ABNORMAL_TERMINATION || code === Faults.NOT_RUNNING) {
      this.exitstatus = ExitStatus.NOT_RUNNING;
    } else {
      this.exitstatus = ExitStatus.GENERIC;
    }
  }

  /**
   * Checks that a supervisord with API 3.0 answers. Prints Supervisor's line and sets the exit status
   * when it does not; auth and other unexpected errors are thrown for onecmd to report.
   */
  async upcheck(): Promise<boolean> {
    const url = this.settings.serverurl;
    try {
      const api = await this.rpc<string>('supervisor.getVersion');
      if (api !== API_VERSION) {
        this.io.out(
          `Sorry, this version of supervisorctl expects to talk to a server with API version ${API_VERSION}, ` +
            `but the remote version is ${api}.`,
        );
        this.exitstatus = ExitStatus.NOT_INSTALLED;
        return false;
      }
    } catch (e) {
      if (isFault(e, Faults.UNKNOWN_METHOD)) {
        this.io.out(
          'Sorry, supervisord responded but did not recognize the supervisor namespace commands that ' +
            'supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is ' +
            'enabled in the configuration file (see sample.conf).',
        );
        this.exitstatus = ExitStatus.UNIMPLEMENTED_FEATURE;
        return false;
      }
      if (e instanceof ClientError && e.kind === 'refused') {
        this.io.out(`${url} refused connection`);
        this.exitstatus = ExitStatus.INSUFFICIENT_PRIVILEGES;
        return false;
      }
      if (e instanceof ClientError && e.kind === 'nofile') {
        this.io.out(`${url} no such file`);
        this.exitstatus = ExitStatus.NOT_RUNNING;
        return false;
      }
      // A server wanting credentials is onecmd's to handle (it may ask and retry).
      if (!(e instanceof ClientError && e.kind === 'auth')) this.exitstatus = ExitStatus.GENERIC;
      throw e;
    }
    return true;
  }

  /**
   * Runs one command line. Returns true when the session should end (quit, exit, EOF).
   * Unknown actions print `*** Unknown syntax: <line>`; errors print one line, never a stack trace.
   */
  async onecmd(rawLine: string): Promise<boolean> {
    return this.dispatch(rawLine, false);
  }

  private async dispatch(rawLine: string, retried: boolean): Promise<boolean> {
    const { cmd, arg, line } = parseLine(rawLine);
    if (!line) return false; // an empty line does nothing (it does not repeat the last command)
    const action = cmd ? ACTIONS.get(cmd) : undefined;
    if (!action) {
      this.io.out(`*** Unknown syntax: ${line}`);
      this.exitstatus = ExitStatus.GENERIC;
      return false;
    }
    try {
      return (await action.run(this, arg)) === true;
    } catch (e) {
      if (e instanceof ClientError && e.kind === 'auth') return this.authenticate(rawLine, retried);
      this.io.out(genericErrorLine(e, this.settings.serverurl));
      this.exitstatus = ExitStatus.GENERIC;
      return false;
    } finally {
      // Names offered by tab completion are fetched again after anything that may change them.
      if (action.changesNames) this.completionInfo = null;
    }
  }

  /**
   * The server wants credentials: in an interactive session (the shell, or -i) on a terminal ask
   * for them and run the command once more; otherwise (a one-shot command, even on a terminal, as
   * Supervisor's `options.interactive`; or when the retry fails too) report it and exit 1.
   * Supervisor non-interactively also sent the command a second time; we do not.
   */
  private async authenticate(line: string, retried: boolean): Promise<boolean> {
    this.io.out('Server requires authentication');
    if (retried || !this.io.canPrompt || !this.settings.interactive) {
      this.exitstatus = ExitStatus.GENERIC;
      return false;
    }
    const username = await this.io.ask('Username:');
    const password = username === null ? null : await this.io.ask('Password:', { echo: false });
    this.io.out('');
    if (username === null || password === null) {
      this.exitstatus = ExitStatus.GENERIC;
      return false;
    }
    await this.disconnect();
    this.settings.username = username;
    this.settings.password = password;
    return this.dispatch(line, true);
  }

  /** Process infos for tab completion, fetched once and kept until an action changes the groups. */
  completionInfos(): Promise<ProcessInfo[]> {
    if (!this.completionInfo) {
      const p = this.rpc<ProcessInfo[]>('supervisor.getAllProcessInfo');
      this.completionInfo = p;
      p.catch(() => {
        if (this.completionInfo === p) this.completionInfo = null;
      });
    }
    return this.completionInfo;
  }
}
