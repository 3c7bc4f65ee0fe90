/**
 * The typed, validated configuration produced by `loadConfig` (src/config/load.ts) from a
 * `supervisord.conf`. Every default is Supervisor 4.2.5's (reference section a). Paths are absolute.
 * This is the contract between src/config and the daemon; `--dump-config` prints it as JSON.
 */

/** Where a value came from, for error messages (`file:line`). */
export interface SourcePos {
  file: string;
  /** 1-based line of the key (or section header); 0 when not known. */
  line: number;
}

/** A logfile setting: a path, AUTO (a generated file in childlogdir), or none. */
export type LogfileSetting = { kind: 'auto' } | { kind: 'none' } | { kind: 'path'; path: string };

/** The per-channel log options of a program (stdout_* or stderr_*). */
export interface ChannelLogConfig {
  logfile: LogfileSetting;
  /** 0 = never rotate. */
  maxbytes: number;
  backups: number;
  /** > 0 enables capture mode (PROCESS_COMMUNICATION events). */
  captureMaxbytes: number;
  eventsEnabled: boolean;
  syslog: boolean;
}

export type AutoRestart = 'false' | 'unexpected' | 'true';

/** One process of a program section (numprocs expands a section into several). */
export interface ProcessConfig {
  /** 'program' | 'eventlistener' | 'fcgi-program'. */
  kind: 'program' | 'eventlistener' | 'fcgi-program';
  /** The process name after `process_name` expansion. */
  name: string;
  /** The group it belongs to (the program name, or the [group:x] name). */
  group: string;
  /** The section's program name (`program:<this>`). */
  programName: string;
  processNum: number;
  /** The raw command after expansion (before shlex splitting). */
  command: string;
  /** The command split as Python's shlex does. */
  argv: string[];
  /**
   * Set when `command` cannot be split (e.g. an unclosed quote): Supervisor still loads the config
   * and fails at spawn time with this text (`can't parse command '...': No closing quotation`).
   */
  argvError?: string;
  priority: number;
  autostart: boolean;
  autorestart: AutoRestart;
  startsecs: number;
  startretries: number;
  exitcodes: number[];
  /** Signal name without SIG, e.g. 'TERM'. */
  stopsignal: string;
  stopwaitsecs: number;
  stopasgroup: boolean;
  killasgroup: boolean;
  /** The `user=` value as written, or null. */
  user: string | null;
  /** Resolved uid/gid of `user=`, or null. */
  uid: number | null;
  gid: number | null;
  redirectStderr: boolean;
  stdout: ChannelLogConfig;
  stderr: ChannelLogConfig;
  /** The program's own environment (merged over [supervisord] environment by the spawner). */
  environment: Record<string, string>;
  directory: string | null;
  /** Octal umask as a number, or null to inherit. */
  umask: number | null;
  /** SUPERVISOR_SERVER_URL value; null when none can be derived. */
  serverurl: string | null;
  /** Our extension: run under a pseudo-terminal. */
  pty: boolean;
  /** eventlistener only. */
  events?: string[];
  bufferSize?: number;
  resultHandler?: string;
  /** fcgi-program only. */
  socket?: string;
  socketBacklog?: number;
  socketOwner?: [number, number] | null;
  socketMode?: number;
  /** Where the section is, for messages. */
  source: SourcePos;
}

/** A process group: a program section (homogeneous) or a [group:x] (heterogeneous) or a listener pool. */
export interface GroupConfig {
  name: string;
  kind: 'program' | 'group' | 'eventlistener' | 'fcgi-program';
  priority: number;
  processes: ProcessConfig[];
}

export interface HttpServerConfig {
  /** The section name, e.g. 'unix_http_server' or 'inet_http_server'. */
  section: string;
  family: 'unix' | 'inet';
  /** unix: socket path. */
  file?: string;
  chmod?: number;
  chown?: [number, number];
  /** inet: host ('' = all interfaces) and port. */
  host?: string;
  port?: number;
  username: string | null;
  /** Plain text or `{SHA}<hex>`. */
  password: string | null;
}

/** Our [zmq_server] section (docs/config.md). */
export interface ZmqServerConfig {
  /** ROUTER endpoint for commands, e.g. ipc:///tmp/supervisor.sock.zmq */
  endpoint: string;
  /** PUB endpoint for events. */
  pubsubEndpoint: string;
  chmod: number;
  chown: [number, number] | null;
  username: string | null;
  password: string | null;
  /** CURVE: the server's secret and public key (z85), and allowed client public keys. */
  curveSecretKey: string | null;
  curvePublicKey: string | null;
  curveAllowedClients: string[];
  /** True when no [zmq_server] section was written and the defaults were derived. */
  derived: boolean;
}

export interface SupervisordConfig {
  /** Absolute path, or 'syslog'. */
  logfile: string;
  logfileMaxbytes: number;
  logfileBackups: number;
  /** critical/error/warn/info/debug/trace/blather */
  loglevel: string;
  pidfile: string;
  umask: number;
  nodaemon: boolean;
  silent: boolean;
  minfds: number;
  minprocs: number;
  nocleanup: boolean;
  childlogdir: string;
  user: string | null;
  uid: number | null;
  gid: number | null;
  directory: string | null;
  stripAnsi: boolean;
  environment: Record<string, string>;
  identifier: string;
}

export interface SupervisorctlConfig {
  serverurl: string;
  username: string | null;
  password: string | null;
  prompt: string;
  historyFile: string | null;
  /**
   * `detach_key` (our extension): the key that leaves an attached pty program, as written (`^]`,
   * `ctrl-a`); checked where it is used (ui/detach-key.ts). Absent or null: the default, Ctrl-].
   */
  detachKey?: string | null;
}

export interface RpcInterfaceConfig {
  name: string;
  factory: string;
  extra: Record<string, string>;
}

/** The whole configuration as supervisord sees it. */
export interface ServerConfig {
  /** The main config file, absolute. */
  configFile: string;
  /** Every file read (main first, then includes in order). */
  filesRead: string[];
  supervisord: SupervisordConfig;
  supervisorctl: SupervisorctlConfig | null;
  httpServers: HttpServerConfig[];
  zmq: ZmqServerConfig;
  rpcinterfaces: RpcInterfaceConfig[];
  /** Sorted by priority, then name (the order Supervisor adds them). */
  groups: GroupConfig[];
  /** Messages to log once the logger exists, as Supervisor's parse_criticals/warnings/infos. */
  messages: { level: 'critical' | 'warn' | 'info'; text: string }[];
}

/**
 * A configuration error. `message` is Supervisor's text (e.g. `invalid value for ... in section
 * 'program:x' (file: '/etc/supervisord.conf')`); `pos` adds the line when known.
 */
export class ConfigError extends Error {
  readonly pos: SourcePos | null;
  constructor(message: string, pos: SourcePos | null = null) {
    super(message);
    this.name = 'ConfigError';
    this.pos = pos;
  }

  /**
   * Supervisor's message with the line added where it is known, for people reading a terminal:
   * `... (file: '/etc/x.conf')` becomes `... (file: '/etc/x.conf', line 12)`, and a message that
   * names no file gets ` (/etc/x.conf:12)`. RPC faults (CANT_REREAD) keep Supervisor's exact text.
   */
  withLine(): string {
    const pos = this.pos;
    // Parser errors already say `[line  N]`, as Python's configparser does.
    if (!pos || pos.line <= 0 || /\[line +\d+\]/.test(this.message)) return this.message;
    const m = /\(file: ('[^']*'|"[^"]*")\)$/.exec(this.message);
    if (m) return `${this.message.slice(0, m.index)}(file: ${m[1]}, line ${pos.line})`;
    return `${this.message} (${pos.file}:${pos.line})`;
  }
}
