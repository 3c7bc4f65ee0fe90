/**
 * Results: one row per figure, ours beside Python's, the ratio ours ÷ Python, the goal and
 * whether it is met. A figure that could not be measured carries the reason instead of a number.
 */

/** A measured number, or why there is none. */
export type Value = number | { missing: string };

/** The goal of a row. */
export type Goal =
  /** ours ÷ python ≤ x (smaller is better). */
  | { kind: 'ratio-max'; x: number }
  /** ours ÷ python ≥ x (bigger is better). */
  | { kind: 'ratio-min'; x: number }
  /** ours ≤ x in the row's unit. */
  | { kind: 'abs-max'; x: number }
  /** ours = 0. */
  | { kind: 'zero' }
  /** For information only. */
  | { kind: 'none' };

/** One line of the table, also the JSON shape in bench-results.json. */
export interface Row {
  scenario: string;
  unit: string;
  ours: number | null;
  python: number | null;
  /** ours ÷ python; null when either is missing or python is 0. */
  ratio: number | null;
  goal: string;
  /** null: no goal, or not measurable. */
  pass: boolean | null;
  notes: string[];
}

function num(v: Value): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The goal as text for the table. */
export function goalText(g: Goal, unit: string): string {
  switch (g.kind) {
    case 'ratio-max':
      return `≤ ${g.x}×`;
    case 'ratio-min':
      return `≥ ${g.x}×`;
    case 'abs-max':
      return `≤ ${g.x} ${unit}`;
    case 'zero':
      return '0';
    case 'none':
      return '—';
  }
}

/** Whether the goal is met; null when it cannot be judged. */
export function judge(g: Goal, ours: number | null, python: number | null): boolean | null {
  if (ours === null) return null;
  switch (g.kind) {
    case 'ratio-max':
      // Compared as a product so that python = 0 still judges (only ours = 0 meets ≤ k × 0).
      return python === null ? null : ours <= g.x * python;
    case 'ratio-min':
      return python === null ? null : ours >= g.x * python;
    case 'abs-max':
      return ours <= g.x;
    case 'zero':
      return ours === 0;
    case 'none':
      return null;
  }
}

/** Build a row from the two measurements. */
export function makeRow(scenario: string, unit: string, ours: Value, python: Value, goal: Goal, notes: string[] = []): Row {
  const o = num(ours);
  const p = num(python);
  const all = [...notes];
  // An empty reason means "said on another row already".
  if (typeof ours !== 'number' && ours.missing) all.push(`ours: ${ours.missing}`);
  if (typeof python !== 'number' && python.missing) all.push(`python: ${python.missing}`);
  return {
    scenario,
    unit,
    ours: o,
    python: p,
    ratio: o !== null && p !== null && p !== 0 ? o / p : null,
    goal: goalText(goal, unit),
    pass: judge(goal, o, p),
    notes: all,
  };
}

/** A number with a precision that suits its unit. */
export function fmt(v: number | null, unit: string): string {
  if (v === null) return 'n/a';
  const digits = unit === 'bytes' || unit === 'KiB' ? 0 : Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`;
}

function resultText(r: Row): string {
  if (r.pass === true) return 'PASS';
  if (r.pass === false) return 'FAIL';
  return r.goal === '—' ? '—' : 'n/a';
}

function cells(r: Row): string[] {
  return [r.scenario, fmt(r.ours, r.unit), fmt(r.python, r.unit), r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}×`, r.goal, resultText(r)];
}

const HEAD = ['scenario', 'ours', 'python', 'ratio', 'goal', 'result'];

/** A plain-text table for the terminal, with the notes numbered under it. */
export function textTable(rows: Row[]): string {
  const body = rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ');
  const out = [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const notes = notesOf(rows);
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

/** The same table in Markdown (for docs/benchmarks.md). */
export function markdownTable(rows: Row[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const out = [`| ${HEAD.join(' | ')} |`, '|---|---:|---:|---:|---:|---|', ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`)];
  const notes = notesOf(rows);
  // "- 2. x" would open an ordered list inside the bullet: escape the scenario number's dot.
  if (notes.length) out.push('', ...notes.map((n) => `- ${esc(n).replace(/^(\d+)\./, '$1\\.')}`));
  return out.join('\n');
}

/** Each note once, under the first row that has it (one failure often empties several rows). */
function notesOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    for (const n of r.notes) {
      if (seen.has(n)) continue;
      seen.add(n);
      out.push(`${r.scenario}: ${n}`);
    }
  }
  return out;
}
