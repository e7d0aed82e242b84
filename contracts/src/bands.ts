import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FloorName } from './time/measures.js';

/**
 * A trained model (contracts/MODEL-FORMAT.md, `stream-smarts/bands@2`) and the score every part
 * computes from it. The UDF computes the same tables from bands.zip with h2o-genmodel; the shared
 * vectors in contracts/vectors/score-vectors.json hold both sides to the same numbers.
 */
export const MODEL_FORMAT = 'stream-smarts/bands@2';
export const MINUTES = 1440;
/** An `upper` at or above this (100 kW) means the horizon is not used at that time of day. */
export const NOT_USED_W = 100_000;
/** Whether an upper band is "not used": the MOJO renders the 100 000 within a few watts of it. */
export const isNotUsed = (upper: number): boolean => upper >= 0.9 * NOT_USED_W;

const minuteArray = z.array(z.number()).length(MINUTES);
const refUpper = z.object({ ref: minuteArray, upper: minuteArray });
const cell = z.object({ day: z.number().int().min(1).max(7), hour: z.number().int().min(0).max(23), lower: z.number(), upper: z.number() });
const hourEnvelope = z.object({ hour: z.number().int().min(0).max(23), lower: z.number(), upper: z.number() });

export const bandTablesSchema = z.object({
  floor_15m: refUpper,
  floor_1h: refUpper,
  floor_3h: refUpper,
  mean_24h: z.object({ ref: minuteArray, lower: minuteArray }),
  kwh: z.object({ lower: minuteArray, upper: minuteArray }),
});
export type BandTables = z.infer<typeof bandTablesSchema>;

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
  method: z.record(z.string(), z.unknown()).optional(),
  fit: z.object({ maxAbsWh: z.number() }).optional(),
  holdout: z.record(z.string(), z.unknown()).optional(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

/** The measures a score reads; null, undefined, NaN, infinite or negative means absent. */
export interface ScoreInputs {
  minute: number | null | undefined;
  floor_15m?: number | null | undefined;
  floor_1h?: number | null | undefined;
  floor_3h?: number | null | undefined;
  mean_24h?: number | null | undefined;
}

/** Which measure decided a score: the floor that rose highest, or the 24-h mean. */
export type ScoreReason = FloorName | 'mean_24h';

const present = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const validInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** (x − ref) / max(upper − ref, 1): above 1 the floor is higher than this house ever holds then. */
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

/** A model problem, naming the file and what is wrong. */
export class ModelError extends Error {}

const FLOORS: FloorName[] = ['floor_15m', 'floor_1h', 'floor_3h'];

/** Checks the rules of MODEL-FORMAT "A model is checked on load"; throws naming the band and minute. */
export function checkTables(t: JarTables, where: string): void {
  const bad = (band: string, m: number, what: string) => new ModelError(`${where}: ${band} at minute ${m} (${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}) ${what} — retrain with \`stream-smarts train\``);
  const each = (name: string, xs: readonly number[]) => {
    xs.forEach((v, m) => {
      if (!Number.isFinite(v)) throw bad(name, m, `is ${v}, not a finite number`);
      if (v < 0) throw bad(name, m, `is ${v}, below 0`);
    });
  };
  for (const f of FLOORS) {
    each(`${f}.ref`, t.bands[f].ref);
    each(`${f}.upper`, t.bands[f].upper);
    t.bands[f].ref.forEach((r, m) => {
      if (r > t.bands[f].upper[m]!) throw bad(`${f}`, m, `has ref ${r} above upper ${t.bands[f].upper[m]}`);
    });
  }
  each('mean_24h.ref', t.bands.mean_24h.ref);
  each('mean_24h.lower', t.bands.mean_24h.lower);
  t.bands.mean_24h.lower.forEach((l, m) => {
    if (l > t.bands.mean_24h.ref[m]!) throw bad('mean_24h', m, `has lower ${l} above ref ${t.bands.mean_24h.ref[m]}`);
  });
  each('kwh.lower', t.bands.kwh.lower);
  each('kwh.upper', t.bands.kwh.upper);
  t.bands.kwh.lower.forEach((l, m) => {
    if (l > t.bands.kwh.upper[m]!) throw bad('kwh', m, `has lower ${l} above upper ${t.bands.kwh.upper[m]}`);
  });
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

export class BandsModel {
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
    this.ref = FLOORS.map((f) => Float64Array.from(file.bands[f].ref));
    this.upper = FLOORS.map((f) => Float64Array.from(file.bands[f].upper));
    this.lowLower = Float64Array.from(file.bands.mean_24h.lower);
    this.lowRef = Float64Array.from(file.bands.mean_24h.ref);
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
    let high = -Infinity;
    let highBy: FloorName = 'floor_15m';
    const xs = [r.floor_15m, r.floor_1h, r.floor_3h];
    for (let i = 0; i < 3; i++) {
      const x = xs[i];
      if (!present(x)) continue;
      const z = floorScore(x, this.ref[i]![m]!, this.upper[i]![m]!);
      if (z > high) {
        high = z;
        highBy = FLOORS[i]!;
      }
    }
    const hasHigh = high !== -Infinity;
    const low = present(r.mean_24h) ? lowScore(r.mean_24h, this.lowLower[m]!, this.lowRef[m]!) : null;
    if (hasHigh && high > 1) return { score: high, reason: highBy };
    if (low !== null && low < 0) return { score: low, reason: 'mean_24h' };
    if (hasHigh) return { score: Math.max(high, 0), reason: highBy };
    if (low !== null) return { score: Math.min(low, 1), reason: 'mean_24h' };
    return null;
  }

  score(r: ScoreInputs): number | null {
    return this.explain(r)?.score ?? null;
  }

  /** The 2018 two-argument form. */
  scoreHour(hour: number | null | undefined, kwh: number | null | undefined): number | null {
    if (!validInt(hour, 0, 23) || !present(kwh)) return null;
    return envelopeScore(kwh, this.hourLower[hour]!, this.hourUpper[hour]!);
  }

  /** The day-aware 2018 form (every day of an hour has the same cell in bands@2). */
  scoreDay(day: number | null | undefined, hour: number | null | undefined, kwh: number | null | undefined): number | null {
    if (!validInt(day, 1, 7) || !validInt(hour, 0, 23) || !present(kwh)) return null;
    const i = (day - 1) * 24 + hour;
    return envelopeScore(kwh, this.cellLower[i]!, this.cellUpper[i]!);
  }

  /** The bands at a minute of the day, for views and plots. */
  at(minute: number): Record<FloorName, { ref: number; upper: number }> & { mean_24h: { ref: number; lower: number }; kwh: { lower: number; upper: number } } {
    const b = this.file.bands;
    const fl = (f: FloorName, i: number) => ({ ref: this.ref[i]![minute]!, upper: this.upper[i]![minute]! });
    return {
      floor_15m: fl('floor_15m', 0),
      floor_1h: fl('floor_1h', 1),
      floor_3h: fl('floor_3h', 2),
      mean_24h: { ref: this.lowRef[minute]!, lower: this.lowLower[minute]! },
      kwh: { lower: b.kwh.lower[minute]!, upper: b.kwh.upper[minute]! },
    };
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
  if (format === 'stream-smarts/envelope@1') {
    throw new ModelError(`${path} is a model of the old format stream-smarts/envelope@1 (one min/max per hour), which this version no longer reads: retrain with \`stream-smarts train --history FILE\``);
  }
  const parsed = modelFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ModelError(`${path} is not a ${MODEL_FORMAT} file: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  return new BandsModel(parsed.data, path) as LoadedModel;
}
