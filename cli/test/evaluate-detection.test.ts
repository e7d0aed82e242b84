import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '@stream-smarts/notifier';
import type { Scenario } from '@stream-smarts/pi-collector';
import { scoreDetection } from '../src/evaluate/detection.js';
import { readTruth } from '../src/evaluate/truth.js';

const work = mkdtempSync(join(tmpdir(), 'evaluate-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 6, 1);

function alert(type: Alert['type'], kind: 'high' | 'low', at: number): Alert {
  return { key: `k${at}`, episodeId: `e${at}`, seq: 0, type, kind, meterId: 'home', at, startedAt: at, count: 1, event: { eventTs: at, hour: 0, kwh: 1000, fn: 2, kind, meterId: 'home' } };
}

describe('scoring alerts against the ground truth', () => {
  const truth: Scenario[] = [
    { scenario: 'heater-left-on', start: T0 + DAY, end: T0 + DAY + 6 * 60 * MIN },
    { scenario: 'holiday', start: T0 + 3 * DAY, end: T0 + 5 * DAY },
    { scenario: 'oven-left-on', start: T0 + 6 * DAY, end: T0 + 6 * DAY + 4 * 60 * MIN },
  ];

  it('detects by the first alert of the expected kind inside the scenario, timed from its start', () => {
    const r = scoreDetection(
      truth,
      [
        alert('fire', 'high', T0 + DAY - 5 * MIN), // before the heater: not its detection, and false
        alert('fire', 'low', T0 + DAY + 3 * MIN), // wrong kind for a heater: false
        alert('fire', 'high', T0 + DAY + 12 * MIN), // the heater's
        alert('repeat', 'high', T0 + DAY + 72 * MIN),
        alert('repeat', 'low', T0 + 3 * DAY + 45 * MIN), // a holiday seen through a reminder counts
      ],
      { from: T0, to: T0 + 7 * DAY },
    );
    expect(r.scenarios.map((s) => [s.scenario, s.detected, s.minutesToAlert])).toEqual([
      ['heater-left-on', true, 12],
      ['holiday', true, 45],
      ['oven-left-on', false, null],
    ]);
    expect(r.byKind.find((k) => k.scenario === 'oven-left-on')).toEqual({ scenario: 'oven-left-on', total: 1, detected: 0, medianMinutes: null, maxMinutes: null });
    expect(r.falseAlertTimes).toEqual([T0 + DAY - 5 * MIN]);
  });

  it('counts new episodes outside every scenario and its hour of afterglow as false; reminders never', () => {
    const r = scoreDetection(
      truth,
      [
        alert('fire', 'high', T0 + 2 * 60 * MIN),
        alert('repeat', 'high', T0 + 3 * 60 * MIN),
        alert('resolve', 'high', T0 + 4 * 60 * MIN),
        alert('fire', 'high', T0 + DAY + 6 * 60 * MIN + 59 * MIN), // within the hour after the heater ends
        alert('fire', 'high', T0 + DAY + 6 * 60 * MIN + 61 * MIN), // after it
        alert('fire', 'low', T0 + 4 * DAY), // during the holiday
      ],
      { from: T0, to: T0 + 14 * DAY },
    );
    expect(r.falseAlerts).toBe(2);
    expect(r.days).toBe(14);
    expect(r.falseAlertsPerDay).toBeCloseTo(2 / 14, 10);
    expect(r.falseAlertsPerWeek).toBeCloseTo(1, 10);
    // The same alerts over a history whose readings cover only 7 of the 14 days: per week of readings.
    const gappy = scoreDetection(truth, [alert('fire', 'high', T0 + 10 * DAY)], { from: T0, to: T0 + 14 * DAY, scoredMs: 7 * DAY });
    expect(gappy.days).toBe(7);
    expect(gappy.falseAlertsPerWeek).toBeCloseTo(1, 10);
  });

  it('summarises per kind: detected/total, median and max minutes', () => {
    const heaters: Scenario[] = [0, 1, 2].map((d) => ({ scenario: 'heater-left-on', start: T0 + d * DAY, end: T0 + d * DAY + 60 * MIN }));
    const r = scoreDetection(heaters, [alert('fire', 'high', T0 + 10 * MIN), alert('fire', 'high', T0 + DAY + 30 * MIN)], { from: T0, to: T0 + 3 * DAY });
    expect(r.byKind).toEqual([{ scenario: 'heater-left-on', total: 3, detected: 2, medianMinutes: 20, maxMinutes: 30 }]);
  });
});

describe('the ground-truth file', () => {
  it('takes ISO and epoch-ms times, bare or wrapped', () => {
    const f = join(work, 'truth.json');
    writeFileSync(f, JSON.stringify([{ scenario: 'holiday', start: '2026-07-01T00:00:00+10:00', end: 1782914400000 }]));
    expect(readTruth(f)).toEqual([{ scenario: 'holiday', start: Date.parse('2026-07-01T00:00:00+10:00'), end: 1782914400000 }]);
    writeFileSync(f, JSON.stringify({ scenarios: [{ scenario: 'fridge-failure', start: '1782914400000', end: '2026-07-03T00:00:00Z' }] }));
    expect(readTruth(f)[0]).toMatchObject({ scenario: 'fridge-failure', start: 1782914400000 });
  });

  it('names the file and the entry that is wrong', () => {
    const f = join(work, 'bad-truth.json');
    writeFileSync(f, JSON.stringify([{ scenario: 'holiday', start: 1, end: 2 }, { scenario: 'alien-landing', start: 1, end: 2 }]));
    expect(() => readTruth(f)).toThrow(`${f}: entry 1: scenario:`);
    expect(() => readTruth(join(work, 'nope.json'))).toThrow(/ground-truth file .*nope\.json does not exist/);
  });

  it('refuses a time without its UTC offset rather than reading it as UTC', () => {
    const f = join(work, 'naive-truth.json');
    writeFileSync(f, JSON.stringify([{ scenario: 'heater-left-on', start: '2026-07-30T02:00:00', end: '2026-07-30T07:00:00+10:00' }]));
    expect(() => readTruth(f)).toThrow(`${f}: entry 0: start: timestamp "2026-07-30T02:00:00" has no UTC offset (add Z or e.g. +10:00)`);
  });
});
