import { dayHourOfReading, minuteOfReading } from '../time/local-hour.js';
import { TrailingMeasures, type MeasureValues } from '../time/measures.js';
import type { HistoryReading } from './reader.js';

/** A history reading with the measures every part scores (contracts/MODEL-FORMAT.md) and where in the day it falls. */
export interface MeasuredReading extends HistoryReading, MeasureValues {
  /** Local ISO day (1 = Monday), hour and minute of day of the reading (end − 1 ms). */
  day: number;
  hour: number;
  minute: number;
}

function measured(r: HistoryReading, m: TrailingMeasures, timezone: string): MeasuredReading {
  const v = m.push(r.endMs, r.wh, r.intervalMs);
  const { day, hour } = dayHourOfReading(r.endMs, timezone);
  // Spelt out, not spread: a spread per reading is a third of the read's time.
  return {
    endMs: r.endMs,
    wh: r.wh,
    intervalMs: r.intervalMs,
    file: r.file,
    line: r.line,
    gapMs: r.gapMs,
    day,
    hour,
    minute: minuteOfReading(r.endMs, timezone),
    kwh: v.kwh,
    coverage: v.coverage,
    floor_15m: v.floor_15m,
    floor_1h: v.floor_1h,
    floor_3h: v.floor_3h,
    step_20m: v.step_20m,
    step_45m: v.step_45m,
    step_90m: v.step_90m,
    activity_3h: v.activity_3h,
    mean_24h: v.mean_24h,
  };
}

/**
 * The measures over a reader's readings (contracts TrailingMeasures), labelled with the local day,
 * hour and minute: what `plot` draws and `evaluate` scores. A gap restarts them.
 */
export async function* measureReadings(readings: AsyncIterable<HistoryReading>, timezone: string): AsyncGenerator<MeasuredReading> {
  const m = new TrailingMeasures();
  for await (const r of readings) yield measured(r, m, timezone);
}

/** measureReadings a batch at a time (HistoryReader.batches): the same values, fewer awaits. */
export async function* measureBatches(batches: AsyncIterable<readonly HistoryReading[]>, timezone: string): AsyncGenerator<MeasuredReading[]> {
  const m = new TrailingMeasures();
  for await (const batch of batches) {
    const out: MeasuredReading[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) out[i] = measured(batch[i]!, m, timezone);
    yield out;
  }
}
