import type { AnomalyEvent, AnomalyKind, Envelope, Reading } from '@stream-smarts/contracts';

/** One reading with the model's verdict: what ksql/020 computes as FN and KIND. */
export interface ScoredReading {
  reading: Reading;
  /** null when the reading cannot be scored (the UDF's null: negative or non-finite kwh). */
  fn: number | null;
  kind: AnomalyKind | null;
  lower: number;
  upper: number;
}

/**
 * Scores like ksql/020: the day-aware ANOMOLY_POWER(day, hour, kwh) when the reading carries its
 * day, else the two-argument form; high above 1.0, low below 0.0 — the same thresholds, so `run`
 * flags exactly the readings the Kafka stack would.
 */
export function scoreReading(envelope: Envelope, r: Reading): ScoredReading {
  const byDay = envelope.scoreDay(r.day, r.hour, r.kwh);
  const fn = byDay ?? envelope.score(r.hour, r.kwh);
  const range = byDay !== null ? envelope.range(r.day, r.hour) : envelope.hourRange(r.hour);
  const kind: AnomalyKind | null = fn === null ? null : fn > 1 ? 'high' : fn < 0 ? 'low' : null;
  return { reading: r, fn, kind, lower: range.lower, upper: range.upper };
}

/** The ANOMOLY_POWER row ksqlDB would write for an anomalous reading, as the alert core takes it. */
export function anomalyEventOf(s: ScoredReading): AnomalyEvent {
  const r = s.reading;
  return { eventTs: r.ts, meterId: r.meter_id, day: r.day, hour: r.hour, kwh: r.kwh, fn: s.fn!, kind: s.kind!, lower: s.lower, upper: s.upper };
}
