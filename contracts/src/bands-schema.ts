import { z } from 'zod';
import { modelFileSchema, MODEL_FORMAT } from './bands.js';

/**
 * contracts/schemas/bands.schema.json, generated from the zod schema that `loadModel` parses with
 * (one source of truth): `npm run schemas` writes it, contracts/test/bands-schema.test.ts checks
 * the committed file is what this makes. JSON Schema cannot say the cross-band rules (ref ≤ upper,
 * lower ≤ ref, a day type per table); the description says them and both loaders check them.
 */
export function bandsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(modelFileSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  // Every band value is a power: none below 0 (checkTables says which band and minute).
  const nonNegative = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'array' && (n.items as Record<string, unknown> | undefined)?.type === 'number') (n.items as Record<string, unknown>).minimum = 0;
    for (const v of Object.values(n)) nonNegative(v);
  };
  const props = (schema.properties as Record<string, unknown>)['bands'];
  nonNegative(props);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://stream-smarts.dev/schemas/bands.schema.json',
    title: `stream-smarts model envelope (${MODEL_FORMAT})`,
    description:
      "envelope.json of a model directory; see contracts/MODEL-FORMAT.md. Generated from contracts/src/bands.ts (npm run schemas); do not edit. The bands are Wh/h per day type (one or two: weekdays, weekends) and minute of the day 0..1439, predicted from bands.zip by the UDF jar's envelope command. Not expressible here and checked on load by the UDF and TypeScript alike: every per-day-type band has exactly bands.dayTypes arrays; <measure>.ref <= <measure>.upper, mean_24h.lower <= mean_24h.ref and kwh.lower <= kwh.upper at every minute; hours[h] = the lowest kwh.lower and highest kwh.upper of hour h; all 168 cells and 24 hours present; contentHash is the SHA-256 of bands.zip.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
