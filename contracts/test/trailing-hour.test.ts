import { describe, expect, it } from 'vitest';
import { TrailingHour } from '../src/time/trailing-hour.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-23T00:00:00Z');

describe('TrailingHour', () => {
  it('for hourly data is simply the Wh of that clock hour', () => {
    const th = new TrailingHour();
    expect(th.push(T0 + H, 136, H)).toEqual({ kwh: 136, coverage: 1 });
    expect(th.push(T0 + 2 * H, 129, H)).toEqual({ kwh: 129, coverage: 1 });
  });

  it('for minute data is the sum of the last 60 minutes', () => {
    const th = new TrailingHour();
    let last = { kwh: 0, coverage: 0 };
    for (let i = 1; i <= 120; i++) last = th.push(T0 + i * 60_000, i, 60_000);
    // minutes 61..120
    expect(last.kwh).toBeCloseTo(((61 + 120) * 60) / 2, 9);
    expect(last.coverage).toBe(1);
  });

  it('prorates a reading that straddles the window edge', () => {
    const th = new TrailingHour();
    th.push(T0 + 40 * 60_000, 400, 40 * 60_000); // 10 Wh/min over 00:00–00:40
    const v = th.push(T0 + 80 * 60_000, 40, 40 * 60_000); // 1 Wh/min over 00:40–01:20
    // window 00:20–01:20: 20 min of the first (200 Wh) + all of the second (40 Wh)
    expect(v.kwh).toBeCloseTo(240, 9);
    expect(v.coverage).toBe(1);
  });

  it('scales a partly covered hour to average power and says how much was covered', () => {
    const th = new TrailingHour();
    const v = th.push(T0 + 15 * 60_000, 100, 15 * 60_000);
    expect(v.kwh).toBeCloseTo(400, 9);
    expect(v.coverage).toBeCloseTo(0.25, 12);
  });

  it('handles gaps: after a gap longer than an hour only new readings count', () => {
    const th = new TrailingHour();
    for (let i = 1; i <= 60; i++) th.push(T0 + i * 60_000, 50, 60_000);
    const v = th.push(T0 + 5 * H, 10, 60_000);
    expect(v).toEqual({ kwh: 600, coverage: 1 / 60 });
  });

  it('restarts after a gap shorter than an hour: the readings before it are not averaged in', () => {
    const th = new TrailingHour();
    for (let i = 1; i <= 60; i++) th.push(T0 + i * 60_000, 50, 60_000);
    // 10 minutes missing (01:00–01:10), then 10 Wh in the minute ending 01:11.
    const v = th.push(T0 + 71 * 60_000, 10, 60_000);
    expect(v).toEqual({ kwh: 600, coverage: 1 / 60 });
    let w = v;
    for (let i = 72; i <= 130; i++) w = th.push(T0 + i * 60_000, 10, 60_000);
    expect(w.coverage).toBe(1);
    expect(w.kwh).toBeCloseTo(600, 9);
  });

  it('rejects readings out of order, overlapping, negative, or with an interval over an hour', () => {
    const th = new TrailingHour();
    th.push(T0 + 10 * 60_000, 5, 60_000);
    expect(() => th.push(T0 + 10 * 60_000, 5, 60_000)).toThrow(/overlaps or precedes/);
    expect(() => th.push(T0 + 20 * 60_000, -1, 60_000)).toThrow(/invalid reading/);
    expect(() => th.push(T0 + 3 * H, 1, 2 * H)).toThrow(/at most 1 h/);
    // a rejected reading is not added
    expect(th.push(T0 + 11 * 60_000, 5, 60_000).kwh).toBeCloseTo(300, 9);
  });

  it('stays exact over a long stream of 1-second readings (running sums do not drift)', () => {
    const th = new TrailingHour();
    let v = { kwh: 0, coverage: 0 };
    for (let i = 1; i <= 3 * 3600; i++) v = th.push(T0 + i * 1000, 0.25 + (i % 7) * 0.01, 1000);
    let expected = 0;
    for (let i = 2 * 3600 + 1; i <= 3 * 3600; i++) expected += 0.25 + (i % 7) * 0.01;
    expect(v.kwh).toBeCloseTo(expected, 6);
  });
});
