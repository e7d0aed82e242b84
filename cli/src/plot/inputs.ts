import { HistoryReader, loadModel, measureBatches, readText, type HistoryReadOptions, type LoadedModel, type MeasuredReading } from '@stream-smarts/contracts';
import { CommandError } from '../command-error.js';
import { RecentWindow, type RecentPoint } from './recent-window.js';

/** What `plot` reads: the model, a history's measured readings, a run's alerts. */

export type Model = LoadedModel;
export type HistoryRow = MeasuredReading;

/** What a timeline draws of a reading: its 1-h floor (NaN while the hour fills). */
export const plotted = (r: Pick<HistoryRow, 'floor_1h'>): number => r.floor_1h ?? NaN;

/**
 * A reading as the timeline keeps it: when, its 1-h floor and trailing-hour energy, and the
 * model's verdict, taken once when it is read. Small on purpose: the reducer holds thousands for
 * the whole read, and whole readings held that long were promoted and churned the old generation.
 */
export interface TimelinePoint {
  endMs: number;
  floor_1h: number | null;
  kwh: number;
  verdict: 1 | -1 | 0;
}

/** Whether the model finds a reading anomalous: 1 high, -1 low, 0 not (or not yet scored). */
function verdict(m: Model, r: HistoryRow): 1 | -1 | 0 {
  const s = m.score(r);
  return s === null ? 0 : s > 1 ? 1 : s < 0 ? -1 : 0;
}

export function readModel(dir: string): Model {
  try {
    return loadModel(dir);
  } catch (e) {
    throw new CommandError(`--model ${dir}: ${(e as Error).message}`, 1);
  }
}

/**
 * A history file (CSV `timestamp,wh` or raw_power JSON lines, .gz fine) as trailing-hour readings
 * with their local day and hour, through the one history reader, as train measures them (rows
 * whose trailing hour is under half covered — the start, after gaps — are left out, as in
 * training); problems the reader found are passed to `warn`.
 */
/** What the figures draw of a history, gathered in one streaming pass with bounded memory. */
export interface PlotHistory {
  count: number;
  /** First and last reading end (NaN without readings). */
  first: number;
  last: number;
  /** The readings of (from, to] whose end is within `days` + 1 days of the last such reading (range: its last days). */
  recent: RecentPoint[];
  /** The readings of [from, to], reduced for a timeline (TimelineReducer). */
  timeline: TimelinePoint[];
}

export async function readPlotHistory(
  file: string,
  timezone: string,
  want: { days: number; from: number; to: number; model: Model },
  o: Pick<HistoryReadOptions, 'maxPowerKw' | 'maxBadShare' | 'onProgress' | 'signal'> = {},
  warn: (line: string) => void = () => undefined,
): Promise<PlotHistory> {
  const reader = new HistoryReader([file], { timezone, ...o });
  const keepMs = (want.days + 1) * 86_400_000;
  const recent = new RecentWindow();
  const reducer = new TimelineReducer(want.model);
  let count = 0;
  let first = NaN;
  let last = NaN;
  for await (const batch of measureBatches(reader.batches(), timezone)) {
    for (const m of batch) {
      if (m.coverage < 0.5) continue;
      const r: HistoryRow = m;
      count++;
      if (Number.isNaN(first)) first = r.endMs;
      last = r.endMs;
      if (r.endMs > want.from && r.endMs <= want.to) {
        recent.push(r);
        recent.dropUntil(r.endMs - keepMs);
      }
      if (r.endMs >= want.from && r.endMs <= want.to) reducer.add(r);
    }
  }
  for (const w of reader.report.warnings()) warn(w);
  return { count, first, last, recent: recent.points(), timeline: reducer.rows() };
}

/**
 * Reduces a stream of readings to what a timeline can show, in bounded memory whatever the span:
 * per time bucket the first, lowest, highest and last reading (the chart's own decimation keeps
 * the same), the bucket width doubling whenever there are too many; and the readings outside the
 * expected range, thinned evenly (every second one dropped whenever there are too many).
 */
interface Bucket {
  first: TimelinePoint;
  lo: TimelinePoint;
  hi: TimelinePoint;
  last: TimelinePoint;
}

export class TimelineReducer {
  private widthMs = 60_000;
  private t0 = NaN;
  private buckets = new Map<number, Bucket>();
  private outside: TimelinePoint[] = [];
  private stride = 1;
  private seenOutside = 0;

  constructor(
    private readonly model: Model,
    private readonly maxBuckets = 8000,
    private readonly maxOutside = 12_000,
  ) {}

  add(reading: HistoryRow): void {
    const r: TimelinePoint = { endMs: reading.endMs, floor_1h: reading.floor_1h, kwh: reading.kwh, verdict: verdict(this.model, reading) };
    if (Number.isNaN(this.t0)) this.t0 = r.endMs;
    const k = Math.floor((r.endMs - this.t0) / this.widthMs);
    const b = this.buckets.get(k);
    if (!b) this.buckets.set(k, { first: r, lo: r, hi: r, last: r });
    else {
      if (plotted(r) < plotted(b.lo)) b.lo = r;
      if (plotted(r) > plotted(b.hi)) b.hi = r;
      b.last = r;
    }
    if (this.buckets.size > this.maxBuckets) this.widen();
    if (r.verdict !== 0 && this.seenOutside++ % this.stride === 0) {
      this.outside.push(r);
      if (this.outside.length > this.maxOutside) {
        this.outside = this.outside.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
  }

  private widen(): void {
    this.widthMs *= 2;
    const merged = new Map<number, Bucket>();
    for (const [k, b] of this.buckets) {
      const m = merged.get(Math.floor(k / 2));
      if (!m) merged.set(Math.floor(k / 2), { ...b });
      else {
        if (b.first.endMs < m.first.endMs) m.first = b.first;
        if (b.last.endMs > m.last.endMs) m.last = b.last;
        if (plotted(b.lo) < plotted(m.lo)) m.lo = b.lo;
        if (plotted(b.hi) > plotted(m.hi)) m.hi = b.hi;
      }
    }
    this.buckets = merged;
  }

  rows(): TimelinePoint[] {
    const set = new Set<TimelinePoint>(this.outside);
    for (const b of this.buckets.values()) for (const r of [b.first, b.lo, b.hi, b.last]) set.add(r);
    return [...set].sort((a, b) => a.endMs - b.endMs);
  }
}

/** One alert as `stream-smarts run --alerts-out` writes it (the notifier's Alert), reduced to what a plot shows. */
export interface PlotAlert {
  at: number;
  type: 'fire' | 'repeat' | 'resolve' | 'test';
  kind: 'high' | 'low';
  meterId?: string;
  /** The anomaly behind the alert, when the line carries it. */
  eventTs?: number;
  kwh?: number;
  fn?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const time = (v: unknown): number | undefined => (typeof v === 'number' ? num(v) : typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Number.isFinite(Date.parse(v)) ? Date.parse(v) : undefined) : undefined);

/**
 * Parses JSON lines of alerts. The event may be the notifier's AnomalyEvent (eventTs, kwh, fn) or
 * the ANOMOLY_POWER row itself (EVENT_TS, KWH, FN): both are accepted so either writer plots.
 */
export function parseAlerts(file: string, text: string): PlotAlert[] {
  const out: PlotAlert[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (l === '') return;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new CommandError(`--alerts ${file}:${i + 1}: not valid JSON`, 1);
    }
    const at = time(j?.at);
    const type = j?.type;
    if (at === undefined || (type !== 'fire' && type !== 'repeat' && type !== 'resolve' && type !== 'test')) {
      throw new CommandError(`--alerts ${file}:${i + 1}: expected an alert object with at (epoch ms or ISO time) and type fire|repeat|resolve`, 1);
    }
    const ev = (j.event ?? {}) as Record<string, unknown>;
    const kwh = num(ev.kwh) ?? num(ev.KWH);
    const fn = num(ev.fn) ?? num(ev.FN);
    const eventTs = time(ev.eventTs) ?? time(ev.EVENT_TS);
    const kind = j.kind === 'low' || (j.kind === undefined && fn !== undefined && fn < 0) ? 'low' : 'high';
    out.push({ at, type, kind, ...(typeof j.meterId === 'string' ? { meterId: j.meterId } : {}), ...(eventTs !== undefined ? { eventTs } : {}), ...(kwh !== undefined ? { kwh } : {}), ...(fn !== undefined ? { fn } : {}) });
  });
  return out;
}

export async function readAlerts(file: string): Promise<PlotAlert[]> {
  let text: string;
  try {
    text = await readText(file);
  } catch (e) {
    throw new CommandError(`--alerts ${file}: ${(e as Error).message.replace(/^history file /, 'file ')}`, 1);
  }
  return parseAlerts(file, text);
}

/** Ground truth as `simulate --truth` writes it: [{scenario, start, end}] with ISO times. */
export interface TruthSpan {
  scenario: string;
  start: number;
  end: number;
}

export async function readTruth(file: string): Promise<TruthSpan[]> {
  let j: unknown;
  try {
    j = JSON.parse(await readText(file));
  } catch (e) {
    throw new CommandError(`--truth ${file}: ${e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message.replace(/^history file /, 'file ')}`, 1);
  }
  if (!Array.isArray(j)) throw new CommandError(`--truth ${file}: expected a JSON list of {scenario, start, end}`, 1);
  return j.map((s: Record<string, unknown>, i) => {
    const start = time(s?.start);
    const end = time(s?.end);
    if (typeof s?.scenario !== 'string' || start === undefined || end === undefined) throw new CommandError(`--truth ${file}: item ${i} is not {scenario, start, end} with ISO times`, 1);
    return { scenario: s.scenario, start, end };
  });
}
