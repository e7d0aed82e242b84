import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { HIGH_MEASURES, loadModel, type ModelFile } from '@stream-smarts/contracts';
import { readHistory } from '../src/train/history.js';

const models = new URL('../../models/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, models));

describe('the committed default model', () => {
  const m = JSON.parse(read('default/envelope.json').toString('utf8')) as ModelFile;

  it('is a complete model directory of the contract, checked on load, and models/current points at it', () => {
    const schema = JSON.parse(readFileSync(new URL('../../contracts/schemas/bands.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    expect(validate(m), JSON.stringify(validate.errors)).toBe(true);
    expect(m.contentHash).toBe(createHash('sha256').update(read('default/bands.zip')).digest('hex'));
    expect(() => loadModel(fileURLToPath(new URL('default', models)))).not.toThrow();
    expect(readlinkSync(new URL('current', models))).toBe('default');
    expect(read('default/model-card.md').toString()).toContain(m.contentHash);
    expect(read('default/model-card.md').toString()).toMatch(/would have alerted \d+ times?/);
    expect(read('default/envelope.svg').toString()).toContain('time of day (h)');
  });

  it('was trained on the bundled sample history, which still reads to the same readings', async () => {
    const h = await readHistory([new URL('sample-history.csv.gz', models).pathname], { timezone: m.timezone, keepDays: m.history!.days! });
    expect(h.rejected).toBe(0);
    expect(h.report.gaps.count).toBe(0);
    expect(h.report.zone.mismatches).toBe(0);
    const rows = [...h.days.readingsOf(h.days.heldFrom, h.days.lastDay + 1)];
    expect(rows).toHaveLength(m.history!.rows!);
    expect(new Date(rows[0]!.endMs).toISOString()).toBe(m.history!.from);
    expect(new Date(rows.at(-1)!.endMs).toISOString()).toBe(m.history!.to);
    // A real profile: every measure's upper band above its usual level, the 24-h band below it.
    for (const f of HIGH_MEASURES) m.bands.high[f].upper[0]!.forEach((u, i) => expect(u).toBeGreaterThan(m.bands.high[f].ref[0]![i]!));
    m.bands.mean_24h.lower[0]!.forEach((l, i) => expect(l).toBeLessThan(m.bands.mean_24h.ref[0]![i]!));
    expect(m.format).toBe('stream-smarts/bands@3');
    expect(m.calibration?.['budgetPerWeek']).toBe(0.25);
  });
});
