import { TrailingMeasures, dayHourOfReading, minuteOfReading, type Reading } from '@stream-smarts/contracts';

/**
 * Turns timestamped pulses into wall-clock-aligned interval readings. Pure and synchronous: the
 * caller supplies pulses and the passing of time, so the same code serves live GPIO, replay and
 * the simulator, and its state can be snapshotted for crash recovery.
 *
 * Intervals are (end − I, end] with `end` a multiple of I since the epoch. I must divide 15 min:
 * every UTC offset in use is a multiple of 15 min, so an interval never straddles a local hour and
 * the local hours' energy adds up exactly across daylight-saving changes.
 */
export interface IntervalOptions {
  meterId: string;
  intervalS: number;
  /** Wh per pulse = 1000 / impulses per kWh. */
  whPerPulse: number;
  timezone: string;
}

/**
 * What must survive a restart: the open interval (state.ts, the hot state) and the trailing
 * measures' window (recent-log.ts, appended once per reading).
 */
export interface IntervalSnapshot {
  /** null before the first pulse. */
  openEnd: number | null;
  openPulses: number;
  /** End of the last reading emitted; pulses at or before it are already accounted for. null: none yet. */
  lastClosed: number | null;
  /**
   * [end, wh] of the readings of the last 24 h (of the current run of contiguous readings), to
   * rebuild the trailing measures (contracts TrailingMeasures): the 24-h mean needs the whole day.
   * About 1,440 pairs at one reading a minute.
   */
  recent: [number, number][];
}


export function validateIntervalS(intervalS: number): void {
  if (!Number.isInteger(intervalS) || intervalS < 1 || 900 % intervalS !== 0) {
    throw new RangeError(`interval must be a whole number of seconds dividing 900 (15 min), e.g. 10, 30, 60, 300 or 900; got ${intervalS}`);
  }
}

export function whPerPulseOf(impulsesPerKwh: number): number {
  if (!Number.isFinite(impulsesPerKwh) || impulsesPerKwh <= 0) {
    throw new RangeError(`meter constant must be a positive number of impulses per kWh (printed on the meter, e.g. 1000 imp/kWh); got ${impulsesPerKwh}`);
  }
  return 1000 / impulsesPerKwh;
}

/** End of the aligned interval that holds instant t: intervals are (end − I, end]. */
export function intervalEndOf(t: number, intervalMs: number): number {
  return Math.ceil(t / intervalMs) * intervalMs;
}

export class IntervalAccumulator {
  readonly intervalMs: number;
  /** NaN until the first pulse or advance when started without a start instant or snapshot. */
  private openEnd: number;
  private openPulses = 0;
  private lastClosed: number;
  private trailing = new TrailingMeasures();
  /** Pulses ignored because they were at or before lastClosed (replayed after a crash, or late). */
  ignoredPulses = 0;

  constructor(
    readonly opts: IntervalOptions,
    private readonly emit: (r: Reading) => void,
    startMs?: number,
    snapshot?: IntervalSnapshot,
  ) {
    validateIntervalS(opts.intervalS);
    this.intervalMs = opts.intervalS * 1000;
    if (snapshot) {
      this.openEnd = snapshot.openEnd ?? NaN;
      this.openPulses = snapshot.openPulses;
      this.lastClosed = snapshot.lastClosed ?? -Infinity;
      this.trailing = new TrailingMeasures(snapshot.recent.map(([end, wh]) => [end, wh, this.intervalMs] as const));
    } else if (startMs !== undefined) {
      this.openEnd = intervalEndOf(startMs, this.intervalMs);
      this.lastClosed = this.openEnd - this.intervalMs;
    } else {
      this.openEnd = NaN;
      this.lastClosed = -Infinity;
    }
  }

  private init(t: number): void {
    if (Number.isNaN(this.openEnd)) {
      this.openEnd = intervalEndOf(t, this.intervalMs);
      this.lastClosed = Math.max(this.lastClosed, this.openEnd - this.intervalMs);
    }
  }

  /** Counts `count` pulses at instant t (ms). Closes every interval that ended before t first. */
  pulse(t: number, count = 1): void {
    if (t <= this.lastClosed) {
      this.ignoredPulses += count;
      return;
    }
    this.init(t);
    if (t > this.openEnd) this.advance(t - 1);
    this.openPulses += count;
  }

  /**
   * Declares that every pulse up to `now` has been seen: closes each interval ending at or before
   * now, emitting zero-pulse readings for quiet intervals (a quiet meter is a fact, not a gap).
   */
  advance(now: number): void {
    this.init(now);
    while (this.openEnd <= now) this.close();
  }

  /**
   * Live sources after a restart: closes the restored open interval if it has ended, then skips
   * the intervals during which nobody watched the meter (emitting nothing for them: their energy
   * is unknown, not zero), so the next reading is the interval holding `now`.
   */
  resumeAt(now: number): void {
    this.init(now);
    if (this.openEnd <= now) {
      this.close();
      const end = intervalEndOf(now, this.intervalMs);
      if (end > this.openEnd) {
        this.lastClosed = end - this.intervalMs;
        this.openEnd = end;
        this.openPulses = 0;
      }
    }
  }

  /**
   * A gap in a replayed history: nothing is known of the meter up to `to`. The intervals ending
   * by then are skipped (emitting nothing: their energy is unknown, not zero) unless pulses are
   * already counted in the open one; the trailing-hour measure restarts at the next reading.
   */
  gap(to: number): void {
    this.init(to);
    if (this.openEnd > to) return;
    if (this.openPulses > 0) this.close();
    const last = Math.floor(to / this.intervalMs) * this.intervalMs;
    if (last >= this.openEnd) {
      this.lastClosed = last;
      this.openEnd = last + this.intervalMs;
      this.openPulses = 0;
    }
  }

  /** After a crash between spooling a reading and checkpointing: the spool knows better. */
  reconcile(lastSpooled: Reading[]): void {
    for (const r of lastSpooled) {
      if (r.ts <= this.lastClosed) continue;
      // That interval was closed (and spooled) after the snapshot; its pulses are in the spool.
      this.remember(r.ts, r.wh);
      this.lastClosed = r.ts;
      if (Number.isNaN(this.openEnd) || this.openEnd <= r.ts) {
        this.openEnd = r.ts + this.intervalMs;
        this.openPulses = 0;
      }
    }
  }

  snapshot(): IntervalSnapshot {
    return { ...this.hotSnapshot(), recent: this.trailing.recent().map(([end, wh]) => [end, wh]) };
  }

  /** The snapshot without the recent readings: what the collector saves every few seconds (state.ts). */
  hotSnapshot(): Omit<IntervalSnapshot, 'recent'> {
    return {
      openEnd: Number.isNaN(this.openEnd) ? null : this.openEnd,
      openPulses: this.openPulses,
      lastClosed: Number.isFinite(this.lastClosed) ? this.lastClosed : null,
    };
  }

  /** End of the last reading emitted (-Infinity before the first). */
  get lastClosedTs(): number {
    return this.lastClosed;
  }

  get openInterval(): { end: number; pulses: number } {
    return { end: this.openEnd, pulses: this.openPulses };
  }

  private close(): void {
    const end = this.openEnd;
    const pulses = this.openPulses;
    // Integer pulses times a constant: the sum of wh is exactly pulses × Wh per pulse when the
    // constant is a whole number of Wh, and within float rounding otherwise.
    const wh = pulses * this.opts.whPerPulse;
    const m = this.remember(end, wh);
    const { day, hour } = dayHourOfReading(end, this.opts.timezone);
    this.openEnd = end + this.intervalMs;
    this.openPulses = 0;
    this.lastClosed = end;
    this.emit({
      ts: end,
      meter_id: this.opts.meterId,
      day,
      hour,
      kwh: m.kwh,
      wh,
      interval_s: this.opts.intervalS,
      pulses,
      minute: minuteOfReading(end, this.opts.timezone),
      floor_15m: m.floor_15m,
      floor_1h: m.floor_1h,
      floor_3h: m.floor_3h,
      mean_24h: m.mean_24h,
      step_20m: m.step_20m,
      step_45m: m.step_45m,
      step_90m: m.step_90m,
      activity_3h: m.activity_3h,
    });
  }

  private remember(end: number, wh: number) {
    return this.trailing.push(end, wh, this.intervalMs);
  }
}
