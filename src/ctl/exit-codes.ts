/** supervisorctl's exit statuses (Supervisor's LSBInitExitStatuses / LSBStatusExitStatuses, reference c.1). */

export const ExitStatus = {
  SUCCESS: 0,
  GENERIC: 1,
  INVALID_ARGS: 2,
  UNIMPLEMENTED_FEATURE: 3,
  INSUFFICIENT_PRIVILEGES: 4,
  NOT_INSTALLED: 5,
  NOT_RUNNING: 7,
} as const;

/** Exit statuses of `status` only. */
export const StatusExitStatus = {
  /** Some shown process is STOPPED, EXITED, FATAL or UNKNOWN. */
  NOT_RUNNING: 3,
  /** A bad name, or the server could not be checked. */
  UNKNOWN: 4,
} as const;
