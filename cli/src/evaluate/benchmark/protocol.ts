import { localDayOfReading, minuteOfReading } from '@stream-smarts/contracts';
import { mulberry32 } from '@stream-smarts/pi-collector';

/**
 * The detection benchmark's protocol (issue 12): rolling windows over a real history — train on
 * 90 days, test the next 60, slide by 60 — and, on a copy of each test period, injected events a
 * household wants to hear about. Pure: arrays in, arrays out.
 *
 * A history becomes a regular grid of steps (its own interval, normally one minute) with NaN where
 * nothing was read, so an injection is arithmetic on the grid and a gap stays a gap.
 */

export const DAY_MS = 86_400_000;

export interface Grid {
  timezone: string;
  intervalMs: number;
  /** End of step i is firstEnd + i·intervalMs. */
  firstEnd: number;
  /** Average power of each step, W; NaN = no reading. */
  w: Float64Array;
  /** Local minute of day (0–1439) and day index (0 = the first local day) of each step. */
  minute: Int16Array;
  day: Int32Array;
  days: number;
}

export function stepEnd(g: Grid, i: number): number {
  return g.firstEnd + i * g.intervalMs;
}

/** Lays readings on a grid starting with the first whole local day (earlier steps are dropped). */
export function toGrid(readings: Iterable<{ endMs: number; wh: number; intervalMs: number }>, timezone: string): Grid {
  const ends: number[] = [];
  const ws: number[] = [];
  let intervalMs = 0;
  for (const r of readings) {
    if (!intervalMs) intervalMs = r.intervalMs;
    else if (r.intervalMs !== intervalMs) throw new RangeError(`the benchmark needs one reading interval; the history changes from ${intervalMs / 1000} s to ${r.intervalMs / 1000} s at ${new Date(r.endMs).toISOString()}`);
    ends.push(r.endMs);
    ws.push((r.wh * 3_600_000) / r.intervalMs);
  }
  if (ends.length === 0) throw new RangeError('the history holds no readings');
  // Start at the first step that begins a local day.
  let k = 0;
  while (k < ends.length && minuteOfReading(ends[k]!, timezone) * 60_000 >= intervalMs) k++;
  if (k === ends.length) throw new RangeError('the history does not hold one whole local day');
  const firstEnd = ends[k]!;
  const n = Math.round((ends.at(-1)! - firstEnd) / intervalMs) + 1;
  const w = new Float64Array(n).fill(NaN);
  for (let i = k; i < ends.length; i++) w[Math.round((ends[i]! - firstEnd) / intervalMs)] = ws[i]!;
  const minute = new Int16Array(n);
  const day = new Int32Array(n);
  // A new day when the local date changes (not when the minute goes back: a fall-back hour repeats).
  const first = localDayOfReading(firstEnd, timezone);
  let d = 0;
  for (let i = 0; i < n; i++) {
    minute[i] = minuteOfReading(firstEnd + i * intervalMs, timezone);
    if (i > 0 && minute[i]! < minute[i - 1]!) d = localDayOfReading(firstEnd + i * intervalMs, timezone) - first;
    day[i] = d;
  }
  return { timezone, intervalMs, firstEnd, w, minute, day, days: d + 1 };
}

/** Index of the first step of local day d (or n). */
export function dayStart(g: Grid, d: number): number {
  let lo = 0;
  let hi = g.w.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (g.day[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The step that starts at local time hh:mm of day d. */
export function stepAt(g: Grid, d: number, hh: number, mm = 0): number {
  return dayStart(g, d) + Math.round(((hh * 60 + mm) * 60_000) / g.intervalMs);
}

export interface Window {
  index: number;
  trainFrom: number;
  testFrom: number;
  testTo: number;
}

export function windows(days: number, train = 90, test = 60, slide = 60): Window[] {
  const out: Window[] = [];
  for (let s = 0; s + train + test <= days; s += slide) out.push({ index: out.length, trainFrom: s, testFrom: s + train, testTo: s + train + test });
  return out;
}

/**
 * What the benchmark injects (issue 19): heaters of 1, 2 and 3 kW switched on at 02:00, 19:00 or
 * 22:00 and left on until 07:00, steady or under a thermostat; an oven left on; a week away; a dead
 * fridge. Each planned event is one of these on one day of the test period.
 */
type Shape = 'steady' | 'thermostat';
export type Planned =
  | { scenario: 'heater'; day: number; kw: number; startHour: number; shape: Shape }
  | { scenario: 'oven'; day: number }
  | { scenario: 'away'; day: number }
  | { scenario: 'fridge'; day: number };
type Scenario = Planned['scenario'];

export interface Event {
  /** The scenario family: heater, oven, away, fridge; real-away, real-all-night-load for labelled ones. */
  scenario: string;
  /** The event in words, e.g. "heater 2 kW 19:00 thermostat". */
  name: string;
  kind: 'high' | 'low';
  /** Steps [from, to). */
  from: number;
  to: number;
  /** Injected by the benchmark, or labelled in the data. */
  injected: boolean;
  evidence?: string;
  /** Heaters: the size, start and shape. */
  kw?: number;
  startHour?: number;
  shape?: Shape;
}

export const HEATER_STARTS = [2, 19, 22] as const;
export const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const heaterName = (kw: number, startHour: number, shape: Shape) => `heater ${kw} kW ${hh(startHour)} ${shape}`;

/**
 * Picks the days of each event within the test period: distinct days, none on or next to a
 * labelled event (`avoid`), the week away first (it needs seven free days in a row).
 *
 * Heaters: at each start time a 2 kW heater and one of 1 or 3 kW, one steady and one under a
 * thermostat, the sizes and shapes taking turns with the window's index — so every household sees
 * every combination over its windows, and a 2 kW heater at every start in every window.
 */
export function plan(seed: number, testFrom: number, testTo: number, avoid: ReadonlySet<number>, windowIndex = 0): Planned[] {
  const rnd = mulberry32(seed);
  const free = (d: number) => d >= testFrom && d < testTo - 1 && !avoid.has(d);
  const used = new Set<number>();
  const take = (k: number, span: number, margin: number): number[] => {
    const cands: number[] = [];
    for (let d = testFrom; d < testTo - 1; d++) if (free(d)) cands.push(d);
    for (let i = cands.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [cands[i], cands[j]] = [cands[j]!, cands[i]!];
    }
    const out: number[] = [];
    for (const d of cands) {
      let ok = true;
      for (let x = d - margin; x < d + span + margin; x++) if (used.has(x)) ok = false;
      for (let x = d; x < d + span; x++) if (!free(x)) ok = false;
      if (!ok) continue;
      out.push(d);
      for (let x = d - margin; x < d + span + margin; x++) used.add(x);
      if (out.length === k) break;
    }
    return out.sort((a, b) => a - b);
  };
  const out: Planned[] = [];
  for (const day of take(1, 7, 1)) out.push({ scenario: 'away', day });
  const shapeA: Shape = windowIndex % 2 === 0 ? 'steady' : 'thermostat';
  const shapeB: Shape = shapeA === 'steady' ? 'thermostat' : 'steady';
  const other = (windowIndex >> 1) % 2 === 0 ? 1 : 3;
  for (const startHour of HEATER_STARTS) {
    // An evening heater runs into the next morning: two days.
    const days = take(2, startHour >= 12 ? 2 : 1, 0);
    if (days[0] !== undefined) out.push({ scenario: 'heater', day: days[0], kw: 2, startHour, shape: shapeA });
    if (days[1] !== undefined) out.push({ scenario: 'heater', day: days[1], kw: other, startHour, shape: shapeB });
  }
  for (const day of take(2, 2, 0)) out.push({ scenario: 'fridge', day });
  for (const day of take(3, 1, 0)) out.push({ scenario: 'oven', day });
  return out.sort((a, b) => a.day - b.day);
}

/**
 * A heater under a thermostat: full power while the room warms (30–90 min), then on and off in
 * cycles of 10–30 min, on 35–65% of each — drawn per event from `rnd`, so a detector meets many
 * thermostats, not one. Returns whether the heater is on at minute k after switch-on.
 */
export function thermostat(rnd: () => number): (k: number) => boolean {
  const warm = 30 + Math.floor(rnd() * 61);
  const period = 10 + Math.floor(rnd() * 21);
  const on = Math.max(1, Math.round(period * (0.35 + rnd() * 0.3)));
  return (k) => k < warm || (k - warm) % period < on;
}

/** The energy of local day d, Wh (NaN steps count as 0), and whether every step of it was read. */
function dayEnergy(g: Grid, w: Float64Array, d: number): { wh: number; whole: boolean } {
  const a = dayStart(g, d);
  const b = dayStart(g, d + 1);
  let wh = 0;
  let whole = b - a === Math.round(DAY_MS / g.intervalMs);
  for (let i = a; i < b; i++) {
    if (Number.isNaN(w[i]!)) whole = false;
    else wh += (w[i]! * g.intervalMs) / 3_600_000;
  }
  return { wh, whole };
}

function centredMin(x: Float64Array, half: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let m = Infinity;
    for (let j = Math.max(0, i - half); j <= Math.min(x.length - 1, i + half); j++) if (x[j]! < m) m = x[j]!;
    out[i] = m;
  }
  return out;
}

/**
 * The injected copy of the grid's power and the events (issue 19):
 * - heaters from their start to 07:00 (the next morning for 19:00 and 22:00), steady or under a
 *   thermostat (see thermostat());
 * - a 2.5 kW oven from 14:00 to 17:00: 15 min at full power, then on 6 minutes in 10;
 * - one week away: the house's own lowest-use day of the 30 before, repeated;
 * - a dead fridge for 24 h (from 12:00): the house's ~80–90 W compressor cycles removed.
 */
export function inject(g: Grid, p: readonly Planned[], seed = 1): { w: Float64Array; events: Event[] } {
  const w = Float64Array.from(g.w);
  const events: Event[] = [];
  const rnd = mulberry32(seed ^ 0x5eed);
  const add = (from: number, to: number, f: (k: number) => number) => {
    for (let i = from; i < to && i < w.length; i++) if (!Number.isNaN(w[i]!)) w[i]! += f(i - from);
  };
  const min = (i: number) => (i * g.intervalMs) / 60_000;
  for (const e of p) {
    if (e.scenario === 'heater') {
      const a = stepAt(g, e.day, e.startHour);
      const b = stepAt(g, e.startHour >= 12 ? e.day + 1 : e.day, 7);
      const on = e.shape === 'steady' ? () => true : thermostat(rnd);
      add(a, b, (k) => (on(Math.floor(min(k))) ? e.kw * 1000 : 0));
      events.push({ scenario: 'heater', name: heaterName(e.kw, e.startHour, e.shape), kind: 'high', from: a, to: b, injected: true, kw: e.kw, startHour: e.startHour, shape: e.shape });
    } else if (e.scenario === 'oven') {
      const a = stepAt(g, e.day, 14);
      const b = stepAt(g, e.day, 17);
      add(a, b, (k) => (min(k) < 15 || Math.floor(min(k) - 15) % 10 < 6 ? 2500 : 0));
      events.push({ scenario: 'oven', name: 'oven', kind: 'high', from: a, to: b, injected: true });
    } else if (e.scenario === 'away') {
      const d = e.day;
      let lowest = -1;
      let best = Infinity;
      for (let x = Math.max(0, d - 30); x < d; x++) {
        const { wh, whole } = dayEnergy(g, g.w, x);
        if (whole && wh < best) {
          best = wh;
          lowest = x;
        }
      }
      const a = dayStart(g, d);
      const b = dayStart(g, d + 7);
      if (lowest >= 0) {
        const src = dayStart(g, lowest);
        const perDay = dayStart(g, lowest + 1) - src;
        for (let i = a; i < b; i++) w[i] = g.w[src + ((i - a) % perDay)]!;
      }
      events.push({ scenario: 'away', name: 'away', kind: 'low', from: a, to: b, injected: true, evidence: lowest >= 0 ? `day ${lowest} repeated (${(best / 1000).toFixed(1)} kWh)` : 'no whole day before it' });
    } else {
      const d = e.day;
      const a = stepAt(g, d, 12);
      const b = stepAt(g, d + 1, 12);
      const pad = Math.round(3_600_000 / g.intervalMs);
      const x = w.slice(Math.max(0, a - pad), Math.min(w.length, b + pad)).map((v) => (Number.isNaN(v) ? 0 : v));
      const base = centredMin(x, Math.round(1_800_000 / g.intervalMs));
      // A compressor cycle is a step 55–150 W above the local floor; busier minutes lose the fridge's average share.
      let isolated = 0;
      let quiet = 0;
      const steps: number[] = [];
      for (let i = 0; i < x.length; i++) {
        const c = x[i]! - base[i]!;
        if (c >= 55 && c <= 150) {
          isolated++;
          steps.push(c);
        } else if (c < 55) quiet++;
      }
      const duty = isolated / Math.max(1, isolated + quiet);
      steps.sort((u, v) => u - v);
      const step = steps.length ? steps[steps.length >> 1]! : 85;
      const off = a - Math.max(0, a - pad);
      for (let i = a; i < b && i < w.length; i++) {
        if (Number.isNaN(w[i]!)) continue;
        const c = x[i - a + off]! - base[i - a + off]!;
        const sub = c >= 55 && c <= 150 ? c : c < 55 ? 0 : duty * step;
        w[i] = Math.max(0, w[i]! - sub);
      }
      events.push({ scenario: 'fridge', name: 'dead fridge', kind: 'low', from: a, to: b, injected: true, evidence: `compressor step ${step.toFixed(0)} W, duty ${(duty * 100).toFixed(0)}%` });
    }
  }
  return { w, events };
}

/**
 * What a meter's pulse counter makes of the power: each step's energy rounded down to whole
 * pulses, the remainder carried to the next step (so no energy is lost), restarting after a gap.
 * The collector counts pulses, so a model must learn and be scored on what it would count: at
 * 1,000 impulses/kWh and one-minute steps the power moves in 60 W steps.
 */
export function quantize(g: Grid, w: Float64Array, impulsesPerKwh: number): Float64Array {
  const whPerPulse = 1000 / impulsesPerKwh;
  const out = new Float64Array(w.length).fill(NaN);
  let carry = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (Number.isNaN(x)) {
      carry = 0;
      continue;
    }
    const wh = (x * g.intervalMs) / 3_600_000 + carry;
    const pulses = Math.floor(wh / whPerPulse + 1e-9);
    carry = wh - pulses * whPerPulse;
    out[i] = (pulses * whPerPulse * 3_600_000) / g.intervalMs;
  }
  return out;
}
