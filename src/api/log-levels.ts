/**
 * Activity-log levels, Supervisor's names and numbers (`supervisor.loggers.LevelsByName`), shared by
 * the config reader (which validates `loglevel=`) and the daemon's logger.
 */
export const LogLevels = {
  critical: 50,
  error: 40,
  warn: 30,
  info: 20,
  debug: 10,
  trace: 5,
  blather: 3,
} as const;

export type LogLevelName = keyof typeof LogLevels;
