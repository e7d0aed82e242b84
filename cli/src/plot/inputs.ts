import { HistoryReader, measureBatches, readText, scoreAgainst, loadEnvelope, type Envelope, type EnvelopeFile, type HistoryReadOptions } from '@stream-smarts/contracts';
import { CommandError } from '../command-error.js';
import { HistoryRows, type HistoryRow } from '../train/history.js';

/** What `plot` reads: the model's envelope, a history's trailing-hour readings, a run's alerts. */

export type Model = Envelope & { file: EnvelopeFile };

export function readModel(dir: string): Model {
  try {
    return loadEnvelope(dir);
  } catch (e) {
    throw new CommandError(`--model ${dir}: ${(e as Error).message}`, 1);
  }
}

/**
 * A history file (CSV `timestamp,wh` or raw_power JSON lines, .gz fine) as trailing-hour readings
 * with their local day and hour, through the one history reader, as train measures them. Rows
 * whose trailing hour is under half covered (the start, after gaps) are left out, as in training.
 * Kept in columns, so a long history stays small; problems the reader found are passed to `warn`.
 */
export async function readHistoryRows(file: string, timezone: string, o: Pick<HistoryReadOptions, 'maxPowerKw' | 'maxBadShare' | 'onProgress' | 'signal'> = {}, warn: (line: string) => void = () => undefined): Promise<HistoryRows> {
  const reader = new HistoryReader([file], { timezone, ...o });
  const rows = new HistoryRows();
  for await (const batch of measureBatches(reader.batches(), timezone)) for (const r of batch) if (r.coverage >= 0.5) rows.push(r.endMs, r.day, r.hour, r.kwh);
  for (const w of reader.report.warnings()) warn(w);
  return rows;
}

/**
 * The readings of a timeline window, reduced to what the chart can show: every reading when there
 * are few; else per time bucket the first, lowest, highest and last (the chart's own decimation
 * keeps the same), and the readings outside the range, evenly thinned.
 */
export function timelineRows(rows: HistoryRows, from: number, to: number, range: (day: number, hour: number) => { lower: number; upper: number }, buckets = 4000): HistoryRow[] {
  let a = 0;
  while (a < rows.length && rows.endMs(a) < from) a++;
  let b = a;
  while (b < rows.length && rows.endMs(b) <= to) b++;
  const n = b - a;
  if (n <= buckets * 4) {
    const out: HistoryRow[] = [];
    for (let i = a; i < b; i++) out.push(rows.at(i));
    return out;
  }
  const keep = new Uint8Array(n);
  const w = (to - from) / buckets || 1;
  let i = a;
  while (i < b) {
    const bucket = Math.floor((rows.endMs(i) - from) / w);
    let lo = i;
    let hi = i;
    const first = i;
    let last = i;
    for (; i < b && Math.floor((rows.endMs(i) - from) / w) === bucket; i++) {
      if (rows.kwh(i) < rows.kwh(lo)) lo = i;
      if (rows.kwh(i) > rows.kwh(hi)) hi = i;
      last = i;
    }
    for (const k of [first, lo, hi, last]) keep[k - a] = 1;
  }
  const outside: number[] = [];
  for (let k = a; k < b; k++) {
    const r = rows.at(k);
    const band = range(r.day, r.hour);
    const s = scoreAgainst(r.kwh, band.lower, band.upper);
    if (s > 1 || s < 0) outside.push(k);
  }
  const every = Math.max(1, Math.ceil(outside.length / 6000));
  for (let k = 0; k < outside.length; k += every) keep[outside[k]! - a] = 1;
  const out: HistoryRow[] = [];
  for (let k = 0; k < n; k++) if (keep[k]) out.push(rows.at(a + k));
  return out;
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
