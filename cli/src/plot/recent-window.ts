import type { MeasuredReading } from '@stream-smarts/contracts';
import { CHART_MEASURES, type ChartMeasure } from './bands-chart.js';

/** What the range figure draws of a reading: when, its minute of the day, its measures. */
export type RecentPoint = Pick<MeasuredReading, 'endMs' | 'minute' | ChartMeasure | 'mean_24h'>;

const KEYS = [...CHART_MEASURES.map(([m]) => m), 'mean_24h'] as const;
const COLS = 2 + KEYS.length;

/**
 * The readings of the last days, kept as numbers in one Float64Array rather than as reading
 * objects: every reading passes through this window and lives in it for days' worth of readings,
 * so as objects each one outlived the young generation and was promoted, and a long history filled
 * the old generation with garbage between collections (plot peaked at 1 GB on a 200 MB history
 * with 40 MB live). Nulls are NaN here.
 */
export class RecentWindow {
  private buf = new Float64Array(COLS * 4096);
  private head = 0;
  private tail = 0;

  push(r: RecentPoint): void {
    if ((this.tail + 1) * COLS > this.buf.length) this.makeRoom();
    const o = this.tail * COLS;
    const b = this.buf;
    b[o] = r.endMs;
    b[o + 1] = r.minute;
    for (let k = 0; k < KEYS.length; k++) b[o + 2 + k] = r[KEYS[k]!] ?? NaN;
    this.tail++;
  }

  /** Forgets the readings that end at or before `t`. */
  dropUntil(t: number): void {
    while (this.head < this.tail && this.buf[this.head * COLS]! <= t) this.head++;
  }

  get size(): number {
    return this.tail - this.head;
  }

  points(): RecentPoint[] {
    const out: RecentPoint[] = new Array(this.size);
    const nul = (v: number) => (Number.isNaN(v) ? null : v);
    for (let i = this.head, k = 0; i < this.tail; i++, k++) {
      const o = i * COLS;
      const b = this.buf;
      const p = { endMs: b[o]!, minute: b[o + 1]! } as RecentPoint;
      for (let c = 0; c < KEYS.length; c++) p[KEYS[c]!] = nul(b[o + 2 + c]!);
      out[k] = p;
    }
    return out;
  }

  /** Moves the kept readings to the front, or doubles the buffer when they fill more than half of it. */
  private makeRoom(): void {
    const n = this.size;
    if (n * COLS * 2 <= this.buf.length) {
      this.buf.copyWithin(0, this.head * COLS, this.tail * COLS);
    } else {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf.subarray(this.head * COLS, this.tail * COLS));
      this.buf = bigger;
    }
    this.head = 0;
    this.tail = n;
  }
}
