import { parse, type CsvError, type Options } from 'csv-parse';
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

/**
 * Rows of a CSV history, a batch per chunk of text: a `timestamp,wh` header (any column order,
 * more columns fine), or none when the first row is already data. Lines starting with # are
 * comments. Line numbers are counted here (each record is one line plus the line breaks inside
 * its quoted fields): csv-parse's per-record `info` costs more than the parse itself.
 */
export async function* csvRows(file: string, chunks: AsyncIterable<string>): AsyncGenerator<RowEvent[]> {
  let skipped: { line: number; reason: string }[] = [];
  const options: Options & { readableHighWaterMark: number; writableHighWaterMark: number } = {
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: 1 << 16,
    on_skip: (err: CsvError | undefined) => {
      skipped.push({ line: Number(err?.lines ?? 0), reason: csvReason(err) });
      return undefined;
    },
    // Parsing is synchronous within write(): a chunk's records are all readable right after it.
    readableHighWaterMark: 1 << 20,
    writableHighWaterMark: 1 << 24,
  };
  const parser = parse(options);
  let failure: Error | undefined;
  parser.on('error', (e: Error) => (failure ??= e));
  let ended = false;
  parser.on('end', () => (ended = true));
  let line = 0;
  let tsCol = -1;
  let whCol = -1;
  const take = (): RowEvent[] => {
    const out: RowEvent[] = [];
    for (let rec = parser.read() as string[] | null; rec !== null; rec = parser.read() as string[] | null) {
      if (skipped.length > 0) {
        // A skipped record's error names its line: count on from there.
        for (const sk of skipped) out.push(sk);
        line = Math.max(line, skipped[skipped.length - 1]!.line);
        skipped = [];
      }
      line++;
      const at = line;
      for (const c of rec) for (let k = c.indexOf('\n'); k >= 0; k = c.indexOf('\n', k + 1)) line++;
      const first = rec[0] ?? '';
      if ((rec.length === 1 && first === '') || first.startsWith('#')) continue;
      if (tsCol < 0) {
        const names = rec.map((c) => c.trim().toLowerCase());
        tsCol = names.indexOf('timestamp');
        whCol = names.indexOf('wh');
        if (tsCol >= 0 && whCol >= 0) continue;
        if (typeof parseInstant(first) !== 'string' && rec.length >= 2) {
          [tsCol, whCol] = [0, 1];
        } else {
          throw new HistoryError(
            `${file}:${at}: expected a CSV header naming columns timestamp and wh, got ${JSON.stringify(rec.join(',').slice(0, 80))}`,
            'make the first line `timestamp,wh` (ISO-8601 time with offset, Wh used in the interval ending then), or pass JSON-lines raw_power records',
          );
        }
      }
      const t = parseInstant(rec[tsCol] ?? '');
      if (typeof t === 'string') {
        out.push({ line: at, reason: rec[tsCol] === undefined ? 'timestamp is missing' : t });
        continue;
      }
      const wh = whOf(rec[whCol]);
      if (typeof wh === 'string') {
        out.push({ line: at, reason: wh });
        continue;
      }
      out.push({ line: at, row: { endMs: t.ms, wh, intervalMs: undefined, offsetMin: t.offsetMin } });
    }
    for (const sk of skipped) out.push(sk);
    skipped = [];
    if (failure) throw failure;
    return out;
  };
  try {
    for await (const c of chunks) {
      parser.write(c);
      const batch = take();
      if (batch.length > 0) yield batch;
    }
    parser.end();
    while (!ended && !failure) {
      const batch = take();
      if (batch.length > 0) yield batch;
      if (!ended) await new Promise((r) => setImmediate(r));
    }
    const last = take();
    if (last.length > 0) yield last;
  } finally {
    parser.destroy();
  }
}

/** Rows of a JSON-lines history: raw_power records, of which ts (epoch ms or ISO-8601), wh and interval_s are read. */
export async function* jsonRows(file: string, chunks: AsyncIterable<string>): AsyncGenerator<RowEvent[]> {
  for await (const lines of linesOf(file, chunks)) {
    const out: RowEvent[] = [];
    for (const ev of lines.map(({ line, text }) => jsonRow(line, text))) if (ev) out.push(ev);
    if (out.length > 0) yield out;
  }
}

function jsonRow(line: number, text: string): RowEvent | undefined {
  {
    const l = text.trim();
    if (l === '') return undefined;
    let rec: unknown;
    try {
      rec = JSON.parse(l);
    } catch {
      return { line, reason: 'not valid JSON' };
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      return { line, reason: 'not a JSON object' };
    }
    const r = rec as Record<string, unknown>;
    const t = typeof r.ts === 'string' ? parseInstant(r.ts) : typeof r.ts === 'number' && Number.isInteger(r.ts) && r.ts >= 0 ? parseInstant(String(r.ts)) : `ts ${JSON.stringify(r.ts)} is not epoch milliseconds or an ISO-8601 time`;
    if (typeof t === 'string') {
      return { line, reason: t };
    }
    const wh = typeof r.wh === 'number' || r.wh === undefined ? whOf(r.wh) : `wh ${JSON.stringify(r.wh)} is not a number`;
    if (typeof wh === 'string') {
      return { line, reason: wh };
    }
    const iv = r.interval_s;
    if (typeof iv !== 'number' || !Number.isInteger(iv) || iv < 1 || iv > 3600) {
      return { line, reason: `interval_s ${JSON.stringify(iv)} is not a whole number of seconds from 1 to 3600` };
    }
    return { line, row: { endMs: t.ms, wh, intervalMs: iv * 1000, offsetMin: t.offsetMin } };
  }
}

/** JSON lines by name (.jsonl, .ndjson, .json, optionally .gz) or by a first character `{`; else CSV. */
export function formatOf(file: string, firstText: string): HistoryFormat {
  if (/\.(jsonl|ndjson|json)(\.gz)?$/i.test(file)) return 'jsonl';
  return firstText.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'jsonl' : 'csv';
}
