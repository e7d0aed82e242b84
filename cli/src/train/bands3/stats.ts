import { z } from 'zod';
import { HIGH_MEASURES, type HighMeasure } from '@stream-smarts/contracts';
import { quantile, type DayGrid } from '../day-grid.js';

/**
 * The statistics of a calibrated model (`stream-smarts/bands@3`): per measure, day type and
 * ten-minute slot of the day, the house's usual level (`ref`) and how high its days normally reach
 * (`edge`: the q quantile of the days' highest value in the slot). The alert edge is `edge +
 * margin`, the margin in watts chosen per measure for this house by calibrate.ts — so no margin is
 * a constant tuned on one house.
 *
 * Pure: no I/O, no H2O.
 */

export interface Bands3Method {
  slotMinutes: number;
  /** Minutes either side of a slot pooled into it. */
  poolMinutes: number;
  /** A 3-h floor this far above its usual level marks an incident, left out of the statistics. */
  leftOnW: number;
  /** The high measures scored. */
  channels: HighMeasure[];
  /** The quantile of the days' slot maxima that `spread` reaches to. */
  q: number;
  /** Separate tables for weekdays and weekends. */
  dayTypes: boolean;
  /** The statistics of the floors and steps come from the last this many training days (0: all). */
  recentDays: number;
  /** An edge is never below the same quantile of the last this many days alone (0: off): what the house took up lately is normal. */
  freshDays: number;
  /**
   * How a margin scales across the slots of a part of the day: in watts (the same everywhere), or
   * relative to the slot's edge (`k × (edge + relScaleW)`: a busy time of day gets more room).
   */
  marginMode: 'watts' | 'relative';
  relScaleW: number;
  /** Margins are chosen separately for each of this many equal parts of the day (4: night, morning, afternoon, evening). */
  blocks: number;
  /** The least margin, in meter pulses per interval: a band is never narrower than a few pulses. */
  minMarginPulses: number;
  low: { recentDays: number; q: number };
}

export const DEFAULT_BANDS3: Bands3Method = {
  slotMinutes: 10,
  poolMinutes: 30,
  leftOnW: 1500,
  channels: [...HIGH_MEASURES],
  q: 0.9,
  dayTypes: false,
  recentDays: 0,
  freshDays: 0,
  blocks: 4,
  marginMode: 'relative',
  relScaleW: 300,
  minMarginPulses: 3,
  low: { recentDays: 28, q: 0.1 },
};

/** What a meter's pulses make of power: one pulse in one interval, in W. */
export interface Resolution {
  impulsesPerKwh: number;
  intervalS: number;
}
export const pulseW = (r: Resolution) => (3_600_000 / r.impulsesPerKwh) / r.intervalS;

export type DayType = 0 | 1;
/** 0 = Monday–Friday, 1 = Saturday, Sunday. */
export const dayTypeOf = (isoWeekday: number): DayType => (isoWeekday >= 6 ? 1 : 0);

interface ChannelStats {
  /** [dayType][slot]: the usual level (median). */
  ref: Float64Array[];
  /** [dayType][slot]: how high the days normally reach (the q quantile of their slot maxima; for the 24-h mean, how low: of their minima). */
  edge: Float64Array[];
}

export interface Bands3Stats {
  method: Bands3Method;
  resolution: Resolution;
  high: Partial<Record<HighMeasure, ChannelStats>>;
  /** The 24-h mean: its usual level and how far below it a normal day reaches. */
  low: ChannelStats;
  /** The 2018 envelope of the trailing-hour energy per hour of the day. */
  kwh: { lower: Float64Array; upper: Float64Array };
  /** Grid minutes left out as incidents. */
  mask: Uint8Array;
  incidents: [number, number][];
}

function pooled(s: number, m: Bands3Method): number[] {
  const out: number[] = [];
  for (let k = s * m.slotMinutes - m.poolMinutes; k < (s + 1) * m.slotMinutes + m.poolMinutes; k++) out.push(((k % 1440) + 1440) % 1440);
  return out;
}

/**
 * Incidents: a load at least `leftOnW` above what the house normally reaches then stayed on for two
 * hours or more — the 1-h floor that far above its slot's edge (the q quantile of the days' highest
 * 1-h floor) for an hour — marked from the load's start (an hour before that hour) to an hour after
 * it. This is what the product is for, so the history's incidents are
 * never learned as normal nor counted as false alerts when the margins are calibrated: a heater
 * left on last winter must not teach the model to keep quiet about the next one.
 */
export function incidentMask(g: DayGrid, m: Bands3Method, days?: Uint8Array): { mask: Uint8Array; incidents: [number, number][] } {
  const nSlots = 1440 / m.slotMinutes;
  const n = g.days * 1440;
  // The usual high of the 1-h floor per slot (the edge of its days' maxima): a load the house runs
  // on a good share of days at that time (storage heaters, a timer) is its routine, not an incident.
  const ref = new Float64Array(nSlots);
  for (let s = 0; s < nSlots; s++) {
    const maxima: number[] = [];
    for (let d = 0; d < g.days; d++) {
      if (days && !days[d]) continue;
      let e = -Infinity;
      for (const k of pooled(s, m)) {
        const v = g.floor_1h[d * 1440 + k]!;
        if (v > e) e = v;
      }
      if (e > -Infinity) maxima.push(e);
    }
    maxima.sort((a, b) => a - b);
    ref[s] = quantile(maxima, m.q);
  }
  const above = (i: number) => g.floor_1h[i]! > ref[Math.floor((i % 1440) / m.slotMinutes)]! + m.leftOnW;
  const mark = new Int32Array(n + 1);
  let run = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && above(i)) {
      run++;
      continue;
    }
    if (run >= 60) {
      mark[Math.max(0, i - run - 60)]! += 1;
      mark[Math.min(n, i + 60)]! -= 1;
    }
    run = 0;
  }
  const mask = new Uint8Array(n);
  const incidents: [number, number][] = [];
  let depth = 0;
  for (let i = 0; i < n; i++) {
    depth += mark[i]!;
    mask[i] = depth > 0 ? 1 : 0;
    if (mask[i] && (i === 0 || !mask[i - 1])) incidents.push([i, i + 1]);
    else if (mask[i]) incidents[incidents.length - 1]![1] = i + 1;
  }
  return { mask, incidents };
}

/** A quickselect's k-th smallest of xs[0..n) (in place), for the medians: a sort per slot was most of train's time. */
function kth(xs: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i] = xs[j]!;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k]!;
  }
  return xs[k]!;
}

/** quantile() of the first n values (linear interpolation between order statistics), by selection. */
function selectQuantile(xs: Float64Array, n: number, q: number): number {
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = kth(xs, n, lo);
  if (h === lo || lo + 1 >= n) return a;
  // After selecting lo, the (lo+1)-th smallest is the least of the values above it.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (xs[i]! < b) b = xs[i]!;
  return a + (h - lo) * (b - a);
}

/**
 * ref = the median of the slot's pooled values; edge = the q quantile of the days' slot maxima
 * (minima for the low side). `withRef: false` skips the medians (calibration needs only edges).
 */
function channelStats(values: Float64Array, g: DayGrid, m: Bands3Method, useDay: (d: number) => boolean, mask: Uint8Array | undefined, low: boolean, q: number, withRef = true): ChannelStats {
  const nSlots = 1440 / m.slotMinutes;
  const types = m.dayTypes ? 2 : 1;
  const ref = Array.from({ length: types }, () => new Float64Array(nSlots).fill(NaN));
  const edgeOf = Array.from({ length: types }, () => new Float64Array(nSlots));
  const pool = m.slotMinutes + 2 * m.poolMinutes;
  const xs = Array.from({ length: types + 1 }, () => new Float64Array(g.days * pool));
  const ext = Array.from({ length: types + 1 }, () => new Float64Array(g.days));
  const days: number[] = [];
  for (let d = 0; d < g.days; d++) if (useDay(d)) days.push(d);
  for (let s = 0; s < nSlots; s++) {
    const p = pooled(s, m);
    const nx = new Int32Array(types + 1);
    const ne = new Int32Array(types + 1);
    for (const d of days) {
      const t = types === 2 ? dayTypeOf(g.weekday[d]!) : 0;
      let e = low ? Infinity : -Infinity;
      for (const k of p) {
        const i = d * 1440 + k;
        if (mask && mask[i]) continue;
        const v = values[i]!;
        if (Number.isNaN(v)) continue;
        if (withRef) {
          xs[t]![nx[t]!++] = v;
          if (types === 2) xs[2]![nx[2]!++] = v;
        }
        if (low ? v < e : v > e) e = v;
      }
      if (Number.isFinite(e)) {
        ext[t]![ne[t]!++] = e;
        if (types === 2) ext[2]![ne[2]!++] = e;
      }
    }
    for (let t = 0; t < types; t++) {
      // A day type with too few days borrows the pooled statistics of all days.
      const u = types === 2 && ne[t]! < 6 ? 2 : t;
      const r = withRef ? selectQuantile(xs[u]!, nx[u]!, 0.5) : NaN;
      const e = selectQuantile(ext[u]!, ne[u]!, q);
      ref[t]![s] = r;
      edgeOf[t]![s] = Number.isNaN(r) ? e : low ? Math.min(r, e) : Math.max(r, e);
    }
  }
  return { ref, edge: edgeOf };
}

export function bands3Stats(g: DayGrid, resolution: Resolution, m: Bands3Method = DEFAULT_BANDS3, days?: Uint8Array, withRef = true): Bands3Stats {
  const inUse = (d: number) => !days || days[d] === 1;
  const { mask, incidents } = incidentMask(g, m, days);
  // The recent days of those in use, for the statistics that follow the season.
  const used: number[] = [];
  for (let d = 0; d < g.days; d++) if (inUse(d)) used.push(d);
  const recent = (n: number) => {
    const keep = new Set(n > 0 ? used.slice(-n) : used);
    return (d: number) => keep.has(d);
  };
  const high: Partial<Record<HighMeasure, ChannelStats>> = {};
  for (const c of m.channels) {
    const st = channelStats(g[c], g, m, recent(m.recentDays), mask, false, m.q, withRef);
    if (m.freshDays > 0) {
      const fresh = channelStats(g[c], g, m, recent(m.freshDays), mask, false, m.q, false);
      st.edge.forEach((e, t) => e.forEach((v, sl) => (e[sl] = Math.max(v, Number.isNaN(fresh.edge[t]![sl]!) ? v : fresh.edge[t]![sl]!))));
    }
    high[c] = st;
  }
  const low = channelStats(g.mean_24h, g, m, recent(m.low.recentDays), undefined, true, m.low.q, withRef);
  const lower = new Float64Array(24).fill(Infinity);
  const upper = new Float64Array(24).fill(-Infinity);
  for (const d of used) {
    for (let k = 0; k < 1440; k++) {
      const v = g.kwh[d * 1440 + k]!;
      if (Number.isNaN(v)) continue;
      const h = Math.floor(k / 60);
      if (v < lower[h]!) lower[h] = v;
      if (v > upper[h]!) upper[h] = v;
    }
  }
  for (let h = 0; h < 24; h++) if (!Number.isFinite(lower[h]!)) throw new RangeError(`no readings in hour ${h} of the day`);
  return { method: m, resolution, high, low, kwh: { lower, upper }, mask, incidents };
}

/** The alert edge of a slot: its edge plus the margin, never less than the least margin above it. */
export function upperOf(m: Bands3Method, edge: number, margin: number, minW: number): number {
  return edge + Math.max(minW, m.marginMode === 'relative' ? margin * (edge + m.relScaleW) : margin);
}

/** The channels present in stats, in HIGH_MEASURES order. */
const channelsOf = (s: Bands3Stats): HighMeasure[] => HIGH_MEASURES.filter((c) => s.high[c] !== undefined);

/**
 * A Bands3Method as envelope.json's `method` records it (what `train` wrote): `retrain` trains its
 * candidate with the current model's parameters, and takes only a record of this shape.
 */
export const bands3MethodSchema = z.object({
  slotMinutes: z.number().int().positive(),
  poolMinutes: z.number().int().nonnegative(),
  leftOnW: z.number().positive(),
  channels: z.array(z.enum(HIGH_MEASURES)).min(1),
  q: z.number().min(0).max(1),
  dayTypes: z.boolean(),
  recentDays: z.number().int().nonnegative(),
  freshDays: z.number().int().nonnegative(),
  marginMode: z.enum(['watts', 'relative']),
  relScaleW: z.number().nonnegative(),
  blocks: z.number().int().positive(),
  minMarginPulses: z.number().nonnegative(),
  low: z.object({ recentDays: z.number().int().positive(), q: z.number().min(0).max(1) }),
}) satisfies z.ZodType<Bands3Method>;
