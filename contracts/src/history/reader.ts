import { stat } from 'node:fs/promises';
import { HistoryError, HISTORY_FORMATS_HINT } from './errors.js';
import { HistoryReport } from './report.js';
import { csvRows, formatOf, jsonRows, type HistoryFormat, type RowEvent } from './rows.js';
import { openText } from './text.js';
import { zoneOffsetMin } from '../time/local-hour.js';

/**
 * The one history reader: `train`, `run --source replay` and the collector's replay, `evaluate`,
 * `plot` all read through it, so they accept the same files and report the same problems.
 *
 * It streams (memory does not grow with the file): CSV, CSV.gz, JSON lines. Each data line is
 * a reading or a bad row; readings come out in time order, and a row that breaks it (duplicate
 * timestamp, earlier than the one before, overlapping it) is a bad row too. A reading above what
 * a household supply can deliver (maxPowerKw over its interval) or below zero is a bad row.
 * Missing time is a gap: nothing is made up for it, the reading after it says how long it was,
 * and the report lists it. Too many bad rows stop the read (HistoryReport.checkShare).
 */
export interface HistoryReading {
  /** End of the reading's interval, epoch ms. */
  endMs: number;
  /** Wh used in the interval (endMs − intervalMs, endMs]. */
  wh: number;
  intervalMs: number;
  file: string;
  line: number;
  /** Missing time before this reading's interval (ms): 0 when it follows the previous reading (or is the first). */
  gapMs: number;
}

export interface HistoryReadOptions {
  /** The zone in use: the file's written UTC offsets are checked against it. */
  timezone?: string;
  /** Highest average power a household supply delivers, kW (default 100). */
  maxPowerKw?: number;
  /** Largest share of bad data lines tolerated (default 0.01). */
  maxBadShare?: number;
  /** Force a format instead of guessing from the name and first character. */
  format?: HistoryFormat;
  /** Interval of a CSV whose interval cannot be inferred (a single reading). */
  defaultIntervalMs?: number;
  /** Bytes read of all files, and their total size (compressed size for .gz). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Stops reading (the generator returns) soon after it aborts. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_POWER_KW = 100;
export const DEFAULT_MAX_BAD_SHARE = 0.01;

/** Rows of a CSV looked at to infer its interval: the most common spacing among them. */
const INFER_ROWS = 1000;
const MIN_INTERVAL_MS = 1000;
const HOUR_MS = 3_600_000;

/** The most common positive spacing between consecutive instants (ties: the shorter). */
export function inferIntervalMs(endsMs: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (let i = 1; i < endsMs.length; i++) {
    const d = endsMs[i]! - endsMs[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestN = 0;
  for (const [d, n] of counts) if (n > bestN || (n === bestN && d < (best ?? Infinity))) [best, bestN] = [d, n];
  return best;
}

const iso = (t: number) => new Date(t).toISOString();
const fmtNum = (v: number) => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toFixed(3)));

/**
 * The physical bound on a reading, for every reader of readings (history files, raw_power in
 * Kafka): why `wh` over `intervalMs` is more than a household supply can deliver, or undefined.
 */
export function overSupplyReason(wh: number, intervalMs: number, maxPowerKw: number = DEFAULT_MAX_POWER_KW): string | undefined {
  if (wh <= (maxPowerKw * intervalMs) / 3600) return undefined;
  return `wh ${fmtNum(wh)} in ${intervalMs / 1000} s is ${fmtNum((wh * 3600) / intervalMs)} kW on average, more than the ${maxPowerKw} kW a household supply can deliver (STREAM_SMARTS_MAX_POWER_KW)`;
}

export class HistoryReader {
  readonly report: HistoryReport;
  private readonly maxPowerKw: number;
  private prev: { endMs: number; file: string; line: number } | undefined;
  private doneBytes = 0;
  private totalBytes = 0;

  constructor(
    readonly paths: readonly string[],
    private readonly o: HistoryReadOptions = {},
  ) {
    this.maxPowerKw = o.maxPowerKw ?? DEFAULT_MAX_POWER_KW;
    this.report = new HistoryReport(o.maxBadShare ?? DEFAULT_MAX_BAD_SHARE);
    this.report.zone.timezone = o.timezone;
  }

  /** Every reading of every file, in time order; throws HistoryError when the history cannot be used. */
  async *readings(): AsyncGenerator<HistoryReading> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** The same readings a batch at a time (a chunk of the file each): the fast way for long histories. */
  async *batches(): AsyncGenerator<HistoryReading[]> {
    if (this.paths.length === 0) throw new HistoryError('no history given', 'pass one or more files with --history FILE…');
    for (const p of this.paths) {
      try {
        const st = await stat(p);
        this.totalBytes += st.size;
        // Several files are ordered by their first readings, which reads each twice: a pipe can be read once.
        if (this.paths.length > 1 && !st.isFile() && !st.isDirectory()) {
          throw new HistoryError(`history file ${p} is a pipe or a device, which can be read only once, and ${this.paths.length} files are given`, `give it as the only --history, or save it to a file first (e.g. \`cat … > history.csv\`)`);
        }
      } catch (e) {
        if (e instanceof HistoryError) throw e;
        // openText says what is wrong with it.
      }
    }
    const order = this.paths.length > 1 ? await this.byFirstReading() : this.paths;
    for (const file of order) {
      yield* this.file(file);
      if (this.o.signal?.aborted) return;
    }
    this.report.checkShare(true);
    if (this.report.readings === 0) {
      const first = this.report.examples[0];
      const what = this.paths.length === 1 ? `history file ${this.paths[0]}` : `the history files (${this.paths.join(', ')})`;
      throw new HistoryError(
        this.report.dataLines === 0 ? `${what} holds no readings (it is empty)` : `${what} holds no usable readings: ${first ? `${first.file}:${first.line}: ${first.reason}` : 'every row was rejected'}`,
        HISTORY_FORMATS_HINT,
      );
    }
  }

  /** Files play in the order of their first readings, so exports given in any order merge. */
  private async byFirstReading(): Promise<string[]> {
    const firsts: { file: string; t: number }[] = [];
    for (const file of this.paths) {
      const peek = new HistoryReader([file], { ...this.o, onProgress: undefined, maxBadShare: 1 });
      let t = Infinity;
      for await (const b of peek.file(file)) {
        if (b.length === 0) continue;
        t = b[0]!.endMs;
        break;
      }
      firsts.push({ file, t });
    }
    return firsts.sort((a, b) => a.t - b.t).map((f) => f.file);
  }

  private async *file(file: string): AsyncGenerator<HistoryReading[]> {
    const src = await openText(file);
    const first = await src.chunks.next();
    const head = first.done ? '' : first.value;
    const format = this.o.format ?? formatOf(file, head);
    async function* all(): AsyncGenerator<string> {
      if (!first.done) yield first.value;
      yield* src.chunks;
    }
    const events = format === 'csv' ? csvRows(file, all()) : jsonRows(file, all());
    const summary = { file, format, gzip: src.gzip, intervalS: 0, dataLines: 0, readings: 0, rejected: 0 };
    this.report.files.push(summary);
    const bytesBefore = this.doneBytes;
    const progress = () => {
      this.doneBytes = bytesBefore + src.bytesRead();
      this.o.onProgress?.(this.doneBytes, Math.max(this.totalBytes, this.doneBytes));
    };

    // A CSV says nothing of its interval: take the most common spacing of its first rows.
    let fileInterval: number | undefined;
    const buffered: RowEvent[][] = [];
    if (format === 'csv') {
      let n = 0;
      while (n < INFER_ROWS) {
        const next = await events.next();
        if (next.done) break;
        buffered.push(next.value);
        n += next.value.length;
      }
      const ends = buffered.flat().flatMap((e) => (e.row ? [e.row.endMs] : []));
      fileInterval = inferIntervalMs(ends) ?? (ends.length > 0 ? this.o.defaultIntervalMs : undefined);
      if (ends.length > 0 && fileInterval === undefined) {
        throw new HistoryError(`${file}: only one reading, so its interval cannot be inferred`, 'give more readings (training needs at least a week)');
      }
      if (fileInterval !== undefined && (fileInterval < MIN_INTERVAL_MS || fileInterval > HOUR_MS)) {
        throw new HistoryError(`${file}: readings are most often ${fileInterval / 1000} s apart; the interval must be 1 s to 1 h`, 'resample the history to a regular interval between 1 s and 1 h');
      }
      summary.intervalS = (fileInterval ?? 0) / 1000;
    }
    async function* replay(): AsyncGenerator<RowEvent[]> {
      yield* buffered.splice(0);
      yield* events;
    }

    for await (const batch of replay()) {
      const out: HistoryReading[] = [];
      for (const ev of batch) {
        summary.dataLines++;
        this.report.dataLines++;
        const reading = ev.row ? this.check(file, ev.line, ev.row.endMs, ev.row.wh, ev.row.intervalMs ?? fileInterval!, ev.row.offsetMin) : undefined;
        if (!reading) {
          if (ev.reason !== undefined) this.report.bad({ file, line: ev.line, kind: 'bad', reason: ev.reason });
          summary.rejected++;
          this.report.checkShare(false);
          continue;
        }
        if (format === 'jsonl' && summary.intervalS === 0) summary.intervalS = reading.intervalMs / 1000;
        summary.readings++;
        out.push(reading);
      }
      progress();
      yield out;
      if (this.o.signal?.aborted) return;
    }
    progress();
  }

  /** Bounds, order and zone of one parsed row: the reading, or undefined after reporting why not. */
  private check(file: string, line: number, endMs: number, wh: number, intervalMs: number, offsetMin: number | null): HistoryReading | undefined {
    const over = overSupplyReason(wh, intervalMs, this.maxPowerKw);
    if (over) {
      this.report.bad({ file, line, kind: 'bad', reason: over });
      return undefined;
    }
    const p = this.prev;
    let gapMs = 0;
    if (p) {
      const also = p.file === file ? `line ${p.line}` : `${p.file}:${p.line}`;
      if (endMs === p.endMs) {
        this.report.bad({ file, line, kind: 'duplicate', reason: `duplicate timestamp ${iso(endMs)} (also ${also}); the first is kept` });
        return undefined;
      }
      if (endMs < p.endMs) {
        this.report.bad({ file, line, kind: 'out-of-order', reason: `${iso(endMs)} is before ${also}'s ${iso(p.endMs)}: rows must be in time order` });
        return undefined;
      }
      if (endMs - intervalMs < p.endMs) {
        this.report.bad({ file, line, kind: 'bad', reason: `interval (${iso(endMs - intervalMs)}, ${iso(endMs)}] overlaps the reading of ${also}` });
        return undefined;
      }
      gapMs = endMs - intervalMs - p.endMs;
      if (gapMs > 0) this.report.gap({ file, line, from: p.endMs, to: endMs - intervalMs });
    }
    const z = this.report.zone;
    if (this.o.timezone && offsetMin !== null) {
      z.checked++;
      const zo = zoneOffsetMin(endMs, this.o.timezone);
      if (zo !== offsetMin) {
        z.mismatches++;
        z.first ??= { file, line, offsetMin, zoneOffsetMin: zo };
      }
    }
    this.prev = { endMs, file, line };
    this.report.readings++;
    if (Number.isNaN(this.report.from)) this.report.from = endMs;
    this.report.to = endMs;
    return { endMs, wh, intervalMs, file, line, gapMs };
  }
}

/** Reads a whole history into memory-light callbacks: every reading to `onReading`, the report at the end. */
export async function readHistory(paths: readonly string[], o: HistoryReadOptions, onReading: (r: HistoryReading) => void): Promise<HistoryReport> {
  const reader = new HistoryReader(paths, o);
  for await (const r of reader.readings()) onReading(r);
  return reader.report;
}
