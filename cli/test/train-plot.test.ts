import { describe, expect, it } from 'vitest';
import { renderBandsChart } from '../src/plot/bands-chart.js';
import { legacyTables } from '@stream-smarts/contracts';
import { formatTick, linearScale, niceTicks } from '../src/plot/scale.js';
import { escapeXml, renderChart } from '../src/plot/svg.js';

describe('plot: scales and ticks', () => {
  it('maps linearly and picks 1/2/2.5/5 steps covering the data', () => {
    const s = linearScale([0, 10], [100, 200]);
    expect(s(5)).toBe(150);
    expect(niceTicks(0, 3745, 5)).toEqual({ ticks: [0, 1000, 2000, 3000, 4000], domain: [0, 4000] });
    expect(niceTicks(0.1, 0.9, 4).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 9, 4).ticks).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(formatTick(3000)).toBe('3\u2009000');
    expect(formatTick(0.25)).toBe('0.25');
  });
});

describe('plot: svg chart', () => {
  it('draws axes labels, ticks, title, legend and layers, escaping text', () => {
    const svg = renderChart({
      width: 400,
      height: 300,
      title: 'A < B & C',
      panels: [
        {
          x: { label: 'x axis', min: 0, max: 10 },
          y: { label: 'y axis' },
          layers: [
            { kind: 'band', points: [{ x: 0, lo: 1, hi: 2 }, { x: 10, lo: 1, hi: 3 }], fill: 'green', label: 'band' },
            { kind: 'points', points: [{ x: 5, y: 2 }], color: 'blue', label: 'dots' },
            { kind: 'line', points: [{ x: 0, y: 1 }, { x: 10, y: 3 }], color: 'red' },
          ],
        },
      ],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="300"/);
    expect(svg).toContain('A &lt; B &amp; C');
    for (const s of ['x axis', 'y axis', '>band<', '>dots<', 'fill="green"', 'stroke="blue"', 'stroke="red"']) expect(svg).toContain(s);
    expect(escapeXml('"q"')).toBe('&quot;q&quot;');
  });

  it('renders the bands chart: a panel per measure, "not used" stretches named, the history thinned', () => {
    const ramp = (k: number) => Array.from({ length: 1440 }, (_, m) => 100 + k * (m % 60));
    const upper = ramp(20).map((u, m) => (m >= 1080 && m < 1320 ? 100_000 : u));
    const kwh = { lower: ramp(1), upper: ramp(30) };
    const band = (u: number[]) => ({ ref: [ramp(1)], upper: [u] });
    const high = { floor_15m: band(ramp(20)), floor_1h: band(ramp(20)), floor_3h: band(ramp(20)), step_20m: band(upper), step_45m: band(ramp(20)), step_90m: band(ramp(20)), activity_3h: band(ramp(20)) };
    const tables = { bands: { dayTypes: 1 as const, high, mean_24h: { ref: [ramp(2)], lower: [ramp(1)] }, kwh }, ...legacyTables(kwh) };
    const pts = Array.from({ length: 300_000 }, (_, i) => ({ x: (i % 1440) / 60, y: 150 }));
    const svg = renderBandsChart({ tables, points: { step_20m: pts, floor_1h: pts, floor_3h: pts, mean_24h: pts } });
    expect(svg.match(/class="panel"/g)).toHaveLength(4);
    for (const s of ['Power of the last 20 min above the hour before (a load that came on) (not used where the band fills the chart)', 'Lowest power over 1 h', 'Lowest power over 3 h', '24-h mean', 'time of day (h)', 'alerts (above the band)', 'usual level (median)']) expect(svg).toContain(s);
    // The 100 000 W "not used" upper does not stretch the axis: the top tick stays near the real bands.
    expect(svg).not.toMatch(/>100\u2009000</);
    // Thinned: a long history still makes a file a browser opens at once.
    expect(svg.length).toBeLessThan(600_000);
  });
});
