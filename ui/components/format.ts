/** Formatting of table cells and header fields. */

/** `H:MM:SS` below a day, `Nd HH:MM` above (fits a 9-cell column up to 999 days). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return d > 0 ? `${d}d ${two(h)}:${two(m)}` : `${h}:${two(m)}:${two(s)}`;
}

/** Resident memory: `512K`, `12.3M`, `1.21G`. */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n < 100 * 1024 * 1024 ? 1 : 0)}M`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)}G`;
}

/** CPU percent of one core: `0.0`, `12.5`, `250`. */
export function formatCpu(pct: number): string {
  return pct >= 100 ? String(Math.round(pct)) : pct.toFixed(1);
}

/** The text with an inverse cell at `cursor` (the visible cursor of a text field). */
export function withCursor(text: string, cursor: number): string {
  const at = text[cursor] ?? ' ';
  return text.slice(0, cursor) + `\x1b[7m${at}\x1b[27m` + text.slice(cursor + 1);
}
