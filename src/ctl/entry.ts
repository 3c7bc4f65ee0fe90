/**
 * How a supervisorctl process runs `main` and ends: shared by bin/supervisorctl.js (the ESM entry) and
 * the one-shot CommonJS entry (./oneshot.ts, which bin/supervisorctl runs).
 */

/** The launcher's variables (bin/supervisorctl): the name it was run by, and the CA file it kept from Node. */
const ARGV0 = 'SUPERVISORCTL_ARGV0';
const SAVED_CA_CERTS = 'SUPERVISORCTL_NODE_EXTRA_CA_CERTS';

/**
 * Undo what bin/supervisorctl did to start Node quickly: the name it was run by becomes argv[1]
 * (Python's sys.argv[0], which Supervisor prints and searches the config relative to), and
 * NODE_EXTRA_CA_CERTS is back in the environment, unchanged. A no-op without the launcher.
 */
export function restoreLauncherEnv(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): void {
  const argv0 = env[ARGV0];
  if (argv0 !== undefined) {
    argv[1] = argv0;
    delete env[ARGV0];
  }
  const saved = env[SAVED_CA_CERTS];
  if (saved !== undefined) {
    env.NODE_EXTRA_CA_CERTS = saved;
    delete env[SAVED_CA_CERTS];
  }
}

/**
 * Exit as soon as what was written is out: nothing is left to do, and waiting for the event loop to
 * drain (closed sockets, zeromq's context) only delays the shell or script that ran us.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * Run `main` on this process's command line and exit with its status; an unexpected error is one
 * line on stderr and exit 2, never a stack trace.
 */
export function runEntry(main: (argv: string[]) => Promise<number | undefined>): void {
  restoreLauncherEnv();
  main(process.argv.slice(2)).then(
    (code) => exitWhenFlushed(typeof code === 'number' ? code : 0),
    (err: unknown) => {
      process.stderr.write(`Error: ${(err as Error | undefined)?.message ?? String(err)}\n`);
      exitWhenFlushed(2);
    },
  );
}
