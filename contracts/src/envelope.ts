import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * A trained model's envelope (contracts/MODEL-FORMAT.md, schemas/envelope.schema.json) and the
 * score every part computes from it. The UDF computes the same table from the MOJOs; the shared
 * vectors in contracts/vectors/score-vectors.json hold both sides to the same numbers.
 */
const cell = z.object({ day: z.number().int().min(1).max(7), hour: z.number().int().min(0).max(23), lower: z.number(), upper: z.number(), rows: z.number().int().min(0).optional() });
const hourEnvelope = z.object({ hour: z.number().int().min(0).max(23), lower: z.number(), upper: z.number() });

export const envelopeFileSchema = z.object({
  format: z.literal('stream-smarts/envelope@1'),
  modelId: z.string().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  timezone: z.string().min(1),
  unit: z.literal('Wh/h'),
  quantiles: z.object({ lower: z.number().min(0).max(1), upper: z.number().min(0).max(1) }),
  algorithm: z.string().optional(),
  h2oVersion: z.string().optional(),
  trainedAt: z.string().optional(),
  history: z.object({ from: z.string().optional(), to: z.string().optional(), rows: z.number().int().optional(), rejected: z.number().int().optional() }).optional(),
  cells: z.array(cell).length(168),
  hours: z.array(hourEnvelope).length(24),
});

export type EnvelopeFile = z.infer<typeof envelopeFileSchema>;

/** Scores one reading: (kwh − lower) / max(upper − lower, 1). Above 1: more than the envelope allows. */
export function scoreAgainst(kwh: number, lower: number, upper: number): number {
  return (kwh - lower) / Math.max(upper - lower, 1);
}

const validKwh = (kwh: unknown): kwh is number => typeof kwh === 'number' && Number.isFinite(kwh) && kwh >= 0;
const validInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export class Envelope {
  private readonly lower = new Float64Array(168);
  private readonly upper = new Float64Array(168);
  private readonly hourLower = new Float64Array(24);
  private readonly hourUpper = new Float64Array(24);

  constructor(readonly file: Pick<EnvelopeFile, 'cells' | 'hours'> & Partial<EnvelopeFile>) {
    const seen = new Set<number>();
    for (const c of file.cells) {
      const i = (c.day - 1) * 24 + c.hour;
      if (seen.has(i)) throw new Error(`envelope has day ${c.day} hour ${c.hour} twice`);
      seen.add(i);
      this.lower[i] = c.lower;
      this.upper[i] = c.upper;
    }
    if (seen.size !== 168) throw new Error(`envelope has ${seen.size} of the 168 (day, hour) cells`);
    const hours = new Set<number>();
    for (const h of file.hours) {
      hours.add(h.hour);
      this.hourLower[h.hour] = h.lower;
      this.hourUpper[h.hour] = h.upper;
    }
    if (hours.size !== 24) throw new Error(`envelope has ${hours.size} of the 24 hourly envelopes`);
  }

  /** The original two-argument form: the hour's envelope over all days. Null for invalid input, like the UDF. */
  score(hour: number | null | undefined, kwh: number | null | undefined): number | null {
    if (!validInt(hour, 0, 23) || !validKwh(kwh)) return null;
    return scoreAgainst(kwh, this.hourLower[hour]!, this.hourUpper[hour]!);
  }

  /** The day-aware form. */
  scoreDay(day: number | null | undefined, hour: number | null | undefined, kwh: number | null | undefined): number | null {
    if (!validInt(day, 1, 7) || !validInt(hour, 0, 23) || !validKwh(kwh)) return null;
    const i = (day - 1) * 24 + hour;
    return scoreAgainst(kwh, this.lower[i]!, this.upper[i]!);
  }

  range(day: number, hour: number): { lower: number; upper: number } {
    const i = (day - 1) * 24 + hour;
    return { lower: this.lower[i]!, upper: this.upper[i]! };
  }

  hourRange(hour: number): { lower: number; upper: number } {
    return { lower: this.hourLower[hour]!, upper: this.hourUpper[hour]! };
  }
}

/** Reads and checks a model directory's envelope.json; the message names the file and the problem. */
export function loadEnvelope(modelDir: string): Envelope & { file: EnvelopeFile } {
  const path = join(modelDir, 'envelope.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === 'ENOENT' ? `no model at ${modelDir}: ${path} does not exist (train one with \`stream-smarts train\`, or pass --model DIR)` : `cannot read ${path}: ${err.message}`);
  }
  const parsed = envelopeFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${path} is not a stream-smarts/envelope@1 file: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  return new Envelope(parsed.data) as Envelope & { file: EnvelopeFile };
}
