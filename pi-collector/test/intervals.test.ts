import { describe, expect, it } from 'vitest';
import type { Reading } from '@stream-smarts/contracts';
import { IntervalAccumulator, intervalEndOf, whPerPulseOf, validateIntervalS } from '../src/intervals.js';

const MIN = 60_000;

function collect(intervalS: number, timezone = 'UTC', impulsesPerKwh = 1000) {
  const out: Reading[] = [];
  const acc = new IntervalAccumulator({ meterId: 'm1', intervalS, whPerPulse: whPerPulseOf(impulsesPerKwh), timezone }, (r) => out.push(r));
  return { acc, out };
}

describe('interval alignment', () => {
  it('ends intervals on multiples of the interval since the epoch; a pulse on the boundary belongs to the interval it ends', () => {
    const { acc, out } = collect(60);
    const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);
    acc.pulse(t0 + 1); // (10:00:00, 10:01:00]
    acc.pulse(t0 + MIN); // exactly 10:01:00 -> still the first interval
    acc.pulse(t0 + MIN + 1); // second interval
    acc.pulse(t0 + 3 * MIN + 500); // fourth; the third is quiet
    acc.advance(t0 + 4 * MIN);
    expect(out.map((r) => [new Date(r.ts).toISOString(), r.pulses])).toEqual([
      ['2026-11-23T10:01:00.000Z', 2],
      ['2026-11-23T10:02:00.000Z', 1],
      ['2026-11-23T10:03:00.000Z', 0],
      ['2026-11-23T10:04:00.000Z', 1],
    ]);
    expect(out.every((r) => r.ts % 60_000 === 0 && r.interval_s === 60 && r.meter_id === 'm1')).toBe(true);
    expect(intervalEndOf(t0 + 1, MIN)).toBe(t0 + MIN);
    expect(intervalEndOf(t0, MIN)).toBe(t0);
  });

  it('conserves energy exactly: sum of wh = pulses x Wh per pulse, for 1000 and 800 imp/kWh', () => {
    for (const imp of [1000, 800]) {
      const { acc, out } = collect(30, 'UTC', imp);
      let t = Date.UTC(2026, 0, 1);
      let n = 0;
      let seed = 7;
      for (let i = 0; i < 5000; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        t += 1 + (seed % 20_000);
        acc.pulse(t);
        n++;
      }
      acc.advance(intervalEndOf(t, 30_000));
      expect(out.reduce((s, r) => s + r.pulses, 0)).toBe(n);
      expect(out.reduce((s, r) => s + r.wh, 0)).toBeCloseTo((n * 1000) / imp, 9);
      // Contiguous: each reading ends one interval after the previous.
      for (let i = 1; i < out.length; i++) expect(out[i]!.ts - out[i - 1]!.ts).toBe(30_000);
    }
  });

  it('rejects an interval that does not divide 15 minutes and a meter constant of 0, saying what is expected', () => {
    expect(() => validateIntervalS(7)).toThrow(/dividing 900/);
    expect(() => validateIntervalS(1800)).toThrow(/dividing 900/);
    expect(() => whPerPulseOf(0)).toThrow(/meter constant must be a positive number of impulses per kWh.*got 0/);
  });
});

describe('trailing-hour energy (kwh)', () => {
  it('is the average watts over the last 60 minutes: a step from 600 W to 1200 W ramps over an hour', () => {
    const { acc, out } = collect(60);
    const t0 = Date.UTC(2026, 10, 23, 0, 0, 0);
    // 10 pulses a minute = 10 Wh/min = 600 W for two hours, then 20 a minute = 1200 W.
    for (let m = 0; m < 180; m++) acc.pulse(t0 + m * MIN + 30_000, m < 120 ? 10 : 20);
    acc.advance(t0 + 180 * MIN);
    expect(out).toHaveLength(180);
    expect(out[0]!.kwh).toBeCloseTo(600, 9); // a partly covered hour is scaled, not undercounted
    expect(out[119]!.kwh).toBeCloseTo(600, 9);
    expect(out[149]!.kwh).toBeCloseTo(900, 9); // half the hour at each power
    expect(out[179]!.kwh).toBeCloseTo(1200, 9);
    expect(out[179]!.wh).toBe(20);
  });
});

describe('daylight saving (Australia/Sydney)', () => {
  // One pulse a minute all day: every real hour holds exactly 60 Wh.
  function day(fromUtc: number, hours: number) {
    const { acc, out } = collect(60, 'Australia/Sydney');
    for (let m = 0; m < hours * 60; m++) acc.pulse(fromUtc + m * MIN + 10_000);
    acc.advance(fromUtc + hours * 60 * MIN);
    const byHour = new Map<string, number>();
    for (const r of out) byHour.set(`${r.day}/${r.hour}`, (byHour.get(`${r.day}/${r.hour}`) ?? 0) + r.wh);
    return { out, byHour };
  }

  it('spring forward (2026-10-04 02:00 -> 03:00 AEST->AEDT): 23 local hours, no hour 2, each hour 60 Wh, no gap', () => {
    // Local midnight AEST (UTC+10) = 14:00 UTC the day before; the local day has 23 hours.
    const { out, byHour } = day(Date.UTC(2026, 9, 3, 14, 0), 23);
    expect(out).toHaveLength(23 * 60);
    for (let i = 1; i < out.length; i++) expect(out[i]!.ts - out[i - 1]!.ts).toBe(MIN);
    expect(byHour.has('7/2')).toBe(false); // 2026-10-04 is a Sunday; 02:00-03:00 does not exist
    expect([...byHour.keys()]).toHaveLength(23);
    for (const wh of byHour.values()) expect(wh).toBe(60);
    expect(out[0]!.hour).toBe(0);
    expect(out[out.length - 1]!.hour).toBe(23);
  });

  it('fall back (2026-04-05 03:00 -> 02:00 AEDT->AEST): 25 hours, hour 2 twice (120 Wh), nothing duplicated', () => {
    // Local midnight AEDT (UTC+11) = 13:00 UTC the day before; the local day has 25 hours.
    const { out, byHour } = day(Date.UTC(2026, 3, 4, 13, 0), 25);
    expect(out).toHaveLength(25 * 60);
    expect(new Set(out.map((r) => r.ts)).size).toBe(out.length);
    expect(byHour.get('7/2')).toBe(120);
    for (const [k, wh] of byHour) if (k !== '7/2') expect(wh).toBe(60);
    expect(out.reduce((s, r) => s + r.wh, 0)).toBe(25 * 60);
  });
});

describe('crash recovery of the accumulator', () => {
  it('takes intervals already in the spool as closed: replayed pulses of them are ignored, the next interval starts empty', () => {
    const t0 = Date.UTC(2026, 10, 23, 10, 0);
    const first = collect(60);
    for (let s = 1; s <= 50; s++) first.acc.pulse(t0 + s * 1000);
    const snap = first.acc.snapshot(); // checkpoint at second 50 (cursor there), then more pulses:
    for (let s = 51; s <= 90; s++) first.acc.pulse(t0 + s * 1000);
    first.acc.advance(t0 + 2 * MIN);
    const spooled = first.out.slice();
    // A restart from the older snapshot, replaying the source from its cursor (second 1..).
    const again: Reading[] = [];
    const acc = new IntervalAccumulator({ meterId: 'm1', intervalS: 60, whPerPulse: 1, timezone: 'UTC' }, (r) => again.push(r), undefined, snap);
    acc.reconcile(spooled.slice(0, 1)); // only the first reading reached the spool
    for (let s = 51; s <= 90; s++) acc.pulse(t0 + s * 1000); // replayed from the cursor
    expect(acc.ignoredPulses).toBe(10);
    acc.advance(t0 + 2 * MIN);
    expect(again).toEqual([spooled[1]]);
  });
});

describe('the measures the collector computes from its own pulses (raw_power version 3)', () => {
  it('a 2 kW heater switched on at 02:00 shows as a 20-min step of its size, counted in the meter’s pulses', () => {
    const { acc, out } = collect(60);
    const t0 = Date.UTC(2026, 0, 6, 0, 0);
    // 300 W (5 Wh a minute) for two hours, then 2.3 kW (about 38.3 Wh a minute) from 02:00.
    let carry = 0;
    for (let m = 0; m < 200; m++) {
      const wh = (m < 120 ? 300 : 2300) / 60 + carry;
      const pulses = Math.floor(wh);
      carry = wh - pulses;
      for (let k = 0; k < pulses; k++) acc.pulse(t0 + m * MIN + 1 + k);
    }
    acc.advance(t0 + 200 * MIN);
    const at = (hhmm: string) => out.find((r) => new Date(r.ts).toISOString().slice(11, 16) === hhmm)!;
    expect(at('01:59').step_20m).toBe(0);
    // 20 whole minutes on at 02:20: a floor of 38 pulses (2280 W) above the hour before's 5 (300 W).
    expect(at('02:20').step_20m).toBe((38 - 5) * 60);
    expect(at('02:19').step_20m).toBe(0);
    // The 45-min step at 02:30: 30 of its 45 minutes on (67%), so its 40th percentile is on — and
    // the hour before its window (00:46–01:45) all 300 W.
    expect(at('02:30').step_45m).toBe((38 - 5) * 60);
    expect(at('02:20').step_45m).toBe(0); // 20 of 45 minutes on: the 40th percentile is still off
    // The 3-h activity once three hours are read: 70 minutes of the heater in its window above its floor.
    expect(at('02:59').activity_3h).toBeNull();
    expect(at('03:10').floor_3h).toBe(300);
    expect(at('03:10').activity_3h).toBeGreaterThan(700);
  });
});
