import { describe, expect, it } from 'vitest';
import { scoreColor, scoreGradient } from '../src/plot/colors.js';
import { parseAlerts } from '../src/plot/inputs.js';
import { decimate } from '../src/plot/timeline-chart.js';
import { timeTicks } from '../src/plot/time-axis.js';

describe('plot parts', () => {
  it('a score gradient reproduces the colour scale exactly wherever the score is linear', () => {
    // An hour with lower 100, upper 300: power 0 scores -0.5, power 1500 scores 7.
    const stops = scoreGradient(-0.5, 7);
    expect(stops[0]).toEqual({ at: 0, color: scoreColor(-0.5) });
    expect(stops.at(-1)).toEqual({ at: 1, color: scoreColor(7) });
    for (const s of stops) expect(s.color).toBe(scoreColor(-0.5 + s.at * 7.5));
    expect(stops.map((s) => s.at)).toEqual([...stops.map((s) => s.at)].sort((a, b) => a - b));
    // The boundaries are sharp: green just inside 1.0, yellow just past it.
    expect(scoreColor(0.999)).not.toBe(scoreColor(1.01));
  });

  it('decimates a long line keeping every bucket\'s extremes', () => {
    const pts = Array.from({ length: 20_000 }, (_, i) => ({ x: i, y: i === 12_345 ? 5000 : i === 777 ? -1 : Math.sin(i / 50) }));
    const d = decimate(pts, 500);
    expect(d.length).toBeLessThanOrEqual(2000);
    expect(d).toContainEqual({ x: 12_345, y: 5000 });
    expect(d).toContainEqual({ x: 777, y: -1 });
    expect(d.map((p) => p.x)).toEqual([...d.map((p) => p.x)].sort((a, b) => a - b));
  });

  it('puts time ticks on local midnights and hours, across a daylight-saving change', () => {
    // Sydney's clocks go forward on 2026-10-04 at 02:00.
    const from = Date.parse('2026-10-01T00:00:00+10:00');
    const to = Date.parse('2026-10-08T00:00:00+11:00');
    const t = timeTicks(from, to, 'Australia/Sydney', 10);
    expect(t.ticks).toHaveLength(8);
    expect(t.ticks.map(t.format)).toEqual(['Thu 1 Oct', 'Fri 2 Oct', 'Sat 3 Oct', 'Sun 4 Oct', 'Mon 5 Oct', 'Tue 6 Oct', 'Wed 7 Oct', 'Thu 8 Oct']);
    // Sunday 4 October has 23 hours.
    expect(t.ticks[3]! - t.ticks[2]!).toBe(24 * 3_600_000);
    expect(t.ticks[4]! - t.ticks[3]!).toBe(23 * 3_600_000);
    const day = timeTicks(from, from + 12 * 3_600_000, 'Australia/Sydney', 10);
    expect(day.ticks.map(day.format)).toEqual(['Thu 1 Oct', '02:00', '04:00', '06:00', '08:00', '10:00', '12:00']);
  });

  it('reads alerts written by the alert core (AnomalyEvent) and by a raw ANOMOLY_POWER row, and names the bad line', () => {
    const text = [
      JSON.stringify({ key: 'k', type: 'fire', kind: 'high', meterId: 'home', at: 1000, event: { eventTs: 1000, hour: 4, kwh: 2200, fn: 12.5, kind: 'high', meterId: 'home' } }),
      '',
      JSON.stringify({ type: 'resolve', kind: 'low', at: '2026-07-30T07:00:00Z', event: { EVENT_TS: 2000, HOUR: 9, KWH: 80, FN: -0.4 } }),
    ].join('\n');
    expect(parseAlerts('a.jsonl', text)).toEqual([
      { at: 1000, type: 'fire', kind: 'high', meterId: 'home', eventTs: 1000, kwh: 2200, fn: 12.5 },
      { at: Date.parse('2026-07-30T07:00:00Z'), type: 'resolve', kind: 'low', eventTs: 2000, kwh: 80, fn: -0.4 },
    ]);
    expect(() => parseAlerts('a.jsonl', '{"type":"fire"}')).toThrow('a.jsonl:1');
  });
});
