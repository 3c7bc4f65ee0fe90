/** Small statistics over samples. */

/** The median (mean of the middle two for an even count). Throws on no samples. */
export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile q in [0, 1]. Throws on no samples. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) throw new Error('no samples');
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
