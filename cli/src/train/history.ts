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

/**
 * Training rows in typed columns, in fixed blocks of 65,536 rows: 13 bytes a row where an object
 * would take ~80 — the end as whole seconds after the first row's (Uint32; a row off the second
 * switches the store to Float64 milliseconds), the measure as Float64, the cell as a byte — and
 * growing never copies (a doubling array would briefly hold 1.5× the rows).
 */
const BLOCK = 1 << 16;

export class HistoryRows implements Iterable<HistoryRow> {
  length = 0;
  private base = NaN;
  private secs: Uint32Array[] | undefined = [];
  private ms: Float64Array[] | undefined;
  private readonly kwhs: Float64Array[] = [];
  private readonly cells: Uint8Array[] = [];

  static of(rows: Iterable<HistoryRow>): HistoryRows {
    const out = new HistoryRows();
    for (const r of rows) out.push(r.endMs, r.day, r.hour, r.kwh);
    return out;
  }

  push(endMs: number, day: number, hour: number, kwh: number): void {
    const b = this.length >>> 16;
    const k = this.length & (BLOCK - 1);
    if (Number.isNaN(this.base)) this.base = endMs;
    const rel = (endMs - this.base) / 1000;
    if (this.secs && !(Number.isInteger(rel) && rel >= 0 && rel < 2 ** 32)) this.toMs();
    if (b === this.kwhs.length) {
      if (this.secs) this.secs.push(new Uint32Array(BLOCK));
      else this.ms!.push(new Float64Array(BLOCK));
      this.kwhs.push(new Float64Array(BLOCK));
      this.cells.push(new Uint8Array(BLOCK));
    }
    if (this.secs) this.secs[b]![k] = rel;
    else this.ms![b]![k] = endMs;
    this.kwhs[b]![k] = kwh;
    this.cells[b]![k] = (day - 1) * 24 + hour;
    this.length++;
  }

  private toMs(): void {
    this.ms = this.secs!.map((blk) => Float64Array.from(blk, (v) => this.base + v * 1000));
    this.secs = undefined;
  }

  endMs(i: number): number {
    return this.secs ? this.base + this.secs[i >>> 16]![i & (BLOCK - 1)]! * 1000 : this.ms![i >>> 16]![i & (BLOCK - 1)]!;
  }
  kwh(i: number): number {
    return this.kwhs[i >>> 16]![i & (BLOCK - 1)]!;
  }
  /** (day − 1) × 24 + hour. */
  cell(i: number): number {
    return this.cells[i >>> 16]![i & (BLOCK - 1)]!;
  }
  at(i: number): HistoryRow {
    const c = this.cell(i);
    return { endMs: this.endMs(i), day: Math.floor(c / 24) + 1, hour: c % 24, kwh: this.kwh(i) };
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
    let n = 0;
    for (const r of batch) {
      if (r.coverage < minCoverage) {
        partial++;
        continue;
      }
      rows.push(r.endMs, r.day, r.hour, r.kwh);
      n++;
    }
    // A batch is one chunk of one file.
    if (n > 0) used.set(batch[0]!.file, (used.get(batch[0]!.file) ?? 0) + n);
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
