import { dayHourOfReading, localDayOfReading, MEASURE_NAMES, minuteOfReading, TrailingMeasures, type MeasureName, type MeasureValues } from '@stream-smarts/contracts';
import { emptyGrid, GRID_SERIES, type DayGrid } from './day-grid.js';

/**
 * The measured readings of a history's last `keepDays` local days, by day and minute of the day
 * (contracts TrailingMeasures on every reading; a gap restarts the measures). Memory is fixed by
 * `keepDays` — about 8 MB for 120 days — whatever the size of the history, so a 200 MB file
 * trains like a small one: older days are dropped as newer ones arrive.
 */
const FIELDS = GRID_SERIES;

/** A held reading: when, where in the day (minute, ISO weekday), and its measures. */
export type HeldReading = { endMs: number; minute: number; day: number; kwh: number } & Record<MeasureName, number | null>;

export class MeasuredDays {
  private readonly measures = new TrailingMeasures();
  private readonly slots: { day: number; weekday: number; end: Float64Array; wh: Float64Array; ms: Float64Array; v: Record<(typeof FIELDS)[number], Float64Array> }[] = [];
  /** Day number of the first and last local day seen. */
  firstDay = NaN;
  lastDay = NaN;
  readings = 0;

  constructor(
    readonly timezone: string,
    readonly keepDays: number,
  ) {}

  push(endMs: number, wh: number, intervalMs: number): MeasureValues {
    const m = this.measures.push(endMs, wh, intervalMs);
    const day = localDayOfReading(endMs, this.timezone);
    const minute = minuteOfReading(endMs, this.timezone);
    if (Number.isNaN(this.firstDay)) this.firstDay = day;
    if (!(day <= this.lastDay)) this.lastDay = day;
    const slot = this.slotOf(day);
    slot.end[minute] = endMs;
    slot.wh[minute] = wh;
    slot.ms[minute] = intervalMs;
    if (slot.weekday === 0) slot.weekday = dayHourOfReading(endMs, this.timezone).day;
    for (const f of FIELDS) slot.v[f][minute] = m[f] ?? NaN;
    this.readings++;
    return m;
  }

  private slotOf(day: number) {
    const i = ((day % this.keepDays) + this.keepDays) % this.keepDays;
    let s = this.slots[i];
    if (!s) {
      const a = () => new Float64Array(1440).fill(NaN);
      s = { day, weekday: 0, end: a(), wh: a(), ms: a(), v: Object.fromEntries(FIELDS.map((f) => [f, a()])) as Record<(typeof FIELDS)[number], Float64Array> };
      this.slots[i] = s;
    } else if (s.day !== day) {
      s.day = day;
      s.weekday = 0;
      s.end.fill(NaN);
      s.wh.fill(NaN);
      s.ms.fill(NaN);
      for (const f of FIELDS) s.v[f].fill(NaN);
    }
    return s;
  }

  /** Days [from, to) (day numbers) still held. */
  get heldFrom(): number {
    return Math.max(this.firstDay, this.lastDay - this.keepDays + 1);
  }

  /** The measures of days [from, to) laid out for band-stats; days not held are empty. */
  grid(from: number, to: number): DayGrid {
    const g = emptyGrid(to - from);
    for (let d = from; d < to; d++) {
      const s = this.slots[((d % this.keepDays) + this.keepDays) % this.keepDays];
      if (!s || s.day !== d) continue;
      g.weekday[d - from] = s.weekday;
      for (const f of FIELDS) g[f].set(s.v[f], (d - from) * 1440);
    }
    return g;
  }

  /** Every held reading of days [from, to), in time order: for replaying them through a model. */
  *readingsOf(from: number, to: number): Generator<HeldReading> {
    const n = (x: number) => (Number.isNaN(x) ? null : x);
    const rows: HeldReading[] = [];
    for (let d = from; d < to; d++) {
      const s = this.slots[((d % this.keepDays) + this.keepDays) % this.keepDays];
      if (!s || s.day !== d) continue;
      rows.length = 0;
      for (let m = 0; m < 1440; m++) {
        if (Number.isNaN(s.end[m]!)) continue;
        const r = { endMs: s.end[m]!, minute: m, day: s.weekday, kwh: s.v.kwh[m]! } as HeldReading;
        for (const f of MEASURE_NAMES) r[f] = n(s.v[f][m]!);
        rows.push(r);
      }
      // Minutes of a day are in time order except across a daylight-saving fall-back hour.
      rows.sort((a, b) => a.endMs - b.endMs);
      yield* rows;
    }
  }

  /** The readings as read ([end, wh, intervalMs]) of days [from, to), in time order: for replaying them with something added. */
  rawOf(from: number, to: number): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (let d = from; d < to; d++) {
      const s = this.slots[((d % this.keepDays) + this.keepDays) % this.keepDays];
      if (!s || s.day !== d) continue;
      const day: [number, number, number][] = [];
      for (let m = 0; m < 1440; m++) if (!Number.isNaN(s.end[m]!)) day.push([s.end[m]!, s.wh[m]!, s.ms[m]!]);
      day.sort((a, b) => a[0] - b[0]);
      out.push(...day);
    }
    return out;
  }

  /** ISO weekday of a held day (0 when not held). */
  weekdayOf(day: number): number {
    const s = this.slots[((day % this.keepDays) + this.keepDays) % this.keepDays];
    return s && s.day === day ? s.weekday : 0;
  }
}
