/**
 * `supervisord` (bin/supervisord.js calls `main`): Supervisor's `supervisord.main` (reference b.2).
 * Each pass reads the command line and the configuration, drops privileges, raises the rlimits (first
 * pass), opens the activity log, cleans old AUTO logs, builds the groups, opens the transports,
 * daemonizes (first pass), writes the pidfile and runs the main loop. A restart (SIGHUP, `restart`)
 * loops back with the same pid; a shutdown returns 0 with no child left.
 */
import { dirname, join } from 'node:path';
import { ConfigError, type ServerConfig, type SupervisordConfig } from '../src/config/types.js';
import { loadConfig } from '../src/config/load.js';
import { dumpConfig } from '../src/config/dump.js';
import { ROOT_SEARCH_WARNING } from '../src/config/search.js';
import { pyRepr } from '../src/config/pyrepr.js';
import { EventBus } from './events/bus.js';
import { ActivityLog } from './logs/activity-log.js';
import { cleanupChildLogDir } from './logs/auto-names.js';
import { helpText, parseCommandLine, SUPERVISOR_VERSION, UsageError, type CommandLine } from './cli.js';
import { Supervisor, type RunOutcome } from './supervisor.js';
import { createMethodTable } from './rpc/index.js';
import { takeDaemonChannel, spawnDaemon, type DaemonChannel } from './daemonize.js';
import { commandChecker, realGroupFactory } from './lifecycle/engine-wiring.js';
import { setUidOrExit } from './lifecycle/privileges.js';
import { setRlimitsOrExit } from './lifecycle/rlimits.js';
import { Pidfile } from './lifecycle/pidfile.js';
import { SignalRouter } from './lifecycle/signals.js';
import { closeTransports, startTransports, TransportError } from './lifecycle/transports.js';
import { DaemonProfiler, saveProfile } from './lifecycle/profile.js';
import { closeInheritedFds } from './lifecycle/fds.js';
import { PtyHub } from './pty/hub.js';
import { registerPtyMethods } from './pty/methods.js';
import { startMetrics } from './metrics/index.js';
import type { MetricsSampler } from './metrics/sampler.js';

/** The command-line values that override `[supervisord]` (same names as SupervisordConfig). */
function overridesOf(cli: CommandLine): Partial<SupervisordConfig> {
  const o: Partial<SupervisordConfig> = {};
  const copy = <K extends keyof SupervisordConfig & keyof CommandLine>(k: K) => {
    if (cli[k] !== undefined) (o as Record<string, unknown>)[k] = cli[k];
  };
  for (const k of ['nodaemon', 'silent', 'user', 'umask', 'directory', 'logfile', 'logfileMaxbytes', 'logfileBackups',
    'loglevel', 'pidfile', 'identifier', 'childlogdir', 'minfds', 'minprocs', 'nocleanup', 'stripAnsi'] as const) {
    copy(k);
  }
  return o;
}

/** How one pass ended: the loop's outcome, or the exit status of a startup failure. */
type PassResult = RunOutcome | { exit: number };

/** How long supervisord may linger after the main loop ended before it exits anyway. */
export const EXIT_BACKSTOP_MS = 3000;

/** What tests may change about `main`. */
export interface MainOptions {
  /** Milliseconds before the exit backstop fires (default EXIT_BACKSTOP_MS). */
  exitBackstopMs?: number;
}

/** supervisord's state across restarts. */
class Daemon {
  private readonly signals = new SignalRouter();
  private first = true;
  /** The [supervisord] section of the last pass: where a line logged after the end goes. */
  private lastSettings: SupervisordConfig | null = null;

  constructor(
    private readonly argv0: string,
    private readonly channel: DaemonChannel | null,
  ) {}

  /** Supervisor's usage(): `Error: msg` + `For help, use argv0 -h` on stderr (and to a waiting parent), exit 2. */
  usage(message: string): { exit: number } {
    process.stderr.write(`Error: ${message}\nFor help, use ${this.argv0} -h\n`);
    this.channel?.fail(message);
    return { exit: 2 };
  }

  /** Run passes until a shutdown (0) or a startup error (2). `preloaded` is the first pass' config. */
  async run(cli: CommandLine, preloaded: ServerConfig | null): Promise<number> {
    try {
      for (let config = preloaded; ; config = null) {
        const result = await this.pass(cli, config);
        if (typeof result === 'object') return result.exit;
        if (result === 'shutdown') return 0;
        this.first = false;
      }
    } catch (err) {
      // Anything unexpected still ends as one line (and reaches a parent waiting for the daemon).
      return this.usage((err as Error)?.message ?? String(err)).exit;
    } finally {
      this.signals.uninstall();
    }
  }

  /** One pass of supervisord.main's loop (the command line is the same on every pass). */
  private async pass(cli: CommandLine, preloaded: ServerConfig | null): Promise<PassResult> {
    const config = preloaded ?? this.load(cli);
    if ('exit' in config) return config;
    this.lastSettings = config.supervisord;

    const uid = setUidOrExit(config.supervisord.uid);
    if ('error' in uid) return this.usage(uid.error);
    const infos = uid.info ? [uid.info] : [];
    if (this.first) {
      const limits = setRlimitsOrExit(config.supervisord.minfds, config.supervisord.minprocs);
      if ('error' in limits) return this.usage(limits.error);
      infos.push(...limits.infos);
    }

    const bus = new EventBus();
    const logger = ActivityLog.fromConfig(config.supervisord, bus);
    try {
      logger.open();
    } catch (err) {
      return this.usage((err as Error).message);
    }
    // Supervisor logs the parse criticals, then the warnings, then the infos.
    for (const m of config.messages) if (m.level === 'critical') logger.critical(m.text);
    if (uid.critical) logger.critical(uid.critical);
    for (const m of config.messages) if (m.level === 'warn') logger.warn(m.text);
    for (const m of config.messages) if (m.level === 'info') logger.info(m.text);
    for (const m of infos) logger.info(m);
    if (!config.supervisord.nocleanup) cleanupChildLogDir(config.supervisord.childlogdir, config.supervisord.identifier, logger);

    const profiler = cli.profileOptions ? await DaemonProfiler.start() : null;
    const pidfile = new Pidfile(config.supervisord.pidfile);
    let sup: Supervisor | null = null;
    let metrics: MetricsSampler | null = null;
    const ptys = new PtyHub();
    let transports: Awaited<ReturnType<typeof startTransports>> = [];
    try {
      sup = new Supervisor({
        config,
        groupFactory: realGroupFactory(ptys),
        logger,
        bus,
        mainLog: logger,
        checkCommand: commandChecker(config.supervisord.environment),
        reread: () => this.readConfig(cli),
      });
      try {
        sup.addInitialGroups();
      } catch (err) {
        return this.usage((err as Error).message);
      }
      const s = sup;
      const table = createMethodTable(s);
      registerPtyMethods(table, ptys, (name) => s.findProcess(name));
      metrics = startMetrics(table, s);
      try {
        transports = await startTransports(config, { table, bus, logger, logfile: (t) => s.logfile(t) }, logger);
      } catch (err) {
        if (err instanceof TransportError) return this.usage(err.message);
        throw err;
      }
      this.signals.install();
      this.signals.routeTo(s);
      if (this.first && this.channel) this.becomeDaemon(config.supervisord, logger);
      pidfile.write(logger);
      if (this.first) this.channel?.ready();
      // Nothing else may hold the event loop open while children are supervised: keep it alive here.
      const keepAlive = setInterval(() => {}, 1 << 30);
      try {
        return await s.run();
      } finally {
        clearInterval(keepAlive);
        this.signals.routeTo(null);
      }
    } finally {
      metrics?.close();
      await sup?.close();
      await closeTransports(transports);
      pidfile.remove();
      if (profiler) {
        const file = join(dirname(config.supervisord.pidfile), `supervisord.${process.pid}.cpuprofile`);
        process.stdout.write(saveProfile(await profiler.stop(), cli.profileOptions!, file));
      }
      logger.close();
    }
  }

  /** Read the configuration; throws ConfigError (reloadConfig turns it into CANT_REREAD). */
  readConfig(cli: CommandLine): ServerConfig {
    return loadConfig({ configFile: cli.configFile, argv0: this.argv0, overrides: overridesOf(cli) });
  }

  /** Read the configuration for a pass: the root warning when searching, a ConfigError as usage error. */
  load(cli: CommandLine): ServerConfig | { exit: number } {
    if (!cli.configFile && process.getuid?.() === 0) process.stderr.write(`UserWarning: ${ROOT_SEARCH_WARNING}\n`);
    try {
      return this.readConfig(cli);
    } catch (err) {
      if (err instanceof ConfigError) return this.usage(err.withLine());
      throw err;
    }
  }

  /**
   * Log one WARN line after the passes ended (their activity log is closed): the last pass' log is
   * opened again for it, or stderr when there is none or it cannot be opened.
   */
  warnAfterEnd(message: string): void {
    const settings = this.lastSettings;
    if (settings) {
      const log = ActivityLog.fromConfig(settings);
      try {
        log.open();
        log.warn(message);
        return;
      } catch {
        // Fall through to stderr: the line must not be lost with the process.
      } finally {
        log.close();
      }
    }
    process.stderr.write(`WARN ${message}\n`);
  }

  /** The daemon copy's part of `_daemonize`: chdir (directory=) and umask; setsid was done at spawn. */
  private becomeDaemon(cfg: SupervisordConfig, logger: ActivityLog): void {
    logger.info('daemonizing the supervisord process');
    if (cfg.directory) {
      try {
        process.chdir(cfg.directory);
        logger.info(`set current directory: ${pyRepr(cfg.directory)}`);
      } catch (err) {
        logger.critical(`can't chdir into ${pyRepr(cfg.directory)}: ${(err as Error).message}`);
      }
    }
    process.umask(cfg.umask);
  }
}

/**
 * Run supervisord with `argv` (without node and the script). Resolves with the exit status:
 * 0 after a shutdown, 2 for a usage or startup error (printed as `Error: ...`).
 */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const argv0 = process.argv[1] ?? 'supervisord';
  const channel = takeDaemonChannel();
  // Whatever started us may have left descriptors open; no program must inherit them.
  closeInheritedFds(channel ? [channel.fd] : []);
  const daemon = new Daemon(argv0, channel);
  let cli: CommandLine;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.action === 'help') {
      process.stdout.write(helpText(argv0) + '\n');
      return 0;
    }
    if (parsed.action === 'version') {
      process.stdout.write(`${SUPERVISOR_VERSION}\n`);
      return 0;
    }
    cli = parsed.options;
  } catch (err) {
    if (err instanceof UsageError) return daemon.usage(err.message).exit;
    throw err;
  }

  let config: ServerConfig | null = null;
  if (cli.checkConfig || cli.dumpConfig || (!channel && !cli.nodaemon)) {
    // Read the config here: to answer --check-config/--dump-config, or to know whether to daemonize.
    const loaded = daemon.load(cli);
    if ('exit' in loaded) return loaded.exit;
    config = loaded;
    if (cli.checkConfig) {
      process.stdout.write(`${config.configFile}: configuration OK\n`);
      return 0;
    }
    if (cli.dumpConfig) {
      process.stdout.write(dumpConfig(config));
      return 0;
    }
    if (!config.supervisord.nodaemon) {
      const report = await spawnDaemon(argv);
      return report.ok ? 0 : daemon.usage(report.message).exit;
    }
  }
  const status = await daemon.run(cli, config);
  armExitBackstop(status, (m) => daemon.warnAfterEnd(m), opts.exitBackstopMs ?? EXIT_BACKSTOP_MS);
  return status;
}

/**
 * Whatever may still hold the event loop open, supervisord has finished: exit with `status` after
 * `delayMs` at the latest. Nothing should be left open by then, so when the timer does fire it names
 * what was (process.getActiveResourcesInfo) through `warn`: a leaked handle must not go unnoticed.
 */
export function armExitBackstop(status: number, warn: (message: string) => void, delayMs: number): void {
  setTimeout(() => {
    warn(`still running ${delayMs} ms after the shutdown, exiting anyway; open: ${describeResources(process.getActiveResourcesInfo())}`);
    process.exit(status);
  }, delayMs).unref();
}

/** `Timeout x2, TCPServerWrap`: the kinds of open resources, each with its count when more than one. */
function describeResources(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (!counts.size) return 'nothing listed (a native handle?)';
  return [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
}
