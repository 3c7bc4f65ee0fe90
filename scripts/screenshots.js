#!/usr/bin/env node
// `npm run screenshots` (after a build): pictures of the full-screen console for the README.
//
// Brings up a daemon on examples/demo.conf in a temp dir, opens the console in a private tmux at
// 120x40 and at 80x24, drives it to each main view and writes screenshots/<view>-<cols>x<rows>.png.
// The route is offline (tech-notes §3): tmux capture-pane -e → @xterm/headless (convertEol) →
// @xterm/addon-serialize serializeAsHTML → Debian chromium --headless --screenshot.
//
// Usage: node scripts/screenshots.js [--out DIR] [--only VIEW[,VIEW…]] [--sizes 120x40,80x24]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Fails with one clear line (no stack trace) and exit 2. */
function die(message) {
  process.stderr.write(`screenshots: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { out: join(root, 'screenshots'), only: null, sizes: [[120, 40], [80, 24]] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) die(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.out = value();
    else if (a === '--only') opts.only = value().split(',');
    else if (a === '--sizes') {
      opts.sizes = value().split(',').map((s) => {
        const m = /^(\d+)x(\d+)$/.exec(s);
        if (!m) die(`--sizes: '${s}' is not COLSxROWS (e.g. 120x40)`);
        return [Number(m[1]), Number(m[2])];
      });
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/screenshots.js [--out DIR] [--only VIEW,…] [--sizes 120x40,80x24]\n');
      process.exit(0);
    } else die(`unknown argument '${a}'`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Machine packages

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function fontInstalled() {
  return existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf');
}

/** Installs Debian's chromium and the DejaVu fonts when they are missing (like every machine package). */
function ensurePackages() {
  const need = [];
  if (!have('chromium')) need.push('chromium');
  if (!fontInstalled()) need.push('fonts-dejavu-core');
  if (!need.length) return;
  if (process.getuid?.() !== 0) die(`missing ${need.join(', ')}: run as root, or apt-get install ${need.join(' ')}`);
  process.stderr.write(`screenshots: installing ${need.join(', ')} with apt-get…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need], { stdio: ['ignore', 'ignore', 'inherit'], env });
  // A fresh machine may have no package lists yet: update once and retry.
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (install().status !== 0) die(`apt-get install ${need.join(' ')} failed`);
  }
}

// ---------------------------------------------------------------------------------------------
// ANSI screen → PNG

const FONT_PX = 14;
const LINE_PX = 17;
// DejaVu Sans Mono's advance width is 1233/2048 em.
const CELL_PX = (FONT_PX * 1233) / 2048;
const PAD_PX = 10;
const BACKGROUND = '#000000';

/**
 * Rebuilds the captured screen in a headless xterm and serializes it as HTML (colours, bold,
 * inverse); `ansi` is `capture-pane -p -e` output, rows separated by bare newlines.
 */
export async function screenToHtml(ansi, cols, rows) {
  const { default: xterm } = await import('@xterm/headless');
  const { default: serialize } = await import('@xterm/addon-serialize');
  const term = new xterm.Terminal({ cols, rows, convertEol: true, allowProposedApi: true, scrollback: 0 });
  const addon = new serialize.SerializeAddon();
  term.loadAddon(addon);
  // The last row's newline would scroll the screen up by one: drop it.
  const text = ansi.endsWith('\n') ? ansi.slice(0, -1) : ansi;
  await new Promise((resolve) => term.write(text, resolve));
  const html = addon.serializeAsHTML({ includeGlobalBackground: true });
  term.dispose();
  const css = `<style>
html, body { margin: 0; padding: 0; background: ${BACKGROUND}; }
body { padding: ${PAD_PX}px; }
pre { margin: 0; }
pre > div { font-family: 'DejaVu Sans Mono', monospace !important; font-size: ${FONT_PX}px !important;
  line-height: ${LINE_PX}px; font-variant-ligatures: none; }
pre > div > div { height: ${LINE_PX}px; white-space: pre; overflow: hidden; }
</style>`;
  return html.replace('<html>', `<html><head><meta charset="utf-8">${css}</head>`);
}

/** The window size (CSS pixels) that fits a cols×rows screen exactly. */
export function windowSize(cols, rows) {
  return [Math.ceil(cols * CELL_PX) + 2 * PAD_PX, rows * LINE_PX + 2 * PAD_PX];
}

/** Renders `html` to `outPng` with headless chromium, offline and with a throwaway profile. */
export function htmlToPng(html, width, height, outPng) {
  const work = mkdtempSync(join(tmpdir(), 'shot-'));
  try {
    const page = join(work, 'screen.html');
    writeFileSync(page, html);
    const r = spawnSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--force-device-scale-factor=1',
        `--window-size=${width},${height}`,
        `--screenshot=${outPng}`,
        // Offline: no update checks, no sync, no first-run work, nothing kept between runs.
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
        '--no-default-browser-check',
        `--user-data-dir=${join(work, 'profile')}`,
        pathToFileURL(page).href,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0 || !existsSync(outPng)) {
      throw new Error(`chromium failed (${r.status ?? r.signal}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One captured screen → one PNG. */
export async function screenToPng(ansi, cols, rows, outPng) {
  const [w, h] = windowSize(cols, rows);
  htmlToPng(await screenToHtml(ansi, cols, rows), w, h, outPng);
}

// ---------------------------------------------------------------------------------------------
// Driving the console

/** A free TCP port on 127.0.0.1 (bound, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * demo.conf made to run from a temp dir: its scripts from examples/demo, everything it writes in the
 * dir, and its web server on a free port (a demo someone runs on this machine must not make the
 * pictures show a crash loop).
 */
async function demoConfText() {
  const examples = join(root, 'examples');
  const text = readFileSync(join(examples, 'demo.conf'), 'utf8');
  const port = await freePort();
  // test/helpers/daemon.ts expects supervisord.log, .pid and supervisor.sock in the dir itself.
  return text
    .replace(/%\(here\)s\/run(?=\/|\s|$)/gm, '%(here)s')
    .replaceAll('%(here)s/demo/', `${examples}/demo/`)
    .replace(/(http\.server )\d+/g, `$1${port}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The table rows on a captured screen (from under the NAME heading to the first blank line). */
function tableRows(screen) {
  const lines = screen.split('\n');
  const heading = lines.findIndex((l) => /^\s*NAME\S*.*\bSTATE\b/.test(l));
  if (heading === -1) return [];
  const end = lines.findIndex((l, i) => i > heading && l.trim() === '');
  return lines.slice(heading + 1, end === -1 ? undefined : end);
}

/** Moves the selection to the row whose name is `name` (`g`, then `j` one key at a time). */
async function selectRow(t, name) {
  await t.send('g');
  const screen = await t.waitFor((s) => tableRows(s).some((r) => r.trim().split(/\s+/)[0] === name), 15_000, `a row ${name}`);
  const index = tableRows(screen).findIndex((r) => r.trim().split(/\s+/)[0] === name);
  for (let i = 0; i < index; i++) await t.send('j');
  await t.waitFor(new RegExp(`(LOG|SCREEN) (\\S+:)?${name}\\b`), 10_000, `the lower pane of ${name}`);
}

/**
 * The views: `show` drives a console that is on its table to the screen to picture (and waits until it
 * is worth taking); `leave` brings it back to the table for the next view.
 */
const VIEWS = [
  {
    name: 'table',
    async show(t) {
      await selectRow(t, 'colors');
      // A few coloured lines (INFO, WARN on stderr) in the log pane.
      await t.waitFor((s) => (s.match(/request \d+ served/g) ?? []).length >= 3 && /WARN/.test(s), 30_000, 'colour log lines');
    },
    async leave() {},
  },
  {
    name: 'attached',
    async show(t) {
      await selectRow(t, 'repl');
      await t.waitFor(/SCREEN (\S+:)?repl\s+live/, 10_000, 'the live screen of repl');
      await t.send('Enter');
      await t.waitFor((s) => />>>/.test(s) && !/NAME.*STATE/.test(s), 10_000, 'the attached python prompt');
      // The daemon kept the shell's screen from earlier visits: Ctrl-L (readline) clears it.
      await t.send('C-l');
      await t.waitFor((s) => s.trim() === '>>>', 10_000, 'a cleared python screen');
      // A little work in the interactive Python shell.
      for (const line of ['import sys, platform', 'print(platform.python_version(), sys.platform)', '[n * n for n in range(12)]']) {
        await t.type(line);
        await t.send('Enter');
      }
      await t.waitFor(/121\]/, 10_000, 'the list comprehension result');
    },
    async leave(t) {
      await t.send('C-]');
      await t.waitFor(/Detached from/, 10_000, 'the console after detaching');
      // Esc clears the message line, so the next pictures do not carry it.
      await t.send('Escape');
      await t.waitFor((s) => !/Detached from/.test(s), 10_000, 'the message line cleared');
    },
  },
  {
    name: 'preview',
    async show(t) {
      await selectRow(t, 'top');
      await t.waitFor(/SCREEN (\S+:)?top\s+live[\s\S]*\broot\b/, 15_000, 'the live screen of top');
    },
    async leave() {},
  },
  {
    name: 'help',
    async show(t) {
      await t.send('?');
      await t.waitFor(/HELP\s+any other key closes/, 10_000, 'the help screen');
    },
    async leave(t) {
      await t.send('Escape');
      await t.waitFor(/NAME\S*\s+STATE/, 10_000, 'the table again');
    },
  },
  {
    name: 'command',
    async show(t) {
      await t.send(':');
      await t.type('status');
      await t.send('Enter');
      await t.waitFor(/:status\s+done/, 15_000, 'the output of :status');
      // A second command, typed but not yet run, with the completion of its process name.
      await t.send(':');
      await t.type('restart back');
      await t.send('Tab');
      await sleep(300);
    },
    async leave(t) {
      await t.send('Escape', 'Escape');
    },
  },
];

async function main(argv) {
  const opts = parseArgs(argv);
  const tmuxHelper = join(dist, 'test', 'helpers', 'tmux.js');
  const daemonHelper = join(dist, 'test', 'helpers', 'daemon.js');
  if (!existsSync(tmuxHelper) || !existsSync(daemonHelper) || !existsSync(join(dist, 'ui', 'main.js'))) {
    die('the compiled code is missing: run `npm run build` first');
  }
  if (!have('tmux')) die('tmux is not installed (apt-get install tmux)');
  ensurePackages();
  const views = opts.only ? VIEWS.filter((v) => opts.only.includes(v.name)) : VIEWS;
  if (opts.only) for (const n of opts.only) if (!VIEWS.some((v) => v.name === n)) die(`--only: no view '${n}' (views: ${VIEWS.map((v) => v.name).join(', ')})`);
  mkdirSync(opts.out, { recursive: true });

  const { Tmux } = await import(pathToFileURL(tmuxHelper).href);
  const { startDaemon } = await import(pathToFileURL(daemonHelper).href);
  const daemon = await startDaemon(await demoConfText(), { timeoutMs: 30_000 });
  const written = [];
  try {
    // Let the demo settle: workers logging, flaky given up (FATAL), report done.
    await daemon.waitForLog(/gave up: flaky entered FATAL state/, 30_000).catch(() => {});
    for (const [cols, rows] of opts.sizes) {
      const t = await Tmux.start([process.execPath, join(root, 'bin', 'supervisorctl.js'), '-c', daemon.confPath], {
        cols,
        rows,
        cwd: daemon.dir,
      });
      try {
        await t.waitFor(/\blive\b/, 20_000, 'the console to connect');
        for (const view of views) {
          await view.show(t);
          const out = join(opts.out, `${view.name}-${cols}x${rows}.png`);
          await screenToPng(await t.capture(true), cols, rows, out);
          written.push(out);
          process.stderr.write(`screenshots: wrote ${out}\n`);
          await view.leave(t);
        }
      } finally {
        await t.kill();
      }
    }
  } finally {
    await daemon.stop().catch((e) => process.stderr.write(`screenshots: stopping the daemon: ${e.message}\n`));
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e) => die(e instanceof Error ? e.message : String(e)));
}
