import { z } from 'zod';
import { MEASURE_NAMES, type MeasureName } from './time/measures.js';

/**
 * The ANOMOLY_POWER event (spelling as in the 2018 original), as ksqlDB writes it with
 * VALUE_FORMAT='JSON': upper-case column names. This schema is the one source of truth for it;
 * the notifier and `stream-smarts run` both parse through `parseAnomalyEvent`.
 *
 * The 2018 rows carried only EVENT_TS, HOUR, KWH and FN (the query kept `fn > 1.0`), so when
 * KIND is absent it is derived from FN: above 1 is unusually high, below 0 unusually low.
 */

export type AnomalyKind = 'high' | 'low';

/** A score above this, not above 1, keeps an alerted high episode going (ksql/020's KIND 'hold'). */
export const HOLD_SCORE = 0.5;

/** What a score says: an anomaly of a kind, a reading that holds an alerted high episode open, or nothing. */
export type ScoreKind = AnomalyKind | 'hold';

/**
 * The one threshold rule (what ksql/020 computes as KIND): a score above 1 is unusually high, below
 * 0 unusually low; above HOLD_SCORE (but not above 1) it is 'hold' — not an anomaly, but not back
 * to normal either: a heater under a thermostat, or an oven, between two of its on-periods, keeps
 * its alert's episode open instead of sending "back to normal". Anything else (or no score) is
 * nothing.
 */
export function kindOf(fn: number | null | undefined): ScoreKind | null {
  if (fn === null || fn === undefined || Number.isNaN(fn)) return null;
  return fn > 1 ? 'high' : fn < 0 ? 'low' : fn > HOLD_SCORE ? 'hold' : null;
}

/** The meter an event belongs to when the row names none (single-meter households, 2018 rows). */
export const DEFAULT_METER_ID = 'house';

export interface AnomalyEvent {
  /** Event time, epoch milliseconds (ksqlDB ROWTIME of the reading). */
  eventTs: number;
  /** Local hour of day of the reading, 0-23. */
  hour: number;
  kwh: number;
  /** The model's score; the original flagged fn > 1. */
  fn: number;
  kind: AnomalyKind;
  /** A 'hold' row: keeps an alerted high episode open, opens nothing (kind is then 'high'). */
  hold?: boolean;
  /** The reading's measures, when the row carries them: what the alert says was seen. */
  measures?: Partial<Record<MeasureName, number>>;
  /** The power of the reading's own interval, W (WH over INTERVAL_S), when the row carries them. */
  power?: number;
  meterId: string;
  day?: string | number;
  lower?: number;
  upper?: number;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** ksqlDB writes BIGINT ROWTIME as a JSON number; TIMESTAMP columns and hand-made rows may be ISO text. */
const eventTs = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{10,16}$/)
    .transform((s) => Number(s)),
  z
    .string()
    .refine((s) => /^\d{4}-\d\d-\d\dT/.test(s) && !Number.isNaN(Date.parse(s)), 'must be epoch milliseconds or an ISO-8601 time')
    .transform((s) => Date.parse(s)),
]);

const kind = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['high', 'low', 'hold']));

/** The raw row. ksqlDB writes absent columns as null, so optional ones accept null too; unknown columns are ignored. */
export const AnomalyRowSchema = z.object({
  EVENT_TS: eventTs,
  HOUR: z.number().int().min(0).max(23),
  KWH: finite.refine((n) => n >= 0, 'must not be negative'),
  FN: finite,
  KIND: kind.nullish(),
  METER_ID: z.string().min(1).nullish(),
  DAY: z.union([z.string(), z.number()]).nullish(),
  LOWER: finite.nullish(),
  UPPER: finite.nullish(),
  WH: finite.refine((n) => n >= 0, 'must not be negative').nullish(),
  INTERVAL_S: z.number().int().positive().nullish(),
  // The measures of the reading (ksql/030 carries them), for the alert's words: what was seen.
  ...(Object.fromEntries(MEASURE_NAMES.map((m) => [m.toUpperCase(), finite.nullish()])) as Record<Uppercase<MeasureName>, ReturnType<typeof finite.nullish>>),
});

export const AnomalyEventSchema = AnomalyRowSchema.transform((row, ctx): AnomalyEvent => {
  const k = row.KIND ?? kindOf(row.FN);
  if (k === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['FN'],
      message: `FN ${row.FN} is not above ${HOLD_SCORE} nor outside [0, 1] and KIND is absent, so this row is not an anomaly`,
    });
    return z.NEVER;
  }
  const measures: Partial<Record<MeasureName, number>> = {};
  for (const m of MEASURE_NAMES) {
    const v = row[m.toUpperCase() as Uppercase<MeasureName>];
    if (v !== null && v !== undefined) measures[m] = v;
  }
  return {
    eventTs: row.EVENT_TS,
    hour: row.HOUR,
    kwh: row.KWH,
    fn: row.FN,
    kind: k === 'hold' ? 'high' : k,
    ...(k === 'hold' ? { hold: true } : {}),
    ...(Object.keys(measures).length ? { measures } : {}),
    ...(row.WH !== null && row.WH !== undefined && row.INTERVAL_S ? { power: (row.WH * 3600) / row.INTERVAL_S } : {}),
    meterId: row.METER_ID ?? DEFAULT_METER_ID,
    ...(row.DAY !== null && row.DAY !== undefined ? { day: row.DAY } : {}),
    ...(row.LOWER !== null && row.LOWER !== undefined ? { lower: row.LOWER } : {}),
    ...(row.UPPER !== null && row.UPPER !== undefined ? { upper: row.UPPER } : {}),
  };
});

export type AnomalyParseResult = { ok: true; event: AnomalyEvent } | { ok: false; error: string };

/**
 * Parses one Kafka message value (bytes or text) into an AnomalyEvent, or says in one line
 * why it is not one. Never throws: a bad message is something to log and skip.
 */
export function parseAnomalyEvent(value: Buffer | Uint8Array | string | null | undefined): AnomalyParseResult {
  if (value === null || value === undefined) return { ok: false, error: 'empty message value (tombstone)' };
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, error: `expected a JSON object, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}` };
  }
  const r = AnomalyEventSchema.safeParse(json);
  if (r.success) return { ok: true, event: r.data };
  return {
    ok: false,
    error: r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(row)'}: ${i.message}`).join('; '),
  };
}

/** The row ksqlDB would write for an event; used by tests, the bench and `stream-smarts run` fixtures. */
export function anomalyRow(e: Omit<AnomalyEvent, 'meterId'> & { meterId?: string }): Record<string, unknown> {
  return {
    EVENT_TS: e.eventTs,
    HOUR: e.hour,
    KWH: e.kwh,
    FN: e.fn,
    KIND: e.hold ? 'hold' : e.kind,
    ...(e.meterId !== undefined ? { METER_ID: e.meterId } : {}),
    ...(e.day !== undefined ? { DAY: e.day } : {}),
    ...(e.lower !== undefined ? { LOWER: e.lower } : {}),
    ...(e.upper !== undefined ? { UPPER: e.upper } : {}),
    ...Object.fromEntries(Object.entries(e.measures ?? {}).map(([k, v]) => [k.toUpperCase(), v])),
  };
}
