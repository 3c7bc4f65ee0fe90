/**
 * The help texts of every action, exactly as Supervisor 4.2.5 prints them (`help <action>`).
 * Each entry is the list of output lines.
 */
export const HELP: Record<string, readonly string[]> = {
  add: ['add <name> [...]\tActivates any updates in config for process/group'],
  avail: ['avail\t\t\tDisplay all configured processes'],
  clear: [
    "clear <name>\t\tClear a process' log files.",
    "clear <name> <name>\tClear multiple process' log files",
    "clear all\t\tClear all process' log files",
  ],
  exit: ['exit\tExit the supervisor shell.'],
  fg: ['fg <process>\tConnect to a process in foreground mode', '\t\tCtrl-C to exit'],
  help: ['help\t\tPrint a list of available actions', 'help <action>\tPrint help for <action>'],
  maintail: [
    'maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)',
    'maintail -100\tlast 100 *bytes* of supervisord main log file',
    'maintail\tlast 1600 *bytes* of supervisor main log file',
    '',
  ],
  open: ['open <url>\tConnect to a remote supervisord process.', '\t\t(for UNIX domain socket, use unix:///socket/path)'],
  pid: [
    'pid\t\t\tGet the PID of supervisord.',
    'pid <name>\t\tGet the PID of a single child process by name.',
    'pid all\t\t\tGet the PID of every child process, one per line.',
  ],
  quit: ['quit\tExit the supervisor shell.'],
  reload: ['reload \t\tRestart the remote supervisord.'],
  remove: ['remove <name> [...]\tRemoves process/group from active config'],
  reread: ["reread \t\t\tReload the daemon's configuration files without add/remove"],
  restart: [
    'restart <name>\t\tRestart a process',
    'restart <gname>:*\tRestart all processes in a group',
    'restart <name> <name>\tRestart multiple processes or groups',
    'restart all\t\tRestart all processes',
    'Note: restart does not reread config files. For that, see reread and update.',
  ],
  shutdown: ['shutdown \tShut the remote supervisord down.'],
  signal: [
    'signal <signal name> <name>\t\tSignal a process',
    'signal <signal name> <gname>:*\t\tSignal all processes in a group',
    'signal <signal name> <name> <name>\tSignal multiple processes or groups',
    'signal <signal name> all\t\tSignal all processes',
  ],
  start: [
    'start <name>\t\tStart a process',
    'start <gname>:*\t\tStart all processes in a group',
    'start <name> <name>\tStart multiple processes or groups',
    'start all\t\tStart all processes',
  ],
  status: [
    'status <name>\t\tGet status for a single process',
    'status <gname>:*\tGet status for all processes in a group',
    'status <name> <name>\tGet status for multiple named processes',
    'status\t\t\tGet all process status info',
  ],
  stop: [
    'stop <name>\t\tStop a process',
    'stop <gname>:*\t\tStop all processes in a group',
    'stop <name> <name>\tStop multiple processes or groups',
    'stop all\t\tStop all processes',
  ],
  tail: [
    'tail [-f] <name> [stdout|stderr] (default stdout)',
    'Ex:',
    'tail -f <name>\t\tContinuous tail of named process stdout',
    '\t\t\tCtrl-C to exit.',
    'tail -100 <name>\tlast 100 *bytes* of process stdout',
    'tail <name> stderr\tlast 1600 *bytes* of process stderr',
  ],
  update: [
    'update\t\t\tReload config and add/remove as necessary, and will restart affected programs',
    'update all\t\tReload config and add/remove as necessary, and will restart affected programs',
    'update <gname> [...]\tUpdate specific groups',
  ],
  version: ['version\t\t\tShow the version of the remote supervisord process'],
};
