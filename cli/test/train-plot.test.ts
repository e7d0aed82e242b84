import { describe, expect, it } from 'vitest';
import { renderEnvelopeChart } from '../src/plot/envelope-chart.js';
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

  it('renders the envelope chart with a band per hour, a panel per day and the history points', () => {
    const hours = Array.from({ length: 24 }, (_, h) => ({ hour: h, lower: 100, upper: 200 + h * 10 }));
    const cells = [1, 2, 3, 4, 5, 6, 7].flatMap((day) => hours.map((h) => ({ day, ...h })));
    const points = Array.from({ length: 300_000 }, (_, i) => ({ day: (i % 7) + 1, x: (i % 240) / 10, y: 150 }));
    const svg = renderEnvelopeChart({ hours, cells, points });
    expect(svg.match(/class="panel"/g)).toHaveLength(8);
    for (const s of ['Monday', 'Sunday', 'Wh/h', 'hour of day', 'expected range (model envelope)', 'unexpected (outside the range)']) expect(svg).toContain(s);
    // Thinned: a long history still makes a file a browser opens at once.
    expect(svg.length).toBeLessThan(400_000);
  });
});
