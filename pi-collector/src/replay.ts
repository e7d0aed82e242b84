import { DEFAULT_MAX_BAD_SHARE, HistoryError, HistoryReader, HistoryReport, linesOf, openText, parseInstant, type Logger } from '@stream-smarts/contracts';
import { z } from 'zod';
import { intervalEndOf } from './intervals.js';
import type { PulseSink, PulseSource } from './source.js';

/**
 * Replays a history file as meter pulses, at real speed, accelerated, or as fast as possible.
 *
 *   csv     `timestamp,wh` — ISO-8601 with offset (or epoch ms), Wh used in the interval ENDING at
 *           the timestamp; the interval is the file's most common spacing. .gz is fine.
 *   jsonl   raw_power readings, one JSON object a line: at least ts, wh, interval_s. .gz is fine.
 *   pulses  one pulse a line: epoch ms or ISO-8601 with offset, in time order.
 *
 * csv and jsonl are read by the one history reader (contracts/src/history), streaming: bad,
 * duplicate and out-of-order rows are skipped and reported as file:line, physically impossible
 * ones (STREAM_SMARTS_MAX_POWER_KW) too, and too many stop the replay. A gap in the file stays a
 * gap: the sink is told (PulseSink.gap) instead of being handed a week of quiet intervals.
 *
 * Energy is turned into pulses spread evenly over each interval, carrying the fraction of a pulse
 * to the next line, so sum(wh) in equals pulses × Wh per pulse out (to within one pulse at the end).
 * Pulses are handed over in one call per collector interval, so the work per line is bounded by
 * the interval count, not the energy. A replay file is taken as complete: at its end the interval
 * holding its last instant is closed. The cursor (line, carried fraction, previous instant) makes
 * a killed replay resume exactly.
 */
export type ReplayFormat = 'csv' | 'jsonl' | 'pulses';

export interface ReplayOptions {
  path: string;
  format?: ReplayFormat;
  /** 1 = real time, 60 = a minute per second, Infinity = as fast as possible. */
  speed: number;
  whPerPulse: number;
  /** Interval of the collector (and of a CSV with a single line). */
  intervalS: number;
  /** Zone in use: the file's UTC offsets are checked against it. */
  timezone?: string;
  maxPowerKw?: number;
  maxBadShare?: number;
  /** Where the reader's warnings go (skipped rows, gaps, offsets). */
  log?: Logger;
  /** Bytes of the file read so far, of its size. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

const Cursor = z.object({ l: z.number().int().nonnegative(), c: z.number().nonnegative(), p: z.number().nullable() });
type CursorT = z.infer<typeof Cursor>;

/** The format a name implies: pulses files by name; csv and jsonl are told apart by the reader. */
export function formatOf(path: string, given?: ReplayFormat): ReplayFormat | undefined {
  if (given) return given;
  if (/\.(pulses|txt)(\.gz)?$/i.test(path)) return 'pulses';
  if (/\.(jsonl|ndjson|json)(\.gz)?$/i.test(path)) return 'jsonl';
  if (/\.csv(\.gz)?$/i.test(path)) return 'csv';
  return undefined;
}

export class ReplaySource implements PulseSource {
  readonly kind = 'replay' as const;
  readonly live = false;
  readonly format: ReplayFormat | undefined;
  /** Lines handed over (for progress logs). */
  lines = 0;
  /** What the reader found (bad rows, gaps, zone), once run has read the file. */
  report: HistoryReport | undefined;

  constructor(private readonly opts: ReplayOptions) {
    this.format = formatOf(opts.path, opts.format);
    if (!(opts.speed > 0)) throw new RangeError(`replay speed must be positive (1 = real time); got ${opts.speed}`);
  }

  async run(sink: PulseSink, from: string | null, signal: AbortSignal): Promise<void> {
    let cur: CursorT = { l: 0, c: 0, p: null };
    if (from !== null) {
      const parsed = Cursor.safeParse(safeJson(from));
      if (!parsed.success) throw new Error(`the saved replay position ${from} is not one this version understands; use a fresh --state-dir`);
      cur = parsed.data;
    }
    const iMs = this.opts.intervalS * 1000;
    let wall0: number | undefined;
    let virt0 = 0;
    let sinceYield = 0;
    const paced = Number.isFinite(this.opts.speed);
    const pace = async (start: number, end: number) => {
      if (wall0 === undefined) {
        wall0 = Date.now();
        virt0 = start;
      }
      const wait = wall0 + (end - virt0) / this.opts.speed - Date.now();
      if (wait > 5) await sleep(wait, signal);
    };
    // Awaited only every 200 lines (and pace only when paced): an await per line would cost more than the line.
    const yieldNow = async () => {
      sinceYield = 0;
      // A slow consumer holds the replay back (backpressure); else let timers and signals run.
      if (sink.drain) await sink.drain();
      else await new Promise((r) => setImmediate(r));
    };

    if (this.format === 'pulses') {
      const report = new HistoryReport(this.opts.maxBadShare ?? DEFAULT_MAX_BAD_SHARE);
      this.report = report;
      const src = await openText(this.opts.path);
      for await (const { line, text } of lines(linesOf(this.opts.path, src.chunks))) {
        const l = text.trim();
        if (l === '' || l.startsWith('#')) continue;
        report.dataLines++;
        if (line <= cur.l) continue;
        const t = parseInstant(l);
        const bad = typeof t === 'string' ? t : cur.p !== null && t.ms < cur.p ? `${new Date(t.ms).toISOString()} is before the previous line's ${new Date(cur.p).toISOString()}: pulses must be in time order` : undefined;
        if (bad !== undefined || typeof t === 'string') {
          report.bad({ file: this.opts.path, line, kind: typeof t === 'string' ? 'bad' : 'out-of-order', reason: bad! });
          report.checkShare(false);
          continue;
        }
        if (paced) await pace(t.ms, t.ms);
        if (signal.aborted) return;
        sink.pulse(t.ms, 1);
        report.readings++;
        cur = { l: line, c: 0, p: t.ms };
        this.lines++;
        sink.commit(JSON.stringify(cur));
        if (++sinceYield >= 200) await yieldNow();
        if (signal.aborted) return;
      }
      report.checkShare(true);
      if (report.readings === 0 && cur.p === null) throw new HistoryError(`replay file ${this.opts.path} holds no pulses`, 'a pulses file has one instant a line (epoch ms or ISO-8601 with offset)');
    } else {
      const reader = new HistoryReader([this.opts.path], {
        ...(this.format ? { format: this.format } : {}),
        ...(this.opts.timezone ? { timezone: this.opts.timezone } : {}),
        ...(this.opts.maxPowerKw !== undefined ? { maxPowerKw: this.opts.maxPowerKw } : {}),
        ...(this.opts.maxBadShare !== undefined ? { maxBadShare: this.opts.maxBadShare } : {}),
        ...(this.opts.onProgress ? { onProgress: this.opts.onProgress } : {}),
        defaultIntervalMs: iMs,
        signal,
      });
      this.report = reader.report;
      {
        for await (const batch of reader.batches()) for (const r of batch) {
          if (r.line <= cur.l) continue;
          const end = r.endMs;
          const start = end - r.intervalMs;
          if (cur.p !== null && start > cur.p) {
            // A gap: nothing is known of the meter between the two readings.
            sink.advance(cur.p);
            sink.gap(cur.p, start);
          }
          if (paced) await pace(start, end);
          if (signal.aborted) return;
          const exact = (cur.c + r.wh) / this.opts.whPerPulse;
          const n = Math.floor(exact + 1e-9);
          const carry = Math.max(0, (exact - n) * this.opts.whPerPulse);
          spreadPulses(sink, start, end, n, iMs);
          sink.advance(end);
          cur = { l: r.line, c: carry, p: end };
          this.lines++;
          sink.commit(JSON.stringify(cur));
          if (++sinceYield >= 200) await yieldNow();
        }
      }
      // What was skipped (rows, gaps, zone): said once the file is read; a read that gave up said it in its error.
      for (const w of reader.report.warnings()) this.opts.log?.warn(w);
    }
    if (!signal.aborted && cur.p !== null) {
      sink.advance(intervalEndOf(cur.p, iMs));
      sink.commit(JSON.stringify(cur));
    }
  }
}

/**
 * Hands `n` pulses spread evenly over (start, end] — the k-th at start + ⌈k·span/n⌉ — to the sink,
 * one call per collector interval they fall in.
 */
export function spreadPulses(sink: Pick<PulseSink, 'pulse'>, start: number, end: number, n: number, intervalMs: number): void {
  if (n <= 0) return;
  const span = end - start;
  let done = 0;
  for (let b = intervalEndOf(start + 1, intervalMs); ; b += intervalMs) {
    const upto = b >= end ? n : Math.min(n, Math.floor(((b - start) * n) / span + 1e-9));
    if (upto > done) {
      sink.pulse(start + Math.ceil((upto * span) / n), upto - done);
      done = upto;
    }
    if (b >= end) break;
  }
}

async function* lines<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const b of batches) yield* b;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

