import { dayHourOfReading, envelopeScore, HIGH_MEASURES, kindOf, MEASURE_NAMES, TrailingMeasures, type AnomalyEvent, type BandsModel, type MeasureName, type ScoreInputs } from '@stream-smarts/contracts';
import { EpisodeTracker, type Alert, type EpisodeRules } from '@stream-smarts/notifier';
import { emptyGrid, type DayGrid } from '../../train/day-grid.js';
import { dayStart, inject, plan, quantize, stepEnd, windows, type Event, type Grid, type Window } from './protocol.js';

/**
 * Runs the protocol for one method over one history: per window, inject, fit on the training
 * days (once, or again every `retrainDays` on the trailing 90 days of what the system has seen,
 * injected events included — as a deployed system would), score every test step, turn anomalies
 * into alerts with the product's alert core, and count.
 */

/** The product's measures (contracts TrailingMeasures) of every step; NaN where null or unread. */
export type Measured = Record<MeasureName | 'kwh', Float64Array>;

const SERIES = ['kwh', ...MEASURE_NAMES] as const;

export function measureSeries(g: Grid, w: Float64Array): Measured {
  const n = w.length;
  const out = Object.fromEntries(SERIES.map((k) => [k, new Float64Array(n).fill(NaN)])) as Measured;
  const m = new TrailingMeasures();
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(w[i]!)) continue;
    const v = m.push(stepEnd(g, i), (w[i]! * g.intervalMs) / 3_600_000, g.intervalMs);
    for (const k of SERIES) {
      const x = v[k];
      if (x !== null) out[k][i] = x;
    }
  }
  return out;
}

/** The measures of days [from, to) laid out by day and minute, for the methods' statistics. */
export function dayGridOf(g: Grid, m: Measured, from: number, to: number): DayGrid {
  const dg = emptyGrid(to - from);
  const dow = dayOfWeek(g);
  for (let d = from; d < to; d++) dg.weekday[d - from] = dow[d] ?? 0;
  for (let i = dayStart(g, from); i < dayStart(g, to); i++) {
    const k = (g.day[i]! - from) * 1440 + g.minute[i]!;
    for (const s of SERIES) dg[s][k] = m[s][i]!;
  }
  return dg;
}

/** A fitted detector: the score of step i (null: nothing to score). */
export type StepScorer = (i: number) => number | null;

/** A model's score of each measured step, as the UDF scores the reading (day of the week, minute, measures). */
export function modelScorer(g: Grid, m: Measured, model: BandsModel): StepScorer {
  const dow = dayOfWeek(g);
  const nan = (x: number) => (Number.isNaN(x) ? null : x);
  const r = { minute: 0, day: 0 } as ScoreInputs;
  return (i) => {
    r.minute = g.minute[i]!;
    r.day = dow[g.day[i]!]!;
    for (const c of HIGH_MEASURES) r[c] = nan(m[c][i]!);
    r.mean_24h = nan(m.mean_24h[i]!);
    return model.score(r);
  };
}

export interface Method {
  name: string;
  rules: EpisodeRules;
  /** The modes this method runs in (default: every mode the benchmark runs). */
  modes?: readonly ('once' | 'retrained')[];
  fit(g: Grid, m: Measured, fromDay: number, toDay: number): Promise<StepScorer>;
}

/**
 * The 2018 method: one min/max of the trailing-hour energy per hour of day, exactly the table its
 * MOJOs were fitted to reproduce (within 0.2 Wh/h), so it is computed directly here.
 */
export function minMaxMethod(name: string, rules: EpisodeRules): Method {
  return {
    name,
    rules,
    async fit(g, m, from, to) {
      const cell = (i: number) => Math.floor(g.minute[i]! / 60);
      const lo = new Float64Array(24).fill(Infinity);
      const hi = new Float64Array(24).fill(-Infinity);
      for (let i = dayStart(g, from); i < dayStart(g, to); i++) {
        const v = m.kwh[i]!;
        if (Number.isNaN(v)) continue;
        const c = cell(i);
        if (v < lo[c]!) lo[c] = v;
        if (v > hi[c]!) hi[c] = v;
      }
      return (i) => {
        const v = m.kwh[i]!;
        const c = cell(i);
        return Number.isNaN(v) || !Number.isFinite(lo[c]!) ? null : envelopeScore(v, lo[c]!, hi[c]!);
      };
    },
  };
}

const dowCache = new WeakMap<Grid, Int8Array>();
/** ISO weekday (1 = Monday) of each local day of the grid. */
function dayOfWeek(g: Grid): Int8Array {
  let d = dowCache.get(g);
  if (!d) {
    d = new Int8Array(g.days);
    for (let k = 0; k < g.days; k++) d[k] = dayHourOfReading(stepEnd(g, dayStart(g, k)), g.timezone).day;
    dowCache.set(g, d);
  }
  return d;
}

export interface EventResult {
  scenario: string;
  name: string;
  injected: boolean;
  kind: 'high' | 'low';
  from: number;
  kw?: number;
  startHour?: number;
  shape?: string;
  /** Minutes from the event's start to its first alert of the expected kind; null: not found. */
  minutes: number | null;
  /** Notifications (any kind, repeats and resolves included) from its start to an hour after its end. */
  notifications: number;
  /** "Back to normal" messages of its kind while the event was still going on. */
  earlyResolves: number;
}

export interface WindowResult {
  file: string;
  window: Window;
  /** Weeks of the test period outside every event (and the hour after it) and every gap: where a false alert could fall. */
  weeks: number;
  falseHigh: number;
  falseLow: number;
  /** Fires outside injected events that fall on labelled all-night loads: false if those counted. */
  onAllNightLoads: number;
  notifications: number;
  events: EventResult[];
  falseAt: { kind: 'high' | 'low'; at: number }[];
}

const HOUR_MS = 3_600_000;

/** Alerts of one scored test period through the product's alert core (the notifier's EpisodeTracker). */
export function alertsOf(g: Grid, score: StepScorer, rules: EpisodeRules, from: number, to: number, meterId = 'house'): Alert[] {
  const tracker = new EpisodeTracker(rules, () => 0);
  const alerts: Alert[] = [];
  for (let i = from; i < to; i++) {
    const fn = score(i);
    if (fn === null) continue;
    const kind = kindOf(fn);
    const ts = stepEnd(g, i);
    if (kind === null) {
      alerts.push(...tracker.advance(ts));
      continue;
    }
    const ev: AnomalyEvent = { eventTs: ts, hour: Math.floor(g.minute[i]! / 60), kwh: 0, fn, kind: kind === 'hold' ? 'high' : kind, ...(kind === 'hold' ? { hold: true } : {}), meterId };
    alerts.push(...tracker.observe(ev));
  }
  return alerts;
}

/** Counts one window's alerts against its events (issue 19's definitions). */
export function countWindow(file: string, g: Grid, w: Window, alerts: readonly Alert[], events: readonly Event[], labelled: readonly Event[]): WindowResult {
  const a0 = dayStart(g, w.testFrom);
  const a1 = dayStart(g, w.testTo);
  const t0 = stepEnd(g, a0);
  const t1 = stepEnd(g, a1);
  const span = (e: Event) => [stepEnd(g, e.from) - g.intervalMs, stepEnd(g, e.to) - g.intervalMs] as const;
  const all = [...events, ...labelled];
  const inTest = alerts.filter((a) => a.at >= t0 && a.at < t1);
  const covered = (t: number, es: readonly Event[]) =>
    es.some((e) => {
      const [a, b] = span(e);
      return t >= a && t <= b + HOUR_MS;
    });
  const falseAt = inTest.filter((a) => a.type === 'fire' && !covered(a.at, all)).map((a) => ({ kind: a.kind, at: a.at }));
  const allNight = labelled.filter((e) => e.scenario === 'real-all-night-load');
  const onAllNightLoads = inTest.filter((a) => a.type === 'fire' && !covered(a.at, events) && covered(a.at, allNight)).length;
  // Exposure: the test steps that were read and lie outside every event and the hour after it.
  const perHour = Math.round(HOUR_MS / g.intervalMs);
  const busy = new Uint8Array(a1 - a0);
  for (const e of all) for (let i = Math.max(a0, e.from); i < Math.min(a1, e.to + perHour); i++) busy[i - a0] = 1;
  let open = 0;
  for (let i = a0; i < a1; i++) if (!busy[i - a0] && !Number.isNaN(g.w[i]!)) open++;
  const results = all
    .filter((e) => {
      const [a] = span(e);
      return a >= t0 && a < t1;
    })
    .map((e): EventResult => {
      const [a, b] = span(e);
      const kind = e.kind;
      const hit = alerts.find((x) => (x.type === 'fire' || x.type === 'repeat') && x.kind === kind && x.at >= a && x.at < b);
      // An episode of the expected kind that alerted before the start and is still open at it counts from the start.
      const openAtStart = alerts.some((x) => x.type === 'fire' && x.kind === kind && x.at < a && !alerts.some((y) => y.type === 'resolve' && y.episodeId === x.episodeId && y.at <= a));
      const minutes = openAtStart ? 0 : hit ? (hit.at - a) / 60_000 : null;
      const notifications = alerts.filter((x) => x.at >= a && x.at <= b + HOUR_MS).length;
      const earlyResolves = alerts.filter((x) => x.type === 'resolve' && x.kind === kind && x.at >= a && x.at < b).length;
      return {
        scenario: e.scenario,
        name: e.name,
        injected: e.injected,
        kind,
        from: e.from,
        ...(e.kw !== undefined ? { kw: e.kw } : {}),
        ...(e.startHour !== undefined ? { startHour: e.startHour } : {}),
        ...(e.shape !== undefined ? { shape: e.shape } : {}),
        minutes,
        notifications,
        earlyResolves,
      };
    });
  return {
    file,
    window: w,
    weeks: (open * g.intervalMs) / (7 * 24 * HOUR_MS),
    falseHigh: falseAt.filter((x) => x.kind === 'high').length,
    falseLow: falseAt.filter((x) => x.kind === 'low').length,
    onAllNightLoads,
    notifications: inTest.length,
    events: results,
    falseAt,
  };
}

export interface RunOptions {
  file: string;
  grid: Grid;
  labelled: readonly Event[];
  method: Method;
  /** Refit every this many days on the trailing `trainDays`; undefined: fit once per window. */
  retrainDays?: number;
  trainDays?: number;
  /** Days of each test period (and the slide between windows); default 60. */
  testDays?: number;
  seed?: number;
  onWindow?: (r: WindowResult) => void;
  signal?: AbortSignal;
}

/** The avoid set of plan(): every labelled event's days and the day either side. */
function avoidDays(g: Grid, labelled: readonly Event[]): Set<number> {
  const s = new Set<number>();
  for (const e of labelled) for (let d = g.day[Math.min(e.from, g.w.length - 1)]! - 1; d <= g.day[Math.min(e.to, g.w.length - 1)]! + 1; d++) s.add(d);
  return s;
}

/** A window's injected copy and its measures: the same for every method, so they are made once. */
interface PreparedWindow {
  window: Window;
  events: Event[];
  measured: Measured;
}

const prepared = new WeakMap<Grid, Map<string, PreparedWindow[]>>();

/** Windows with enough readings: a test period needs most of its steps read, a training period some. */
function usable(g: Grid, w: Window): boolean {
  const read = (a: number, b: number) => {
    let n = 0;
    for (let i = dayStart(g, a); i < dayStart(g, b); i++) if (!Number.isNaN(g.w[i]!)) n++;
    return n / Math.max(1, dayStart(g, b) - dayStart(g, a));
  };
  return read(w.testFrom, w.testTo) >= 0.7 && read(w.trainFrom, w.testFrom) >= 0.3;
}

/** The meter the benchmark's households are read through: 1,000 impulses/kWh, the commonest constant. */
export const BENCH_IMPULSES_PER_KWH = 1000;

function prepareWindows(file: string, g: Grid, labelled: readonly Event[], trainDays = 90, seed = 12, impulsesPerKwh = BENCH_IMPULSES_PER_KWH, testDays = 60): PreparedWindow[] {
  const key = `${file}|${trainDays}|${testDays}|${seed}|${impulsesPerKwh}`;
  let byKey = prepared.get(g);
  if (!byKey) prepared.set(g, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const avoid = avoidDays(g, labelled);
  const out: PreparedWindow[] = [];
  for (const w of windows(g.days, trainDays, testDays, testDays)) {
    if (!usable(g, w)) continue;
    const s = seed * 7919 + w.index * 104729 + file.length;
    const { w: injected, events } = inject(g, plan(s, w.testFrom, w.testTo, avoid, w.index), s);
    out.push({ window: w, events, measured: measureSeries(g, quantize(g, injected, impulsesPerKwh)) });
  }
  byKey.set(key, out);
  return out;
}

const nan = (x: number) => (Number.isNaN(x) ? null : x);

export async function runBenchmark(o: RunOptions): Promise<WindowResult[]> {
  const out: WindowResult[] = [];
  const trainDays = o.trainDays ?? 90;
  for (const { window: w, events, measured: m } of prepareWindows(o.file, o.grid, o.labelled, trainDays, o.seed ?? 12, BENCH_IMPULSES_PER_KWH, o.testDays ?? 60)) {
    o.signal?.throwIfAborted();
    const from = dayStart(o.grid, w.testFrom);
    const to = dayStart(o.grid, w.testTo);
    const scores = new Float64Array(to - from).fill(NaN);
    const step = o.retrainDays ?? w.testTo - w.testFrom;
    for (let d = w.testFrom; d < w.testTo; d += step) {
      o.signal?.throwIfAborted();
      const score = await o.method.fit(o.grid, m, Math.max(0, d - trainDays), d);
      for (let i = dayStart(o.grid, d); i < dayStart(o.grid, Math.min(d + step, w.testTo)); i++) scores[i - from] = score(i) ?? NaN;
    }
    const alerts = alertsOf(o.grid, (i) => nan(scores[i - from]!), o.method.rules, from, to);
    const r = countWindow(o.file, o.grid, w, alerts, events, o.labelled);
    o.onWindow?.(r);
    out.push(r);
  }
  return out;
}
