import { HistoryRows, type HistoryRow } from './history.js';

/**
 * The 168 (day, hour) cells of the model and what the history says about each: how many rows it
 * holds and its empirical quantiles. These quantiles are the targets the H2O models are fitted to
 * (see h2o-train.ts for why), so they are computed the way H2O computes a quantile: linear
 * interpolation between order statistics (H2O's default `interpolate`, R's type 7). With the
 * default quantiles 0 and 1 they are the cell's minimum and maximum, as in the 2018 original.
 */
export const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const HOURS = Array.from({ length: 24 }, (_, h) => h);

export interface CellStats {
  day: number;
  hour: number;
  rows: number;
  /** Empirical lower/upper quantile of the cell's trailing-hour energy (Wh/h); undefined when empty. */
  lower?: number;
  upper?: number;
}

export function cellIndex(day: number, hour: number): number {
  return (day - 1) * 24 + hour;
}

/** The q-quantile of ascending-sorted values, interpolating linearly between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Per-cell counts and quantiles, ordered day then hour (168 entries). */
export function cellStats(rows: HistoryRows | readonly HistoryRow[], lowerQ: number, upperQ: number): CellStats[] {
  const cols = rows instanceof HistoryRows ? rows : HistoryRows.of(rows);
  // Two passes over the columns: count per cell, then fill one typed array per cell (8 bytes a row).
  const counts = new Int32Array(168);
  for (let i = 0; i < cols.length; i++) counts[cols.cell(i)]!++;
  const buckets = Array.from(counts, (n) => new Float64Array(n));
  const fill = new Int32Array(168);
  for (let i = 0; i < cols.length; i++) {
    const c = cols.cell(i);
    buckets[c]![fill[c]!++] = cols.kwh(i);
  }
  const out: CellStats[] = [];
  for (const day of DAYS) {
    for (const hour of HOURS) {
      const values = buckets[cellIndex(day, hour)]!.sort();
      const s: CellStats = { day, hour, rows: values.length };
      if (values.length > 0) {
        s.lower = quantileSorted(values, lowerQ);
        s.upper = quantileSorted(values, upperQ);
      }
      out.push(s);
    }
  }
  return out;
}
