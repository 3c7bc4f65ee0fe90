/**
 * A private tmux server running one command in a session of a given size, for end-to-end tests of
 * the full-screen console and for the screenshot script.
 *
 *   const t = await Tmux.start(['bin/supervisorctl', '-c', conf], { cols: 120, rows: 40 });
 *   try {
 *     await t.waitFor(/RUNNING/);
 *     await t.send('j');
 *     await t.resize(80, 24);
 *   } finally {
 *     await t.kill();   // always: kills the whole private server
 *   }
 *
 * Each instance has its own server socket (`tmux -L <unique> -f /dev/null`), so tests never see the
 * user's tmux or each other. The command runs under `env -u CI NODE_ENV=production`: Ink draws
 * nothing when CI is set (tech-notes §1), and CI sets it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when a tmux binary is on PATH (the e2e tier skips without one). */
export function haveTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Quotes one word for the shell tmux runs the session command with. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface TmuxOptions {
  cols?: number;
  rows?: number;
  /** Working directory of the command. */
  cwd?: string;
  /** Extra environment for the command (on top of NODE_ENV=production, with CI removed). */
  env?: Record<string, string>;
}

/** What `waitFor` matches against: a pattern or a predicate over the captured screen. */
export type ScreenCondition = RegExp | ((screen: string) => boolean);

/** One private tmux server with one session and one pane. */
export class Tmux {
  /** The session (and pane) name inside the private server. */
  readonly target = 'e2e';
  private alive = true;
  /** The server's socket file, removed by kill() (tmux leaves it behind). */
  private socketPath = '';

  private constructor(
    /** The `-L` socket name of the private server. */
    readonly socket: string,
    readonly cols: number,
    readonly rows: number,
  ) {}

  /**
   * Starts the server and the session running `argv` inside a shell wrapper that, after it ends,
   * prints `EXITED=<status>`, `TTY=icanon echo` (the terminal's flags as stty sees them) and a prompt
   * `$ `, and keeps the pane open, so a test sees the terminal the command left behind.
   */
  static async start(argv: string[], opts: TmuxOptions = {}): Promise<Tmux> {
    const cols = opts.cols ?? 120;
    const rows = opts.rows ?? 40;
    const t = new Tmux(`sv-e2e-${process.pid}-${randomBytes(4).toString('hex')}`, cols, rows);
    // Where tmux puts a -L socket (tmux(1): $TMUX_TMPDIR or /tmp, then tmux-<uid>).
    t.socketPath = join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, t.socket);
    const envWords = Object.entries({ NODE_ENV: 'production', ...opts.env }).map(([k, v]) => shellQuote(`${k}=${v}`));
    const cmd = ['env', '-u', 'CI', ...envWords, ...argv.map(shellQuote)].join(' ');
    // After the command: a marker with its status, TTY= with the line discipline's icanon/echo
    // flags (was the terminal handed back in cooked mode?) and a bare prompt, then wait forever
    // so the pane, and what the command left on it, stays to be captured.
    const after = `echo "EXITED=$?"; printf 'TTY=%s\\n' "$(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' ')"; printf '$ '; exec sleep 2147483647`;
    const wrapped = `${cmd}; ${after}`;
    try {
      await t.tmux(
        'new-session', '-d', '-s', t.target, '-x', String(cols), '-y', String(rows),
        ...(opts.cwd ? ['-c', opts.cwd] : []),
        wrapped,
      );
      // Keep the window at the size we set, whatever clients attach (none do), and keep the pane
      // after its command exits so a crash is still visible.
      await t.tmux('set-option', '-t', t.target, 'window-size', 'manual');
      await t.tmux('set-option', '-t', t.target, 'remain-on-exit', 'on');
    } catch (err) {
      await t.kill();
      throw err;
    }
    return t;
  }

  /** Runs one tmux command against the private server; resolves with its stdout. */
  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      maxBuffer: 16 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  }

  /**
   * The visible screen as text, one line per row. With `escapes`, SGR colour and attribute codes are
   * kept (capture-pane -e) and so are trailing spaces (-N: a coloured bar ends in spaces), which
   * the screenshot script turns into a picture.
   */
  async capture(escapes = false): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', this.target, ...(escapes ? ['-e', '-N'] : []));
  }

  /** Whether the pane currently shows the alternate screen (a full-screen program is drawing). */
  async alternateOn(): Promise<boolean> {
    return (await this.tmux('display-message', '-p', '-t', this.target, '#{alternate_on}')).trim() === '1';
  }

  /**
   * Terminal modes tmux tracks for the pane: the alternate screen, a visible cursor, application
   * cursor keys and mouse reporting. A program that exits cleanly leaves alt, keypad and mouse off.
   */
  async modes(): Promise<{ alternate: boolean; cursorVisible: boolean; keypadCursor: boolean; mouse: boolean }> {
    const out = await this.tmux('display-message', '-p', '-t', this.target, '#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{mouse_any_flag}');
    const [alternate, cursorVisible, keypadCursor, mouse] = out.trim().split(' ').map((f) => f === '1');
    return { alternate: alternate!, cursorVisible: cursorVisible!, keypadCursor: keypadCursor!, mouse: mouse! };
  }

  /** The pid of the pane's process: the shell wrapper around the command. */
  async panePid(): Promise<number> {
    return Number((await this.tmux('display-message', '-p', '-t', this.target, '#{pane_pid}')).trim());
  }

  /**
   * Polls the screen every 50 ms until `cond` holds; resolves with that screen. On timeout the error
   * shows the last screen, which is what one needs to see why.
   */
  async waitFor(cond: ScreenCondition, timeoutMs = 10_000, what?: string): Promise<string> {
    const test = typeof cond === 'function' ? cond : (s: string) => cond.test(s);
    const end = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await this.capture();
      if (test(screen)) return screen;
      if (Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const label = what ?? (typeof cond === 'function' ? 'a screen condition' : String(cond));
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}; the screen was:\n${screen}`);
  }

  /**
   * Sends keys with `send-keys`: each argument is one key in tmux's names (`Enter`, `C-]`, `Up`, `q`)
   * and goes in its own call, so the program reads them one at a time and in order (several keys in
   * one call arrive as one input string, tech-notes §1).
   */
  async send(...keys: string[]): Promise<void> {
    for (const k of keys) await this.tmux('send-keys', '-t', this.target, k);
  }

  /** Types `text` literally (one send-keys -l call: the program may read it as one chunk). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, '-l', text);
  }

  /** Resizes the window (the program gets SIGWINCH). */
  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.target, '-x', String(cols), '-y', String(rows));
  }

  /** Kills the private server and everything in it. Safe to call twice and after a failure. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.alive = false;
    try {
      await this.tmux('kill-server');
    } catch {
      // The server was already gone (its only session ended).
    }
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}
