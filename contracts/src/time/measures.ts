import { TrailingHour } from './trailing-hour.js';

/**
 * The measures a reading carries (contracts/MODEL-FORMAT.md, "What a reading carries"). The
 * collector, `train`, `run` and `evaluate` all compute them here, so the bands a model learns and
 * the readings it scores are measured alike. All values are Wh/h (numerically average watts).
 *
 * - the 2018 trailing-hour energy (`kwh`);
 * - floors: the lowest interval power over the last 15 min, 1 h and 3 h — a load that stays on
 *   lifts them, a load that comes and goes does not;
 * - steps: how far the power of the last 20, 45 or 90 minutes stands above the floor of the hour
 *   before — a load that came on and stayed, seen on top of whatever the house was doing (a floor
 *   cannot tell a 2 kW heater from a busy evening; a step can). The 20-min step takes the floor of
 *   its window (the load stayed on throughout); the 45- and 90-min steps take its 40th percentile,
 *   so a load that cycles (an oven, a heater under a thermostat) and is on at least 60% of the time
 *   still counts;
 * - `activity_3h`: the mean power of the last 3 h above their floor — the energy of loads that come
 *   and go, which stays up while a thermostat cycles a heater all night;
 * - `mean_24h`: the mean power of the last 24 h — a house that uses much less than usual.
 *
 * A measure is null until its whole window (for a step, the hour before it too) is covered by
 * contiguous readings: after start-up and after a gap nothing is extrapolated (a week of invented
 * zeros is a week of false alerts). The one exception is the 24-h mean, which bridges gaps of up
 * to 15 min (BRIDGE_MS) and is then the mean over the time read, while 95% of its day is read.
 */
export const MEASURE_NAMES = ['floor_15m', 'floor_1h', 'floor_3h', 'step_20m', 'step_45m', 'step_90m', 'activity_3h', 'mean_24h'] as const;
export type MeasureName = (typeof MEASURE_NAMES)[number];

/** The measures that rise when a load stays on (scored against an upper band). */
export const HIGH_MEASURES = ['floor_15m', 'floor_1h', 'floor_3h', 'step_20m', 'step_45m', 'step_90m', 'activity_3h'] as const satisfies readonly MeasureName[];
export type HighMeasure = (typeof HIGH_MEASURES)[number];

/** The measures in words, as views, cards and plots name them. */
export const MEASURE_LABELS: Record<MeasureName, string> = {
  floor_15m: '15-min floor',
  floor_1h: '1-h floor',
  floor_3h: '3-h floor',
  step_20m: '20-min step',
  step_45m: '45-min step',
  step_90m: '90-min step',
  activity_3h: '3-h activity',
  mean_24h: '24-h mean',
};

export type MeasureValues = {
  /** Trailing-hour energy, Wh/h, scaled to the covered time while the hour fills (TrailingHour). */
  kwh: number;
  /** Share of the trailing hour covered, 0–1. */
  coverage: number;
} & Record<MeasureName, number | null>;

const MIN = 60_000;
export const FLOOR_WINDOWS = { floor_15m: 15 * MIN, floor_1h: 60 * MIN, floor_3h: 180 * MIN } as const;
export type FloorName = keyof typeof FLOOR_WINDOWS;
export const FLOOR_NAMES = Object.keys(FLOOR_WINDOWS) as FloorName[];

/** A step: the `q` quantile of the last `windowMs` above the floor of the `beforeMs` before them. */
export const STEP_WINDOWS = {
  step_20m: { windowMs: 20 * MIN, q: 0, beforeMs: 60 * MIN },
  step_45m: { windowMs: 45 * MIN, q: 0.4, beforeMs: 60 * MIN },
  step_90m: { windowMs: 90 * MIN, q: 0.4, beforeMs: 60 * MIN },
} as const;
export type StepName = keyof typeof STEP_WINDOWS;
const STEP_NAMES = Object.keys(STEP_WINDOWS) as StepName[];
const ACTIVITY_MS = 180 * MIN;
const DAY_MS = 86_400_000;
/**
 * The longest gap the 24-h mean bridges, and the least share of its day that must be read: a
 * collector restart or a lost minute or two (0.1–0.5% of rows in the real histories) keep it; a
 * gap longer than 15 min, or more than 72 min missing in the day, restart it — its mean would be
 * over too little of the day to say the house is quiet.
 */
const BRIDGE_MS = 15 * MIN;
const MIN_DAY_SHARE = 0.95;

/** How much contiguous history each measure needs before it is not null. */
export const MEASURE_SPAN_MS: Record<MeasureName, number> = {
  ...FLOOR_WINDOWS,
  step_20m: STEP_WINDOWS.step_20m.windowMs + STEP_WINDOWS.step_20m.beforeMs,
  step_45m: STEP_WINDOWS.step_45m.windowMs + STEP_WINDOWS.step_45m.beforeMs,
  step_90m: STEP_WINDOWS.step_90m.windowMs + STEP_WINDOWS.step_90m.beforeMs,
  activity_3h: ACTIVITY_MS,
  mean_24h: DAY_MS,
};

interface Interval {
  start: number;
  end: number;
  wh: number;
  /** Average power over the interval, W. */
  w: number;
}

/** A sliding minimum over intervals whose end is inside the window (monotonic deque: O(1) amortised). */
class SlidingMin {
  private q: Interval[] = [];
  private head = 0;
  constructor(readonly windowMs: number) {}
  push(iv: Interval): void {
    while (this.q.length > this.head && this.q[this.q.length - 1]!.w >= iv.w) this.q.pop();
    this.q.push(iv);
  }
  /** The least power among intervals ending in (t − window, t]. */
  min(t: number): number {
    const from = t - this.windowMs;
    while (this.head < this.q.length && this.q[this.head]!.end <= from) this.head++;
    if (this.head > 256 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return this.head < this.q.length ? this.q[this.head]!.w : NaN;
  }
  clear(): void {
    this.q = [];
    this.head = 0;
  }
}

/** The floor of the `windowMs` that ended `lagMs` ago: intervals enter once they are that old. */
class LaggedMin {
  private readonly waiting: Interval[] = [];
  private head = 0;
  private readonly inner: SlidingMin;
  constructor(
    private readonly lagMs: number,
    windowMs: number,
  ) {
    this.inner = new SlidingMin(windowMs);
  }
  push(iv: Interval): void {
    this.waiting.push(iv);
  }
  min(t: number): number {
    const until = t - this.lagMs;
    while (this.head < this.waiting.length && this.waiting[this.head]!.end <= until) this.inner.push(this.waiting[this.head++]!);
    if (this.head > 256 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return this.inner.min(until);
  }
  clear(): void {
    this.waiting.length = 0;
    this.head = 0;
    this.inner.clear();
  }
}

/**
 * The q quantile (linear interpolation between order statistics, as numpy's and H2O's default) of
 * the powers of the intervals ending in the window: a sorted copy kept beside the arrival order,
 * O(window) per reading — at most a few hundred numbers moved, even at 10-s intervals.
 */
class SlidingQuantile {
  private readonly fifo: Interval[] = [];
  private head = 0;
  private readonly sorted: number[] = [];
  constructor(
    readonly windowMs: number,
    readonly q: number,
  ) {}
  private static lowerBound(xs: number[], v: number): number {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  push(iv: Interval): void {
    this.fifo.push(iv);
    this.sorted.splice(SlidingQuantile.lowerBound(this.sorted, iv.w), 0, iv.w);
  }
  at(t: number): number {
    const from = t - this.windowMs;
    while (this.head < this.fifo.length && this.fifo[this.head]!.end <= from) {
      const gone = this.fifo[this.head++]!;
      this.sorted.splice(SlidingQuantile.lowerBound(this.sorted, gone.w), 1);
    }
    if (this.head > 256 && this.head * 2 > this.fifo.length) {
      this.fifo.splice(0, this.head);
      this.head = 0;
    }
    const n = this.sorted.length;
    if (n === 0) return NaN;
    const h = (n - 1) * this.q;
    const lo = Math.floor(h);
    const hi = Math.min(n - 1, lo + 1);
    return this.sorted[lo]! + (h - lo) * (this.sorted[hi]! - this.sorted[lo]!);
  }
  clear(): void {
    this.fifo.length = 0;
    this.head = 0;
    this.sorted.length = 0;
  }
}

/** The energy of the intervals in the window, the oldest counted only for its part inside. */
class SlidingEnergy {
  private readonly q: Interval[] = [];
  private head = 0;
  private wh = 0;
  /** Time the intervals in the queue cover, ms (less than their span when bridged gaps lie between). */
  private ms = 0;
  constructor(readonly windowMs: number) {}
  push(iv: Interval): void {
    this.q.push(iv);
    this.wh += iv.wh;
    this.ms += iv.end - iv.start;
  }
  /**
   * Mean power (Wh/h) over the covered part of (t − window, t]: with no gap in it, the energy
   * over the whole window, exactly as before bridging; across bridged gaps, over the time read.
   */
  mean(t: number): number {
    const from = t - this.windowMs;
    this.drop(from);
    if (this.head >= this.q.length) return NaN;
    // Only the oldest reading can stick out of the window; take off the part that does.
    const first = this.q[this.head]!;
    const outside = Math.max(0, from - first.start);
    const inside = this.wh - (outside > 0 ? (first.wh * outside) / (first.end - first.start) : 0);
    const coveredMs = this.ms - outside;
    return Math.max(0, (inside * 3_600_000) / coveredMs);
  }
  /** Share of (t − window, t] the intervals cover, 0–1 (call after mean(t)). */
  share(t: number): number {
    const from = t - this.windowMs;
    this.drop(from);
    if (this.head >= this.q.length) return 0;
    const outside = Math.max(0, from - this.q[this.head]!.start);
    return (this.ms - outside) / this.windowMs;
  }
  private drop(from: number): void {
    while (this.head < this.q.length && this.q[this.head]!.end <= from) {
      const gone = this.q[this.head++]!;
      this.wh -= gone.wh;
      this.ms -= gone.end - gone.start;
    }
    if (this.head > 4096 && this.head * 2 > this.q.length) {
      this.q.splice(0, this.head);
      this.head = 0;
    }
  }
  /** Intervals still in the window, oldest first. */
  *intervals(): Generator<Interval> {
    for (let i = this.head; i < this.q.length; i++) yield this.q[i]!;
  }
  clear(): void {
    this.q.length = 0;
    this.head = 0;
    this.wh = 0;
    this.ms = 0;
  }
}

interface Step {
  name: StepName;
  recent: SlidingMin | SlidingQuantile;
  before: LaggedMin;
}

export class TrailingMeasures {
  private readonly hour = new TrailingHour();
  private readonly floors = FLOOR_NAMES.map((n) => new SlidingMin(FLOOR_WINDOWS[n]));
  private readonly steps: Step[] = STEP_NAMES.map((name) => {
    const s = STEP_WINDOWS[name];
    return { name, recent: s.q === 0 ? new SlidingMin(s.windowMs) : new SlidingQuantile(s.windowMs, s.q), before: new LaggedMin(s.windowMs, s.beforeMs) };
  });
  private readonly energy3h = new SlidingEnergy(ACTIVITY_MS);
  /** Readings of the last 24 h: the 24-h mean, and what a restart needs (recent()). */
  private readonly day = new SlidingEnergy(DAY_MS);
  private lastEnd = -Infinity;
  /** Start of the current run of contiguous readings. */
  private runStart = Infinity;
  /** Start of the 24-h mean's run: bridged gaps do not end it (BRIDGE_MS). */
  private dayRunStart = Infinity;

  /** Rebuilds the state from readings the collector kept across a restart (see recent()). */
  constructor(recent: readonly (readonly [endMs: number, wh: number, intervalMs: number])[] = []) {
    for (const [end, wh, ms] of recent) this.push(end, wh, ms);
  }

  /**
   * Adds the reading whose interval is (endMs − intervalMs, endMs] and returns the measures at
   * endMs. Readings come in time order without overlap (one that breaks this throws and is not
   * added); a reading that starts after the previous one ended starts a new run: a gap.
   */
  push(endMs: number, wh: number, intervalMs: number): MeasureValues {
    const v = this.hour.push(endMs, wh, intervalMs); // validates, and throws on overlap
    const start = endMs - intervalMs;
    if (start !== this.lastEnd) {
      for (const f of this.floors) f.clear();
      for (const s of this.steps) {
        s.recent.clear();
        s.before.clear();
      }
      this.energy3h.clear();
      this.runStart = start;
      // A few missing minutes do not restart the day (issue 24: at 0.5% of rows missing, every gap
      // restarting it left the 24-h mean null most of the time and a week away unseen); its mean
      // is then over the time read. A longer gap, or a day read less than MIN_DAY_SHARE, restarts it.
      if (start - this.lastEnd > BRIDGE_MS) {
        this.day.clear();
        this.dayRunStart = start;
      }
    }
    const iv: Interval = { start, end: endMs, wh, w: (wh * 3_600_000) / intervalMs };
    this.lastEnd = endMs;
    for (const f of this.floors) f.push(iv);
    for (const s of this.steps) {
      s.recent.push(iv);
      s.before.push(iv);
    }
    this.energy3h.push(iv);
    this.day.push(iv);
    const covered = (name: MeasureName) => this.runStart <= endMs - MEASURE_SPAN_MS[name];
    const floor = (i: number, name: FloorName) => (covered(name) ? this.floors[i]!.min(endMs) : null);
    const step = (s: Step) => {
      const recent = s.recent instanceof SlidingMin ? s.recent.min(endMs) : s.recent.at(endMs);
      const before = s.before.min(endMs);
      return covered(s.name) ? Math.max(0, recent - before) : null;
    };
    const floor3h = floor(2, 'floor_3h');
    const mean3h = this.energy3h.mean(endMs);
    const mean24 = this.day.mean(endMs);
    return {
      kwh: v.kwh,
      coverage: v.coverage,
      floor_15m: floor(0, 'floor_15m'),
      floor_1h: floor(1, 'floor_1h'),
      floor_3h: floor3h,
      step_20m: step(this.steps[0]!),
      step_45m: step(this.steps[1]!),
      step_90m: step(this.steps[2]!),
      activity_3h: floor3h === null ? null : Math.max(0, mean3h - floor3h),
      mean_24h: this.dayRunStart <= endMs - DAY_MS && this.day.share(endMs) >= MIN_DAY_SHARE ? mean24 : null,
    };
  }

  /** [end, wh, intervalMs] of the readings of the last 24 h of the current run: what a restart needs. */
  recent(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (const iv of this.day.intervals()) out.push([iv.end, iv.wh, iv.end - iv.start]);
    return out;
  }
}
