import { parse, type CsvError } from 'csv-parse';
import { HistoryError } from './errors.js';
import { linesOf } from './text.js';
import { parseInstant } from './timestamp.js';

/**
 * Rows of a history file, one event per data line: a reading, or the reason the line is bad.
 * CSV goes through csv-parse (quoted fields, CRLF, a BOM, `#` comment lines); JSON lines are
 * raw_power records. Order, duplicates, gaps and physical bounds are the reader's (reader.ts).
 */
export interface Row {
  endMs: number;
  wh: number;
  /** From the record (JSON lines); CSV rows get the file's interval from the reader. */
  intervalMs: number | undefined;
  /** The timestamp's written UTC offset in minutes; null for Z or epoch ms. */
  offsetMin: number | null;
}

export type RowEvent = { line: number; row: Row; reason?: undefined } | { line: number; row?: undefined; reason: string };

export type HistoryFormat = 'csv' | 'jsonl';

export function whOf(raw: unknown): number | string {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return 'wh is missing';
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(v)) return `wh ${JSON.stringify(typeof raw === 'string' ? raw.trim().slice(0, 40) : raw)} is not a number`;
  if (v < 0) return `wh ${v} is negative: a meter does not run backwards`;
  return v;
}

function csvReason(err: CsvError | undefined): string {
  const code = err?.code ?? 'CSV_ERROR';
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is not closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field (quote the whole field and double the quote)';
    case 'CSV_MAX_RECORD_SIZE':
      return 'a row longer than 64 KiB';
    default:
      return `not a CSV row (${code})`;
  }
}

/** Rows of a CSV history: a `timestamp,wh` header (any column order, more columns fine), or none when the first row is already data. */
export async function* csvRows(file: string, chunks: AsyncIterable<string>): AsyncGenerator<RowEvent> {
  const skipped: { line: number; reason: string }[] = [];
  const parser = parse({
    info: true,
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    comment: '#',
    comment_no_infix: true,
    skip_records_with_error: true,
    max_record_size: 1 << 16,
    on_skip: (err) => {
      skipped.push({ line: Number(err?.lines ?? 0), reason: csvReason(err) });
      return undefined;
    },
  });
  // Feed the parser with backpressure; an error of the source (not text, gzip broken) ends the parse with it.
  // A consumer that stops early destroys the parser; the feed then stops too and the file closes.
  parser.on('error', () => undefined);
  void (async () => {
    try {
      for await (const c of chunks) {
        if (parser.destroyed) break;
        if (!parser.write(c)) await new Promise((r) => (parser.once('drain', r), parser.once('close', r)));
      }
      if (!parser.destroyed) parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  let tsCol = -1;
  let whCol = -1;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    const line = info.lines;
    if (tsCol < 0) {
      const names = record.map((c) => c.trim().toLowerCase());
      tsCol = names.indexOf('timestamp');
      whCol = names.indexOf('wh');
      if (tsCol >= 0 && whCol >= 0) continue;
      if (typeof parseInstant(record[0] ?? '') !== 'string' && record.length >= 2) {
        [tsCol, whCol] = [0, 1];
      } else {
        throw new HistoryError(
          `${file}:${line}: expected a CSV header naming columns timestamp and wh, got ${JSON.stringify(record.join(',').slice(0, 80))}`,
          'make the first line `timestamp,wh` (ISO-8601 time with offset, Wh used in the interval ending then), or pass JSON-lines raw_power records',
        );
      }
    }
    const t = parseInstant(record[tsCol] ?? '');
    if (typeof t === 'string') {
      yield { line, reason: record[tsCol] === undefined ? 'timestamp is missing' : t };
      continue;
    }
    const wh = whOf(record[whCol]);
    if (typeof wh === 'string') {
      yield { line, reason: wh };
      continue;
    }
    yield { line, row: { endMs: t.ms, wh, intervalMs: undefined, offsetMin: t.offsetMin } };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}

/** Rows of a JSON-lines history: raw_power records, of which ts (epoch ms or ISO-8601), wh and interval_s are read. */
export async function* jsonRows(file: string, chunks: AsyncIterable<string>): AsyncGenerator<RowEvent> {
  for await (const { line, text } of linesOf(file, chunks)) {
    const l = text.trim();
    if (l === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(l);
    } catch {
      yield { line, reason: 'not valid JSON' };
      continue;
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      yield { line, reason: 'not a JSON object' };
      continue;
    }
    const r = rec as Record<string, unknown>;
    const t = typeof r.ts === 'string' ? parseInstant(r.ts) : typeof r.ts === 'number' && Number.isInteger(r.ts) && r.ts >= 0 ? parseInstant(String(r.ts)) : `ts ${JSON.stringify(r.ts)} is not epoch milliseconds or an ISO-8601 time`;
    if (typeof t === 'string') {
      yield { line, reason: t };
      continue;
    }
    const wh = typeof r.wh === 'number' || r.wh === undefined ? whOf(r.wh) : `wh ${JSON.stringify(r.wh)} is not a number`;
    if (typeof wh === 'string') {
      yield { line, reason: wh };
      continue;
    }
    const iv = r.interval_s;
    if (typeof iv !== 'number' || !Number.isInteger(iv) || iv < 1 || iv > 3600) {
      yield { line, reason: `interval_s ${JSON.stringify(iv)} is not a whole number of seconds from 1 to 3600` };
      continue;
    }
    yield { line, row: { endMs: t.ms, wh, intervalMs: iv * 1000, offsetMin: t.offsetMin } };
  }
}

/** JSON lines by name (.jsonl, .ndjson, .json, optionally .gz) or by a first character `{`; else CSV. */
export function formatOf(file: string, firstText: string): HistoryFormat {
  if (/\.(jsonl|ndjson|json)(\.gz)?$/i.test(file)) return 'jsonl';
  return firstText.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'jsonl' : 'csv';
}
