import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bandStats, emptyGrid } from '../src/train/band-stats.js';
import { buildModelFile, contentHash } from '../src/train/envelope.js';
import type { Fitted } from '../src/train/fit.js';
import { expectSentence, renderModelCard } from '../src/train/model-card.js';
import { modelIdFor, pointCurrent, prepareModelDir } from '../src/train/model-dir.js';
import { tablesFromStats } from '../src/train/tables.js';

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
    writeFileSync(join(dir, 'bands.zip'), 'x');
    expect(() => prepareModelDir(dir)).toThrow(/already holds a model \(bands.zip\)/);
  });

  it('hashes bands.zip', () => {
    // sha256("ab")
    expect(contentHash(Buffer.from('ab'))).toBe('fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603');
  });
});

describe('model card', () => {
  // Two weeks of a steady 300 W house with a 1.2 kW evening hour.
  const g = emptyGrid(14);
  for (let i = 0; i < g.days * 1440; i++) {
    const v = i % 1440 >= 1140 && i % 1440 < 1200 ? 1200 : 300;
    for (const k of ['kwh', 'floor_15m', 'floor_1h', 'floor_3h', 'mean_24h'] as const) g[k][i] = k === 'mean_24h' ? 340 : v;
  }
  const stats = bandStats(g);
  const tables = tablesFromStats(stats);
  const fitted: Fitted = { stats, mojo: Buffer.from('mojo'), h2oVersion: '3.46.0.11', tables, fitMaxAbsWh: 0.004 };
  const model = buildModelFile({ modelId: 'm', timezone: 'Europe/London', h2oVersion: '3.46.0.11', trainedAt: new Date('2026-11-23T19:30:00Z'), history: { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-01-15T00:00:00Z'), rows: 20160, rejected: 1, days: 14 }, method: stats.method, bandsZip: fitted.mojo, predicted: tables, fitMaxAbsWh: 0.004 });
  const history = { files: [], bad: [{ file: 'h.csv', line: 7, kind: 'bad' as const, reason: 'wh "x" is not a number' }], rejected: 1, report: undefined as never };

  it('says what the user can expect, from the held-back weeks', () => {
    const holdout = { weeks: 4, from: '2026-01-01T00:00:00Z', to: '2026-01-28T00:00:00Z', alerts: 2, high: 1, low: 1, notifications: 4, times: [{ kind: 'high' as const, at: '2026-01-09T02:15:00.000Z' }, { kind: 'low' as const, at: '2026-01-20T12:00:00.000Z' }] };
    const card = renderModelCard(model, history, fitted, holdout);
    expect(card).toContain('On your last 4 weeks this model would have alerted 2 times (high 1, low 1).');
    expect(card).toContain('- 2026-01-09 02:15 UTC: a load stayed on longer or higher than usual');
    expect(card).toContain('4 messages in all');
    expect(expectSentence(undefined)).toMatch(/too short to hold back/);
  });

  it('shows the bands every two hours, "not used" where a horizon cannot see a left-on load, the rejected rows', () => {
    const card = renderModelCard(model, history, fitted);
    expect(card).toMatch(/\| 00:00 \| 300 \/ 390 \| 300 \/ 490 \| 300 \/ 490 \| 340 \/ 204 \|/);
    expect(card).toMatch(/\| 18:00 \| 300 \/ 390 \|/);
    expect(card).toContain('| rows rejected | 1 |');
    expect(card).toContain('- h.csv:7: wh "x" is not a number');
    expect(card).toContain('Europe/London');
    expect(card).toContain('within 0.01 Wh/h');
  });
});
