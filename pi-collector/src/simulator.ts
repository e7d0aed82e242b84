/**
 * A simulated household: base load, fridge compressor cycles, kettle, oven, morning and evening
 * peaks, an evening heater on cold days — and, on request, labelled anomalies (heater left on,
 * oven left on, holiday, fridge failure). Pure and seeded: the same options give the same watts,
 * and a given minute's power does not depend on the range asked for, so windows can be generated
 * piecewise. Used by the collector's simulator source and by `stream-smarts run / simulate /
 * evaluate` (see README "Simulator API").
 *
 * Power is piecewise constant per UTC minute; each local day (in `timezone`) draws its own
 * schedule from a PRNG seeded by (seed, local date), so DST days simply have 23 or 25 hours.
 */

import { wallClockToInstant, zoneOffsetMin } from '@stream-smarts/contracts';

export type ScenarioKind = 'heater-left-on' | 'oven-left-on' | 'holiday' | 'fridge-failure';

export const SCENARIO_KINDS: readonly ScenarioKind[] = ['heater-left-on', 'oven-left-on', 'holiday', 'fridge-failure'];

/** One injected anomaly and its ground truth: [start, end) in epoch ms. */
export interface Scenario {
  scenario: ScenarioKind;
  start: number;
  end: number;
}

export interface HouseholdOptions {
  /** IANA zone whose local clock drives the household's habits. */
  timezone: string;
  seed?: number;
  anomalies?: readonly Scenario[];
  /** Watts of the space heater (evening use, and the heater-left-on scenario). Default 2000. */
  heaterW?: number;
}

export interface Household {
  /** Average power in W during the UTC minute holding t. */
  powerAt(t: number): number;
  /** Wh in each aligned interval of [start, end): start and end multiples of intervalS. */
  energy(start: number, end: number, intervalS: number): Float64Array;
  /** Instants (epoch ms, whole) of the meter's LED pulses in [start, end), with `impulsesPerKwh`. */
  pulses(start: number, end: number, impulsesPerKwh: number): Float64Array;
}

const MIN_MS = 60_000;
const DAY_MIN = 1440;

// --- seeded randomness -------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32): the same seed gives the same household, on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

// --- the household's day ------------------------------------------------------------------------

interface DayPlan {
  /** Watts for each local minute of the day (0..1439). */
  minutes: Float64Array;
}

function addBlock(arr: Float64Array, fromMin: number, durMin: number, watts: number, duty = 1, periodMin = 10): void {
  for (let m = Math.max(0, Math.floor(fromMin)); m < Math.min(DAY_MIN, fromMin + durMin); m++) {
    if (duty >= 1 || (m - fromMin) % periodMin < duty * periodMin) arr[m]! += watts;
  }
}

function planDay(seed: number, localDay: number, heaterW: number): DayPlan {
  const rnd = mulberry32(mix(seed, localDay));
  const minutes = new Float64Array(DAY_MIN);
  // ISO weekday of the local day (1970-01-01 was a Thursday).
  const weekday = ((((localDay + 3) % 7) + 7) % 7) + 1;
  const weekend = weekday >= 6;
  // Standby and always-on: modem, fridge electronics, hot-water circulation.
  const base = 110 + rnd() * 40;
  for (let m = 0; m < DAY_MIN; m++) minutes[m] = base + 15 * Math.sin((m / DAY_MIN) * 2 * Math.PI * 3 + rnd() * 0.2);
  // Morning: lights, toaster, shower pump.
  const wake = (weekend ? 450 : 390) + rnd() * 40;
  addBlock(minutes, wake, 90 + rnd() * 30, 250 + rnd() * 100);
  // Kettle: three minutes at 2 kW, morning, afternoon and sometimes evening.
  addBlock(minutes, wake + 10 + rnd() * 20, 3, 2000);
  addBlock(minutes, 900 + rnd() * 60, 3, 2000);
  if (rnd() < 0.5) addBlock(minutes, 1230 + rnd() * 60, 3, 2000);
  // Daytime: more at weekends (washing machine, vacuum).
  if (weekend) addBlock(minutes, 600 + rnd() * 120, 90, 500 + rnd() * 300, 0.6, 7);
  // Evening peak: lights, TV, cooktop.
  addBlock(minutes, 1050 + rnd() * 30, 300 + rnd() * 30, 300 + rnd() * 200);
  // Oven most days around dinner, its thermostat cycling the element.
  if (rnd() < 0.6) addBlock(minutes, 1080 + rnd() * 30, 45 + rnd() * 20, 2400, 0.6, 6);
  // The heater on cold evenings.
  if (rnd() < 0.5) addBlock(minutes, 1140 + rnd() * 30, 150 + rnd() * 60, heaterW, 0.85, 12);
  return { minutes };
}

/** Extra watts of an anomaly during a minute it covers; holiday is handled as a mode. */
function anomalyWatts(kind: ScenarioKind, minuteOfStart: number, heaterW: number): number {
  switch (kind) {
    case 'heater-left-on':
      return heaterW;
    case 'oven-left-on':
      // Thermostat cycling at about 60% once hot: 2.4 kW on 6 of every 10 minutes.
      return minuteOfStart % 10 < 6 ? 2400 : 0;
    case 'fridge-failure':
      // A dead fridge: the compressor never runs (handled with the fridge below).
      return 0;
    case 'holiday':
      return 0;
  }
}

export function createHousehold(opts: HouseholdOptions): Household {
  const seed = opts.seed ?? 1;
  const heaterW = opts.heaterW ?? 2000;
  const anomalies = [...(opts.anomalies ?? [])].sort((a, b) => a.start - b.start);
  const plans = new Map<number, DayPlan>();
  const fridgeRnd = mix(seed, 0xf41d);

  const plan = (localDay: number): DayPlan => {
    let p = plans.get(localDay);
    if (!p) {
      if (plans.size > 400) plans.clear();
      p = planDay(seed, localDay, heaterW);
      plans.set(localDay, p);
    }
    return p;
  };

  const powerAt = (t: number): number => {
    const minuteStart = Math.floor(t / MIN_MS) * MIN_MS;
    const local = minuteStart + zoneOffsetMin(minuteStart, opts.timezone) * 60_000;
    const localDay = Math.floor(local / 86_400_000);
    const minuteOfDay = Math.floor((local - localDay * 86_400_000) / MIN_MS);
    let holiday = false;
    let fridgeDead = false;
    let extra = 0;
    for (const a of anomalies) {
      if (a.start > minuteStart) break;
      if (minuteStart >= a.end) continue;
      if (a.scenario === 'holiday') holiday = true;
      else if (a.scenario === 'fridge-failure') fridgeDead = true;
      else extra += anomalyWatts(a.scenario, Math.floor((minuteStart - a.start) / MIN_MS), heaterW);
    }
    // Fridge: compressor ~100 W, on about 15 of every 45 minutes, with a per-household phase.
    const cycleMin = Math.floor(minuteStart / MIN_MS + (fridgeRnd % 45));
    const fridge = fridgeDead ? 0 : cycleMin % 45 < 15 ? 100 : 0;
    const p = plan(localDay).minutes[minuteOfDay]!;
    // On holiday only the always-on part remains (the plan's smallest minute is close to it).
    const household = holiday ? 95 : p;
    return household + fridge + extra;
  };

  const energy = (start: number, end: number, intervalS: number): Float64Array => {
    const iMs = intervalS * 1000;
    if (start % iMs !== 0 || end % iMs !== 0 || end < start) throw new RangeError('start and end must be multiples of the interval, start <= end');
    const n = (end - start) / iMs;
    const out = new Float64Array(n);
    // Integrate the per-minute power over each interval; minutes split across intervals are shared.
    let t = start;
    let i = 0;
    while (t < end) {
      const minuteEnd = Math.floor(t / MIN_MS) * MIN_MS + MIN_MS;
      const intervalEnd = start + (i + 1) * iMs;
      const segEnd = Math.min(minuteEnd, intervalEnd, end);
      out[i]! += (powerAt(t) * (segEnd - t)) / 3_600_000;
      t = segEnd;
      if (t >= intervalEnd) i++;
    }
    return out;
  };

  const pulses = (start: number, end: number, impulsesPerKwh: number): Float64Array => {
    if (!(impulsesPerKwh > 0)) throw new RangeError(`impulses per kWh must be positive; got ${impulsesPerKwh}`);
    const whPerPulse = 1000 / impulsesPerKwh;
    // Energy is counted from the start of the day containing `start` so a window's pulses do not
    // depend on where the window starts (phase of the meter's disc/LED counter).
    const origin = Math.floor(start / 86_400_000) * 86_400_000;
    let acc = 0;
    for (let t = origin; t < start; t += MIN_MS) {
      const segEnd = Math.min(t + MIN_MS, start);
      acc += (powerAt(t) * (segEnd - t)) / 3_600_000;
    }
    acc %= whPerPulse;
    const out: number[] = [];
    let t = start;
    while (t < end) {
      const segEnd = Math.min(Math.floor(t / MIN_MS) * MIN_MS + MIN_MS, end);
      const whPerMs = powerAt(t) / 3_600_000;
      const segWh = whPerMs * (segEnd - t);
      // Pulses whose threshold falls within this minute, at the instant the energy crosses it.
      let next = whPerPulse - acc;
      while (next <= segWh + 1e-9) {
        out.push(Math.min(segEnd - 1, Math.floor(t + next / whPerMs)));
        next += whPerPulse;
      }
      acc = (acc + segWh) % whPerPulse;
      t = segEnd;
    }
    return Float64Array.from(out);
  };

  return { powerAt, energy, pulses };
}

// --- scenarios for run / simulate / evaluate ----------------------------------------------------

export interface ScenarioPlanOptions {
  /** First instant of the history (local midnight is a good choice). */
  start: number;
  days: number;
  timezone: string;
  seed?: number;
  /** Which kinds to inject; default all four. */
  kinds?: readonly ScenarioKind[];
  /** Days at the start left clean (the model's training part). Default 0. */
  cleanDays?: number;
}

/**
 * Picks non-overlapping anomalies over `days` from `start`, cycling through `kinds`, about one
 * every four days, each placed at its typical local time: heater left on overnight from
 * 00:00–01:45 to 07:00, oven left on from 20:00 for 4–7 h, holiday of 3–5 whole days, fridge
 * failure for 1–2 days. The list is the ground truth for `evaluate`.
 */
export function planScenarios(o: ScenarioPlanOptions): Scenario[] {
  const rnd = mulberry32(mix(o.seed ?? 1, 0x5ce0));
  const kinds = o.kinds ?? SCENARIO_KINDS;
  const out: Scenario[] = [];
  const dayStart = (d: number) => {
    const t = o.start + d * 86_400_000 + 12 * 3_600_000;
    const local = new Date(t + zoneOffsetMin(t, o.timezone) * 60_000);
    return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, dd: local.getUTCDate() };
  };
  let d = (o.cleanDays ?? 0) + 1 + Math.floor(rnd() * 2);
  let k = 0;
  while (d < o.days - 1 && kinds.length > 0) {
    const kind = kinds[k++ % kinds.length]!;
    const { y, m, dd } = dayStart(d);
    let s: Scenario;
    if (kind === 'heater-left-on') {
      // Switched on in the night (00:00–01:45) and left on until morning. Not earlier: this
      // household runs the same 2 kW heater on half its evenings until as late as 23:00, with the
      // evening's other loads until 23:30, so a heater on at 22:00 is a cold evening, not a
      // heater left on; no measure of power alone could label it otherwise.
      const { y: y2, m: m2, dd: d2 } = dayStart(d + 1);
      const q = Math.floor(rnd() * 8);
      const start = wallClockToInstant(o.timezone, y2, m2, d2, Math.floor(q / 4), (q % 4) * 15);
      s = { scenario: kind, start, end: wallClockToInstant(o.timezone, y2, m2, d2, 7, 0) };
    } else if (kind === 'oven-left-on') {
      const start = wallClockToInstant(o.timezone, y, m, dd, 20, 0);
      s = { scenario: kind, start, end: start + (4 + Math.floor(rnd() * 4)) * 3_600_000 };
    } else if (kind === 'holiday') {
      const len = 3 + Math.floor(rnd() * 3);
      if (d + len >= o.days) break;
      const e = dayStart(d + len);
      s = { scenario: kind, start: wallClockToInstant(o.timezone, y, m, dd), end: wallClockToInstant(o.timezone, e.y, e.m, e.dd) };
      d += len;
    } else {
      const len = 1 + Math.floor(rnd() * 2);
      const e = dayStart(Math.min(o.days, d + len));
      s = { scenario: kind, start: wallClockToInstant(o.timezone, y, m, dd, 10, 0), end: wallClockToInstant(o.timezone, e.y, e.m, e.dd, 10, 0) };
      d += len;
    }
    out.push(s);
    d += 3 + Math.floor(rnd() * 3);
  }
  return out;
}

/**
 * The default story of `stream-smarts run`: one local day (from local midnight of `date`) with the
 * heater switched on at 04:00 and left on until the day ends.
 */
export function heaterLeftOnDay(o: { timezone: string; date: { y: number; m: number; d: number }; seed?: number }): {
  household: Household;
  start: number;
  end: number;
  truth: Scenario[];
} {
  const { y, m, d } = o.date;
  const start = wallClockToInstant(o.timezone, y, m, d);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const end = wallClockToInstant(o.timezone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  const truth: Scenario[] = [{ scenario: 'heater-left-on', start: wallClockToInstant(o.timezone, y, m, d, 4, 0), end }];
  return { household: createHousehold({ timezone: o.timezone, seed: o.seed ?? 1, anomalies: truth }), start, end, truth };
}
