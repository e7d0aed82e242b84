import { loadEnvelope, type Envelope, type EnvelopeFile } from '@stream-smarts/contracts';
import { CommandError } from '../command-error.js';
import { TrainError } from '../train/errors.js';
import { measureHistory, parseHistoryText, readText, type HistoryRow } from '../train/history.js';

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
 * with their local day and hour, by train's own parser, so plots show what the model was fitted on.
 */
export async function readHistoryRows(file: string, timezone: string): Promise<HistoryRow[]> {
  try {
    const parsed = parseHistoryText(file, await readText(file));
    if (parsed.readings.length === 0) throw new CommandError(`--history ${file}: no readings in the file${parsed.bad[0] ? ` (line ${parsed.bad[0].line}: ${parsed.bad[0].reason})` : ''}`, 1);
    return measureHistory([parsed], { timezone }).rows;
  } catch (e) {
    if (e instanceof CommandError) throw e;
    if (e instanceof TrainError) throw new CommandError(`--history ${file}: ${e.message}`, 1);
    throw new CommandError(`--history ${file}: ${(e as Error).message}`, 1);
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
