/**
 * The measure every part scores: trailing-hour energy in Wh (watt-hours per hour, numerically the
 * average watts over the 60 minutes before a reading's end). It travels as `kwh` for compatibility
 * with the 2018 statements, though its unit is Wh/h.
 *
 * Each reading's energy is taken as spread evenly over its interval. Where the hour is only partly
 * covered (start-up, or just after a gap), the energy seen is scaled to the covered time — an
 * average power, not an undercount — and `coverage` says how much of the hour that was.
 *
 * A gap (a reading whose interval starts after the previous one ended) restarts the measure: the
 * readings before it are forgotten, so an hour's average is never stitched together from both
 * sides of a gap, and `coverage` climbs from nothing again. Callers that score only full hours
 * (run, evaluate) thereby stay quiet for the hour after every gap.
 */
export interface TrailingHourValue {
  /** Trailing-hour energy in Wh/h. */
  kwh: number;
  /** Share of the trailing hour covered by readings, 0–1. */
  coverage: number;
}

const HOUR_MS = 3_600_000;

interface Interval {
  start: number;
  end: number;
  wh: number;
}

export class TrailingHour {
  private readonly window: Interval[] = [];
  private head = 0;
  private lastEnd = -Infinity;
  /** Energy and duration of window[head..], counted whole. */
  private sumWh = 0;
  private sumMs = 0;

  /**
   * Adds the reading whose interval is (endMs − intervalMs, endMs] and returns the measure at endMs.
   * Readings must come in time order without overlap; a reading that breaks this throws and is not added.
   */
  push(endMs: number, wh: number, intervalMs: number): TrailingHourValue {
    if (!Number.isFinite(endMs) || !Number.isFinite(wh) || wh < 0) throw new RangeError(`invalid reading: end ${endMs}, wh ${wh}`);
    if (!(intervalMs > 0) || intervalMs > HOUR_MS) throw new RangeError(`interval must be over 0 s and at most 1 h, got ${intervalMs / 1000} s`);
    const start = endMs - intervalMs;
    if (start < this.lastEnd) {
      throw new RangeError(
        `reading ending ${new Date(endMs).toISOString()} overlaps or precedes the previous one ending ${new Date(this.lastEnd).toISOString()}`,
      );
    }
    if (start > this.lastEnd && this.head < this.window.length) this.restart();
    this.window.push({ start, end: endMs, wh });
    this.sumWh += wh;
    this.sumMs += intervalMs;
    this.lastEnd = endMs;
    return this.at(endMs);
  }

  /** Forgets every reading: the next one starts a new hour. */
  restart(): void {
    this.window.length = 0;
    this.head = 0;
    this.sumWh = 0;
    this.sumMs = 0;
  }

  private at(t: number): TrailingHourValue {
    const from = t - HOUR_MS;
    while (this.head < this.window.length && this.window[this.head]!.end <= from) {
      const gone = this.window[this.head++]!;
      this.sumWh -= gone.wh;
      this.sumMs -= gone.end - gone.start;
    }
    if (this.head > 1024 && this.head * 2 > this.window.length) {
      this.window.splice(0, this.head);
      this.head = 0;
    }
    if (this.head >= this.window.length) {
      // Recompute from nothing so float drift of the running sums cannot accumulate across gaps.
      this.sumWh = 0;
      this.sumMs = 0;
      return { kwh: 0, coverage: 0 };
    }
    // Only the oldest reading in the window can stick out of it; take off the part that does.
    const first = this.window[this.head]!;
    const outside = Math.max(0, from - first.start);
    const energy = this.sumWh - (outside > 0 ? (first.wh * outside) / (first.end - first.start) : 0);
    const covered = this.sumMs - outside;
    if (covered <= 0) return { kwh: 0, coverage: 0 };
    return { kwh: (energy * HOUR_MS) / covered, coverage: Math.min(1, covered / HOUR_MS) };
  }
}
