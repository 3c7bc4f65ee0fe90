/**
 * The console (`supervisorctl -c <conf>`) running in a pseudo-terminal this process owns, so that
 * timings are read from the console's own output as it arrives, not by polling a tmux pane. Every
 * chunk is timestamped on arrival and fed to a headless xterm, which rebuilds the screen the way a
 * real terminal would.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import xtermHeadless from '@xterm/headless';
import type { Terminal as XTerminal } from '@xterm/headless';
import * as nodePty from 'node-pty';

/** The installed command, bin/supervisorctl (the sh launcher of bin/supervisorctl.js; this file runs from dist/bench/ui-e2e). */
export const SUPERVISORCTL_BIN = fileURLToPath(new URL('../../../bin/supervisorctl', import.meta.url));

/** A screen condition, checked after every chunk. */
export type ScreenTest = (screen: string) => boolean;

interface Waiter {
  test: ScreenTest;
  resolve: (arrivedAt: number) => void;
}

/** One console process in a pty of our own. */
export class ConsolePty {
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  /** performance.now() of the first output byte (null before any). */
  firstByteAt: number | null = null;
  /** Bytes received so far. */
  bytes = 0;
  private readonly proc: nodePty.IPty;
  private readonly term: XTerminal;
  private waiters: Waiter[] = [];
  private rawWaiters: { test: (chunk: string) => boolean; resolve: (t: number) => void }[] = [];
  private exited = false;
  private readonly exitPromise: Promise<number>;

  /** Runs `supervisorctl -c confPath` in a cols×rows pty, in `cwd`, with `extraEnv` on top of ours. */
  constructor(confPath: string, cols: number, rows: number, cwd: string, extraEnv: Record<string, string> = {}) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
    // Ink draws nothing when CI is set (tech-notes §1); production React is what users run.
    env['NODE_ENV'] = 'production';
    env['TERM'] = 'xterm-256color';
    Object.assign(env, extraEnv);
    this.term = new xtermHeadless.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.spawnedAt = performance.now();
    this.proc = nodePty.spawn(SUPERVISORCTL_BIN, ['-c', confPath], { name: 'xterm-256color', cols, rows, cwd, env });
    this.proc.onData((data) => this.onData(data));
    this.exitPromise = new Promise((resolve) =>
      this.proc.onExit(({ exitCode }) => {
        this.exited = true;
        resolve(exitCode);
      }),
    );
  }

  /** The pid of the console process. */
  get pid(): number {
    return this.proc.pid;
  }

  private onData(data: string): void {
    const at = performance.now();
    this.firstByteAt ??= at;
    this.bytes += Buffer.byteLength(data);
    // Raw waiters see the bytes as they come (keystroke echo needs no screen).
    this.rawWaiters = this.rawWaiters.filter((w) => (w.test(data) ? (w.resolve(at), false) : true));
    // Screen waiters are judged once xterm has parsed this chunk; the time is its arrival.
    this.term.write(data, () => {
      if (!this.waiters.length) return;
      const screen = this.screen();
      this.waiters = this.waiters.filter((w) => (w.test(screen) ? (w.resolve(at), false) : true));
    });
  }

  /** The rebuilt screen as text, one line per row. */
  screen(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /**
   * Resolves with the arrival time (performance.now()) of the chunk after which `test` holds for the
   * screen; checks the current screen first. Rejects after `timeoutMs`, showing the screen.
   */
  waitScreen(test: ScreenTest, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      // Let pending writes land before judging the current screen.
      this.term.write('', () => {
        if (test(this.screen())) return resolve(performance.now());
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${this.screen()}`));
        }, timeoutMs);
        const waiter: Waiter = {
          test,
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
        };
        this.waiters.push(waiter);
      });
    });
  }

  /** Resolves with the arrival time of the next chunk for which `test` holds. */
  waitRaw(test: (chunk: string) => boolean, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rawWaiters = this.rawWaiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        test,
        resolve: (t: number) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      this.rawWaiters.push(waiter);
    });
  }

  /** Types into the console; returns performance.now() just before the write. */
  write(data: string): number {
    const t = performance.now();
    this.proc.write(data);
    return t;
  }

  /** Ends the console: SIGTERM, then SIGKILL if it lingers; always disposes the emulator. */
  async close(): Promise<void> {
    try {
      if (!this.exited) {
        this.proc.kill('SIGTERM');
        const gone = await Promise.race([this.exitPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
        if (!gone) this.proc.kill('SIGKILL');
        await this.exitPromise;
      }
    } finally {
      this.term.dispose();
    }
  }
}
