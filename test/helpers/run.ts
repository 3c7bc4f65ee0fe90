/** One command run in a subprocess to its end: its exit status and everything it printed. */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd args` in `cwd` (default: the temp dir) with `env` (default: ours). With `input` stdin is a
 * pipe that gets it and then EOF; without, stdin is /dev/null.
 */
export function runToEnd(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {
      cwd: opts.cwd ?? tmpdir(),
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.once('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.input !== undefined) p.stdin!.end(opts.input);
  });
}
