/**
 * The `:` command's output as screen rows: classic supervisorctl text is wrapped at the pane's width
 * (never cut), colours carried over the break. Kept incrementally, because `tail -f` appends a line at a
 * time to a pane of up to 5,000 lines: only new lines are wrapped, dropped ones are removed from the front.
 */
import { wrapRows } from '../term/text.js';
import type { OutputPane } from './types.js';

export class OutputRows {
  private pane: OutputPane | null = null;
  private width = 0;
  /** Absolute index (dropped + i) of the first source line in `counts`. */
  private first = 0;
  /** Rows each source line took, in order. */
  private counts: number[] = [];
  private rows: string[] = [];

  /** Every row of `pane` at `width` cells. The array is reused: do not keep it across changes. */
  get(pane: OutputPane, width: number): readonly string[] {
    if (pane !== this.pane || width !== this.width || pane.dropped < this.first) this.reset(pane, width);
    // Lines that left the front of the pane leave their rows.
    let drop = 0;
    while (this.first < pane.dropped && this.counts.length) {
      drop += this.counts.shift()!;
      this.first++;
    }
    if (drop) this.rows.splice(0, drop);
    this.first = Math.max(this.first, pane.dropped);
    // Then the lines added since.
    for (let i = this.first + this.counts.length - pane.dropped; i < pane.lines.length; i++) {
      const r = wrapRows(pane.lines[i]!, width);
      this.counts.push(r.length);
      for (const row of r) this.rows.push(row);
    }
    return this.rows;
  }

  private reset(pane: OutputPane, width: number): void {
    this.pane = pane;
    this.width = width;
    this.first = pane.dropped;
    this.counts = [];
    this.rows = [];
  }
}
