/**
 * The activity-log interface used across the daemon. Levels and their names are Supervisor's
 * (`supervisor.loggers.LevelsByName`); the implementation lives in logs/activity-log.ts.
 */
import { LogLevels, type LogLevelName } from '../../src/api/log-levels.js';

export { LogLevels, type LogLevelName };

/** The 4-letter tag printed in each line. */
export const LevelTags: Record<number, string> = {
  50: 'CRIT',
  40: 'ERRO',
  30: 'WARN',
  20: 'INFO',
  10: 'DEBG',
  5: 'TRAC',
  3: 'BLAT',
};

export interface Logger {
  /** The threshold; messages below it are dropped. */
  readonly level: number;
  critical(msg: string): void;
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  blather(msg: string): void;
  log(level: number, msg: string): void;
}

/** A logger that keeps lines in memory: for unit tests. */
export class MemoryLogger implements Logger {
  readonly lines: { level: number; msg: string }[] = [];
  constructor(readonly level: number = LogLevels.blather) {}
  log(level: number, msg: string): void {
    if (level >= this.level) this.lines.push({ level, msg });
  }
  critical(m: string) { this.log(50, m); }
  error(m: string) { this.log(40, m); }
  warn(m: string) { this.log(30, m); }
  info(m: string) { this.log(20, m); }
  debug(m: string) { this.log(10, m); }
  trace(m: string) { this.log(5, m); }
  blather(m: string) { this.log(3, m); }
  /** The messages at or above `level`, in order. */
  messages(level = 0): string[] {
    return this.lines.filter((l) => l.level >= level).map((l) => l.msg);
  }
}
