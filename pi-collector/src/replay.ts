import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { intervalEndOf } from './intervals.js';
import type { PulseSink, PulseSource } from './source.js';

/**
 * Replays a history file as meter pulses, at real speed, accelerated, or as fast as possible.
 *
 *   csv     `timestamp,wh` — ISO-8601 with offset, Wh used in the interval ENDING at the timestamp
 *           (the interval starts at the previous line's timestamp; the first line's interval is
 *           the collector's). A header line `timestamp,wh` is allowed.
 *   jsonl   raw_power readings, one JSON object a line: at least ts (epoch ms), wh, interval_s.
 *   pulses  one pulse a line: epoch ms or ISO-8601 with offset, in time order.
 *
 * Energy is turned into pulses spread evenly over each interval, carrying the fraction of a pulse
 * to the next line, so sum(wh) in equals pulses × Wh per pulse out (to within one pulse at the end).
 * A replay file is taken as complete: at its end the interval holding its last instant is closed.
 * The cursor (byte offset, carried fraction, previous instant) makes a killed replay resume exactly.
 */
export type ReplayFormat = 'csv' | 'jsonl' | 'pulses';

export interface ReplayOptions {
  path: string;
  format?: ReplayFormat;
  /** 1 = real time, 60 = a minute per second, Infinity = as fast as possible. */
  speed: number;
  whPerPulse: number;
  /** Interval of the first CSV line (and of the collector). */
  intervalS: number;
}

const Cursor = z.object({ o: z.number().int().nonnegative(), c: z.number().nonnegative(), p: z.number().nullable() });
type CursorT = z.infer<typeof Cursor>;

const JsonReading = z.object({ ts: z.number().int().nonnegative(), wh: z.number().finite().nonnegative(), interval_s: z.number().int().positive() });

export function formatOf(path: string, given?: ReplayFormat): ReplayFormat {
  if (given) return given;
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  if (/\.(pulses|txt)$/i.test(path)) return 'pulses';
  throw new Error(`cannot tell the replay format of ${path} from its name; give --replay-format csv, jsonl or pulses`);
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseInstant(s: string, where: () => string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (!ISO_WITH_OFFSET.test(s)) throw new Error(`${where()}: "${s}" is not an ISO-8601 timestamp with an offset (e.g. 2026-11-23T10:01:00+11:00) or epoch milliseconds`);
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`${where()}: "${s}" is not a valid date`);
  return t;
}

export class ReplaySource implements PulseSource {
  readonly kind = 'replay' as const;
  readonly live = false;
  readonly format: ReplayFormat;
  /** Lines handed over (for progress logs). */
  lines = 0;

  constructor(private readonly opts: ReplayOptions) {
    this.format = formatOf(opts.path, opts.format);
    if (!(opts.speed > 0)) throw new RangeError(`replay speed must be positive (1 = real time); got ${opts.speed}`);
  }

  async run(sink: PulseSink, from: string | null, signal: AbortSignal): Promise<void> {
    let buf: Buffer;
    try {
      buf = readFileSync(this.opts.path);
    } catch (e) {
      throw new Error(`cannot read the replay file ${this.opts.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let cur: CursorT = { o: 0, c: 0, p: null };
    if (from !== null) {
      const parsed = Cursor.safeParse(safeJson(from));
      if (!parsed.success) throw new Error(`the saved replay position ${from} is not one this version understands; use a fresh --state-dir`);
      cur = parsed.data;
    }
    const lineNo = (offset: number) => buf.subarray(0, offset).toString('utf8').split('\n').length;
    let wall0: number | undefined;
    let virt0 = 0;
    let sinceYield = 0;
    const iMs = this.opts.intervalS * 1000;

    while (cur.o < buf.length && !signal.aborted) {
      let nl = buf.indexOf(10, cur.o);
      if (nl < 0) nl = buf.length;
      const line = buf.subarray(cur.o, nl).toString('utf8').trim();
      const next = nl + 1;
      if (line === '' || line.startsWith('#') || /^timestamp\s*,/i.test(line)) {
        cur = { ...cur, o: next };
        continue;
      }
      const at = cur.o;
      const where = () => `${this.opts.path}:${lineNo(at)}`;
      // Decode the line into (instant, pulses at evenly spread instants in (prev, instant]).
      let end: number;
      let wh: number | undefined;
      let start: number;
      if (this.format === 'pulses') {
        end = parseInstant(line, where);
        start = end;
      } else if (this.format === 'csv') {
        const parts = line.split(',');
        if (parts.length !== 2) throw new Error(`${where()}: expected "timestamp,wh", got "${line.slice(0, 80)}"`);
        end = parseInstant(parts[0]!.trim(), where);
        wh = Number(parts[1]!.trim());
        if (!Number.isFinite(wh) || wh < 0) throw new Error(`${where()}: wh "${parts[1]}" is not a non-negative number`);
        start = cur.p ?? end - iMs;
      } else {
        const r = JsonReading.safeParse(safeJson(line));
        if (!r.success) throw new Error(`${where()}: not a raw_power reading with ts, wh and interval_s: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        end = r.data.ts;
        wh = r.data.wh;
        start = end - r.data.interval_s * 1000;
      }
      if (cur.p !== null && end < cur.p) throw new Error(`${where()}: ${new Date(end).toISOString()} is before the previous line's ${new Date(cur.p).toISOString()}; a replay must be in time order`);

      // Pace: the line's instant maps to wall time by the speed factor.
      if (Number.isFinite(this.opts.speed)) {
        if (wall0 === undefined) {
          wall0 = Date.now();
          virt0 = start;
        }
        const due = wall0 + (end - virt0) / this.opts.speed;
        const wait = due - Date.now();
        if (wait > 5) await sleep(wait, signal);
        if (signal.aborted) break;
      }

      let carry = cur.c;
      if (wh === undefined) {
        sink.pulse(end, 1);
      } else {
        const exact = (carry + wh) / this.opts.whPerPulse;
        const n = Math.floor(exact + 1e-9);
        carry = Math.max(0, (exact - n) * this.opts.whPerPulse);
        const span = end - start;
        for (let k = 1; k <= n; k++) sink.pulse(span > 0 ? start + Math.ceil((k * span) / n) : end, 1);
        sink.advance(end);
      }
      cur = { o: next, c: carry, p: end };
      this.lines++;
      sink.commit(JSON.stringify(cur));
      if (++sinceYield >= 200) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    if (!signal.aborted && cur.p !== null) {
      sink.advance(intervalEndOf(cur.p, iMs));
      sink.commit(JSON.stringify(cur));
    }
  }
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
