import { kindOf, MEASURE_LABELS, MEASURE_NAMES, type AnomalyEvent, type BandsModel, type MeasureName, type Reading, type ScoreKind, type ScoreReason } from '@stream-smarts/contracts';

/** One reading with the model's verdict: what ksql/020 computes as FN and KIND. */
export interface ScoredReading {
  reading: Reading;
  /** null when the reading cannot be scored yet (its windows are still filling) or at all. */
  fn: number | null;
  /** kindOf(fn): high, low, hold (keeps an alerted high episode open), or null. */
  kind: ScoreKind | null;
  /** The measure that decided the score, its value and its band (Wh/h). */
  measure: ScoreReason | 'kwh';
  value: number;
  lower: number;
  upper: number;
}

const LABEL: Record<ScoredReading['measure'], string> = { ...MEASURE_LABELS, kwh: 'hour' };
export const measureLabel = (m: ScoredReading['measure']) => LABEL[m];

/**
 * Scores like ksql/020: ANOMOLY_POWER(day, minute, floor_15m, …, mean_24h) for a reading that
 * carries its minute (raw_power version 2 or 3; a version-2 reading has no steps, which count as
 * absent), the 2018 ANOMOLY_POWER(day, hour, kwh) for one that does not; the kind by kindOf, the
 * same rule as KIND — so `run` flags exactly the readings the Kafka stack would.
 */
export function scoreReading(model: BandsModel, r: Reading): ScoredReading {
  if (r.minute === null || r.minute === undefined) {
    const fn = model.scoreDay(r.day, r.hour, r.kwh);
    const b = model.hourRange(r.hour);
    return { reading: r, fn, kind: kindOf(fn), measure: 'kwh', value: r.kwh, lower: b.lower, upper: b.upper };
  }
  const e = model.explain({ ...r, minute: r.minute });
  const at = model.at(r.minute, r.day);
  if (e === null) return { reading: r, fn: null, kind: null, measure: 'floor_15m', value: NaN, lower: at.floor_15m.ref, upper: at.floor_15m.upper };
  if (e.reason === 'mean_24h') return { reading: r, fn: e.score, kind: kindOf(e.score), measure: 'mean_24h', value: r.mean_24h!, lower: at.mean_24h.lower, upper: at.mean_24h.ref };
  const f = at[e.reason];
  return { reading: r, fn: e.score, kind: kindOf(e.score), measure: e.reason, value: r[e.reason]!, lower: f.ref, upper: f.upper };
}

/** The measures a reading carries, for the alert's words. */
function measuresOf(r: Reading): Partial<Record<MeasureName, number>> {
  const out: Partial<Record<MeasureName, number>> = {};
  for (const m of MEASURE_NAMES) {
    const v = r[m];
    if (v !== null && v !== undefined) out[m] = v;
  }
  return out;
}

/** The ANOMOLY_POWER row ksqlDB would write for a reading whose kind is not null, as the alert core takes it. */
export function anomalyEventOf(s: ScoredReading): AnomalyEvent {
  const r = s.reading;
  const hold = s.kind === 'hold';
  return { eventTs: r.ts, meterId: r.meter_id, day: r.day, hour: r.hour, kwh: r.kwh, fn: s.fn!, kind: hold ? 'high' : (s.kind as 'high' | 'low'), ...(hold ? { hold: true } : {}), measures: measuresOf(r), power: (r.wh * 3600) / r.interval_s, lower: s.lower, upper: s.upper };
}
