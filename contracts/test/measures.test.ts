import { describe, expect, it } from 'vitest';
import { TrailingMeasures } from '../src/time/measures.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0);

/** Feeds one-minute readings of the given powers (W) from T0 and returns every minute's measures. */
function feed(watts: number[], m = new TrailingMeasures(), start = T0) {
  return watts.map((w, i) => m.push(start + (i + 1) * MIN, w / 60, MIN));
}

describe('TrailingMeasures', () => {
  it('floors are null until their window is covered, then the lowest interval power in it', () => {
    const out = feed([...Array(14).fill(300), 200, ...Array(60).fill(2300)]);
    expect(out[13]!.floor_15m).toBeNull();
    expect(out[14]!.floor_15m).toBeCloseTo(200, 9); // 15 readings: the 200 W minute is the floor
    expect(out[28]!.floor_15m).toBeCloseTo(200, 9); // the 200 W minute ends at 15 min: still inside (t − 15 min, t] at 29 min
    expect(out[29]!.floor_15m).toBeCloseTo(2300, 9);
    expect(out[58]!.floor_1h).toBeNull();
    expect(out[59]!.floor_1h).toBeCloseTo(200, 9);
    expect(out[74]!.floor_1h).toBeCloseTo(2300, 9);
    expect(out[74]!.floor_3h).toBeNull();
  });

  it('a heater that stays on lifts every floor; a kettle lifts none', () => {
    const night = Array(240).fill(250);
    const kettle = night.map((w, i) => (i >= 200 && i < 203 ? w + 2000 : w));
    const heater = night.map((w, i) => (i >= 50 ? w + 2000 : w));
    expect(feed(kettle).at(-1)!.floor_15m).toBeCloseTo(250, 9);
    const h = feed(heater).at(-1)!;
    expect(h.floor_15m).toBeCloseTo(2250, 9);
    expect(h.floor_1h).toBeCloseTo(2250, 9);
    expect(h.floor_3h).toBeCloseTo(2250, 9); // on for 190 of the 240 minutes: the last 180 are all on
  });

  it('the 24-h mean is the last day’s energy over 24 h, null before a whole day', () => {
    const day = Array.from({ length: 1440 + 30 }, (_, i) => (i < 1440 ? 500 : 1940));
    const out = feed(day);
    expect(out[1438]!.mean_24h).toBeNull();
    expect(out[1439]!.mean_24h).toBeCloseTo(500, 9);
    expect(out[1469]!.mean_24h).toBeCloseTo((1410 * 500 + 30 * 1940) / 1440, 9);
  });

  it('a gap restarts every window: nothing is carried across it', () => {
    const m = new TrailingMeasures();
    feed(Array(200).fill(400), m);
    const after = m.push(T0 + 300 * MIN, 1000 / 60, MIN); // 100 minutes missing
    expect(after.floor_15m).toBeNull();
    expect(after.floor_1h).toBeNull();
    expect(after.mean_24h).toBeNull();
    expect(after.kwh).toBeCloseTo(1000, 6);
  });

  it('the 24-h mean bridges a few missing minutes (its mean over the time read), not a longer gap', () => {
    // A day at 500 W, then 3 minutes missing, then 2000 W: every other window restarts, the day's does not.
    const m = new TrailingMeasures();
    feed(Array(1440).fill(500), m);
    const after = m.push(T0 + (1440 + 3 + 1) * MIN, 2000 / 60, MIN);
    expect(after.floor_15m).toBeNull();
    // The day (t − 24 h, t] holds 1,436 read minutes at 500 W and this one at 2000 W (the first 4 minutes have left it; 3 are missing).
    expect(after.mean_24h).toBeCloseTo((1436 * 500 + 2000) / 1437, 9);
    // Many small gaps: 4 minutes missing every hour is 96 min a day, more than 5% of it: null, never a mean over too little.
    const sparse = new TrailingMeasures();
    let t = T0;
    let last;
    for (let i = 0; i < 30 * 60; i++) {
      t += (i % 56 === 55 ? 5 : 1) * MIN;
      last = sparse.push(t, 500 / 60, MIN);
    }
    expect(last!.mean_24h).toBeNull();
    // 1 minute missing every hour (24 a day, 1.7%): bridged, and exact.
    const lossy = new TrailingMeasures();
    t = T0;
    for (let i = 0; i < 30 * 60; i++) {
      t += (i % 59 === 58 ? 2 : 1) * MIN;
      last = lossy.push(t, 500 / 60, MIN);
    }
    expect(last!.mean_24h).toBeCloseTo(500, 9);
    // 16 minutes missing: longer than the bridge, the day restarts.
    const restarted = new TrailingMeasures();
    feed(Array(1440).fill(500), restarted);
    expect(restarted.push(T0 + (1440 + 16 + 1) * MIN, 500 / 60, MIN).mean_24h).toBeNull();
  });

  it('recent() rebuilds the same 24-h mean across a bridged gap', () => {
    const a = new TrailingMeasures();
    feed(Array(700).fill(300), a);
    feed(Array(800).fill(900), a, T0 + 705 * MIN);
    const b = new TrailingMeasures(a.recent());
    const next = (m: TrailingMeasures) => m.push(T0 + 1506 * MIN, 800 / 60, MIN);
    const rebuilt = next(b);
    expect(rebuilt).toEqual(next(a));
    // 1,505 minutes since the start with 5 missing: a day is covered, so the mean is there.
    expect(rebuilt.mean_24h).not.toBeNull();
  });

  it('longer intervals count whole, and overlaps are refused', () => {
    const m = new TrailingMeasures();
    let last;
    for (let i = 1; i <= 4; i++) last = m.push(T0 + i * 5 * MIN, (i === 2 ? 100 : 300) * (5 / 60), 5 * MIN);
    expect(last!.floor_15m).toBeCloseTo(100, 9); // readings ending 10, 15, 20 min: 100, 300, 300 W
    expect(() => m.push(T0 + 22 * MIN, 1, 5 * MIN)).toThrow(RangeError);
  });

  it('recent() rebuilds the same state after a restart', () => {
    const watts = Array.from({ length: 1500 }, (_, i) => 200 + ((i * 37) % 900));
    const a = new TrailingMeasures();
    feed(watts, a);
    const b = new TrailingMeasures(a.recent());
    const next = (m: TrailingMeasures) => m.push(T0 + 1501 * MIN, 800 / 60, MIN);
    expect(next(b)).toEqual(next(a));
    expect(a.recent().length).toBeLessThanOrEqual(1441);
  });
});

describe('the steps and the activity: a load that came on and stayed, on top of whatever the house was doing', () => {
  it('a 2 kW heater switched on during a busy evening lifts the 20-min step by its size; the floors only by less', () => {
    // An evening that runs 1.5 kW with 3 kW bursts, then a heater from minute 200.
    const watts = Array.from({ length: 260 }, (_, i) => 1500 + (i % 7 === 0 ? 1500 : 0) + (i >= 200 ? 2000 : 0));
    const out = feed(watts);
    expect(out[218]!.step_20m).toBeCloseTo(0, 9); // 19 minutes on: the 20-min window still holds a minute before it
    expect(out[219]!.step_20m).toBeCloseTo(2000, 9); // (1500+2000) − 1500
    expect(out[219]!.floor_15m).toBeCloseTo(3500, 9);
  });

  it('the 45-min step takes the 40th percentile: an oven on 6 minutes in 10 still counts, a kettle does not', () => {
    const base = Array(200).fill(300);
    const oven = base.map((w, i) => (i >= 120 && (i < 135 || (i - 135) % 10 < 6) ? w + 2500 : w));
    const kettle = base.map((w, i) => (i >= 150 && i < 153 ? w + 3000 : w));
    expect(feed(oven)[164]!.step_45m).toBeCloseTo(2500, 9); // 45 min from minute 120: 15 on, then 6 in 10
    expect(feed(oven)[164]!.step_20m).toBe(0); // the 20-min floor falls in every off-period
    expect(feed(kettle).at(-1)!.step_45m).toBe(0);
  });

  it('the steps need their hour before them: null until 80, 105 and 150 minutes of contiguous readings', () => {
    const out = feed(Array(160).fill(400));
    expect(out[78]!.step_20m).toBeNull();
    expect(out[79]!.step_20m).toBe(0);
    expect(out[103]!.step_45m).toBeNull();
    expect(out[104]!.step_45m).toBe(0);
    expect(out[148]!.step_90m).toBeNull();
    expect(out[149]!.step_90m).toBe(0);
  });

  it('the 3-h activity is the mean of the last 3 h above their floor: a thermostat cycling a heater keeps it up', () => {
    const steady = feed(Array(200).fill(250)).at(-1)!;
    expect(steady.activity_3h).toBeCloseTo(0, 9);
    const cycling = feed(Array.from({ length: 200 }, (_, i) => 250 + (i % 20 < 10 ? 2000 : 0))).at(-1)!;
    expect(cycling.floor_3h).toBeCloseTo(250, 9);
    expect(cycling.activity_3h).toBeCloseTo(1000, 6);
  });
});
