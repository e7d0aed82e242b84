import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Alert } from '@stream-smarts/notifier';
import { countWindow, dayStart, findRealEvents, HEATER_STARTS, inject, plan, quantize, stepAt, stepEnd, thermostat, toGrid, windows, type Event, type Grid } from '../src/evaluate/benchmark/index.js';
import { mulberry32 } from '@stream-smarts/pi-collector';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

/** Days of one-minute readings from `watts(dayIndex, minuteOfDay)`, in UTC. */
function synthetic(days: number, watts: (d: number, m: number) => number): Grid {
  const rows = [];
  for (let d = 0; d < days; d++) for (let m = 0; m < 1440; m++) rows.push({ endMs: T0 + d * DAY + (m + 1) * MIN, wh: watts(d, m) / 60, intervalMs: MIN });
  return toGrid(rows, 'UTC');
}

/** The first 21 days of the real-household fixture. */
function realSlice(): Grid {
  const text = gunzipSync(readFileSync(new URL('../../bench/data/uci-household/dev-2010.csv.gz', import.meta.url))).toString('utf8');
  const rows = text.split('\n').slice(1, 1 + 21 * 1440).map((l) => {
    const [t, wh] = l.split(',');
    return { endMs: Date.parse(t!), wh: Number(wh), intervalMs: MIN };
  });
  return toGrid(rows, 'Etc/GMT-1');
}

describe('the benchmark grid and windows', () => {
  it('lays readings on local days and minutes, starting with the first whole day', () => {
    const g = synthetic(3, () => 100);
    expect(g.days).toBe(3);
    expect(g.minute[0]).toBe(0);
    expect(g.minute[1439]).toBe(1439);
    expect(g.day[1440]).toBe(1);
    expect(stepAt(g, 1, 2)).toBe(1440 + 120);
    const real = realSlice();
    expect(real.days).toBe(21);
    expect(new Date(stepEnd(real, 0)).toISOString()).toBe('2010-01-31T23:01:00.000Z'); // 00:01 at UTC+01:00
  });

  it('rolls train 90 / test 60 / slide 60 over whole windows only', () => {
    expect(windows(299)).toEqual([
      { index: 0, trainFrom: 0, testFrom: 90, testTo: 150 },
      { index: 1, trainFrom: 60, testFrom: 150, testTo: 210 },
      { index: 2, trainFrom: 120, testFrom: 210, testTo: 270 },
    ]);
  });

  it('plans distinct days, a week away in one piece, none on or beside a labelled event', () => {
    const avoid = new Set([20, 21, 22]);
    const p = plan(7, 0, 60, avoid);
    const span = (e: (typeof p)[number]) => (e.scenario === 'away' ? 7 : e.scenario === 'fridge' || (e.scenario === 'heater' && e.startHour >= 12) ? 2 : 1);
    const days = p.flatMap((e) => Array.from({ length: span(e) }, (_, k) => e.day + k));
    expect(p.filter((e) => e.scenario === 'away')).toHaveLength(1);
    expect(p.filter((e) => e.scenario === 'oven')).toHaveLength(3);
    expect(p.filter((e) => e.scenario === 'fridge')).toHaveLength(2);
    expect(new Set(days).size).toBe(days.length);
    for (const d of days) expect(avoid.has(d)).toBe(false);
    expect(plan(7, 0, 60, avoid)).toEqual(p); // seeded
  });

  it('plans a 2 kW heater and one of 1 or 3 kW at every start time, one steady and one under a thermostat, turning with the window', () => {
    for (const w of [0, 1, 2, 3]) {
      const heaters = plan(11, 0, 60, new Set(), w).filter((e) => e.scenario === 'heater');
      for (const h of HEATER_STARTS) {
        const at = heaters.filter((e) => e.scenario === 'heater' && e.startHour === h) as Extract<(typeof heaters)[number], { scenario: 'heater' }>[];
        expect(at.map((e) => e.kw).sort()).toEqual([2, w < 2 ? 1 : 3].sort());
        expect(new Set(at.map((e) => e.shape)).size).toBe(2);
        expect(at.find((e) => e.kw === 2)!.shape).toBe(w % 2 === 0 ? 'steady' : 'thermostat');
      }
    }
  });
});

describe('injections', () => {
  it('a heater adds its kW from its start to 07:00 (the next morning for 19:00 and 22:00); an oven 2.5 kW, 15 min then 6 in 10', () => {
    const g = realSlice();
    const { w, events } = inject(g, [
      { scenario: 'heater', day: 3, kw: 2, startHour: 2, shape: 'steady' },
      { scenario: 'heater', day: 5, kw: 3, startHour: 22, shape: 'steady' },
      { scenario: 'heater', day: 12, kw: 1, startHour: 19, shape: 'steady' },
      { scenario: 'oven', day: 9 },
    ]);
    const added = (a: number, b: number) => {
      let s = 0;
      for (let i = a; i < b; i++) s += w[i]! - g.w[i]!;
      return s / 60; // Wh
    };
    expect(added(stepAt(g, 3, 2), stepAt(g, 3, 7))).toBeCloseTo(2000 * 5, 6);
    expect(added(stepAt(g, 3, 0), stepAt(g, 3, 2)) + added(stepAt(g, 3, 7), stepAt(g, 4, 0))).toBe(0);
    expect(added(stepAt(g, 5, 22), stepAt(g, 6, 7))).toBeCloseTo(3000 * 9, 6);
    expect(added(stepAt(g, 12, 19), stepAt(g, 13, 7))).toBeCloseTo(1000 * 12, 6);
    const oven = stepAt(g, 9, 14);
    const on = Array.from({ length: 180 }, (_, k) => w[oven + k]! - g.w[oven + k]! > 0);
    expect(on.slice(0, 15).every(Boolean)).toBe(true);
    expect(on.slice(15, 25)).toEqual([true, true, true, true, true, true, false, false, false, false]);
    // 15 min on, then 16 whole cycles of 6 on in 10 and the first 5 minutes of the 17th.
    expect(added(oven, oven + 180)).toBeCloseTo((2500 * (15 + 16 * 6 + 5)) / 60, 6);
    expect(events.map((e) => e.name)).toEqual(['heater 2 kW 02:00 steady', 'heater 3 kW 22:00 steady', 'heater 1 kW 19:00 steady', 'oven']);
    expect(events[1]).toMatchObject({ scenario: 'heater', kind: 'high', kw: 3, startHour: 22, shape: 'steady' });
  });

  it('a heater under a thermostat runs at full power while the room warms, then cycles: on 35–65% of each 10–30 min', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const on = thermostat(mulberry32(seed));
      const minutes = Array.from({ length: 600 }, (_, k) => on(k));
      // Full power for 30–90 min, then the first cycle's on-time (at most 20 of a 30-min cycle).
      const warm = minutes.indexOf(false);
      expect(warm).toBeGreaterThanOrEqual(30);
      expect(warm).toBeLessThanOrEqual(90 + 20);
      const duty = minutes.slice(warm + 60).filter(Boolean).length / (600 - warm - 60);
      // 35–65% of a whole number of minutes: 30–70% after rounding.
      expect(duty).toBeGreaterThanOrEqual(0.29);
      expect(duty).toBeLessThanOrEqual(0.71);
    }
    const g = realSlice();
    const { w, events } = inject(g, [{ scenario: 'heater', day: 4, kw: 2, startHour: 2, shape: 'thermostat' }], 5);
    const a = stepAt(g, 4, 2);
    const added = Array.from({ length: 300 }, (_, k) => Math.round(w[a + k]! - g.w[a + k]!));
    expect(added.slice(0, 30).every((x) => x === 2000)).toBe(true);
    expect(added.some((x) => x === 0)).toBe(true);
    expect(new Set(added)).toEqual(new Set([0, 2000]));
    expect(events[0]!.name).toBe('heater 2 kW 02:00 thermostat');
  });

  it('the meter counts pulses: each step rounded down to whole pulses, the rest carried, no energy lost', () => {
    const g = synthetic(1, (_d, m) => 100 + (m % 7) * 13);
    const q = quantize(g, g.w, 1000);
    let a = 0;
    let b = 0;
    for (let i = 0; i < g.w.length; i++) {
      a += g.w[i]! / 60;
      b += q[i]! / 60;
      expect(q[i]! % 60).toBeCloseTo(0, 6); // 1 Wh a pulse in a minute is 60 W
    }
    expect(a - b).toBeGreaterThanOrEqual(0);
    expect(a - b).toBeLessThan(1); // at most the last pulse's remainder
  });

  it('a week away repeats the lowest-use day of the 30 before it', () => {
    const g = synthetic(45, (d, m) => (d === 11 ? 150 : 400 + (m % 60)));
    const { w, events } = inject(g, [{ scenario: 'away', day: 35 }]);
    for (let i = dayStart(g, 35); i < dayStart(g, 42); i++) expect(w[i]).toBe(150);
    expect(w[dayStart(g, 42)]).toBe(g.w[dayStart(g, 42)]);
    expect(events[0]).toMatchObject({ name: 'away', kind: 'low', from: dayStart(g, 35), to: dayStart(g, 42) });
  });

  it('a dead fridge loses its compressor cycles and nothing else', () => {
    // 250 W of standby, a fridge of 85 W on 10 min in 30, and a kettle at 18:00.
    const g = synthetic(4, (_d, m) => 250 + (m % 30 < 10 ? 85 : 0) + (m >= 1080 && m < 1083 ? 2000 : 0));
    const { w } = inject(g, [{ scenario: 'fridge', day: 1 }]);
    for (let i = stepAt(g, 1, 12); i < stepAt(g, 2, 12); i++) {
      const m = g.minute[i]!;
      if (m >= 1080 && m < 1083) expect(w[i]).toBeGreaterThan(2000); // the kettle stays
      else expect(w[i]).toBeCloseTo(250, 6);
    }
    expect(w[stepAt(g, 1, 11)]).toBe(g.w[stepAt(g, 1, 11)]);
  });
});

describe('counting', () => {
  const g = synthetic(150, () => 300);
  const w = { index: 0, trainFrom: 0, testFrom: 90, testTo: 150 };
  const at = (d: number, hh: number, mm = 0) => stepEnd(g, stepAt(g, d, hh, mm)) - MIN;
  const alert = (type: Alert['type'], kind: 'high' | 'low', t: number, id: string): Alert => ({ key: `${id}#${type}`, episodeId: id, seq: 0, type, kind, meterId: 'house', at: t, startedAt: t, count: 1, event: { eventTs: t, hour: 0, kwh: 0, fn: 2, kind, meterId: 'house' } });
  const heater: Event = { scenario: 'heater', name: 'heater 2 kW 02:00 steady', kind: 'high', from: stepAt(g, 100, 2), to: stepAt(g, 100, 7), injected: true, kw: 2, startHour: 2, shape: 'steady' };
  const away: Event = { scenario: 'away', name: 'away', kind: 'low', from: dayStart(g, 110), to: dayStart(g, 117), injected: true };
  const holiday: Event = { scenario: 'real-away', name: 'real-away', kind: 'low', from: dayStart(g, 130), to: dayStart(g, 132), injected: false };

  it('a fire outside every event and its hour after is false; inside one it is the event’s', () => {
    const alerts = [
      alert('fire', 'high', at(100, 2, 17), 'a'),
      alert('repeat', 'high', at(100, 3, 17), 'a'),
      alert('resolve', 'high', at(100, 7, 15), 'a'),
      alert('fire', 'high', at(100, 7, 50), 'b'), // in the hour after the heater: not false
      alert('fire', 'high', at(101, 19, 0), 'c'), // false
      alert('fire', 'low', at(111, 9, 0), 'd'),
      alert('resolve', 'low', at(117, 10, 0), 'd'),
      alert('fire', 'low', at(130, 12, 0), 'e'), // on a labelled holiday: not false
      alert('fire', 'low', at(140, 12, 0), 'f'), // false
      alert('fire', 'high', at(80, 12, 0), 'g'), // before the test period: not counted
      alert('resolve', 'high', at(80, 13, 0), 'g'),
    ];
    const r = countWindow('x', g, w, alerts, [heater, away], [holiday]);
    expect(r.falseHigh).toBe(1);
    expect(r.falseLow).toBe(1);
    expect(r.falseAt.map((f) => new Date(f.at).toISOString())).toEqual([new Date(at(101, 19)).toISOString(), new Date(at(140, 12)).toISOString()]);
    expect(r.notifications).toBe(9);
    const h = r.events.find((e) => e.scenario === 'heater')!;
    expect(h.minutes).toBe(17);
    expect(h.notifications).toBe(4); // fire, repeat, resolve and the second fire within the hour after
    const a = r.events.find((e) => e.name === 'away')!;
    expect(a.minutes).toBe(24 * 60 + 9 * 60);
    expect(a.notifications).toBe(1); // its resolve comes 10 h after the end, outside the hour after
    expect(r.events.find((e) => e.name === 'real-away')!.minutes).toBe(12 * 60);
  });

  it('an episode of the right kind already alerting when the event starts counts from its start; the wrong kind does not count', () => {
    const before = [alert('fire', 'low', at(109, 20), 'p')];
    expect(countWindow('x', g, w, before, [away], []).events[0]!.minutes).toBe(0);
    const resolved = [...before, alert('resolve', 'low', at(109, 23), 'p')];
    expect(countWindow('x', g, w, resolved, [away], []).events[0]!.minutes).toBeNull();
    const wrongKind = [alert('fire', 'low', at(100, 3), 'q')];
    expect(countWindow('x', g, w, wrongKind, [heater], []).events[0]!.minutes).toBeNull();
  });
});

describe('labelled real events', () => {
  it('finds days away (under 55% of the median day around them) and all-night loads, with their evidence', () => {
    const g = synthetic(80, (d, m) => {
      if (d >= 40 && d < 43) return 150; // nobody home
      const night = m < 7 * 60 || m >= 23 * 60;
      return 300 + (d === 60 && night ? 2000 : 0) + (m >= 19 * 60 && m < 20 * 60 ? 1500 : 0);
    });
    const ev = findRealEvents(g);
    const away = ev.filter((e) => e.name === 'real-away');
    expect(away).toHaveLength(1);
    expect(away[0]).toMatchObject({ kind: 'low', from: dayStart(g, 40), to: dayStart(g, 43) });
    expect(away[0]!.evidence).toMatch(/daily energy 3\.6, 3\.6, 3\.6 kWh/);
    const nights = ev.filter((e) => e.name === 'real-all-night-load');
    // Day 59's night (23:00 → 07:00) holds day 60's loaded early hours; day 60's own night has
    // one loaded hour (23:00–24:00), not the hour of 1.5 kW floor that makes an all-night load.
    expect(nights.map((e) => g.day[e.from])).toEqual([59]);
    expect(nights[0]!.evidence).toMatch(/load ≥ 1.5 kW above the usual night \(300 W\) on for \d+ min between 23:00 and 07:00/);
  });

  it('a house whose night load is its routine (storage heaters every night) has no all-night loads; a gap is no day away', () => {
    const g = synthetic(60, (_d, m) => (m < 6 * 60 ? 8000 : 300));
    expect(findRealEvents(g).filter((e) => e.name === 'real-all-night-load')).toEqual([]);
    const rows = [];
    for (let d = 0; d < 60; d++) for (let m = 0; m < 1440; m++) if (d < 30 || d > 32) rows.push({ endMs: T0 + d * DAY + (m + 1) * MIN, wh: 400 / 60, intervalMs: MIN });
    expect(findRealEvents(toGrid(rows, 'UTC')).filter((e) => e.name === 'real-away')).toEqual([]);
  });
});

describe('the benchmark on a small slice of the real house', () => {
  it('runs every method over a window, counts false alerts per week of the time outside every event, and names the worst household', async () => {
    const { bands3Method, minMaxMethod, runDetectionBenchmark, targets, worstOf } = await import('../src/evaluate/benchmark/index.js').then(async (m) => ({ ...m, ...(await import('../src/evaluate/benchmark/methods.js')) }));
    const { DEFAULT_RULES } = await import('@stream-smarts/notifier');
    const text = gunzipSync(readFileSync(new URL('../../bench/data/uci-household/dev-2010.csv.gz', import.meta.url))).toString('utf8');
    const rows = text.split('\n').slice(1, 1 + 64 * 1440).map((l) => {
      const [t, wh] = l.split(',');
      return { endMs: Date.parse(t!), wh: Number(wh), intervalMs: MIN };
    });
    const grid = toGrid(rows, 'Etc/GMT-1');
    const h = { household: 'UCI slice', file: 'slice.csv', grid, labelled: [] };
    const r = await runDetectionBenchmark({
      histories: [h, { ...h, household: 'UCI slice again', file: 'again.csv' }],
      methods: [minMaxMethod('2018', DEFAULT_RULES), bands3Method(DEFAULT_RULES, { resolution: { impulsesPerKwh: 1000, intervalS: 60 } })],
      modes: ['once'],
      trainDays: 35,
      testDays: 28,
    });
    expect(r.rows.map((x) => `${x.household} ${x.method}`)).toEqual(['UCI slice 2018', 'UCI slice again 2018', 'UCI slice bands@3', 'UCI slice again bands@3']);
    const ws = r.windows['UCI slice | bands@3 | trained once']!;
    expect(ws).toHaveLength(1);
    const w = ws[0]!;
    // The time where a false alert could fall: the test period less its events (and the hour after each).
    expect(w.weeks).toBeGreaterThan(0.5);
    expect(w.weeks).toBeLessThan(4);
    const heaters = w.events.filter((e) => e.scenario === 'heater');
    expect(heaters.length).toBeGreaterThanOrEqual(4);
    for (const e of heaters) expect(e.minutes === null || e.minutes >= 0).toBe(true);
    const row = r.rows.find((x) => x.method === 'bands@3' && x.household === 'UCI slice')!;
    expect(row.falsePerWeek).toBeCloseTo((w.falseHigh + w.falseLow) / w.weeks, 9);
    expect(Object.keys(row.cells).some((k) => k.startsWith('heater 2 kW'))).toBe(true);
    expect(targets(row, r.rows[0]).map((t) => t.target)).toContain('≤ 0.3 false alerts a week (high and low)');
    // The same house twice, seeded alike: the worst household is either.
    expect(r.worst).toHaveLength(2);
    expect(worstOf(r.rows.filter((x) => x.method === '2018')).falsePerWeek).toBe(Math.max(...r.rows.filter((x) => x.method === '2018').map((x) => x.falsePerWeek)));
  });
});
