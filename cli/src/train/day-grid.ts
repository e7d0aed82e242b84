import { MEASURE_NAMES, type MeasureName } from '@stream-smarts/contracts';

/**
 * Measured readings laid out by local day and minute: value[d * 1440 + minute], NaN where absent
 * (no reading, or the measure is null). Day 0 is the first training day; `weekday[d]` is its ISO
 * day of the week (1 = Monday; 0 where unknown). What every method's statistics read.
 */
export type DayGrid = { days: number; weekday: Int8Array } & Record<'kwh' | MeasureName, Float64Array>;

export const GRID_SERIES = ['kwh', ...MEASURE_NAMES] as const;

export function emptyGrid(days: number): DayGrid {
  const series = Object.fromEntries(GRID_SERIES.map((k) => [k, new Float64Array(days * 1440).fill(NaN)])) as Record<'kwh' | MeasureName, Float64Array>;
  return { days, weekday: new Int8Array(days), ...series };
}

/** H2O's and numpy's default quantile (linear interpolation between order statistics). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
