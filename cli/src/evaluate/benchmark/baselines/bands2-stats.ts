import { z } from 'zod';
import { FLOOR_NAMES, NOT_USED_W, type FloorName } from '@stream-smarts/contracts';
import { hhmm, quantile, type DayGrid } from '../../../train/day-grid.js';

/**
 * The method the product shipped before bands@3 (`stream-smarts/bands@2`), kept as a baseline of
 * the detection benchmark: per ten-minute slot of the day, each band's value from the training
 * days' measures, with margins that were constants tuned on one house. Pure: no I/O, no H2O.
 *
 * Why these statistics (measured on the real-household development data, see the README's
 * quality section): a per-slot quantile of the minute values is exceeded by some minute of almost
 * every day (144 slots, three horizons), so the upper bands are taken from the distribution of
 * each day's *maximum* in the slot — high enough that normal days rarely cross — and made robust
 * to the incidents a history holds by first cutting out every stretch where a load stayed on for
 * three hours, which no normal day of a household does at the same time every day.
 */

const BAND_NAMES = [
  'floor_15m.upper',
  'floor_15m.ref',
  'floor_1h.upper',
  'floor_1h.ref',
  'floor_3h.upper',
  'floor_3h.ref',
  'mean_24h.lower',
  'mean_24h.ref',
  'kwh.lower',
  'kwh.upper',
] as const;
type BandName = (typeof BAND_NAMES)[number];

interface FloorMethod {
  /** Quantile of the slot's daily maxima (1 = the largest). */
  q: number;
  rel: number;
  add: number;
}

export interface BandMethod {
  slotMinutes: number;
  poolMinutes: number;
  /** A 3-h floor this far above its usual level marks an incident, left out of the statistics. */
  leftOnW: number;
  /** The 15-min floor is used only where its upper band leaves room to see a load this big. */
  seeW: number;
  floors: Record<FloorName, FloorMethod>;
  low: { recentDays: number; rel: number };
  /**
   * The season: when the house's recent level (the median 24-h mean of the last `days`) is above
   * that of all training days, the upper bands of these floors grow by the same factor — autumn
   * evenings run longer loads than the summer the history remembers. Never below 1: a falling
   * level keeps the bands, so a heater in spring is still seen.
   */
  season: { days: number; floors: FloorName[] };
}

export const DEFAULT_METHOD: BandMethod = {
  slotMinutes: 10,
  poolMinutes: 30,
  leftOnW: 1500,
  seeW: 2000,
  floors: {
    floor_15m: { q: 0.97, rel: 0.3, add: 0 },
    floor_1h: { q: 1, rel: 0.3, add: 100 },
    floor_3h: { q: 1, rel: 0.3, add: 100 },
  },
  low: { recentDays: 28, rel: 0.6 },
  season: { days: 14, floors: ['floor_1h', 'floor_3h'] },
};

const floorMethod = z.object({ q: z.number(), rel: z.number(), add: z.number() });

/**
 * A BandMethod as envelope.json's `method` records it (what `train` wrote): `retrain` trains its
 * candidate with the current model's parameters, and takes only a record of this shape.
 */
const bandMethodSchema = z.object({
  slotMinutes: z.number().int().positive(),
  poolMinutes: z.number().int().nonnegative(),
  leftOnW: z.number().positive(),
  seeW: z.number().positive(),
  floors: z.object({ floor_15m: floorMethod, floor_1h: floorMethod, floor_3h: floorMethod }),
  low: z.object({ recentDays: z.number().int().positive(), rel: z.number() }),
  season: z.object({ days: z.number().int().positive(), floors: z.array(z.enum(['floor_15m', 'floor_1h', 'floor_3h'])) }),
}) satisfies z.ZodType<BandMethod>;

export interface BandStats {
  /** Ten values a slot, by BAND_NAMES: what the MOJO is fitted to. */
  slots: Record<BandName, Float64Array>;
  /** Minutes (grid indices) left out as incidents, as [from, to) runs. */
  incidents: [number, number][];
  method: BandMethod;
  /** The season factor applied (1: none). */
  season: number;
}

const finite = (xs: number[]) => xs.filter((x) => !Number.isNaN(x));

/** The minutes of the day slot s pools: [s·slot − pool, (s+1)·slot + pool), wrapping within the day. */
function pooledMinutes(s: number, m: BandMethod): number[] {
  const out: number[] = [];
  for (let k = s * m.slotMinutes - m.poolMinutes; k < (s + 1) * m.slotMinutes + m.poolMinutes; k++) out.push(((k % 1440) + 1440) % 1440);
  return out;
}

function slotMedian(values: Float64Array, days: number, fromDay: number, minutes: number[], mask?: Uint8Array): number {
  const xs: number[] = [];
  for (let d = fromDay; d < days; d++) {
    for (const k of minutes) {
      const i = d * 1440 + k;
      if (mask && mask[i]) continue;
      const v = values[i]!;
      if (!Number.isNaN(v)) xs.push(v);
    }
  }
  xs.sort((a, b) => a - b);
  return quantile(xs, 0.5);
}

/** Per day, the slot's largest value (days with none left out), sorted. */
function slotDailyMaxima(values: Float64Array, days: number, minutes: number[], mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    let mx = -Infinity;
    for (const k of minutes) {
      const i = d * 1440 + k;
      if (mask[i]) continue;
      const v = values[i]!;
      if (v > mx) mx = v;
    }
    if (mx > -Infinity) out.push(mx);
  }
  return out.sort((a, b) => a - b);
}

export function bandStats(g: DayGrid, method: BandMethod = DEFAULT_METHOD): BandStats {
  const nSlots = 1440 / method.slotMinutes;
  if (!Number.isInteger(nSlots)) throw new RangeError(`slotMinutes must divide 1440, got ${method.slotMinutes}`);
  const pools = Array.from({ length: nSlots }, (_, s) => pooledMinutes(s, method));
  const slotOf = (minute: number) => Math.floor(minute / method.slotMinutes);
  const n = g.days * 1440;

  // 1. Incidents: where the 3-h floor stands leftOnW above its usual level, and the 3 h before.
  const ref3h = pools.map((p) => slotMedian(g.floor_3h, g.days, 0, p));
  const mark = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = g.floor_3h[i]!;
    if (!(v > ref3h[slotOf(i % 1440)]! + method.leftOnW)) continue;
    mark[Math.max(0, i - 180)]! += 1;
    mark[Math.min(n, i + 61)]! -= 1;
  }
  const mask = new Uint8Array(n);
  const incidents: [number, number][] = [];
  let run = 0;
  for (let i = 0; i < n; i++) {
    run += mark[i]!;
    mask[i] = run > 0 ? 1 : 0;
    if (mask[i] && (i === 0 || !mask[i - 1])) incidents.push([i, i + 1]);
    else if (mask[i]) incidents[incidents.length - 1]![1] = i + 1;
  }

  const slots = Object.fromEntries(BAND_NAMES.map((b) => [b, new Float64Array(nSlots)])) as Record<BandName, Float64Array>;
  let season = 1;
  if (method.season.days > 0) {
    const all: number[] = [];
    const recent: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = g.mean_24h[i]!;
      if (Number.isNaN(v)) continue;
      all.push(v);
      if (i >= (g.days - method.season.days) * 1440) recent.push(v);
    }
    all.sort((a, b) => a - b);
    recent.sort((a, b) => a - b);
    if (recent.length && all.length) season = Math.max(1, quantile(recent, 0.5) / quantile(all, 0.5));
  }
  for (let s = 0; s < nSlots; s++) {
    const p = pools[s]!;
    // 2–3. Floors: the usual level, and the robust daily extreme with its margin.
    for (const f of FLOOR_NAMES) {
      const fm = method.floors[f];
      const ref = slotMedian(g[f], g.days, 0, p, mask);
      const maxima = slotDailyMaxima(g[f], g.days, p, mask);
      let upper = (method.season.floors.includes(f) ? season : 1) * (1 + fm.rel) * quantile(maxima, fm.q) + fm.add;
      if (f === 'floor_15m' && upper > ref + method.seeW) upper = NOT_USED_W;
      if (Number.isNaN(ref) || Number.isNaN(upper)) throw new RangeError(`no ${f} values at ${hhmm(s * method.slotMinutes)}: the history is too short or has no whole ${f === 'floor_15m' ? '15 minutes' : f === 'floor_1h' ? 'hour' : '3 hours'} there`);
      slots[`${f}.ref`][s] = ref;
      slots[`${f}.upper`][s] = Math.max(upper, ref);
    }
    // 4. The 24-h mean against the house's current level.
    const recentFrom = Math.max(0, g.days - method.low.recentDays);
    const ref24 = slotMedian(g.mean_24h, g.days, recentFrom, p);
    if (Number.isNaN(ref24)) throw new RangeError(`no whole day of readings in the last ${method.low.recentDays} days of the history, so the 24-h mean has no usual level`);
    slots['mean_24h.ref'][s] = ref24;
    slots['mean_24h.lower'][s] = method.low.rel * ref24;
  }
  // 5. The 2018 envelope: the min and max trailing-hour energy of each hour, every training day.
  for (let h = 0; h < 24; h++) {
    const xs: number[] = [];
    for (let d = 0; d < g.days; d++) for (let k = h * 60; k < h * 60 + 60; k++) xs.push(g.kwh[d * 1440 + k]!);
    const f = finite(xs);
    if (f.length === 0) throw new RangeError(`no readings in hour ${h} of the day`);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of f) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    for (let s = slotOf(h * 60); s < slotOf(h * 60 + 60); s++) {
      slots['kwh.lower'][s] = lo;
      slots['kwh.upper'][s] = hi;
    }
  }
  return { slots, incidents, method, season };
}
