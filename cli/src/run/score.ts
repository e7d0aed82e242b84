import type { AnomalyEvent, AnomalyKind, BandsModel, Reading, ScoreReason } from '@stream-smarts/contracts';

/** One reading with the model's verdict: what ksql/020 computes as FN and KIND. */
export interface ScoredReading {
  reading: Reading;
  /** null when the reading cannot be scored yet (its windows are still filling) or at all. */
  fn: number | null;
  kind: AnomalyKind | null;
  /** The measure that decided the score, its value and its band (Wh/h). */
  measure: ScoreReason | 'kwh';
  value: number;
  lower: number;
  upper: number;
}

const LABEL: Record<ScoredReading['measure'], string> = { floor_15m: '15-min floor', floor_1h: '1-h floor', floor_3h: '3-h floor', mean_24h: '24-h mean', kwh: 'hour' };
export const measureLabel = (m: ScoredReading['measure']) => LABEL[m];

/**
 * Scores like ksql/020: ANOMOLY_POWER(minute, floor_15m, floor_1h, floor_3h, mean_24h) for a
 * reading that carries its minute (raw_power version 2), the 2018 ANOMOLY_POWER(day, hour, kwh)
 * for one that does not; high above 1.0, low below 0.0 — the same thresholds, so `run` flags
 * exactly the readings the Kafka stack would.
 */
export function scoreReading(model: BandsModel, r: Reading): ScoredReading {
  const kindOf = (fn: number | null): AnomalyKind | null => (fn === null ? null : fn > 1 ? 'high' : fn < 0 ? 'low' : null);
  if (r.minute === null || r.minute === undefined) {
    const fn = model.scoreDay(r.day, r.hour, r.kwh);
    const b = model.hourRange(r.hour);
    return { reading: r, fn, kind: kindOf(fn), measure: 'kwh', value: r.kwh, lower: b.lower, upper: b.upper };
  }
  const e = model.explain({ minute: r.minute, floor_15m: r.floor_15m, floor_1h: r.floor_1h, floor_3h: r.floor_3h, mean_24h: r.mean_24h });
  const at = model.at(r.minute);
  if (e === null) return { reading: r, fn: null, kind: null, measure: 'floor_15m', value: NaN, lower: at.floor_15m.ref, upper: at.floor_15m.upper };
  if (e.reason === 'mean_24h') return { reading: r, fn: e.score, kind: kindOf(e.score), measure: 'mean_24h', value: r.mean_24h!, lower: at.mean_24h.lower, upper: at.mean_24h.ref };
  const f = at[e.reason];
  return { reading: r, fn: e.score, kind: kindOf(e.score), measure: e.reason, value: r[e.reason]!, lower: f.ref, upper: f.upper };
}

/** The ANOMOLY_POWER row ksqlDB would write for an anomalous reading, as the alert core takes it. */
export function anomalyEventOf(s: ScoredReading): AnomalyEvent {
  const r = s.reading;
  return { eventTs: r.ts, meterId: r.meter_id, day: r.day, hour: r.hour, kwh: r.kwh, fn: s.fn!, kind: s.kind!, lower: s.lower, upper: s.upper };
}
