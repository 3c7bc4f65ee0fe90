import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtyScreen } from '../../../daemon/pty/screen.js';
import { renderScreen } from '../../integration/pty/render.js';

test('a snapshot replayed into a fresh terminal shows the same screen', async () => {
  const screen = new PtyScreen(40, 10);
  try {
    screen.feed(Buffer.from('first line\r\n\x1b[1;31mred\x1b[0m text\r\n'));
    screen.feed(Buffer.from('\x1b[5;10Hplaced'));
    const snap = await screen.snapshot();
    assert.equal(snap.cols, 40);
    assert.equal(snap.rows, 10);
    const lines = await renderScreen(snap.screen, 40, 10);
    assert.equal(lines[0], 'first line');
    assert.equal(lines[1], 'red text');
    assert.equal(lines[4], '         placed');
    assert.match(snap.screen, /\x1b\[[0-9;]*31[0-9;]*m/, 'colours are kept');
  } finally {
    screen.close();
  }
});

test('a resize applies between the chunks fed before and after it', async () => {
  const screen = new PtyScreen(20, 5);
  try {
    screen.feed(Buffer.from('0123456789012345678901234'));
    screen.resize(30, 6);
    screen.feed(Buffer.from('\r\n012345678901234567890123456789'));
    const snap = await screen.snapshot();
    assert.deepEqual([snap.cols, snap.rows], [30, 6]);
    const lines = await renderScreen(snap.screen, 30, 6);
    // The first chunk wrapped at 20 columns; the second fits the new 30.
    assert.equal(lines[0], '01234567890123456789');
    assert.equal(lines[2], '012345678901234567890123456789');
  } finally {
    screen.close();
  }
});

test('scrollback is bounded', async () => {
  const screen = new PtyScreen(20, 5, 50);
  try {
    for (let i = 0; i < 500; i++) screen.feed(Buffer.from(`line ${i}\r\n`));
    const snap = await screen.snapshot();
    assert.ok(!snap.screen.includes('line 100\r'), 'old lines are gone');
    assert.ok(snap.screen.includes('line 499'));
    assert.ok(snap.screen.split('\r\n').length <= 60);
  } finally {
    screen.close();
  }
});

test('a closed screen refuses snapshots instead of hanging', async () => {
  const screen = new PtyScreen(20, 5);
  screen.close();
  await assert.rejects(screen.snapshot(), /closed/);
});
