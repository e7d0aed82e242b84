import { describe, expect, it } from 'vitest';
import { createHousehold, heaterLeftOnDay, planScenarios, SCENARIO_KINDS } from '../src/simulator.js';

const TZ = 'Australia/Sydney';

describe('simulated household', () => {
  it('is reproducible from its seed and independent of the window asked for', () => {
    const start = Date.UTC(2026, 6, 1);
    const a = createHousehold({ timezone: TZ, seed: 42 }).energy(start, start + 86_400_000, 60);
    const b = createHousehold({ timezone: TZ, seed: 42 }).energy(start, start + 86_400_000, 60);
    const c = createHousehold({ timezone: TZ, seed: 43 }).energy(start, start + 86_400_000, 60);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const h = createHousehold({ timezone: TZ, seed: 42 });
    const part = h.energy(start + 3_600_000, start + 7_200_000, 60);
    expect(Array.from(part)).toEqual(Array.from(a.subarray(60, 120)));
    // A plausible house: 5-30 kWh a day, never negative.
    const kwh = a.reduce((s, x) => s + x, 0) / 1000;
    expect(kwh).toBeGreaterThan(5);
    expect(kwh).toBeLessThan(30);
    expect(a.every((x) => x > 0)).toBe(true);
  });

  it('makes 60 days of 1-minute intervals, and its pulses carry the same energy', () => {
    const start = Date.UTC(2026, 0, 1);
    const end = start + 60 * 86_400_000;
    const h = createHousehold({ timezone: TZ, seed: 1, anomalies: planScenarios({ start, days: 60, timezone: TZ, seed: 1 }) });
    const t0 = performance.now();
    const e = h.energy(start, end, 60);
    const ms = performance.now() - t0;
    process.stdout.write(`[simulator] 60 days x 1-minute intervals (${e.length} values) in ${ms.toFixed(0)} ms\n`);
    expect(e).toHaveLength(60 * 1440);
    const day = h.pulses(start, start + 86_400_000, 1000);
    const dayWh = e.subarray(0, 1440).reduce((s, x) => s + x, 0);
    expect(Math.abs(day.length - dayWh)).toBeLessThanOrEqual(1);
    for (let i = 1; i < day.length; i++) expect(day[i]!).toBeGreaterThanOrEqual(day[i - 1]!);
  });

  it('plans labelled, non-overlapping scenarios of every kind, and the heater-left-on day shows its heater at 04:00', () => {
    const start = Date.UTC(2026, 5, 30, 14); // local midnight 1 July in Sydney (AEST)
    const plan = planScenarios({ start, days: 40, timezone: TZ, seed: 3, cleanDays: 7 });
    expect(new Set(plan.map((s) => s.scenario))).toEqual(new Set(SCENARIO_KINDS));
    for (let i = 0; i < plan.length; i++) {
      expect(plan[i]!.end).toBeGreaterThan(plan[i]!.start);
      expect(plan[i]!.start).toBeGreaterThanOrEqual(start + 7 * 86_400_000);
      if (i > 0) expect(plan[i]!.start).toBeGreaterThanOrEqual(plan[i - 1]!.end);
    }
    const { household, start: s, end, truth } = heaterLeftOnDay({ timezone: TZ, date: { y: 2026, m: 7, d: 15 } });
    expect(end - s).toBe(86_400_000);
    expect(truth[0]!.start - s).toBe(4 * 3_600_000);
    const hourly = household.energy(s, end, 900);
    const at = (h: number) => hourly.subarray(h * 4, h * 4 + 4).reduce((a, x) => a + x, 0);
    const normal = createHousehold({ timezone: TZ, seed: 1 }).energy(s, end, 900);
    const normalAt = (h: number) => normal.subarray(h * 4, h * 4 + 4).reduce((a, x) => a + x, 0);
    expect(at(3)).toBeCloseTo(normalAt(3), 6);
    expect(at(4) - normalAt(4)).toBeCloseTo(2000, 6);
  });
});

describe('simulateReadings (what `run`/`simulate` use)', () => {
  it('gives the collector\'s readings for a simulated day: contiguous, 24 local hours, energy equal to the pulses', async () => {
    const { simulateReadings } = await import('../src/simulator-readings.js');
    const { household, start, end } = heaterLeftOnDay({ timezone: TZ, date: { y: 2026, m: 7, d: 15 } });
    const readings = simulateReadings({ household, start, end, timezone: TZ });
    expect(readings).toHaveLength(1440);
    expect(readings[0]!.ts).toBe(start + 60_000);
    expect(readings[1439]!.ts).toBe(end);
    expect(new Set(readings.map((r) => r.hour)).size).toBe(24);
    expect(readings.reduce((s, r) => s + r.wh, 0)).toBe(household.pulses(start, end, 1000).length);
    // The heater from 04:00: the trailing hour at 05:00 is about 2 kW above the night's.
    const at = (h: number) => readings.find((r) => r.ts === start + h * 3_600_000)!.kwh;
    expect(at(5) - at(4)).toBeGreaterThan(1800);
  });
});
