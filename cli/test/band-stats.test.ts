import { describe, expect, it } from 'vitest';
import { NOT_USED_W, TrailingMeasures } from '@stream-smarts/contracts';
import { bandStats, DEFAULT_METHOD } from '../src/evaluate/benchmark/baselines/bands2-stats.js';
import { emptyGrid, quantile, type DayGrid } from '../src/train/day-grid.js';

/**
 * The measures (contracts TrailingMeasures) of one-minute readings of power f(day, minute), W; the
 * 24-h mean is set to mean24(day) where a test is about it.
 */
function grid(days: number, f: (d: number, m: number) => number, mean24?: (d: number) => number): DayGrid {
  const g = emptyGrid(days);
  const t = new TrailingMeasures();
  for (let d = 0; d < days; d++) {
    for (let m = 0; m < 1440; m++) {
      const i = d * 1440 + m;
      const v = t.push((i + 1) * 60_000, f(d, m) / 60, 60_000);
      g.kwh[i] = v.kwh;
      g.floor_15m[i] = v.floor_15m ?? NaN;
      g.floor_1h[i] = v.floor_1h ?? NaN;
      g.floor_3h[i] = v.floor_3h ?? NaN;
      g.mean_24h[i] = mean24 ? mean24(d) : (v.mean_24h ?? NaN);
    }
  }
  return g;
}

const slot = (hh: number, mm = 0) => (hh * 60 + mm) / 10;

describe('the bands@2 baseline of the detection benchmark: its statistics as it shipped', () => {
  it('quantile interpolates like numpy and H2O', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([10, 20], 0.97)).toBeCloseTo(19.7, 12);
  });

  it('ref is the pooled median; upper the robust daily maximum with its margin', () => {
    // A quiet night at 250 W, with one day's 30-minute 1.2 kW load at 03:00 (day 7).
    const s = bandStats(grid(30, (d, m) => (d === 7 && m >= 180 && m < 210 ? 1200 : 250)), { ...DEFAULT_METHOD, season: { days: 0, floors: [] } });
    expect(s.slots['floor_1h.ref'][slot(3)]).toBeCloseTo(250, 9);
    // A 30-minute load never lifts the 1-h floor: floor_1h.upper = the largest daily maximum (250) × 1.3 + 100.
    expect(s.slots['floor_1h.upper'][slot(3)]).toBeCloseTo(250 * 1.3 + 100, 9);
    // It lifts the 15-min floor on one day: q = 0.97 of 30 daily maxima (29 at 250, one at 1200) × 1.3.
    const maxima = [...Array(29).fill(250), 1200].sort((a, b) => a - b);
    expect(s.slots['floor_15m.upper'][slot(3, 20)]).toBeCloseTo(1.3 * quantile(maxima, 0.97), 9);
    // Far from 03:00 the load does not reach the pool.
    expect(s.slots['floor_15m.upper'][slot(12)]).toBeCloseTo(250 * 1.3, 9);
  });

  it('three hours of a load left on are an incident: left out, so it does not become normal', () => {
    // Two heater nights (2.25 kW, 01:00–07:00) in 30 days.
    const heater = (d: number, m: number) => ((d === 4 || d === 19) && m >= 60 && m < 420 ? 2250 : 250);
    const s = bandStats(grid(30, heater), { ...DEFAULT_METHOD, season: { days: 0, floors: [] } });
    expect(s.incidents.length).toBe(2);
    expect(s.slots['floor_1h.upper'][slot(4)]).toBeCloseTo(250 * 1.3 + 100, 9);
    expect(s.slots['floor_3h.upper'][slot(5)]).toBeCloseTo(250 * 1.3 + 100, 9);
    // Shorter loads are no incident: two hours of the same heater stay in the statistics.
    const hours = bandStats(grid(30, (d, m) => (d === 4 && m >= 60 && m < 180 ? 2250 : 250)), { ...DEFAULT_METHOD, season: { days: 0, floors: [] } });
    expect(hours.incidents).toEqual([]);
    expect(hours.slots['floor_1h.upper'][slot(2, 30)]).toBeCloseTo(2250 * 1.3 + 100, 9);
  });

  it('the 15-min floor is not used where its band leaves no room to see a left-on load', () => {
    // Evening cooking: a 3.5 kW load for 20 minutes at 19:00 most days.
    const s = bandStats(grid(30, (d, m) => (d % 4 !== 0 && m >= 1140 && m < 1160 ? 3500 : 300)));
    expect(s.slots['floor_15m.upper'][slot(19)]).toBe(NOT_USED_W);
    expect(s.slots['floor_15m.upper'][slot(3)]).toBeLessThan(1000);
  });

  it('the 24-h mean band is 0.6 of its usual level over the last 28 days; the 2018 envelope is the hour’s min and max', () => {
    const s = bandStats(grid(40, (_d, m) => 200 + m, (d) => (d < 12 ? 2000 : 600)));
    expect(s.slots['mean_24h.ref'][slot(10)]).toBe(600);
    expect(s.slots['mean_24h.lower'][slot(10)]).toBeCloseTo(360, 9);
    // The trailing hour ending at minute m of a ramp 200 + m averages 200 + m − 29.5; hour 4 ends 04:01…05:00.
    expect(s.slots['kwh.lower'][slot(4)]).toBeCloseTo(200 + 240 - 29.5, 9);
    expect(s.slots['kwh.upper'][slot(4, 50)]).toBeCloseTo(200 + 299 - 29.5, 9);
  });

  it('follows the season up, never down', () => {
    const rising = bandStats(grid(60, () => 300, (d) => (d < 46 ? 500 : 750)));
    const flat = bandStats(grid(60, () => 300, () => 500));
    const falling = bandStats(grid(60, () => 300, (d) => (d < 46 ? 500 : 300)));
    expect(rising.season).toBeCloseTo(1.5, 9);
    expect(rising.slots['floor_1h.upper'][slot(2)]).toBeCloseTo(1.5 * (300 * 1.3) + 100, 9);
    expect(rising.slots['floor_15m.upper'][slot(2)]).toBeCloseTo(flat.slots['floor_15m.upper'][slot(2)]!, 9);
    expect(falling.season).toBe(1);
  });

  it('says where the history is too short', () => {
    expect(() => bandStats(emptyGrid(3))).toThrow(/no floor_15m values at 00:00/);
  });
});
