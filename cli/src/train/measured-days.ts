import { localDayOfReading, minuteOfReading, TrailingMeasures, type MeasureValues } from '@stream-smarts/contracts';
import { emptyGrid, type DayGrid } from './band-stats.js';

/**
 * The measured readings of a history's last `keepDays` local days, by day and minute of the day
 * (contracts TrailingMeasures on every reading; a gap restarts the measures). Memory is fixed by
 * `keepDays` — about 8 MB for 120 days — whatever the size of the history, so a 200 MB file
 * trains like a small one: older days are dropped as newer ones arrive.
 */
const FIELDS = ['kwh', 'floor_15m', 'floor_1h', 'floor_3h', 'mean_24h'] as const;

export class MeasuredDays {
  private readonly measures = new TrailingMeasures();
  private readonly slots: { day: number; end: Float64Array; v: Record<(typeof FIELDS)[number], Float64Array> }[] = [];
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
    slot.v.kwh[minute] = m.kwh;
    slot.v.floor_15m[minute] = m.floor_15m ?? NaN;
    slot.v.floor_1h[minute] = m.floor_1h ?? NaN;
    slot.v.floor_3h[minute] = m.floor_3h ?? NaN;
    slot.v.mean_24h[minute] = m.mean_24h ?? NaN;
    this.readings++;
    return m;
  }

  private slotOf(day: number) {
    const i = ((day % this.keepDays) + this.keepDays) % this.keepDays;
    let s = this.slots[i];
    if (!s) {
      const a = () => new Float64Array(1440).fill(NaN);
      s = { day, end: a(), v: { kwh: a(), floor_15m: a(), floor_1h: a(), floor_3h: a(), mean_24h: a() } };
      this.slots[i] = s;
    } else if (s.day !== day) {
      s.day = day;
      s.end.fill(NaN);
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
      for (const f of FIELDS) g[f].set(s.v[f], (d - from) * 1440);
    }
    return g;
  }

  /** Every held reading of days [from, to), in time order: for replaying them through a model. */
  *readingsOf(from: number, to: number): Generator<{ endMs: number; minute: number; kwh: number; floor_15m: number | null; floor_1h: number | null; floor_3h: number | null; mean_24h: number | null }> {
    const n = (x: number) => (Number.isNaN(x) ? null : x);
    const rows: { endMs: number; minute: number; kwh: number; floor_15m: number | null; floor_1h: number | null; floor_3h: number | null; mean_24h: number | null }[] = [];
    for (let d = from; d < to; d++) {
      const s = this.slots[((d % this.keepDays) + this.keepDays) % this.keepDays];
      if (!s || s.day !== d) continue;
      rows.length = 0;
      for (let m = 0; m < 1440; m++) {
        if (Number.isNaN(s.end[m]!)) continue;
        rows.push({ endMs: s.end[m]!, minute: m, kwh: s.v.kwh[m]!, floor_15m: n(s.v.floor_15m[m]!), floor_1h: n(s.v.floor_1h[m]!), floor_3h: n(s.v.floor_3h[m]!), mean_24h: n(s.v.mean_24h[m]!) });
      }
      // Minutes of a day are in time order except across a daylight-saving fall-back hour.
      rows.sort((a, b) => a.endMs - b.endMs);
      yield* rows;
    }
  }
}
