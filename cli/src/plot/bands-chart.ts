import { isNotUsed, type HighMeasure, type JarTables } from '@stream-smarts/contracts';
import { renderChart, type Layer, type PanelSpec } from './svg.js';

/**
 * A trained model at a glance (contracts/MODEL-FORMAT.md): for each measure, its usual level and
 * the band it alerts beyond, by time of day, with the history's values over it. Above the red edge
 * a load has stayed on longer or higher than the house ever does then; below the 24-h mean's edge
 * the house used far less than usual.
 */
export interface BandsChartInput {
  title?: string;
  subtitle?: string;
  tables: JarTables;
  /** History values per measure: x = minute of day / 60, y = Wh/h. */
  points: Partial<Record<ChartMeasure | 'mean_24h', { x: number; y: number }[]>>;
  maxPoints?: number;
}

/** The high measures drawn, with their panel titles: the early one, and the floors of an hour and of three. */
export const CHART_MEASURES = [
  ['step_20m', 'Power of the last 20 min above the hour before (a load that came on)'],
  ['floor_1h', 'Lowest power over 1 h'],
  ['floor_3h', 'Lowest power over 3 h'],
] as const satisfies readonly (readonly [HighMeasure, string])[];
export type ChartMeasure = (typeof CHART_MEASURES)[number][0];

const GREEN = '#2e9d45';
const RED = '#d62728';
const POINT = '#1f3b73';
const GREY = '#7f7f7f';
const HOUR_TICKS = [0, 3, 6, 9, 12, 15, 18, 21, 24];

function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const step = xs.length / max;
  for (let i = 0; i < max; i++) out.push(xs[Math.floor(i * step)]!);
  return out;
}

/** Per-minute values as steps every 10 minutes (the slots the model was fitted to). */
const steps = (xs: readonly number[], cap: number) => Array.from({ length: 144 }, (_, s) => ({ x: s / 6, y: Math.min(xs[s * 10 + 5]!, cap) }));

function floorPanel(title: string, ref: readonly number[], upper: readonly number[], pts: { x: number; y: number }[], yMax: number): PanelSpec {
  const up = steps(upper, yMax);
  const layers: Layer[] = [
    { kind: 'above', points: up, fill: RED, opacity: 0.14, step: true, stepEnd: 24, label: 'alerts (above the band)' },
    { kind: 'band', points: up.map((p) => ({ x: p.x, lo: 0, hi: p.y })), fill: GREEN, opacity: 0.25, stroke: GREEN, step: true, stepEnd: 24, label: 'normal for this house' },
    { kind: 'line', points: steps(ref, yMax), color: GREY, width: 1.2, step: true, stepEnd: 24, label: 'usual level (median)' },
    { kind: 'points', points: pts, color: POINT, radius: 1, opacity: 0.3, label: 'history' },
  ];
  const notUsed = upper.filter(isNotUsed).length;
  return { title: notUsed > 0 ? `${title} (not used where the band fills the chart)` : title, x: { label: 'time of day (h)', min: 0, max: 24, ticks: HOUR_TICKS }, y: { label: 'Wh/h', min: 0, max: yMax }, layers };
}

export function renderBandsChart(i: BandsChartInput): string {
  const max = i.maxPoints ?? 3000;
  const b = i.tables.bands;
  // Weekdays' bands (the only ones of a model with one day type).
  let top = 1;
  for (const [f] of CHART_MEASURES) for (const u of b.high[f].upper[0]!) if (!isNotUsed(u) && u > top) top = u;
  const yMax = top * 1.15;
  let top24 = 1;
  for (const r of b.mean_24h.ref[0]!) top24 = Math.max(top24, r);
  for (const p of i.points.mean_24h ?? []) top24 = Math.max(top24, p.y);
  const low: PanelSpec = {
    title: '24-h mean: alerts below the red edge (away, something off)',
    x: { label: 'time of day (h)', min: 0, max: 24, ticks: HOUR_TICKS },
    y: { label: 'Wh/h', min: 0, max: top24 * 1.15 },
    layers: [
      { kind: 'band', points: steps(b.mean_24h.lower[0]!, Infinity).map((p) => ({ x: p.x, lo: 0, hi: p.y })), fill: RED, opacity: 0.14, step: true, stepEnd: 24, label: 'alerts (below the band)' },
      { kind: 'line', points: steps(b.mean_24h.ref[0]!, Infinity), color: GREY, width: 1.2, step: true, stepEnd: 24, label: 'usual level (median)' },
      { kind: 'points', points: thin(i.points.mean_24h ?? [], max), color: POINT, radius: 1, opacity: 0.3, label: 'history' },
    ],
  };
  return renderChart({
    width: 1200,
    height: 820,
    title: i.title ?? `What this house does at each time of day, and where the model alerts${b.dayTypes === 2 ? ' (weekdays)' : ''}`,
    ...(i.subtitle ? { subtitle: i.subtitle } : {}),
    panels: [
      ...CHART_MEASURES.map(([f, title]) => floorPanel(title, b.high[f].ref[0]!, b.high[f].upper[0]!, thin(i.points[f] ?? [], max), yMax)),
      low,
    ],
    columns: 2,
  });
}
