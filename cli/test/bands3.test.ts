import { describe, expect, it } from 'vitest';
import { BandsModel, HIGH_MEASURES, NOT_USED_W, TrailingMeasures, type AnomalyEvent } from '@stream-smarts/contracts';
import { DEFAULT_RULES, EpisodeTracker } from '@stream-smarts/notifier';
import { mulberry32 } from '@stream-smarts/pi-collector';
import { calibrate, countFires, episodePeaks, fitTail, levelAt } from '../src/train/bands3/calibrate.js';
import { bands3Stats, DEFAULT_BANDS3, incidentMask, upperOf } from '../src/train/bands3/stats.js';
import { bandLevels, slotBands, tablesFromSlots } from '../src/train/bands3/tables.js';
import { emptyGrid, type DayGrid } from '../src/train/day-grid.js';
import { statistics } from '../src/train/fit.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday
const resolution = { impulsesPerKwh: 1000, intervalS: 60 };

/** Days of one-minute readings measured as every part measures them, laid on a DayGrid. */
function measured(days: number, watts: (d: number, m: number) => number): DayGrid {
  const g = emptyGrid(days);
  const t = new TrailingMeasures();
  for (let d = 0; d < days; d++) {
    g.weekday[d] = ((d % 7) + 7) % 7 + 1;
    for (let m = 0; m < 1440; m++) {
      const v = t.push(T0 + (d * 1440 + m + 1) * MIN, watts(d, m) / 60, MIN);
      const i = d * 1440 + m;
      g.kwh[i] = v.kwh;
      for (const k of [...HIGH_MEASURES, 'mean_24h'] as const) g[k][i] = v[k] ?? NaN;
    }
  }
  return g;
}

/** A quiet house: 200 W with a fridge cycling, a 2 kW cooking half hour at 18:00 every day. */
const quiet = (d: number, m: number) => 200 + (m % 40 < 15 ? 90 : 0) + (m >= 1080 && m < 1110 ? 2000 : 0) + (d % 3 === 0 && m >= 480 && m < 485 ? 3000 : 0);

describe('bands@3 statistics', () => {
  it('edges are how high the days reach at each time, so the daily 18:00 cooking is normal then and not at 03:00', () => {
    const s = bands3Stats(measured(40, quiet), resolution);
    const slot = (h: number) => h * 6;
    expect(s.high.floor_15m!.edge[0]![slot(18) + 1]!).toBeGreaterThan(2000);
    expect(s.high.floor_15m!.edge[0]![slot(3)]!).toBeLessThan(300);
    expect(s.high.floor_15m!.ref[0]![slot(3)]!).toBeCloseTo(200, -1);
  });

  it('a load 1.5 kW above what the house does, on for two hours, is an incident; a nightly routine is not', () => {
    const heater = measured(40, (d, m) => quiet(d, m) + ((d === 10 || d === 25) && m >= 60 && m < 240 ? 2000 : 0));
    const { incidents } = incidentMask(heater, DEFAULT_BANDS3);
    expect(incidents).toHaveLength(2);
    expect(Math.floor(incidents[0]![0] / 1440)).toBe(10);
    // Storage heaters: 8 kW from 00:30 for six hours, every night.
    const storage = measured(40, (d, m) => quiet(d, m) + (m >= 30 && m < 390 ? 8000 : 0));
    expect(incidentMask(storage, DEFAULT_BANDS3).incidents).toEqual([]);
  });

  it('no band is narrower than three of the meter’s pulses', () => {
    expect(upperOf(DEFAULT_BANDS3, 300, 0, 180)).toBe(480);
    expect(upperOf(DEFAULT_BANDS3, 300, 0.5, 180)).toBe(600); // 300 + 0.5 × (300 + 300)
    expect(upperOf({ ...DEFAULT_BANDS3, marginMode: 'watts' }, 300, 250, 180)).toBe(550);
  });
});

describe('calibration to the alert budget', () => {
  it('counts fires exactly as the notifier’s EpisodeTracker does', () => {
    const rnd = mulberry32(7);
    for (let run = 0; run < 20; run++) {
      const times: number[] = [];
      let t = T0;
      for (let k = 0; k < 300; k++) {
        t += Math.floor(rnd() * (rnd() < 0.2 ? 240 : 6) + 1) * MIN;
        times.push(t);
      }
      const tracker = new EpisodeTracker(DEFAULT_RULES, () => 0);
      let fires = 0;
      for (const ts of times) {
        const ev: AnomalyEvent = { eventTs: ts, hour: 0, kwh: 0, fn: 2, kind: 'high', meterId: 'm' };
        fires += tracker.observe(ev).filter((a) => a.type === 'fire').length;
      }
      expect(countFires(times, DEFAULT_RULES.fireAfter, DEFAULT_RULES.fireWindowMs, DEFAULT_RULES.resolveAfterMs)).toBe(fires);
    }
  });

  it('an episode’s peak is the margin at which it would just fire', () => {
    const rule = { after: 3, windowMs: 15 * MIN, resolveMs: 15 * MIN };
    const c = { t: Float64Array.from([0, 1, 2, 3, 60].map((m) => T0 + m * MIN)), z: Float64Array.from([5, 9, 4, 7, 50]) };
    // Three within 15 min: the window ending at minute 3 holds 9, 4, 7 (third largest 4) and at 2: 5, 9, 4 (4); at 3 with 5,9,4,7: third largest 5.
    expect(episodePeaks(c, rule)).toEqual([5]); // the lone 50 an hour later can never fire alone
    const fires = (k: number) => countFires([...c.t].filter((_, j) => c.z[j]! > k), 3, rule.windowMs, rule.resolveMs);
    expect(fires(4.99)).toBe(1);
    expect(fires(5)).toBe(0);
  });

  it('a tail reaches past the sample: a rate rarer than the held-back weeks hold is a higher margin than their largest peak', () => {
    const peaks = [900, 850, 700, 650, 600, 560, 540, 520, 510, 500, 400, 300];
    const t = fitTail(peaks, 12, 0)!;
    expect(levelAt(t, 12 / 12, 0)).toBe(0); // all twelve a week: no margin needed
    expect(levelAt(t, 11 / 12, 0)).toBe(300); // beyond the ten the tail is fitted to: eleven may stay above, the twelfth largest
    // Among the ten largest, the exponential tail: five a week-in-twelve lies between the fifth and the sixth.
    expect(levelAt(t, 5 / 12, 0)).toBeGreaterThan(540);
    expect(levelAt(t, 5 / 12, 0)).toBeLessThan(650);
    expect(levelAt(t, 0.01, 0)).toBeGreaterThan(900);
    expect(levelAt(null, 0.01, 180)).toBe(180);
  });

  it('chooses this house’s margins so its own held-back weeks raise at most the budget; a larger budget, smaller margins', () => {
    // A house with a random 2.4 kW load for 40 min on one evening in eight (a tumble dryer).
    const rnd = mulberry32(3);
    const dryer = Array.from({ length: 84 }, () => (rnd() < 0.125 ? 1140 + Math.floor(rnd() * 120) : -1));
    const g = measured(84, (d, m) => quiet(d, m) + (dryer[d]! >= 0 && m >= dryer[d]! && m < dryer[d]! + 40 ? 2400 : 0));
    const tight = calibrate(g, resolution, DEFAULT_BANDS3, DEFAULT_RULES, { perWeek: 0.25 });
    const loose = calibrate(g, resolution, DEFAULT_BANDS3, DEFAULT_RULES, { perWeek: 2 });
    expect(tight.weeks).toBeCloseTo(12, 0);
    expect(tight.high).toBeLessThanOrEqual(tight.allowed);
    expect(tight.low).toBeLessThanOrEqual(tight.allowed);
    expect(tight.folds.reduce((a, f) => a + f.high, 0)).toBe(tight.high);
    // The evening quarter has to stand above the dryer; the quiet night need not.
    const eve = tight.marginHigh.step_20m![3]!;
    const night = tight.marginHigh.step_20m![0]!;
    expect(eve).toBeGreaterThan(night);
    for (const c of HIGH_MEASURES) for (let b = 0; b < 4; b++) expect(loose.marginHigh[c]![b]!).toBeLessThanOrEqual(tight.marginHigh[c]![b]! + 1e-9);
  });

  it('makes the tables the UDF scores with: every level of the MOJO, a measure left out not used', () => {
    const g = measured(40, quiet);
    const s = statistics(g, { resolution, rules: DEFAULT_RULES, method: { ...DEFAULT_BANDS3, channels: DEFAULT_BANDS3.channels.filter((c) => c !== 'floor_15m') } });
    expect([...s.slots.levels.keys()]).toEqual(bandLevels(1));
    expect(bandLevels(2)).toHaveLength(34);
    expect(s.tables.bands.high.floor_15m.upper[0]!.every((u) => u === NOT_USED_W)).toBe(true);
    const model = new BandsModel(s.tables, 'test');
    // A 2 kW heater switched on at 03:00 on that quiet house: the 20-min step alerts.
    const at = model.at(3 * 60 + 25);
    expect(model.score({ day: 3, minute: 3 * 60 + 25, step_20m: 2000, floor_1h: 220, mean_24h: at.mean_24h.ref })).toBeGreaterThan(1);
    // The daily 18:00 cooking does not.
    const cooking = measured(1 + 40, quiet);
    const i = 40 * 1440 + 18 * 60 + 25;
    expect(model.score({ day: 3, minute: 18 * 60 + 25, step_20m: cooking.step_20m[i]!, floor_15m: cooking.floor_15m[i]!, floor_1h: cooking.floor_1h[i]!, mean_24h: cooking.mean_24h[i]! })).toBeLessThanOrEqual(1);
    expect(slotBands(bands3Stats(g, resolution), s.calibration).dayTypes).toBe(1);
    expect(tablesFromSlots(s.slots).hours).toHaveLength(24);
  });
});
