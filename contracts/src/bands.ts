import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { HIGH_MEASURES, type HighMeasure } from './time/measures.js';

/**
 * A trained model (contracts/MODEL-FORMAT.md, `stream-smarts/bands@3`) and the score every part
 * computes from it. The UDF computes the same tables from bands.zip with h2o-genmodel; the shared
 * vectors in contracts/vectors/score-vectors.json hold both sides to the same numbers.
 */
export const MODEL_FORMAT = 'stream-smarts/bands@3';
export const MINUTES = 1440;
/** An `upper` at or above this (100 kW, above any household supply) means the measure is not used then. */
export const NOT_USED_W = 100_000;
/** Whether an upper band is "not used": the MOJO renders the 100 000 within a few watts of it. */
export const isNotUsed = (upper: number): boolean => upper >= 0.9 * NOT_USED_W;

/** Tables by day type (0: Monday–Friday; 1: Saturday, Sunday when the model has two) and minute of the day. */
const perDayType = z.array(z.array(z.number()).length(MINUTES)).min(1).max(2);
const refUpper = z.object({ ref: perDayType, upper: perDayType });
const cell = z.object({ day: z.number().int().min(1).max(7), hour: z.number().int().min(0).max(23), lower: z.number(), upper: z.number() });
const hourEnvelope = z.object({ hour: z.number().int().min(0).max(23), lower: z.number(), upper: z.number() });

export const bandTablesSchema = z
  .object({
    dayTypes: z.union([z.literal(1), z.literal(2)]),
    high: z.object(Object.fromEntries(HIGH_MEASURES.map((m) => [m, refUpper])) as Record<HighMeasure, typeof refUpper>),
    mean_24h: z.object({ ref: perDayType, lower: perDayType }),
    kwh: z.object({ lower: z.array(z.number()).length(MINUTES), upper: z.array(z.number()).length(MINUTES) }),
  })
  .superRefine((t, ctx) => {
    const bad = (path: string[]) => ctx.addIssue({ code: 'custom', path, message: `must have ${t.dayTypes} day type${t.dayTypes === 1 ? '' : 's'}` });
    for (const m of HIGH_MEASURES) for (const b of ['ref', 'upper'] as const) if (t.high[m][b].length !== t.dayTypes) bad(['high', m, b]);
    for (const b of ['ref', 'lower'] as const) if (t.mean_24h[b].length !== t.dayTypes) bad(['mean_24h', b]);
    // A model whose every upper band is "not used" can never raise a high alert: it would run,
    // score every reading normal and stay quiet about a heater left on. Refused where it is loaded.
    const canAlert = HIGH_MEASURES.some((m) => t.high[m].upper.some((day) => day.some((u) => !isNotUsed(u))));
    if (!canAlert) ctx.addIssue({ code: 'custom', path: ['high'], message: `no measure can alert at any minute: every upper band is at or above ${0.9 * NOT_USED_W} W (not used); retrain the model` });
  });

/** What the UDF jar's `envelope` command prints: the tables computed from bands.zip. */
export const jarTablesSchema = z.object({ bands: bandTablesSchema, hours: z.array(hourEnvelope).length(24), cells: z.array(cell).length(168) });
export type JarTables = z.infer<typeof jarTablesSchema>;

export const modelFileSchema = jarTablesSchema.extend({
  format: z.literal(MODEL_FORMAT),
  modelId: z.string().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  timezone: z.string().min(1),
  unit: z.literal('Wh/h'),
  algorithm: z.string().optional(),
  h2oVersion: z.string().optional(),
  trainedAt: z.string().optional(),
  history: z.object({ from: z.string().optional(), to: z.string().optional(), rows: z.number().int().optional(), rejected: z.number().int().optional(), days: z.number().optional() }).optional(),
  /** The meter the model was trained for: what one pulse in one interval is worth. */
  resolution: z.object({ impulsesPerKwh: z.number().positive(), intervalS: z.number().int().positive() }).optional(),
  method: z.record(z.string(), z.unknown()).optional(),
  calibration: z.record(z.string(), z.unknown()).optional(),
  fit: z.object({ maxAbsWh: z.number() }).optional(),
  holdout: z.record(z.string(), z.unknown()).optional(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

/** The measures a score reads; null, undefined, NaN, infinite or negative means absent. */
export type ScoreInputs = {
  /** ISO day of the week (1 = Monday … 7 = Sunday): which day type's tables. */
  day?: number | null | undefined;
  minute: number | null | undefined;
} & Partial<Record<HighMeasure | 'mean_24h', number | null | undefined>>;

/** Which measure decided a score: the high measure that rose furthest, or the 24-h mean. */
export type ScoreReason = HighMeasure | 'mean_24h';

const present = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const validInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** (x − ref) / max(upper − ref, 1): above 1 the measure is higher than this house goes then. */
export function floorScore(x: number, ref: number, upper: number): number {
  return (x - ref) / Math.max(upper - ref, 1);
}

/** (x − lower) / max(ref − lower, 1): below 0 the last day used far less than usual. */
export function lowScore(x: number, lower: number, ref: number): number {
  return (x - lower) / Math.max(ref - lower, 1);
}

/** The 2018 score of the trailing-hour energy against an envelope. */
export function envelopeScore(kwh: number, lower: number, upper: number): number {
  return (kwh - lower) / Math.max(upper - lower, 1);
}

/** The day type of an ISO weekday in a model with `dayTypes` of them; null when the day is needed and not a day. */
export function dayTypeOf(day: number | null | undefined, dayTypes: 1 | 2): 0 | 1 | null {
  if (dayTypes === 1) return 0;
  if (!validInt(day, 1, 7)) return null;
  return day >= 6 ? 1 : 0;
}

/**
 * The 2018 forms' tables, as the UDF derives them from the kwh bands (MODEL-FORMAT "envelope.json"):
 * hours[h] = the lowest kwh.lower and highest kwh.upper over the hour's minutes; every day's cell =
 * its hour. TypeScript derives them the same way and checks a model file's copy against them.
 */
export function legacyTables(kwh: { lower: readonly number[]; upper: readonly number[] }): Pick<JarTables, 'hours' | 'cells'> {
  const hours = Array.from({ length: 24 }, (_, hour) => {
    let lower = Infinity;
    let upper = -Infinity;
    for (let m = hour * 60; m < hour * 60 + 60; m++) {
      lower = Math.min(lower, kwh.lower[m]!);
      upper = Math.max(upper, kwh.upper[m]!);
    }
    return { hour, lower, upper };
  });
  const cells = [];
  for (let day = 1; day <= 7; day++) for (const h of hours) cells.push({ day, hour: h.hour, lower: h.lower, upper: h.upper });
  return { hours, cells };
}

/** A model problem, naming the file and what is wrong. */
export class ModelError extends Error {}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Checks the rules of MODEL-FORMAT "A model is checked on load"; throws naming the band and minute. */
export function checkTables(t: JarTables, where: string): void {
  const b = t.bands;
  const bad = (band: string, m: number, what: string) => new ModelError(`${where}: ${band} at minute ${m} (${hhmm(m)}) ${what} — retrain with \`stream-smarts train\``);
  const each = (name: string, xs: readonly number[]) => {
    xs.forEach((v, m) => {
      if (!Number.isFinite(v)) throw bad(name, m, `is ${v}, not a finite number`);
      if (v < 0) throw bad(name, m, `is ${v}, below 0`);
    });
  };
  const type = (k: number) => (b.dayTypes === 2 ? (k === 0 ? ' (weekdays)' : ' (weekends)') : '');
  for (const f of HIGH_MEASURES) {
    for (let k = 0; k < b.dayTypes; k++) {
      each(`${f}.ref${type(k)}`, b.high[f].ref[k]!);
      each(`${f}.upper${type(k)}`, b.high[f].upper[k]!);
      b.high[f].ref[k]!.forEach((r, m) => {
        if (r > b.high[f].upper[k]![m]!) throw bad(`${f}${type(k)}`, m, `has ref ${r} above upper ${b.high[f].upper[k]![m]}`);
      });
    }
  }
  for (let k = 0; k < b.dayTypes; k++) {
    each(`mean_24h.ref${type(k)}`, b.mean_24h.ref[k]!);
    each(`mean_24h.lower${type(k)}`, b.mean_24h.lower[k]!);
    b.mean_24h.lower[k]!.forEach((l, m) => {
      if (l > b.mean_24h.ref[k]![m]!) throw bad(`mean_24h${type(k)}`, m, `has lower ${l} above ref ${b.mean_24h.ref[k]![m]}`);
    });
  }
  each('kwh.lower', b.kwh.lower);
  each('kwh.upper', b.kwh.upper);
  b.kwh.lower.forEach((l, m) => {
    if (l > b.kwh.upper[m]!) throw bad('kwh', m, `has lower ${l} above upper ${b.kwh.upper[m]}`);
  });
  // The 2018 tables follow from the kwh bands (as the UDF derives them): a copy that does not is refused.
  const derived = legacyTables(b.kwh);
  for (const h of t.hours) {
    const d = derived.hours[h.hour];
    if (d && (d.lower !== h.lower || d.upper !== h.upper)) throw new ModelError(`${where}: hour ${h.hour} has lower ${h.lower}, upper ${h.upper}, not the ${d.lower}, ${d.upper} its kwh bands give — retrain with \`stream-smarts train\``);
  }
  for (const c of t.cells) {
    const d = derived.hours[c.hour];
    if (d && (d.lower !== c.lower || d.upper !== c.upper)) throw new ModelError(`${where}: cell day ${c.day} hour ${c.hour} has lower ${c.lower}, upper ${c.upper}, not the ${d.lower}, ${d.upper} its kwh bands give — retrain with \`stream-smarts train\``);
  }
  const seen = new Set<number>();
  for (const c of t.cells) {
    if (!(Number.isFinite(c.lower) && Number.isFinite(c.upper) && c.lower >= 0 && c.lower <= c.upper)) throw new ModelError(`${where}: cell day ${c.day} hour ${c.hour} has lower ${c.lower}, upper ${c.upper} (need 0 ≤ lower ≤ upper) — retrain with \`stream-smarts train\``);
    seen.add((c.day - 1) * 24 + c.hour);
  }
  if (seen.size !== 168) throw new ModelError(`${where}: has ${seen.size} of the 168 (day, hour) cells`);
  const hours = new Set(t.hours.map((h) => h.hour));
  if (hours.size !== 24) throw new ModelError(`${where}: has ${hours.size} of the 24 hourly envelopes`);
  for (const h of t.hours) {
    if (!(Number.isFinite(h.lower) && Number.isFinite(h.upper) && h.lower >= 0 && h.lower <= h.upper)) throw new ModelError(`${where}: hour ${h.hour} has lower ${h.lower}, upper ${h.upper} (need 0 ≤ lower ≤ upper) — retrain with \`stream-smarts train\``);
  }
}

/** The bands of every measure at one minute of one day type, for views and plots. */
export type BandsAt = Record<HighMeasure, { ref: number; upper: number }> & { mean_24h: { ref: number; lower: number }; kwh: { lower: number; upper: number } };

export class BandsModel {
  readonly dayTypes: 1 | 2;
  /** [measure][dayType·1440 + minute] */
  private readonly ref: Float64Array[];
  private readonly upper: Float64Array[];
  private readonly lowLower: Float64Array;
  private readonly lowRef: Float64Array;
  private readonly cellLower = new Float64Array(168);
  private readonly cellUpper = new Float64Array(168);
  private readonly hourLower = new Float64Array(24);
  private readonly hourUpper = new Float64Array(24);

  constructor(readonly file: JarTables & Partial<ModelFile>, where = 'model') {
    checkTables(file, where);
    const b = file.bands;
    this.dayTypes = b.dayTypes;
    const flat = (xs: readonly (readonly number[])[]) => Float64Array.from(xs.flat());
    this.ref = HIGH_MEASURES.map((f) => flat(b.high[f].ref));
    this.upper = HIGH_MEASURES.map((f) => flat(b.high[f].upper));
    this.lowLower = flat(b.mean_24h.lower);
    this.lowRef = flat(b.mean_24h.ref);
    for (const c of file.cells) {
      this.cellLower[(c.day - 1) * 24 + c.hour] = c.lower;
      this.cellUpper[(c.day - 1) * 24 + c.hour] = c.upper;
    }
    for (const h of file.hours) {
      this.hourLower[h.hour] = h.lower;
      this.hourUpper[h.hour] = h.upper;
    }
  }

  /** MODEL-FORMAT "The score", with the measure that decided it. Null when there is nothing to score. */
  explain(r: ScoreInputs): { score: number; reason: ScoreReason } | null {
    const m = r.minute;
    if (!validInt(m, 0, MINUTES - 1)) return null;
    const type = dayTypeOf(r.day, this.dayTypes);
    if (type === null) return null;
    const i = type * MINUTES + m;
    let high = -Infinity;
    let highBy: HighMeasure = HIGH_MEASURES[0];
    for (let k = 0; k < HIGH_MEASURES.length; k++) {
      const x = r[HIGH_MEASURES[k]!];
      if (!present(x)) continue;
      const z = floorScore(x, this.ref[k]![i]!, this.upper[k]![i]!);
      if (z > high) {
        high = z;
        highBy = HIGH_MEASURES[k]!;
      }
    }
    const hasHigh = high !== -Infinity;
    const low = present(r.mean_24h) ? lowScore(r.mean_24h, this.lowLower[i]!, this.lowRef[i]!) : null;
    if (hasHigh && high > 1) return { score: high, reason: highBy };
    if (low !== null && low < 0) return { score: low, reason: 'mean_24h' };
    if (hasHigh) return { score: Math.max(high, 0), reason: highBy };
    if (low !== null) return { score: Math.min(low, 1), reason: 'mean_24h' };
    return null;
  }

  score(r: ScoreInputs): number | null {
    return this.explain(r)?.score ?? null;
  }

  /**
   * The five-argument form `ANOMOLY_POWER(minute, floor_15m, floor_1h, floor_3h, mean_24h)` of
   * raw_power version-2 statements: the steps and the activity absent, the weekday tables.
   */
  scoreV2(minute: number | null | undefined, floor15m: number | null | undefined, floor1h: number | null | undefined, floor3h: number | null | undefined, mean24h: number | null | undefined): number | null {
    return this.score({ day: 1, minute, floor_15m: floor15m, floor_1h: floor1h, floor_3h: floor3h, mean_24h: mean24h });
  }

  /** The 2018 two-argument form. */
  scoreHour(hour: number | null | undefined, kwh: number | null | undefined): number | null {
    if (!validInt(hour, 0, 23) || !present(kwh)) return null;
    return envelopeScore(kwh, this.hourLower[hour]!, this.hourUpper[hour]!);
  }

  /** The day-aware 2018 form (every day of an hour has the same cell in this format). */
  scoreDay(day: number | null | undefined, hour: number | null | undefined, kwh: number | null | undefined): number | null {
    if (!validInt(day, 1, 7) || !validInt(hour, 0, 23) || !present(kwh)) return null;
    const i = (day - 1) * 24 + hour;
    return envelopeScore(kwh, this.cellLower[i]!, this.cellUpper[i]!);
  }

  /** The bands at a minute of the day (of a weekday, or of the day type of `day`), for views and plots. */
  at(minute: number, day?: number | null): BandsAt {
    const i = (dayTypeOf(day ?? 1, this.dayTypes) ?? 0) * MINUTES + minute;
    const b = this.file.bands;
    const out = Object.fromEntries(HIGH_MEASURES.map((f, k) => [f, { ref: this.ref[k]![i]!, upper: this.upper[k]![i]! }])) as unknown as BandsAt;
    out.mean_24h = { ref: this.lowRef[i]!, lower: this.lowLower[i]! };
    out.kwh = { lower: b.kwh.lower[minute]!, upper: b.kwh.upper[minute]! };
    return out;
  }

  hourRange(hour: number): { lower: number; upper: number } {
    return { lower: this.hourLower[hour]!, upper: this.hourUpper[hour]! };
  }
}

export type LoadedModel = BandsModel & { file: ModelFile };

/** Reads and checks a model directory's envelope.json; every message names the file and the problem. */
export function loadModel(modelDir: string): LoadedModel {
  const path = join(modelDir, 'envelope.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ModelError(err.code === 'ENOENT' ? `no model at ${modelDir}: ${path} does not exist (train one with \`stream-smarts train\`, or pass --model DIR)` : `cannot read ${path}: ${err.message}`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format === 'stream-smarts/envelope@1' || format === 'stream-smarts/bands@2') {
    throw new ModelError(`${path} is a model of the old format ${String(format)}, which this version no longer reads: retrain with \`stream-smarts train --history FILE\``);
  }
  const parsed = modelFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ModelError(`${path} is not a ${MODEL_FORMAT} file: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  // As the UDF does: a directory whose bands.zip is not the MOJO envelope.json names is refused.
  const zip = join(modelDir, 'bands.zip');
  if (existsSync(zip)) {
    const actual = createHash('sha256').update(readFileSync(zip)).digest('hex');
    if (actual !== parsed.data.contentHash) throw new ModelError(`${path}: contentHash ${parsed.data.contentHash.slice(0, 12)}… is not the SHA-256 of ${zip} (${actual.slice(0, 12)}…): the directory holds another model's bands.zip — copy the model again, or retrain`);
  }
  return new BandsModel(parsed.data, path) as LoadedModel;
}
