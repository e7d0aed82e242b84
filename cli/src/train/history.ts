import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import { dayHourOfReading, TrailingHour } from '@stream-smarts/contracts';
import { TrainError } from './errors.js';

/**
 * Reads a household's history for training: CSV (`timestamp,wh`) or JSON lines of `raw_power`
 * records, optionally gzipped, and turns it into the measure every part scores — the trailing-hour
 * energy (TrailingHour) at each reading — labelled with the reading's local day and hour
 * (dayHourOfReading). Bad rows are reported with file:line and skipped; too many stop the run.
 */

/** One reading as read from a file, before the trailing-hour measure. */
export interface RawReading {
  /** End of the reading's interval, epoch ms. */
  endMs: number;
  /** Wh used in the interval. */
  wh: number;
  /** Interval length in ms; from the record (JSON lines) or inferred for the file (CSV). */
  intervalMs?: number;
  /** Where it came from, for messages. */
  line: number;
}

export interface BadRow {
  file: string;
  line: number;
  reason: string;
}

export interface ParsedFile {
  file: string;
  format: 'csv' | 'jsonl';
  readings: RawReading[];
  bad: BadRow[];
  /** Lines holding data (header and blank lines excluded). */
  dataLines: number;
  /** The reading interval of the file in ms (most common spacing, or the records' own). */
  intervalMs: number;
}

/** One training row: the trailing-hour measure at a reading, with its cell. */
export interface HistoryRow {
  endMs: number;
  day: number;
  hour: number;
  /** Trailing-hour energy in Wh/h. */
  kwh: number;
}

export interface History {
  rows: HistoryRow[];
  files: { file: string; format: 'csv' | 'jsonl'; intervalS: number; rows: number; rejected: number }[];
  /** Bad rows over all files (all of them, for the count; show a few). */
  bad: BadRow[];
  /** Readings skipped because the trailing hour was less than half covered (start of file, after gaps). */
  partial: number;
  from: number;
  to: number;
}

export interface ReadHistoryOptions {
  timezone: string;
  /** Largest share of bad data lines tolerated before stopping; default 0.01. */
  maxBadShare?: number;
  /** Readings whose trailing hour is covered less than this are not trained on; default 0.5. */
  minCoverage?: number;
}

const MIN_INTERVAL_MS = 1000;
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

// ISO-8601 date-time with a required offset (Z or ±hh:mm / ±hhmm): without one the instant is ambiguous.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function parseTimestamp(s: string): number | string {
  const t = s.trim();
  if (!ISO_WITH_OFFSET.test(t)) {
    return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)
      ? `timestamp ${JSON.stringify(t)} has no UTC offset (add Z or e.g. +10:00)`
      : `timestamp ${JSON.stringify(t)} is not ISO-8601 (e.g. 2026-08-05T04:15:00+10:00)`;
  }
  // Date.parse accepts ±hhmm only with a colon; normalise.
  const norm = t.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(norm);
  return Number.isFinite(ms) ? ms : `timestamp ${JSON.stringify(t)} is not a valid date`;
}

function parseWh(s: string | undefined): number | string {
  if (s === undefined || s.trim() === '') return 'wh is missing';
  const v = Number(s);
  if (!Number.isFinite(v)) return `wh ${JSON.stringify(s.trim())} is not a number`;
  if (v < 0) return `wh ${v} is negative`;
  return v;
}

/** The most common positive spacing between consecutive readings, in ms. */
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

export async function readText(file: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TrainError(
      code === 'ENOENT' ? `history file ${file} does not exist` : `cannot read history file ${file}: ${(e as Error).message}`,
      'pass CSV (timestamp,wh) or JSON-lines raw_power files with --history FILE…',
    );
  }
  // Gzip by magic number, not by name, so a mis-named file still reads.
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new TrainError(`history file ${file} looks gzipped but does not decompress: ${(e as Error).message}`, 'check the file is a complete .gz');
    }
  }
  return buf.toString('utf8');
}

/** Parses one file's text. Exposed for tests; `readHistory` reads files. */
export function parseHistoryText(file: string, text: string): ParsedFile {
  const lines = text.split(/\r?\n/);
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  const name = basename(file);
  if (firstIdx < 0) return { file, format: 'csv', readings: [], bad: [], dataLines: 0, intervalMs: 0 };
  const first = lines[firstIdx]!.trim();
  const jsonl = first.startsWith('{') || /\.(jsonl|ndjson|json)(\.gz)?$/i.test(name);
  const readings: RawReading[] = [];
  const bad: BadRow[] = [];
  let dataLines = 0;

  if (jsonl) {
    for (let i = firstIdx; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (l === '') continue;
      dataLines++;
      const line = i + 1;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(l) as Record<string, unknown>;
      } catch {
        bad.push({ file, line, reason: 'not valid JSON' });
        continue;
      }
      if (rec === null || typeof rec !== 'object') {
        bad.push({ file, line, reason: 'not a JSON object' });
        continue;
      }
      const ts = typeof rec.ts === 'string' ? parseTimestamp(rec.ts) : rec.ts;
      if (typeof ts === 'string') {
        bad.push({ file, line, reason: ts });
        continue;
      }
      if (typeof ts !== 'number' || !Number.isInteger(ts) || ts < 0) {
        bad.push({ file, line, reason: `ts ${JSON.stringify(rec.ts)} is not epoch milliseconds` });
        continue;
      }
      const wh = typeof rec.wh === 'number' ? rec.wh : NaN;
      if (!Number.isFinite(wh) || wh < 0) {
        bad.push({ file, line, reason: `wh ${JSON.stringify(rec.wh)} is not a non-negative number` });
        continue;
      }
      const iv = rec.interval_s;
      if (typeof iv !== 'number' || !Number.isInteger(iv) || iv < 1 || iv > 3600) {
        bad.push({ file, line, reason: `interval_s ${JSON.stringify(iv)} is not a whole number of seconds from 1 to 3600` });
        continue;
      }
      readings.push({ endMs: ts, wh, intervalMs: iv * 1000, line });
    }
  } else {
    const header = first.toLowerCase().split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
    const tsCol = header.indexOf('timestamp');
    const whCol = header.indexOf('wh');
    if (tsCol < 0 || whCol < 0) {
      throw new TrainError(
        `${file}:${firstIdx + 1}: expected a CSV header naming columns timestamp and wh, got ${JSON.stringify(first.slice(0, 80))}`,
        'make the first line `timestamp,wh` (ISO-8601 time with offset, Wh used in the interval ending then), or pass JSON-lines raw_power records',
      );
    }
    for (let i = firstIdx + 1; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (l === '') continue;
      dataLines++;
      const line = i + 1;
      const cells = l.split(',');
      const ts = parseTimestamp((cells[tsCol] ?? '').replace(/^"|"$/g, ''));
      if (typeof ts === 'string') {
        bad.push({ file, line, reason: ts });
        continue;
      }
      const wh = parseWh(cells[whCol]);
      if (typeof wh === 'string') {
        bad.push({ file, line, reason: wh });
        continue;
      }
      readings.push({ endMs: ts, wh, line });
    }
  }

  // Files are expected in time order, but sorting costs little and forgives concatenated exports.
  readings.sort((a, b) => a.endMs - b.endMs || a.line - b.line);
  const unique: RawReading[] = [];
  for (const r of readings) {
    const prev = unique[unique.length - 1];
    if (prev && prev.endMs === r.endMs) bad.push({ file, line: r.line, reason: `duplicate timestamp ${new Date(r.endMs).toISOString()} (also line ${prev.line})` });
    else unique.push(r);
  }
  bad.sort((a, b) => a.line - b.line);

  let intervalMs = 0;
  if (jsonl) {
    intervalMs = inferIntervalMs(unique.map((r) => r.endMs)) ?? unique[0]?.intervalMs ?? 0;
  } else {
    const inferred = inferIntervalMs(unique.map((r) => r.endMs));
    if (inferred === undefined) {
      if (unique.length > 0) {
        throw new TrainError(`${file}: only one reading, so its interval cannot be inferred`, 'give at least a week of readings');
      }
    } else {
      if (inferred < MIN_INTERVAL_MS || inferred > HOUR_MS) {
        throw new TrainError(
          `${file}: readings are most often ${inferred / 1000} s apart; the interval must be 1 s to 1 h`,
          'resample the history to a regular interval between 1 s and 1 h',
        );
      }
      intervalMs = inferred;
      for (const r of unique) r.intervalMs = inferred;
    }
  }
  return { file, format: jsonl ? 'jsonl' : 'csv', readings: unique, bad, dataLines, intervalMs };
}

export function formatBadRows(bad: readonly BadRow[], show = 5): string {
  const lines = bad.slice(0, show).map((b) => `  ${b.file}:${b.line}: ${b.reason}`);
  if (bad.length > show) lines.push(`  … and ${bad.length - show} more`);
  return lines.join('\n');
}

/**
 * Turns parsed files into training rows. Each file is measured on its own (a gap between files is a
 * gap); readings whose interval would overlap the previous one are rejected as bad rows.
 */
export function measureHistory(parsed: readonly ParsedFile[], opts: ReadHistoryOptions): History {
  const minCoverage = opts.minCoverage ?? 0.5;
  const rows: HistoryRow[] = [];
  const bad: BadRow[] = [];
  const files: History['files'] = [];
  let partial = 0;
  // Later files win nothing: readings are merged in time order so overlapping files are caught.
  const all: { r: RawReading; file: string }[] = [];
  for (const p of parsed) {
    bad.push(...p.bad);
    for (const r of p.readings) all.push({ r, file: p.file });
  }
  all.sort((a, b) => a.r.endMs - b.r.endMs);
  const th = new TrailingHour();
  const perFile = new Map<string, { rows: number; rejected: number }>();
  for (const p of parsed) perFile.set(p.file, { rows: 0, rejected: p.bad.length });
  let lastEnd = -Infinity;
  for (const { r, file } of all) {
    const intervalMs = r.intervalMs ?? 0;
    const stats = perFile.get(file)!;
    if (r.endMs - intervalMs < lastEnd) {
      bad.push({ file, line: r.line, reason: `interval (${new Date(r.endMs - intervalMs).toISOString()}, ${new Date(r.endMs).toISOString()}] overlaps an earlier reading` });
      stats.rejected++;
      continue;
    }
    let v;
    try {
      v = th.push(r.endMs, r.wh, intervalMs);
    } catch (e) {
      bad.push({ file, line: r.line, reason: (e as Error).message });
      stats.rejected++;
      continue;
    }
    lastEnd = r.endMs;
    if (v.coverage < minCoverage) {
      partial++;
      continue;
    }
    const { day, hour } = dayHourOfReading(r.endMs, opts.timezone);
    rows.push({ endMs: r.endMs, day, hour, kwh: v.kwh });
    stats.rows++;
  }
  for (const p of parsed) {
    const s = perFile.get(p.file)!;
    files.push({ file: p.file, format: p.format, intervalS: p.intervalMs / 1000, rows: s.rows, rejected: s.rejected });
  }
  bad.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { rows, files, bad, partial, from: rows[0]?.endMs ?? NaN, to: rows[rows.length - 1]?.endMs ?? NaN };
}

/** Reads, checks and measures the history files; throws TrainError with a fix when it cannot be used. */
export async function readHistory(paths: readonly string[], opts: ReadHistoryOptions): Promise<History> {
  if (paths.length === 0) throw new TrainError('no history given', 'pass one or more files with --history FILE…');
  const parsed: ParsedFile[] = [];
  for (const f of paths) parsed.push(parseHistoryText(f, await readText(f)));
  const history = measureHistory(parsed, opts);
  checkHistory(parsed, history, opts.maxBadShare ?? 0.01);
  return history;
}

/** The checks that stop a run: too many bad rows, or too little history to cover every day of the week. */
export function checkHistory(parsed: readonly ParsedFile[], history: History, maxBadShare: number): void {
  const dataLines = parsed.reduce((n, p) => n + p.dataLines, 0);
  const share = dataLines === 0 ? 0 : history.bad.length / dataLines;
  if (history.bad.length > 0 && share > maxBadShare) {
    throw new TrainError(
      `${history.bad.length} of ${dataLines} history rows are bad (${(share * 100).toFixed(2)}%, more than --max-bad-share ${maxBadShare}):\n${formatBadRows(history.bad)}`,
      'fix or remove those rows, or raise --max-bad-share if skipping them is fine',
    );
  }
  const span = history.rows.length > 0 ? history.to - history.from : 0;
  if (history.rows.length === 0 || span < WEEK_MS - HOUR_MS) {
    const days = (span / 86_400_000).toFixed(1);
    throw new TrainError(
      `the history covers ${history.rows.length === 0 ? 'no usable readings' : `only ${days} days`}; training needs at least one week so every day of the week has readings`,
      'pass a longer history (weeks to months give a steadier envelope)',
    );
  }
}
