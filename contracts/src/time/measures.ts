import { TrailingHour } from './trailing-hour.js';

/**
 * The measures a reading carries (contracts/MODEL-FORMAT.md, "What a reading carries"): the 2018
 * trailing-hour energy, the lowest interval power over the last 15 min, 1 h and 3 h (a load that
 * stays on lifts the floor, a load that comes and goes does not), and the mean power of the last
 * 24 h. The collector, `train`, `run` and `evaluate` all compute them here, so the bands a model
 * learns and the readings it scores are measured alike.
 *
 * A floor or the 24-h mean is null until its whole window is covered by contiguous readings: after
 * start-up and after a gap nothing is extrapolated (a week of invented zeros is a week of false
 * alerts). All values are Wh/h (numerically average watts).
 */
export interface MeasureValues {
  /** Trailing-hour energy, Wh/h, scaled to the covered time while the hour fills (TrailingHour). */
  kwh: number;
  /** Share of the trailing hour covered, 0–1. */
  coverage: number;
  floor_15m: number | null;
  floor_1h: number | null;
  floor_3h: number | null;
  mean_24h: number | null;
}

export const FLOOR_WINDOWS = { floor_15m: 15 * 60_000, floor_1h: 60 * 60_000, floor_3h: 180 * 60_000 } as const;
export type FloorName = keyof typeof FLOOR_WINDOWS;
export const FLOOR_NAMES = Object.keys(FLOOR_WINDOWS) as FloorName[];
const DAY_MS = 86_400_000;

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
  min(t: number): number {
    const from = t - this.windowMs;
    while (this.head < this.q.length && this.q[this.head]!.end <= from) this.head++;
    if (this.head > 256 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return this.q[this.head]!.w;
  }
  clear(): void {
    this.q = [];
    this.head = 0;
  }
}

export class TrailingMeasures {
  private readonly hour = new TrailingHour();
  private readonly floors = FLOOR_NAMES.map((n) => new SlidingMin(FLOOR_WINDOWS[n]));
  /** Readings of the last 24 h, for the 24-h mean and for snapshots. */
  private day: Interval[] = [];
  private dayHead = 0;
  private dayWh = 0;
  private lastEnd = -Infinity;
  /** Start of the current run of contiguous readings. */
  private runStart = Infinity;

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
      this.day = [];
      this.dayHead = 0;
      this.dayWh = 0;
      for (const f of this.floors) f.clear();
      this.runStart = start;
    }
    const iv: Interval = { start, end: endMs, wh, w: (wh * 3_600_000) / intervalMs };
    this.lastEnd = endMs;
    for (const f of this.floors) f.push(iv);
    this.day.push(iv);
    this.dayWh += wh;
    const from = endMs - DAY_MS;
    while (this.dayHead < this.day.length && this.day[this.dayHead]!.end <= from) this.dayWh -= this.day[this.dayHead++]!.wh;
    if (this.dayHead > 4096 && this.dayHead * 2 > this.day.length) {
      this.day = this.day.slice(this.dayHead);
      this.dayHead = 0;
    }
    const covered = (ms: number) => this.runStart <= endMs - ms;
    const floor = (i: number, name: FloorName) => (covered(FLOOR_WINDOWS[name]) ? this.floors[i]!.min(endMs) : null);
    let mean24: number | null = null;
    if (covered(DAY_MS)) {
      // Only the oldest reading can stick out of the window; take off the part that does.
      const first = this.day[this.dayHead]!;
      const outside = Math.max(0, from - first.start);
      mean24 = Math.max(0, (this.dayWh - (outside > 0 ? (first.wh * outside) / (first.end - first.start) : 0)) / 24);
    }
    return { kwh: v.kwh, coverage: v.coverage, floor_15m: floor(0, 'floor_15m'), floor_1h: floor(1, 'floor_1h'), floor_3h: floor(2, 'floor_3h'), mean_24h: mean24 };
  }

  /** [end, wh, intervalMs] of the readings of the last 24 h of the current run: what a restart needs. */
  recent(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (let i = this.dayHead; i < this.day.length; i++) {
      const iv = this.day[i]!;
      out.push([iv.end, iv.wh, iv.end - iv.start]);
    }
    return out;
  }
}
