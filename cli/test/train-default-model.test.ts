import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../src/train/envelope.js';
import { readHistory } from '../src/train/history.js';

const models = new URL('../../models/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, models));

describe('the committed default model', () => {
  const env = JSON.parse(read('default/envelope.json').toString('utf8')) as Envelope;

  it('is a complete model directory of the contract, and models/current points at it', () => {
    const schema = JSON.parse(readFileSync(new URL('../../contracts/schemas/envelope.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    expect(validate(env), JSON.stringify(validate.errors)).toBe(true);
    expect(env.contentHash).toBe(createHash('sha256').update(read('default/lower.zip')).update(read('default/upper.zip')).digest('hex'));
    expect(readlinkSync(new URL('current', models))).toBe('default');
    expect(read('default/model-card.md').toString()).toContain(env.contentHash);
    expect(read('default/envelope.svg').toString()).toContain('hour of day');
  });

  it('was trained on the bundled sample history, which still reads to the same rows', async () => {
    const h = await readHistory([new URL('sample-history.csv.gz', models).pathname], { timezone: env.timezone });
    expect(h.rejected).toBe(0);
    expect(h.report.gaps.count).toBe(0);
    expect(h.report.zone.mismatches).toBe(0);
    expect(h.rows).toHaveLength(env.history.rows);
    expect(new Date(h.from).toISOString()).toBe(env.history.from);
    expect(new Date(h.to).toISOString()).toBe(env.history.to);
    // Every cell has history, and every envelope is a real range.
    for (const c of env.cells) {
      expect(c.rows).toBeGreaterThan(0);
      expect(c.upper).toBeGreaterThan(c.lower);
    }
  });
});
