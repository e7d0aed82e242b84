import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '@stream-smarts/notifier';
import { HIGH_MEASURES } from '@stream-smarts/contracts';
import { emptyGrid } from '../src/train/day-grid.js';
import { buildModelFile, contentHash } from '../src/train/envelope.js';
import { statistics, type Fitted } from '../src/train/fit.js';
import { expectSentence, renderModelCard } from '../src/train/model-card.js';
import { modelIdFor, pointCurrent, prepareModelDir } from '../src/train/model-dir.js';
import { DEFAULT_BANDS3 } from '../src/train/bands3/stats.js';

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
    g.kwh[i] = v;
    g.mean_24h[i] = 340;
    for (const k of HIGH_MEASURES) g[k][i] = k.startsWith('floor') ? v : 0;
  }
  const resolution = { impulsesPerKwh: 1000, intervalS: 60 };
  const s = statistics(g, { resolution, rules: DEFAULT_RULES });
  const fitted: Fitted = { ...s, mojo: Buffer.from('mojo'), h2oVersion: '3.46.0.11', fitMaxAbsWh: 0.004 };
  const model = buildModelFile({ modelId: 'm', timezone: 'Europe/London', h2oVersion: '3.46.0.11', trainedAt: new Date('2026-11-23T19:30:00Z'), history: { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-01-15T00:00:00Z'), rows: 20160, rejected: 1, days: 14 }, method: DEFAULT_BANDS3, resolution, calibration: s.calibration, budgetPerWeek: 0.25, bandsZip: fitted.mojo, predicted: s.tables, fitMaxAbsWh: 0.004 });
  const history = { files: [], bad: [{ file: 'h.csv', line: 7, kind: 'bad' as const, reason: 'wh "x" is not a number' }], rejected: 1, report: undefined as never };

  it('says what the user can expect, from the held-back weeks', () => {
    const holdout = {
      weeks: 4,
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-28T00:00:00Z',
      alerts: 2,
      high: 1,
      low: 1,
      notifications: 4,
      times: [{ kind: 'high' as const, at: '2026-01-09T02:15:00.000Z' }, { kind: 'low' as const, at: '2026-01-20T12:00:00.000Z' }],
      loads: [
        { at: '02:00', tried: 28, found: 28, medianMinutes: 17, maxMinutes: 33 },
        { at: '19:00', tried: 28, found: 20, medianMinutes: 95, maxMinutes: 400 },
        { at: '13:00', tried: 27, found: 0, medianMinutes: null, maxMinutes: null },
      ],
    };
    const card = renderModelCard(model, history, fitted, holdout);
    expect(card).toContain('On your last 4 weeks this model would have alerted 2 times (high 1, low 1).');
    expect(card).toContain('A 2 kW load switched on and left on would have been alerted at 02:00 after 17 min (latest 33 min; 28 of 28 days), at 19:00 after 95 min (latest 6.7 h; 20 of 28 days), at 13:00 not within 12 h (27 days).');
    expect(card).toContain('**Calibrated to your alert budget**: at most one false alert in 4 weeks of each kind');
    expect(card).toContain('- 2026-01-09 02:15 UTC: a load stayed on longer or higher than usual');
    expect(card).toContain('4 messages in all');
    expect(expectSentence(undefined)).toMatch(/too short to hold back/);
  });

  it('shows the margins chosen, the bands every two hours, the meter, the rejected rows', () => {
    const card = renderModelCard(model, history, fitted);
    // A house that never varies: every edge at its level, every margin the least (three 60-W pulses above it).
    expect(card).toMatch(/\| 00:00 \| 300 \/ 480 \| 300 \/ 480 \| 300 \/ 480 \| 0 \/ 180 \| 0 \/ 180 \| 0 \/ 180 \| 0 \/ 180 \| 340 \/ 340 \|/);
    expect(card).toContain('| 15-min floor | × 0.00 | × 0.00 | × 0.00 | × 0.00 |');
    expect(card).toContain('1000 impulses/kWh, 60-s readings: one pulse in one reading is 60 W, and no band is narrower than 3 pulses');
    expect(card).toContain('| rows rejected | 1 |');
    expect(card).toContain('- h.csv:7: wh "x" is not a number');
    expect(card).toContain('Europe/London');
    expect(card).toContain('within 0.01 Wh/h');
  });
});
