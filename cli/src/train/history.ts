import { HistoryReader, measureBatches, type BadRow, type HistoryReport } from '@stream-smarts/contracts';
import { TrainError } from './errors.js';

/**
 * A household's history for training, read by the one history reader (contracts/src/history:
 * CSV, CSV.gz, JSON lines; bad, duplicate and out-of-order rows as file:line; gaps; physical
 * bounds) and turned into the measure every part scores — the trailing-hour energy at each
 * reading — labelled with its local day and hour. Rows are kept in columns (17 bytes each), so a
 * 200 MB history trains in bounded memory.
 */
export { formatBadRows } from '@stream-smarts/contracts';

/** One training row: the trailing-hour measure at a reading, with its cell. */
export interface HistoryRow {
  endMs: number;
  day: number;
  hour: number;
  /** Trailing-hour energy in Wh/h. */
  kwh: number;
}

/** Training rows in typed columns: a few bytes a row where an object would take ~80. */
export class HistoryRows implements Iterable<HistoryRow> {
  length = 0;
  private ends = new Float64Array(4096);
  private kwhs = new Float64Array(4096);
  private cells = new Uint8Array(4096);

  static of(rows: Iterable<HistoryRow>): HistoryRows {
    const out = new HistoryRows();
    for (const r of rows) out.push(r.endMs, r.day, r.hour, r.kwh);
    return out;
  }

  push(endMs: number, day: number, hour: number, kwh: number): void {
    if (this.length === this.ends.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.ends = grow(this.ends, (n) => new Float64Array(n));
      this.kwhs = grow(this.kwhs, (n) => new Float64Array(n));
      this.cells = grow(this.cells, (n) => new Uint8Array(n));
    }
    this.ends[this.length] = endMs;
    this.kwhs[this.length] = kwh;
    this.cells[this.length] = (day - 1) * 24 + hour;
    this.length++;
  }

  endMs(i: number): number {
    return this.ends[i]!;
  }
  kwh(i: number): number {
    return this.kwhs[i]!;
  }
  /** (day − 1) × 24 + hour. */
  cell(i: number): number {
    return this.cells[i]!;
  }
  at(i: number): HistoryRow {
    const c = this.cells[i]!;
    return { endMs: this.ends[i]!, day: Math.floor(c / 24) + 1, hour: c % 24, kwh: this.kwhs[i]! };
  }
  *[Symbol.iterator](): Iterator<HistoryRow> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

export interface History {
  rows: HistoryRows;
  files: { file: string; format: 'csv' | 'jsonl'; intervalS: number; rows: number; rejected: number }[];
  /** The first bad rows (for messages and the model card); `rejected` counts them all. */
  bad: BadRow[];
  rejected: number;
  /** Readings skipped because the trailing hour was less than minCoverage covered (start of file, after gaps). */
  partial: number;
  report: HistoryReport;
  from: number;
  to: number;
}

export interface ReadHistoryOptions {
  timezone: string;
  /** Largest share of bad data lines tolerated before stopping; default 0.01. */
  maxBadShare?: number;
  /** Physical bound, kW over a reading's interval; default 100. */
  maxPowerKw?: number;
  /** Readings whose trailing hour is covered less than this are not trained on; default 0.5. */
  minCoverage?: number;
  /** Share of the files read, 0–1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Reads, checks and measures the history files; throws HistoryError or TrainError with a fix when it cannot be used. */
export async function readHistory(paths: readonly string[], opts: ReadHistoryOptions): Promise<History> {
  const minCoverage = opts.minCoverage ?? 0.5;
  const reader = new HistoryReader(paths, {
    timezone: opts.timezone,
    ...(opts.maxBadShare !== undefined ? { maxBadShare: opts.maxBadShare } : {}),
    ...(opts.maxPowerKw !== undefined ? { maxPowerKw: opts.maxPowerKw } : {}),
    ...(opts.onProgress ? { onProgress: (d: number, t: number) => opts.onProgress!(t > 0 ? d / t : 0) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const rows = new HistoryRows();
  const used = new Map<string, number>();
  let partial = 0;
  for await (const batch of measureBatches(reader.batches(), opts.timezone)) {
    for (const r of batch) {
      if (r.coverage < minCoverage) {
        partial++;
        continue;
      }
      rows.push(r.endMs, r.day, r.hour, r.kwh);
      used.set(r.file, (used.get(r.file) ?? 0) + 1);
    }
  }
  const report = reader.report;
  const history: History = {
    rows,
    files: report.files.map((f) => ({ file: f.file, format: f.format, intervalS: f.intervalS, rows: used.get(f.file) ?? 0, rejected: f.rejected })),
    bad: report.examples,
    rejected: report.rejected,
    partial,
    report,
    from: rows.length > 0 ? rows.endMs(0) : NaN,
    to: rows.length > 0 ? rows.endMs(rows.length - 1) : NaN,
  };
  checkSpan(history);
  return history;
}

/** Training needs a week, so every day of the week has readings. */
export function checkSpan(history: Pick<History, 'rows' | 'from' | 'to'>): void {
  const span = history.rows.length > 0 ? history.to - history.from : 0;
  if (history.rows.length === 0 || span < WEEK_MS - HOUR_MS) {
    const days = (span / 86_400_000).toFixed(1);
    throw new TrainError(
      `the history covers ${history.rows.length === 0 ? 'no usable readings' : `only ${days} days`}; training needs at least one week so every day of the week has readings`,
      'pass a longer history (weeks to months give a steadier envelope)',
    );
  }
}
