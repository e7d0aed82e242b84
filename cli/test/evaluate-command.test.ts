import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHousehold, planScenarios } from '@stream-smarts/pi-collector';
import type { EvaluateResult } from '../src/evaluate/evaluate.js';
import { cli } from './run-cli.js';
import { wallClockToInstant } from '@stream-smarts/contracts';

const work = mkdtempSync(join(tmpdir(), 'evaluate-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TZ = 'Australia/Sydney'; // the default model's
type Json = EvaluateResult & { meetsTarget: boolean };

describe('stream-smarts evaluate', () => {
  it('scores a generated 14-day history, and the same history from files gives the same verdicts', async () => {
    const gen = await cli(['evaluate', '--days', '14', '--seed', '3', '--start', '2026-08-03', '--json']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    const g = JSON.parse(gen.stdout) as Json;
    expect(g.days).toBe(14);
    expect(g.readings).toBe(14 * 1440);
    expect(g.scenarios.length).toBeGreaterThanOrEqual(2);
    for (const s of g.scenarios) {
      if (s.detected) expect(s.alertAt! - s.start).toBe(s.minutesToAlert! * 60_000);
      if (s.detected) expect(s.alertAt!).toBeLessThanOrEqual(s.end);
    }
    for (const s of g.scenarios.filter((x) => x.scenario === 'heater-left-on')) expect(s.minutesToAlert!).toBeLessThanOrEqual(30);
    expect(g.falseAlerts).toBe(g.falseAlertTimes.length);
    expect(g.falseAlertsPerWeek).toBeCloseTo((g.falseAlerts / 14) * 7, 10);

    // The same household and scenarios written as `simulate` would: CSV of Wh per minute (from an
    // hour early, like the generated path's warm-up) and the truth with ISO times.
    const from = wallClockToInstant(TZ, 2026, 8, 3);
    const truth = planScenarios({ start: from, days: 14, timezone: TZ, seed: 3 });
    expect(truth.map((s) => s.start)).toEqual(g.truth.map((s) => s.start));
    const start = from - 3_600_000;
    const wh = createHousehold({ timezone: TZ, seed: 3, anomalies: truth }).energy(start, from + 14 * 86_400_000, 60);
    const csv = ['timestamp,wh', ...Array.from(wh, (v, i) => `${new Date(start + (i + 1) * 60_000).toISOString()},${v.toFixed(4)}`)].join('\n');
    writeFileSync(join(work, 'history.csv'), csv + '\n');
    writeFileSync(join(work, 'truth.json'), JSON.stringify(truth.map((s) => ({ ...s, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() }))));
    const files = await cli(['evaluate', '--history', join(work, 'history.csv'), '--truth', join(work, 'truth.json'), '--json']);
    expect(files.exitCode, files.stderr).toBe(0);
    const f = JSON.parse(files.stdout) as Json;
    expect(f.scenarios.map((s) => [s.scenario, s.detected])).toEqual(g.scenarios.map((s) => [s.scenario, s.detected]));
    // Replayed Wh become whole pulses, so a reading may differ by a pulse; the verdicts may not.
    f.scenarios.forEach((s, i) => expect(Math.abs((s.minutesToAlert ?? 0) - (g.scenarios[i]!.minutesToAlert ?? 0))).toBeLessThanOrEqual(2));
    expect(Math.abs(f.falseAlerts - g.falseAlerts)).toBeLessThanOrEqual(1);
  });

  it('prints a per-scenario table and the target line', async () => {
    const r = await cli(['evaluate', '--days', '7', '--seed', '3', '--start', '2026-08-03']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^heater-left-on +\d\/\d/m);
    expect(r.stdout).toMatch(/^false alerts: \d+ \([\d.]+ a day, [\d.]+ a week\)/m);
    expect(r.stdout).toMatch(/^target \(heater-left-on within 30 min, under 1 false alert a week\): (met|NOT met)$/m);
  });

  it('refuses half of a file pair and bad numbers with one line', async () => {
    const a = await cli(['evaluate', '--history', 'h.csv']);
    expect(a.exitCode).toBe(2);
    expect(a.stderr.trim()).toBe('stream-smarts evaluate: --history and --truth go together: the history file and its ground-truth list');
    const b = await cli(['evaluate', '--days', 'many']);
    expect(b.exitCode).toBe(2);
    expect(b.stderr.trim()).toBe('stream-smarts evaluate: --days "many": expected a whole number of days from 2 to 3660');
    const c = await cli(['evaluate', '--history', join(work, 'missing.csv'), '--truth', join(work, 'missing.json')]);
    // A missing input file is a failed job (1), as in train, plot and run; 2 is for flags.
    expect(c.exitCode).toBe(1);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    expect(c.stderr).toContain('missing.json');
  });
});
