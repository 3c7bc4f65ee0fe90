import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, makeRow, markdownTable, textTable } from '../../../bench/lib/results.js';
import { median, quantile } from '../../../bench/lib/stats.js';

test('ratio-max goal: ours ÷ python at or under the bound passes, over it fails', () => {
  assert.equal(judge({ kind: 'ratio-max', x: 0.25 }, 1, 4), true);
  assert.equal(judge({ kind: 'ratio-max', x: 0.25 }, 1.01, 4), false);
});

test('ratio-max goal with python at 0 passes only for ours at 0 (no division by zero)', () => {
  assert.equal(judge({ kind: 'ratio-max', x: 1 }, 0, 0), true);
  assert.equal(judge({ kind: 'ratio-max', x: 1 }, 10, 0), false);
  assert.equal(makeRow('x', 'ms', 0, 0, { kind: 'ratio-max', x: 1 }).ratio, null);
});

test('ratio-min, abs-max and zero goals', () => {
  assert.equal(judge({ kind: 'ratio-min', x: 1.5 }, 300, 200), true);
  assert.equal(judge({ kind: 'ratio-min', x: 1.5 }, 299, 200), false);
  assert.equal(judge({ kind: 'abs-max', x: 50 }, 12, null), true);
  assert.equal(judge({ kind: 'abs-max', x: 50 }, 51, null), false);
  assert.equal(judge({ kind: 'zero' }, 0, 5), true);
  assert.equal(judge({ kind: 'zero' }, 1, 0), false);
});

test('a missing figure is never judged and its reason lands in the notes, not a number', () => {
  const r = makeRow('1. startup', 's', { missing: 'dist/daemon/main.js is not built' }, 9.1, { kind: 'ratio-max', x: 0.25 });
  assert.equal(r.ours, null);
  assert.equal(r.ratio, null);
  assert.equal(r.pass, null);
  assert.deepEqual(r.notes, ['ours: dist/daemon/main.js is not built']);
  assert.match(textTable([r]), /1\. startup\s+n\/a\s+9\.10 s\s+n\/a\s+≤ 0\.25×\s+n\/a/);
  assert.match(textTable([r]), /1\. startup: ours: dist\/daemon\/main\.js is not built/);
});

test('an empty reason adds no note (said on another row)', () => {
  assert.deepEqual(makeRow('5. p95', 'ms', 3, { missing: '' }, { kind: 'abs-max', x: 50 }).notes, []);
});

test('the markdown table has one row per figure and escapes pipes', () => {
  const md = markdownTable([makeRow('a|b', 'ms', 2, 4, { kind: 'ratio-max', x: 0.4 })]);
  const lines = md.split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '| a\\|b | 2.00 ms | 4.00 ms | 0.50× | ≤ 0.4× | FAIL |');
});

test('markdown notes escape the scenario number so that they stay plain bullets', () => {
  const md = markdownTable([makeRow('2. rss', 'MiB', 1, 1, { kind: 'none' }, ['measured from /proc'])]);
  assert.equal(md.split('\n').at(-1), '- 2\\. rss: measured from /proc');
});

test('median and quantile', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.95), 4.8);
  assert.throws(() => median([]), /no samples/);
});
