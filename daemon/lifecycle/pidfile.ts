/**
 * The pidfile (reference b.6): `<pid>\n`, written once the servers are open (and, when
 * daemonizing, by the daemon itself), removed at exit only if this process wrote it.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import type { Logger } from '../logs/logger.js';

/** A pidfile this process may have written. */
export class Pidfile {
  private written = false;

  constructor(readonly path: string) {}

  /** Write our pid; INFO `supervisord started with pid N`, or CRIT `could not write pidfile X`. */
  write(logger: Logger): void {
    try {
      writeFileSync(this.path, `${process.pid}\n`);
    } catch {
      logger.critical(`could not write pidfile ${this.path}`);
      return;
    }
    this.written = true;
    logger.info(`supervisord started with pid ${process.pid}`);
  }

  /** Remove the file if we wrote it (errors ignored, as Supervisor). */
  remove(): void {
    if (!this.written) return;
    this.written = false;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
