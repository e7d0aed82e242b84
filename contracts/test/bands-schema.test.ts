import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bandsJsonSchema } from '../src/bands-schema.js';

describe('bands.schema.json', () => {
  it('is what the zod schema loadModel parses with makes (npm run schemas writes it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../schemas/bands.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(bandsJsonSchema())));
  });

  it('says bands@3: seven high measures, per-day-type tables, no band below 0', () => {
    const s = JSON.stringify(bandsJsonSchema());
    for (const m of ['floor_15m', 'step_20m', 'step_45m', 'step_90m', 'activity_3h', 'dayTypes']) expect(s).toContain(`"${m}"`);
    expect(s).toContain('"stream-smarts/bands@3"');
    expect(s).toContain('"minimum":0');
  });
});
