import { HistoryReader, type BadRow, type HistoryReport } from '@stream-smarts/contracts';
import { TrainError } from './errors.js';
import { MeasuredDays } from './measured-days.js';

/**
 * A household's history for training, read by the one history reader (contracts/src/history:
 * CSV, CSV.gz, JSON lines; bad, duplicate and out-of-order rows as file:line; gaps; physical
 * bounds) and measured as every part measures readings (contracts TrailingMeasures), by local day
 * and minute. Only the last `keepDays` days are kept (MeasuredDays: fixed memory), so a 200 MB
 * history trains in the memory of a small one.
 */
export { formatBadRows } from '@stream-smarts/contracts';

export interface History {
  days: MeasuredDays;
  files: { file: string; format: 'csv' | 'jsonl'; intervalS: number; rows: number; rejected: number }[];
  /** The first bad rows (for messages and the model card); `rejected` counts them all. */
  bad: BadRow[];
  rejected: number;
  report: HistoryReport;
  /** End of the first and last reading read (of the whole history). */
  from: number;
  to: number;
  readings: number;
}

export interface ReadHistoryOptions {
  timezone: string;
  /** Local days kept, counted back from the last. */
  keepDays: number;
  /** Largest share of bad data lines tolerated before stopping; default 0.01. */
  maxBadShare?: number;
  /** Physical bound, kW over a reading's interval; default 100. */
  maxPowerKw?: number;
  /**
   * The meter's constant: each reading's energy is first made what the collector would count —
   * whole pulses, the remainder carried to the next reading (restarting after a gap) — so the
   * model learns the floors at the meter's resolution. Omitted: taken as read.
   */
  impulsesPerKwh?: number;
  /** Share of the files read, 0–1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

const DAY_MS = 86_400_000;
const MIN_HISTORY_DAYS = 7;

/** Reads, checks and measures the history files; throws HistoryError or TrainError with a fix when it cannot be used. */
export async function readHistory(paths: readonly string[], opts: ReadHistoryOptions): Promise<History> {
  const reader = new HistoryReader(paths, {
    timezone: opts.timezone,
    ...(opts.maxBadShare !== undefined ? { maxBadShare: opts.maxBadShare } : {}),
    ...(opts.maxPowerKw !== undefined ? { maxPowerKw: opts.maxPowerKw } : {}),
    ...(opts.onProgress ? { onProgress: (d: number, t: number) => opts.onProgress!(t > 0 ? d / t : 0) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const days = new MeasuredDays(opts.timezone, opts.keepDays);
  const used = new Map<string, number>();
  let from = NaN;
  let to = NaN;
  const whPerPulse = opts.impulsesPerKwh ? 1000 / opts.impulsesPerKwh : 0;
  let carry = 0;
  let lastEnd = -Infinity;
  for await (const batch of reader.batches()) {
    for (const r of batch) {
      let wh = r.wh;
      if (whPerPulse > 0) {
        if (r.endMs - r.intervalMs !== lastEnd) carry = 0;
        const pulses = Math.floor((wh + carry) / whPerPulse + 1e-9);
        carry = wh + carry - pulses * whPerPulse;
        wh = pulses * whPerPulse;
      }
      lastEnd = r.endMs;
      days.push(r.endMs, wh, r.intervalMs);
    }
    if (batch.length === 0) continue;
    if (Number.isNaN(from)) from = batch[0]!.endMs;
    to = batch[batch.length - 1]!.endMs;
    // A batch is one chunk of one file.
    used.set(batch[0]!.file, (used.get(batch[0]!.file) ?? 0) + batch.length);
  }
  const report = reader.report;
  const history: History = {
    days,
    files: report.files.map((f) => ({ file: f.file, format: f.format, intervalS: f.intervalS, rows: used.get(f.file) ?? 0, rejected: f.rejected })),
    bad: report.examples,
    rejected: report.rejected,
    report,
    from,
    to,
    readings: days.readings,
  };
  checkSpan(history);
  return history;
}

/** The history's reading interval, s: the commonest among its files (what the model's resolution is for). */
export function intervalOf(history: Pick<History, 'files'>): number {
  const by = new Map<number, number>();
  for (const f of history.files) by.set(f.intervalS, (by.get(f.intervalS) ?? 0) + f.rows);
  return [...by.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 60;
}

/** Training needs a week, so every time of day has been seen on several days. */
function checkSpan(history: Pick<History, 'readings' | 'from' | 'to'>): void {
  const span = history.readings > 0 ? history.to - history.from : 0;
  if (history.readings === 0 || span < MIN_HISTORY_DAYS * DAY_MS - 3_600_000) {
    const days = (span / DAY_MS).toFixed(1);
    throw new TrainError(
      `the history covers ${history.readings === 0 ? 'no usable readings' : `only ${days} days`}; training needs at least ${MIN_HISTORY_DAYS} days so every time of day has been seen on several days`,
      'pass a longer history (90 days or more give steadier bands)',
    );
  }
}
