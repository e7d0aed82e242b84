import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, type Envelope } from '../src/train/envelope.js';
import { renderModelCard } from '../src/train/model-card.js';
import { modelIdFor, pointCurrent, prepareModelDir } from '../src/train/model-dir.js';

const work = mkdtempSync(join(tmpdir(), 'train-model-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('model directory', () => {
  it('names models by UTC date-time, safe as a directory name', () => {
    expect(modelIdFor(new Date('2026-11-23T19:30:00.123Z'))).toBe('2026-11-23T193000Z');
  });

  it('points current at the newest model with a relative symlink, replacing the old one', () => {
    const models = join(work, 'models');
    for (const m of ['a', 'b']) mkdirSync(join(models, m), { recursive: true });
    pointCurrent(models, join(models, 'a'));
    expect(readlinkSync(join(models, 'current'))).toBe('a');
    pointCurrent(models, join(models, 'b'));
    expect(readlinkSync(join(models, 'current'))).toBe('b');
  });

  it('refuses to write over an existing model', () => {
    const dir = join(work, 'existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'envelope.json'), '{}');
    expect(() => prepareModelDir(dir)).toThrow(/already holds a model \(envelope.json\)/);
  });

  it('hashes lower.zip then upper.zip', () => {
    // sha256("ab")
    expect(contentHash(Buffer.from('a'), Buffer.from('b'))).toBe('fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603');
  });
});

describe('model card', () => {
  it('flags cells with fewer than 10 rows and shows the 7×24 counts', () => {
    const cells = [1, 2, 3, 4, 5, 6, 7].flatMap((day) => Array.from({ length: 24 }, (_, hour) => ({ day, hour, lower: 100, upper: 200, rows: day === 3 && hour === 4 ? 2 : 40 })));
    const env: Envelope = {
      format: 'stream-smarts/envelope@1',
      modelId: 'm',
      contentHash: 'f'.repeat(64),
      timezone: 'Europe/London',
      unit: 'Wh/h',
      quantiles: { lower: 0, upper: 1 },
      algorithm: 'H2O GBM distribution=quantile',
      h2oVersion: '3.46.0.11',
      trainedAt: '2026-11-23T19:30:00Z',
      history: { from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', rows: 6722, rejected: 3 },
      cells,
      hours: Array.from({ length: 24 }, (_, hour) => ({ hour, lower: 100, upper: 200 })),
    };
    const card = renderModelCard(env, { files: [], bad: [{ file: 'h.csv', line: 7, kind: 'bad', reason: 'wh "x" is not a number' }], rejected: 1, partial: 0 });
    expect(card).toContain('1 of 168 cells have fewer than 10 rows: Wed 4:00 (2).');
    expect(card).toMatch(/\| Wed \| 40 \| 40 \| 40 \| 40 \| 2 ! \| 40 /);
    expect(card).toContain('| rows rejected | 3 |');
    expect(card).toContain('- h.csv:7: wh "x" is not a number');
    expect(card).toContain('Europe/London');
    expect(card).toContain('Wh/h');
  });
});
