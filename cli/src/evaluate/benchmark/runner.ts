import { BandsModel, dayHourOfReading, envelopeScore, TrailingMeasures, type AnomalyEvent, type JarTables } from '@stream-smarts/contracts';
import { EpisodeTracker, type Alert, type EpisodeRules } from '@stream-smarts/notifier';
import { emptyGrid, type DayGrid } from '../../train/band-stats.js';
import { dayStart, EXPECTED, inject, plan, stepEnd, windows, type Event, type Grid, type ScenarioName, type Window } from './protocol.js';

/**
 * Runs the protocol for one method over one history: per window, inject, fit on the training
 * days (once, or again every `retrainDays` on the trailing 90 days of what the system has seen,
 * injected events included — as a deployed system would), score every test step, turn anomalies
 * into alerts with the product's alert core, and count.
 */

export interface Measured {
  kwh: Float64Array;
  floor_15m: Float64Array;
  floor_1h: Float64Array;
  floor_3h: Float64Array;
  mean_24h: Float64Array;
}

/** The product's measures (contracts TrailingMeasures) of every step; NaN where null or unread. */
export function measureSeries(g: Grid, w: Float64Array): Measured {
  const n = w.length;
  const a = () => new Float64Array(n).fill(NaN);
  const out: Measured = { kwh: a(), floor_15m: a(), floor_1h: a(), floor_3h: a(), mean_24h: a() };
  const m = new TrailingMeasures();
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(w[i]!)) continue;
    const v = m.push(stepEnd(g, i), (w[i]! * g.intervalMs) / 3_600_000, g.intervalMs);
    out.kwh[i] = v.kwh;
    if (v.floor_15m !== null) out.floor_15m[i] = v.floor_15m;
    if (v.floor_1h !== null) out.floor_1h[i] = v.floor_1h;
    if (v.floor_3h !== null) out.floor_3h[i] = v.floor_3h;
    if (v.mean_24h !== null) out.mean_24h[i] = v.mean_24h;
  }
  return out;
}

/** The measures of days [from, to) laid out by day and minute, for band-stats. */
export function dayGridOf(g: Grid, m: Measured, from: number, to: number): DayGrid {
  const dg = emptyGrid(to - from);
  for (let i = dayStart(g, from); i < dayStart(g, to); i++) {
    const k = (g.day[i]! - from) * 1440 + g.minute[i]!;
    dg.kwh[k] = m.kwh[i]!;
    dg.floor_15m[k] = m.floor_15m[i]!;
    dg.floor_1h[k] = m.floor_1h[i]!;
    dg.floor_3h[k] = m.floor_3h[i]!;
    dg.mean_24h[k] = m.mean_24h[i]!;
  }
  return dg;
}

/** A fitted detector: the score of step i (null: nothing to score), and which kind it flags. */
export type StepScorer = (i: number) => number | null;

export interface Method {
  name: string;
  rules: EpisodeRules;
  fit(g: Grid, m: Measured, fromDay: number, toDay: number): Promise<StepScorer>;
}

const nan = (x: number) => (Number.isNaN(x) ? null : x);

/** The product: band statistics → tables (fitTables: H2O and the UDF jar in `train`) → BandsModel. */
export function productMethod(rules: EpisodeRules, fitTables: (dg: DayGrid) => Promise<JarTables>, name = 'stream-smarts'): Method {
  return {
    name,
    rules,
    async fit(g, m, from, to) {
      const model = new BandsModel(await fitTables(dayGridOf(g, m, from, to)), name);
      return (i) => model.score({ minute: g.minute[i]!, floor_15m: nan(m.floor_15m[i]!), floor_1h: nan(m.floor_1h[i]!), floor_3h: nan(m.floor_3h[i]!), mean_24h: nan(m.mean_24h[i]!) });
    },
  };
}

/**
 * The 2018 method (one min/max of the trailing-hour energy per hour of day) and the one this
 * replaces (a min/max per day of week and hour, 168 cells): each is exactly the table its MOJOs
 * were fitted to reproduce (within 0.2 Wh/h), so they are computed directly here.
 */
export function minMaxMethod(name: string, byDay: boolean, rules: EpisodeRules): Method {
  return {
    name,
    rules,
    async fit(g, m, from, to) {
      const dow = dayOfWeek(g);
      const cell = (i: number) => (byDay ? (dow[g.day[i]!]! - 1) * 24 : 0) + Math.floor(g.minute[i]! / 60);
      const lo = new Float64Array(168).fill(Infinity);
      const hi = new Float64Array(168).fill(-Infinity);
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
  name: string;
  injected: boolean;
  kind: 'high' | 'low';
  from: number;
  /** Minutes from the event's start to its first alert of the expected kind; null: not found. */
  minutes: number | null;
  /** Notifications (any kind, repeats and resolves included) from its start to an hour after its end. */
  notifications: number;
}

export interface WindowResult {
  file: string;
  window: Window;
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
    const kind = fn > 1 ? 'high' : fn < 0 ? 'low' : null;
    const ts = stepEnd(g, i);
    if (kind === null) {
      alerts.push(...tracker.advance(ts));
      continue;
    }
    const ev: AnomalyEvent = { eventTs: ts, hour: Math.floor(g.minute[i]! / 60), kwh: 0, fn, kind, meterId };
    alerts.push(...tracker.observe(ev));
  }
  return alerts;
}

/** Counts one window's alerts against its events (issue 12's definitions). */
export function countWindow(file: string, g: Grid, w: Window, alerts: readonly Alert[], events: readonly Event[], labelled: readonly Event[]): WindowResult {
  const t0 = stepEnd(g, dayStart(g, w.testFrom));
  const t1 = stepEnd(g, dayStart(g, w.testTo));
  const span = (e: Event) => [stepEnd(g, e.from) - g.intervalMs, stepEnd(g, e.to) - g.intervalMs] as const;
  const all = [...events, ...labelled];
  const inTest = alerts.filter((a) => a.at >= t0 && a.at < t1);
  const covered = (t: number, es: readonly Event[]) => es.some((e) => {
    const [a, b] = span(e);
    return t >= a && t <= b + HOUR_MS;
  });
  const falseAt = inTest.filter((a) => a.type === 'fire' && !covered(a.at, all)).map((a) => ({ kind: a.kind, at: a.at }));
  const allNight = labelled.filter((e) => e.name === 'real-all-night-load');
  const onAllNightLoads = inTest.filter((a) => a.type === 'fire' && !covered(a.at, events) && covered(a.at, allNight)).length;
  const results = all
    .filter((e) => {
      const [a] = span(e);
      return a >= t0 && a < t1;
    })
    .map((e): EventResult => {
      const [a, b] = span(e);
      const kind = e.injected ? EXPECTED[e.name as ScenarioName] : e.kind;
      const hit = alerts.find((x) => (x.type === 'fire' || x.type === 'repeat') && x.kind === kind && x.at >= a && x.at < b);
      // An episode of the expected kind that alerted before the start and is still open at it counts from the start.
      const open = alerts.some((x) => x.type === 'fire' && x.kind === kind && x.at < a && !alerts.some((y) => y.type === 'resolve' && y.episodeId === x.episodeId && y.at <= a));
      const minutes = open ? 0 : hit ? (hit.at - a) / 60_000 : null;
      const notifications = alerts.filter((x) => x.at >= a && x.at <= b + HOUR_MS).length;
      return { name: e.name, injected: e.injected, kind, from: e.from, minutes, notifications };
    });
  return {
    file,
    window: w,
    weeks: (w.testTo - w.testFrom) / 7,
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

export async function runBenchmark(o: RunOptions): Promise<WindowResult[]> {
  const out: WindowResult[] = [];
  const trainDays = o.trainDays ?? 90;
  const avoid = avoidDays(o.grid, o.labelled);
  for (const w of windows(o.grid.days, trainDays)) {
    o.signal?.throwIfAborted();
    const seed = (o.seed ?? 12) * 7919 + w.index * 104729 + o.file.length;
    const p = plan(seed, w.testFrom, w.testTo, avoid);
    const { w: injected, events } = inject(o.grid, p);
    const m = measureSeries(o.grid, injected);
    const from = dayStart(o.grid, w.testFrom);
    const to = dayStart(o.grid, w.testTo);
    const scores = new Float64Array(to - from).fill(NaN);
    const step = o.retrainDays ?? w.testTo - w.testFrom;
    for (let d = w.testFrom; d < w.testTo; d += step) {
      o.signal?.throwIfAborted();
      const score = await o.method.fit(o.grid, m, d - trainDays, d);
      for (let i = dayStart(o.grid, d); i < dayStart(o.grid, Math.min(d + step, w.testTo)); i++) scores[i - from] = score(i) ?? NaN;
    }
    const alerts = alertsOf(o.grid, (i) => nan(scores[i - from]!), o.method.rules, from, to);
    const r = countWindow(o.file, o.grid, w, alerts, events, o.labelled);
    o.onWindow?.(r);
    out.push(r);
  }
  return out;
}
