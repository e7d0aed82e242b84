import { floorScore as scoreAgainst } from '@stream-smarts/contracts';
import { niceTicks } from './scale.js';
import { scoreColor, scoreGradient, SCORE_MAX, SCORE_MIN } from './colors.js';
import { renderChart, type Layer } from './svg.js';

/**
 * The 2018 blog's second figure, for the 1-h floor: the score over time of day × power as a heat
 * map, with the contours that matter drawn on it — score 0 (the usual level) and 1.0 (the upper
 * edge: above it an hour-long load is more than this house ever runs then) — and a worked example,
 * a 2 kW heater left on at 4 am.
 */
export interface ScoreChartInput {
  /** The band per stretch of the day (hours, fractional): lower = the usual level, upper = the alert edge. */
  band: readonly { hour: number; until?: number; lower: number; upper: number }[];
  title?: string;
  subtitle?: string;
  /** Top of the power axis (Wh/h); default 1.25× the highest upper edge or the example, rounded up to a tick. */
  yMax?: number;
  example?: { hour: number; kwh: number };
}

const fmtScore = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));

export function renderScoreChart(i: ScoreChartInput): string {
  const band = [...i.band].sort((a, b) => a.hour - b.hour);
  const ex = i.example ?? { hour: 4, kwh: 2250 };
  // The axis reaches the worked example too: on a quiet house every edge sits under 1 kW, and a
  // chart that leaves the 2 kW heater off says nothing about it.
  let top = ex.kwh / 1.25 + 1;
  for (const b of band) top = Math.max(top, b.upper);
  const { domain } = niceTicks(0, i.yMax ?? top * 1.25, 6);
  const yMax = domain[1];
  // One cell per hour: the score is linear in power within an hour, so a gradient through the
  // colour stops it crosses is the exact heat map (no power bins, no banding).
  const cells = band.map((b) => {
    const s0 = scoreAgainst(0, b.lower, b.upper);
    const s1 = scoreAgainst(yMax, b.lower, b.upper);
    return { x0: b.hour, x1: b.until ?? b.hour + 1, y0: 0, y1: yMax, fill: scoreColor((s0 + s1) / 2), stops: scoreGradient(s0, s1) };
  });
  // Where the score equals v in each hour: kwh = lower + v × max(upper − lower, 1).
  const contour = (v: number) => band.map((b) => ({ x: b.hour, y: b.lower + v * Math.max(b.upper - b.lower, 1) }));
  const layers: Layer[] = [
    { kind: 'cells', cells, label: 'score (colour scale at right)', swatch: scoreColor(3) },
    { kind: 'line', points: contour(1), color: '#111', width: 2.6, step: true, stepEnd: 24, label: 'score 1.0: the alert edge (above is unusual)' },
    { kind: 'line', points: contour(0), color: '#111', width: 1.8, dash: '7 4', step: true, stepEnd: 24, label: 'score 0: the usual level' },
    { kind: 'line', points: contour(3), color: '#7a0019', width: 1.2, dash: '2 3', step: true, stepEnd: 24, label: 'score 3' },
  ];
  const b = band.find((x) => x.hour <= ex.hour + 0.5 && ex.hour + 0.5 < (x.until ?? x.hour + 1));
  if (b && ex.kwh < yMax) {
    const s = scoreAgainst(ex.kwh, b.lower, b.upper);
    const x = ex.hour + 0.5;
    layers.push({ kind: 'markers', markers: [{ x, y: ex.kwh, title: `${ex.kwh} W at ${ex.hour}:00 scores ${fmtScore(s)}` }], color: '#fff', stroke: '#222', shape: 'diamond', size: 8, label: `example: ${ex.kwh} W at ${String(ex.hour).padStart(2, '0')}:00 scores ${fmtScore(s)}` });
    layers.push({ kind: 'text', items: [{ x: x + 0.5, y: ex.kwh + yMax * 0.012, text: `${ex.kwh} W at ${String(ex.hour).padStart(2, '0')}:00 → score ${fmtScore(s)}` }], color: '#fff', size: 15, halo: '#000' });
  }
  return renderChart({
    width: 1200,
    height: 720,
    fontSize: 15,
    title: i.title ?? 'Anomaly score of the 1-h floor by time of day and power',
    subtitle: i.subtitle ?? 'score = (floor − usual) / max(edge − usual, 1): above 1.0 a load has stayed on longer or higher than this house ever does then',
    panels: [
      {
        x: { label: 'hour of day (local time)', min: 0, max: 24, ticks: [0, 3, 6, 9, 12, 15, 18, 21, 24] },
        y: { label: 'lowest power of the last hour (W)', min: 0, max: yMax },
        layers,
      },
    ],
    colorBar: { label: 'anomaly score', min: SCORE_MIN, max: SCORE_MAX, color: scoreColor, gradient: scoreGradient(SCORE_MIN, SCORE_MAX), ticks: [-1, 0, 1, 2, 3, 4, 5, 6], format: (v) => (v === SCORE_MAX ? '≥ 6' : v === SCORE_MIN ? '≤ −1' : String(v)) },
  });
}
