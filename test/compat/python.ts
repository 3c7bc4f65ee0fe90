/**
 * Finding Debian's Python supervisor (the reference implementation) for the compat tests, and running
 * Python snippets with it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';

export const SUPERVISORD = '/usr/bin/supervisord';
export const SUPERVISORCTL = '/usr/bin/supervisorctl';
/** The interpreter Debian's supervisor runs on (its `supervisor` package is importable from it). */
export const PYTHON = '/usr/bin/python3';

/** A skip reason when Debian's supervisor is not installed, else false. */
export function skipWithoutSupervisor(): string | false {
  for (const f of [SUPERVISORD, SUPERVISORCTL, PYTHON]) {
    if (!fs.existsSync(f)) return `Debian's supervisor is not installed (${f} is missing): apt-get install supervisor`;
  }
  return false;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (killed after timeoutMs), never rejecting on a non-zero exit. */
export function run(file: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 30000, env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') {
          reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number((err as { code: number }).code) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Runs a Python snippet with Debian's interpreter; its stdout must be one JSON document. */
export async function python(script: string, args: string[] = []): Promise<unknown> {
  const r = await run(PYTHON, ['-c', script, ...args]);
  if (r.code !== 0) throw new Error(`python exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}
