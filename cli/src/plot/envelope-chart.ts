import { renderChart, type Layer, type PanelSpec } from './svg.js';

/**
 * The 2018 blog's figure, for a trained model: the expected range of trailing-hour energy by hour
 * of day as a green band (red above it: more than ever seen), with the history's readings over it.
 * A large panel overlays all days with the two-argument (per-hour) envelope; seven small panels
 * show each day's own cells.
 */

export interface EnvelopeChartInput {
  title?: string;
  subtitle?: string;
  hours: readonly { hour: number; lower: number; upper: number }[];
  cells: readonly { day: number; hour: number; lower: number; upper: number }[];
  /** Readings: day 1–7, x = hour of day plus the reading's position within the hour (0–24). */
  points: readonly { day: number; x: number; y: number }[];
  /** Most points drawn per panel; the rest are thinned evenly so the file stays small. */
  maxPoints?: number;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const GREEN = '#2e9d45';
const RED = '#d62728';
const POINT = '#1f3b73';
const HOUR_TICKS = [0, 3, 6, 9, 12, 15, 18, 21, 24];

function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const step = xs.length / max;
  for (let i = 0; i < max; i++) out.push(xs[Math.floor(i * step)]!);
  return out;
}

function panel(title: string, band: readonly { hour: number; lower: number; upper: number }[], pts: readonly { x: number; y: number }[], yMax: number, radius: number): PanelSpec {
  const sorted = [...band].sort((a, b) => a.hour - b.hour);
  const layers: Layer[] = [
    // Red outside the range, as in the 2018 figure: above scores over 1, below scores under 0.
    { kind: 'above', points: sorted.map((b) => ({ x: b.hour, y: b.upper })), fill: RED, opacity: 0.12, step: true, stepEnd: 24, label: 'unexpected (outside the range)' },
    { kind: 'band', points: sorted.map((b) => ({ x: b.hour, lo: 0, hi: b.lower })), fill: RED, opacity: 0.12, step: true, stepEnd: 24, label: 'unexpected (outside the range)' },
    { kind: 'band', points: sorted.map((b) => ({ x: b.hour, lo: b.lower, hi: b.upper })), fill: GREEN, opacity: 0.45, stroke: GREEN, step: true, stepEnd: 24, label: 'expected range (model envelope)' },
    { kind: 'points', points: pts, color: POINT, radius, opacity: 0.35, label: 'history (trailing-hour energy)' },
  ];
  return {
    title,
    x: { label: 'hour of day', min: 0, max: 24, ticks: HOUR_TICKS },
    y: { label: 'Wh/h', min: 0, max: yMax },
    layers,
  };
}

export function renderEnvelopeChart(i: EnvelopeChartInput): string {
  const maxPoints = i.maxPoints ?? 4000;
  // A loop, not Math.max(...points): a long history would overflow the call stack.
  let top = 1;
  for (const h of i.hours) if (h.upper > top) top = h.upper;
  for (const p of i.points) if (p.y > top) top = p.y;
  const yMax = top * 1.08;
  const panels: PanelSpec[] = [panel('All days: expected range by hour (lowest lower, highest upper over the week)', i.hours, thin(i.points, maxPoints), yMax, 1.6)];
  for (let d = 1; d <= 7; d++) {
    const cells = i.cells.filter((c) => c.day === d);
    const pts = thin(
      i.points.filter((p) => p.day === d),
      Math.ceil(maxPoints / 5),
    );
    panels.push(panel(DAY_NAMES[d - 1]!, cells, pts, yMax, 1.1));
  }
  return renderChart({
    width: 1200,
    height: 980,
    title: i.title ?? 'Expected household power by hour of day',
    ...(i.subtitle ? { subtitle: i.subtitle } : {}),
    panels,
    hero: true,
    heroShare: 0.5,
    columns: 4,
  });
}
