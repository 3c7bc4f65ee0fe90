import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { EventBus } from '../../../daemon/events/bus.js';
import { MemoryLogger, LogLevels } from '../../../daemon/logs/logger.js';
import { createOutputChannel, createOutputChannelWith, decodeForLog } from '../../../daemon/logs/child-output.js';
import { stripAnsi } from '../../../daemon/logs/strip-ansi.js';
import { BoundBuffer, prefixAtEnd, BEGIN_TOKEN } from '../../../daemon/logs/capture.js';
import type { ChannelLogConfig } from '../../../src/config/types.js';
import type { ChildOutputExtras } from '../../../daemon/logs/child-output.js';
import { channelConfig, mkTemp, processConfig, rmTemp, rotatedFiles, supervisordConfig, waitFor } from './fixtures.js';

const B = '<!--XSUPERVISOR:BEGIN-->';
const E = '<!--XSUPERVISOR:END-->';

interface Rig {
  dir: string;
  file: string;
  ch: ReturnType<typeof createOutputChannel>;
  logger: MemoryLogger;
  /** process-log and communication events, in order, as [kind, text]. */
  events: [string, string][];
  outputs: { text: string; inFile: boolean; pid: number }[];
  fileText(): string;
}

function rig(
  chan: Partial<ChannelLogConfig>,
  opts: { stripAnsi?: boolean; level?: number; extras?: ChildOutputExtras; file?: boolean; watchOutput?: boolean } = {},
): Rig {
  const dir = mkTemp('chan');
  const file = path.join(dir, 'comm.log');
  const bus = new EventBus();
  const logger = new MemoryLogger(opts.level ?? LogLevels.debug);
  const events: [string, string][] = [];
  const outputs: Rig['outputs'] = [];
  bus.on('process-log', (e) => events.push([`log:${e.type}:${e.pid}`, e.data.toString()]));
  bus.on('communication', (e) => events.push([`comm:${e.type}:${e.pid}`, e.data.toString()]));
  if (opts.watchOutput !== false) {
    bus.on('output', (e) => {
      const t = e.data.toString();
      outputs.push({ text: t, inFile: fs.readFileSync(file, 'utf8').includes(t), pid: e.pid });
    });
  }
  const logfile = opts.file === false ? { kind: 'none' as const } : { kind: 'path' as const, path: file };
  const proc = processConfig('comm', { stdout: channelConfig({ logfile, ...chan }) });
  const ch = createOutputChannelWith(
    { process: proc, channel: 'stdout', supervisord: supervisordConfig(dir, { stripAnsi: !!opts.stripAnsi }), bus, logger },
    opts.extras ?? {},
  );
  return { dir, file, ch, logger, events, outputs, fileText: () => fs.readFileSync(file, 'utf8') };
}

async function done(r: Rig): Promise<void> {
  await r.ch.close();
  rmTemp(r.dir);
}

test('strip_ansi: Supervisor stripEscapes table (expected values from 4.2.5)', () => {
  const table: [string, string][] = [
    ['plain', 'plain'],
    ['\x1b[31mred\x1b[0m', 'red'],
    ['a\x1b[2Jb', 'ab'],
    ['\x1b[1;32;40mX', 'X'],
    ['cut \x1b[31', 'cut '],
    ['\x1b[', ''],
    ['x\x1b[?25lY\x1b[?25hZ', 'xYZ'],
    ['\x1b]0;title\x07t', '\x1b]0;title\x07t'],
    ['ab\x1b[10;20Hc', 'abc'],
    ['\x1b[5xyzm!', '!'],
    ['esc\x1bonly', 'esc\x1bonly'],
    ['[31m', '[31m'],
  ];
  for (const [input, want] of table) assert.equal(stripAnsi(Buffer.from(input)).toString(), want, JSON.stringify(input));
});

test('BoundIO semantics and token prefixes', () => {
  const b = new BoundBuffer(10);
  b.write(Buffer.from('A'.repeat(30)));
  assert.equal(b.getvalue().toString(), 'A'.repeat(30));
  b.write(Buffer.from('B'.repeat(25)));
  assert.equal(b.getvalue().toString(), 'AAAAA' + 'B'.repeat(25));
  const c = new BoundBuffer(10);
  c.write(Buffer.from('abcdef'));
  c.write(Buffer.from('ghij'));
  assert.equal(c.getvalue().toString(), 'abcdefghij');
  c.write(Buffer.from('kl'));
  assert.equal(c.getvalue().toString(), 'cdefghijkl');
  assert.equal(prefixAtEnd(Buffer.from('xx<!--XSUP'), BEGIN_TOKEN), 8);
  assert.equal(prefixAtEnd(Buffer.from('xx<'), BEGIN_TOKEN), 1);
  assert.equal(prefixAtEnd(Buffer.from('xx'), BEGIN_TOKEN), 0);
});

// chunks in -> file, events, held-back bytes. Expected values come from running Supervisor 4.2.5's
// POutputDispatcher on the same chunks.
const CAPTURE_TABLE: { name: string; cap: number; chunks: string[]; file: string; events: [string, string][]; held: string }[] = [
  {
    name: 'one chunk: text, capture, short tail held back',
    cap: 1000,
    chunks: [`hello\n${B}captured${E}tail\n`],
    file: 'hello\n',
    events: [['log', 'hello\n'], ['log', 'captured'], ['comm', 'captured']],
    held: 'tail\n',
  },
  {
    name: 'BEGIN split across chunks',
    cap: 1000,
    chunks: ['abc<!--XSUPER', `VISOR:BEGIN-->xyz${E}`],
    file: 'abc',
    events: [['log', 'abc'], ['log', 'xyz'], ['comm', 'xyz']],
    held: '',
  },
  {
    name: 'a partial BEGIN at the end of a long chunk is held for the next one',
    cap: 1000,
    chunks: ['0123456789012345678901234567890<!--XSUP', `ERVISOR:BEGIN-->in${E}after the end, long enough\n`],
    file: '0123456789012345678901234567890after the end, long enough\n',
    events: [['log', '0123456789012345678901234567890'], ['log', 'in'], ['comm', 'in'], ['log', 'after the end, long enough\n']],
    held: '',
  },
  {
    name: 'END split across chunks',
    cap: 1000,
    chunks: [`x${B}`, 'data that is long enough<!--XSUPERVISOR:E', 'ND-->rest of the output here\n'],
    file: 'x',
    events: [['log', 'x'], ['log', 'data that is long enough'], ['comm', 'data that is long enough']],
    held: 'rest of the output here\n',
  },
  { name: 'short output is held while capture is enabled', cap: 1000, chunks: ['hi\n'], file: '', events: [], held: 'hi\n' },
  {
    name: 'capture disabled: tokens are plain output',
    cap: 0,
    chunks: [`${B}x${E}`, 'hi\n'],
    file: `${B}x${E}hi\n`,
    events: [['log', `${B}x${E}`], ['log', 'hi\n']],
    held: '',
  },
  {
    name: 'a full capture buffer drops its front (BoundIO)',
    cap: 10,
    chunks: [`x${B}`, 'A'.repeat(30), 'B'.repeat(25), `${E}${'z'.repeat(30)}`],
    file: 'x' + 'z'.repeat(30),
    events: [['log', 'x'], ['log', 'A'.repeat(30)], ['log', 'B'.repeat(25)], ['comm', 'AAAAA' + 'B'.repeat(25)], ['log', 'z'.repeat(30)]],
    held: '',
  },
  {
    name: 'two captures in one chunk',
    cap: 1000,
    chunks: [`one${B}1${E}two${B}2${E}three and more text\n`],
    file: 'onetwo',
    events: [['log', 'one'], ['log', '1'], ['comm', '1'], ['log', 'two'], ['log', '2'], ['comm', '2']],
    held: 'three and more text\n',
  },
  {
    name: 'an empty capture, END arriving byte by byte',
    cap: 1000,
    chunks: [B, '<', '!--XSUPERVISOR:END-->and then plenty more output\n'],
    file: 'and then plenty more output\n',
    events: [['comm', ''], ['log', 'and then plenty more output\n']],
    held: '',
  },
];

test('capture mode table: bytes in -> file, PROCESS_LOG and PROCESS_COMMUNICATION events out', async () => {
  for (const c of CAPTURE_TABLE) {
    const r = rig({ captureMaxbytes: c.cap, eventsEnabled: true });
    try {
      for (const chunk of c.chunks) r.ch.write(Buffer.from(chunk), 42);
      await r.ch.close();
      assert.equal(r.fileText(), c.file, `${c.name}: file`);
      assert.deepEqual(
        r.events.map(([k, t]) => [k.split(':')[0], t]),
        c.events,
        `${c.name}: events`,
      );
      for (const [k] of r.events) assert.match(k, /^(log:PROCESS_LOG_STDOUT|comm:PROCESS_COMMUNICATION_STDOUT):42$/);
      const comms = c.events.filter(([k]) => k === 'comm').length;
      assert.equal(r.logger.messages().filter((m) => m === "'comm' stdout emitted a comm event").length, comms, c.name);
    } finally {
      rmTemp(r.dir);
    }
    // end() (EOF) writes what was held back: no byte is lost.
    const r2 = rig({ captureMaxbytes: c.cap });
    try {
      for (const chunk of c.chunks) r2.ch.write(Buffer.from(chunk), 1);
      r2.ch.end();
      await r2.ch.close();
      assert.equal(r2.fileText(), c.file + c.held, `${c.name}: after end()`);
    } finally {
      rmTemp(r2.dir);
    }
  }
});

test('end() drops an unterminated capture and the next run starts in normal mode', async () => {
  const r = rig({ captureMaxbytes: 100, eventsEnabled: false });
  try {
    r.ch.write(Buffer.from(`before${B}never finished, long enough`), 5);
    r.ch.end();
    r.ch.write(Buffer.from(`second run with enough bytes ${E}\n`), 6);
    r.ch.end();
    await r.ch.close();
    assert.equal(r.fileText(), `beforesecond run with enough bytes ${E}\n`);
    assert.deepEqual(r.events, []);
  } finally {
    rmTemp(r.dir);
  }
});

test('debug copy into the activity log, with Undecodable for invalid UTF-8; none above debug', async () => {
  const r = rig({});
  try {
    r.ch.write(Buffer.from('hello\n'), 1);
    r.ch.write(Buffer.from([0xff, 0x41, 0x27]), 1);
    assert.deepEqual(r.logger.messages(), ["'comm' stdout output:\nhello\n", "'comm' stdout output:\nUndecodable: b\"\\xffA'\""]);
    assert.equal(r.logger.lines[0].level, LogLevels.debug);
    assert.equal(decodeForLog(Buffer.from('\u00e9')), '\u00e9');
  } finally {
    await done(r);
  }
  const quiet = rig({}, { level: LogLevels.info });
  try {
    quiet.ch.write(Buffer.from('hello\n'), 1);
    assert.deepEqual(quiet.logger.lines, []);
  } finally {
    await done(quiet);
  }
});

test('strip_ansi applies to the file, the events and the debug copy', async () => {
  const r = rig({ eventsEnabled: true }, { stripAnsi: true });
  try {
    r.ch.write(Buffer.from('\x1b[31mred\x1b[0m text\n'), 3);
    await r.ch.close();
    assert.equal(r.fileText(), 'red text\n');
    assert.deepEqual(r.events, [['log:PROCESS_LOG_STDOUT:3', 'red text\n']]);
    assert.deepEqual(r.logger.messages(), ["'comm' stdout output:\nred text\n"]);
  } finally {
    rmTemp(r.dir);
  }
});

test('output events come after the bytes are in the file, carry the pid, and only when subscribed', async () => {
  const r = rig({});
  try {
    r.ch.write(Buffer.from('first line\n'), 10);
    r.ch.write(Buffer.from('second line\n'), 11);
    await waitFor(() => r.outputs.length === 2, 'two output events');
    assert.deepEqual(r.outputs, [
      { text: 'first line\n', inFile: true, pid: 10 },
      { text: 'second line\n', inFile: true, pid: 11 },
    ]);
    assert.deepEqual(r.events, [], 'no PROCESS_LOG without stdout_events_enabled');
  } finally {
    await done(r);
  }
});

test('NONE: no file (path null), events and output still flow', async () => {
  const dir = mkTemp('none');
  try {
    const bus = new EventBus();
    const got: string[] = [];
    bus.on('output', (e) => got.push(e.data.toString()));
    bus.on('process-log', (e) => got.push(`event:${e.data}`));
    const proc = processConfig('quiet', { stdout: channelConfig({ eventsEnabled: true }) });
    const ch = createOutputChannel({ process: proc, channel: 'stdout', supervisord: supervisordConfig(dir), bus, logger: new MemoryLogger(20) });
    assert.equal(ch.path, null);
    assert.equal(ch.write(Buffer.from('x\n'), 1), true);
    ch.reopen();
    ch.clear();
    await ch.close();
    assert.deepEqual(got, ['x\n', 'event:x\n']);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    rmTemp(dir);
  }
});

test('AUTO: the file is created in childlogdir when the channel is made, before any output', async () => {
  const dir = mkTemp('auto');
  try {
    const proc = processConfig('sleeper', { stderr: channelConfig({ logfile: { kind: 'auto' } }) });
    const ch = createOutputChannel({
      process: proc,
      channel: 'stderr',
      supervisord: supervisordConfig(dir, { identifier: 'myid' }),
      bus: new EventBus(),
      logger: new MemoryLogger(20),
    });
    assert.match(path.basename(ch.path!), /^sleeper-stderr---myid-[a-z0-9_]{8}\.log$/);
    assert.equal(fs.statSync(ch.path!).size, 0);
    ch.write(Buffer.from('oops\n'), 1);
    await ch.close();
    assert.equal(fs.readFileSync(ch.path!, 'utf8'), 'oops\n');
  } finally {
    rmTemp(dir);
  }
});

test('syslog: each line as "<procname> <line>" through the relay, beside the file', async () => {
  const r0 = mkTemp('syslog');
  const relay = path.join(r0, 'relay.txt');
  const r = rig({ syslog: true }, { extras: { syslogCommand: ['sh', '-c', `cat >> "${relay}"`] } });
  try {
    r.ch.write(Buffer.from('one\ntwo\n'), 1);
    r.ch.write(Buffer.from('three'), 1);
    await r.ch.close();
    await waitFor(() => fs.existsSync(relay) && fs.readFileSync(relay, 'utf8').split('\n').length === 4, 'relay output');
    assert.equal(fs.readFileSync(relay, 'utf8'), 'comm one\ncomm two\ncomm three\n');
    assert.equal(r.fileText(), 'one\ntwo\nthree');
  } finally {
    rmTemp(r.dir);
    rmTemp(r0);
  }
});

test('syslog: channels with the same relay command share one relay process, kept until the last one closes', async () => {
  const r0 = mkTemp('syslog-shared');
  const relay = path.join(r0, 'relay.txt');
  const pids = path.join(r0, 'pids.txt');
  const extras = { syslogCommand: ['sh', '-c', `echo $$ >> "${pids}"; exec cat >> "${relay}"`] };
  const a = rig({ syslog: true }, { file: false, watchOutput: false, extras });
  const b = rig({ syslog: true }, { file: false, watchOutput: false, extras });
  try {
    a.ch.write(Buffer.from('from a\n'), 1);
    b.ch.write(Buffer.from('from b\n'), 2);
    await a.ch.close();
    // The other channel still has the relay after the first one closed.
    b.ch.write(Buffer.from('b again\n'), 2);
    await b.ch.close();
    await waitFor(() => fs.existsSync(relay) && fs.readFileSync(relay, 'utf8').split('\n').length === 4, 'relay output');
    assert.equal(fs.readFileSync(relay, 'utf8'), 'comm from a\ncomm from b\ncomm b again\n');
    assert.equal(fs.readFileSync(pids, 'utf8').trim().split('\n').length, 1);
  } finally {
    rmTemp(a.dir);
    rmTemp(b.dir);
    rmTemp(r0);
  }
});

test('syslog with no relay program fails quietly', async () => {
  const r = rig({ syslog: true }, { file: false, watchOutput: false, extras: { syslogCommand: ['/nonexistent/logger'] } });
  try {
    assert.equal(r.ch.path, null);
    assert.equal(r.ch.write(Buffer.from('lost to nobody\n'), 1), true);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(r.ch.write(Buffer.from('again\n'), 1), true);
  } finally {
    await done(r);
  }
});

test('clear empties the file (and the capture buffer); reopen follows a rename', async () => {
  const r = rig({ captureMaxbytes: 100 });
  try {
    r.ch.write(Buffer.from(`visible text here${B}secret part, long enough`), 1);
    await waitFor(() => r.fileText() === 'visible text here', 'file content');
    r.ch.clear();
    assert.equal(r.fileText(), '');
    r.ch.write(Buffer.from(`${E}after the clear, long enough\n`), 1);
    await waitFor(() => r.fileText() === 'after the clear, long enough\n', 'post-clear content');
    // The capture was emptied by the clear: its END yields an empty communication.
    assert.deepEqual(r.events, [['comm:PROCESS_COMMUNICATION_STDOUT:1', '']]);
    fs.renameSync(r.file, `${r.file}.old`);
    r.ch.reopen();
    r.ch.write(Buffer.from('into the new file, long enough\n'), 1);
    await r.ch.close();
    assert.equal(fs.readFileSync(`${r.file}.old`, 'utf8'), 'after the clear, long enough\n');
    assert.equal(r.fileText(), 'into the new file, long enough\n');
  } finally {
    rmTemp(r.dir);
  }
});

test('backpressure: write returns false when behind, onDrain runs', async () => {
  const r = rig({}, { extras: { highWaterMark: 1000 } });
  try {
    let drains = 0;
    r.ch.onDrain(() => drains++);
    assert.equal(r.ch.write(Buffer.alloc(5000, 'x'), 1), false);
    await waitFor(() => drains === 1, 'drain');
    await r.ch.close();
    assert.equal(fs.statSync(r.file).size, 5000);
  } finally {
    rmTemp(r.dir);
  }
});

test('a real child writing 24 MB through one channel with many rotations arrives byte-exact', async () => {
  const r = rig({ maxbytes: 1024 * 1024, backups: 40 }, {
    level: LogLevels.info,
    watchOutput: false,
    extras: { highWaterMark: 256 * 1024 },
  });
  const total = 24 * 1024 * 1024;
  // The child writes deterministic pseudo-random bytes and prints their sha256 on stderr.
  const script = `
    const { createHash } = require('node:crypto');
    const h = createHash('sha256'); let x = 12345, left = ${total};
    function more() {
      while (left > 0) {
        const n = Math.min(left, 1 + (x % 200000)); const b = Buffer.allocUnsafe(n);
        for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0; b[i] = x & 255; }
        left -= n; h.update(b);
        if (!process.stdout.write(b)) return process.stdout.once('drain', more);
      }
      process.stderr.write(h.digest('hex'));
    }
    more();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let digest = '';
    child.stderr.on('data', (d) => (digest += d));
    r.ch.onDrain(() => child.stdout.resume());
    child.stdout.on('data', (chunk: Buffer) => {
      // Pause the pipe while the writer is behind, as the engine does.
      if (!r.ch.write(chunk, child.pid!)) child.stdout.pause();
    });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('end', () => resolve());
    });
    r.ch.end();
    await r.ch.close();
    await waitFor(() => digest.length === 64, 'child digest');
    const files = rotatedFiles(r.file);
    assert.ok(files.length >= 20, `rotations: ${files.length}`);
    const h = createHash('sha256');
    let size = 0;
    for (const f of files) {
      const b = fs.readFileSync(f);
      size += b.length;
      h.update(b);
    }
    assert.equal(size, total);
    assert.equal(h.digest('hex'), digest);
  } finally {
    child.kill();
    rmTemp(r.dir);
  }
});
