/**
 * tail -f over ZeroMQ starts like Supervisor's /logtail: the last 1024 bytes of the file, then the live
 * chunks after them, with no byte twice and none missing. Checked against the real daemon: whatever a
 * follower received must be exactly the end of the file on disk, for followers started in the middle
 * of a burst, on a quiet log, and on the activity log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { waitFor, withZmqDaemon } from './fixtures.js';
import type { Client } from '../../../src/client/types.js';
import type { ProcessInfo } from '../../../src/api/process-info.js';
import { ExtMethods, type LogTail } from '../../../src/api/protocol.js';
import { Faults, RpcFault } from '../../../src/api/faults.js';

/** 50 numbered lines a millisecond until 40000, then `done`; the program stays up afterwards. */
const BURST = `let i=0;const t=setInterval(()=>{let s='';for(let k=0;k<50;k++)s+='n'+(++i)+'\\n';process.stdout.write(s);if(i>=40000){clearInterval(t);process.stdout.write('done\\n');setInterval(()=>{},1e6)}},1)`;

/** What one follower got: every chunk in order. */
class Follower {
  readonly chunks: Buffer[] = [];
  notices: string[] = [];
  stop: (() => void) | null = null;
  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

/** Waits until `f` holds exactly the end of `file`, else fails showing the difference. */
async function endsTheFile(f: Follower, file: string, what: string): Promise<void> {
  const ok = (): boolean => {
    const got = f.text();
    const disk = readFileSync(file).toString('latin1');
    return got.length > 0 && disk.endsWith(got);
  };
  try {
    await waitFor(ok, what, 15000);
  } catch {
    const got = f.text();
    const disk = readFileSync(file).toString('latin1');
    assert.equal(got, disk.slice(-got.length), `${what}: the follower's bytes are not the end of the file`);
  }
}

async function logfileOf(client: Client, name: string): Promise<string> {
  return ((await client.call('supervisor.getProcessInfo', [name])) as ProcessInfo).stdout_logfile;
}

test('followers started during a burst get the last 1024 bytes, then every later byte exactly once', async () => {
  await withZmqDaemon(
    `[program:burst]
command=${process.execPath} -e "${BURST}"
startsecs=0
autorestart=false
`,
    async (client) => {
      const file = await logfileOf(client, 'burst');
      const followers: Follower[] = [];
      // Start followers one after another while the burst runs (it lasts about a second or more).
      for (let i = 0; i < 4; i++) {
        await waitFor(() => existsSync(file) && readFileSync(file).length > 4096 * (i + 1), `burst output #${i}`);
        const f = new Follower();
        f.stop = await client.followLog({ name: 'burst', channel: 'stdout' }, (b) => f.chunks.push(b), (n) => f.notices.push(n));
        followers.push(f);
      }
      await waitFor(() => readFileSync(file, 'latin1').endsWith('done\n'), 'the end of the burst', 30000);
      for (const [i, f] of followers.entries()) {
        await endsTheFile(f, file, `follower #${i}`);
        assert.equal(f.chunks[0]!.length, 1024, `follower #${i} starts with 1024 bytes of tail`);
        assert.deepEqual(f.notices, []);
        // The lines after the tail's first (cut) line run on without a hole or a repeat.
        const lines = f.text().split('\n').slice(1, -2);
        const first = Number(lines[0]!.slice(1));
        lines.forEach((l, k) => assert.equal(l, `n${first + k}`));
        f.stop!();
      }
    },
  );
});

test('a quiet log: the tail is the end of the file as it is, then the new lines', async () => {
  await withZmqDaemon(
    `[program:quiet]
command=/bin/sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i+1)); echo "prefill line $i"; done; j=0; while true; do j=$((j+1)); echo "tick $j"; sleep 0.2; done'
startsecs=0
stderr_logfile=NONE
`,
    async (client) => {
      const file = await logfileOf(client, 'quiet');
      await waitFor(() => existsSync(file) && readFileSync(file, 'latin1').includes('tick 1\n'), 'the first tick');
      const f = new Follower();
      f.stop = await client.followLog({ name: 'quiet', channel: 'stdout' }, (b) => f.chunks.push(b));
      assert.equal(f.chunks[0]!.length, 1024);
      const ticksAtStart = (f.text().match(/tick \d+/g) ?? []).length;
      await waitFor(() => (f.text().match(/tick \d+/g) ?? []).length >= ticksAtStart + 3, 'three new ticks');
      await client.call('supervisor.stopProcess', ['quiet']);
      await endsTheFile(f, file, 'the quiet follower');
      f.stop();

      // The method itself: a missing file is NO_FILE, bad arguments are INCORRECT_PARAMETERS.
      const t = (await client.call(ExtMethods.tailLog, ['quiet', 'stdout', 10])) as LogTail;
      const disk = readFileSync(file);
      assert.deepEqual(Buffer.from(t.data, 'base64'), disk.subarray(disk.length - 10));
      assert.equal(t.offset, disk.length - 10);
      assert.equal(t.size, disk.length);
      await assert.rejects(client.call(ExtMethods.tailLog, ['quiet', 'stdin', 10]), (e: unknown) => e instanceof RpcFault && e.code === Faults.INCORRECT_PARAMETERS);
      await assert.rejects(client.call(ExtMethods.tailLog, ['nosuch', 'stdout', 10]), (e: unknown) => e instanceof RpcFault && e.code === Faults.BAD_NAME);
      await assert.rejects(client.call(ExtMethods.tailLog, ['quiet', 'stderr', 10]), (e: unknown) => e instanceof RpcFault && e.code === Faults.NO_FILE);
    },
  );
});

test('maintail -f: the end of the activity log, then its new lines', async () => {
  await withZmqDaemon(
    `[program:a]
command=/bin/sleep 1000
startsecs=0
`,
    async (client, d) => {
      const file = d.logPath;
      // The daemon answers before its first pass has started the program: wait for that, or the
      // first stop is (rightly) NOT_RUNNING.
      for (const end = Date.now() + 10_000; ; ) {
        const info = (await client.call('supervisor.getProcessInfo', ['a'])) as ProcessInfo;
        if (info.statename === 'RUNNING') break;
        if (Date.now() > end) throw new Error(`a is ${info.statename}, not RUNNING, after 10 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      // Make the activity log longer than one tail.
      while (readFileSync(file).length < 2048) {
        await client.call('supervisor.stopProcess', ['a']);
        await client.call('supervisor.startProcess', ['a']);
      }
      const f = new Follower();
      f.stop = await client.followLog('main', (b) => f.chunks.push(b));
      assert.equal(f.chunks[0]!.length, 1024);
      await client.call('supervisor.stopProcess', ['a']);
      await client.call('supervisor.startProcess', ['a']);
      await waitFor(() => f.text().slice(1024).includes("spawned: 'a'"), 'the new lines');
      await endsTheFile(f, file, 'the main log follower');
      f.stop();
    },
  );
});
