import { isNotUsed, type JarTables } from '@stream-smarts/contracts';
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
  points: Partial<Record<'floor_15m' | 'floor_1h' | 'floor_3h' | 'mean_24h', { x: number; y: number }[]>>;
  maxPoints?: number;
}

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
  let top = 1;
  for (const f of ['floor_15m', 'floor_1h', 'floor_3h'] as const) for (const u of b[f].upper) if (!isNotUsed(u) && u > top) top = u;
  const yMax = top * 1.15;
  let top24 = 1;
  for (const r of b.mean_24h.ref) top24 = Math.max(top24, r);
  for (const p of i.points.mean_24h ?? []) top24 = Math.max(top24, p.y);
  const low: PanelSpec = {
    title: '24-h mean: alerts below the red edge (away, something off)',
    x: { label: 'time of day (h)', min: 0, max: 24, ticks: HOUR_TICKS },
    y: { label: 'Wh/h', min: 0, max: top24 * 1.15 },
    layers: [
      { kind: 'band', points: steps(b.mean_24h.lower, Infinity).map((p) => ({ x: p.x, lo: 0, hi: p.y })), fill: RED, opacity: 0.14, step: true, stepEnd: 24, label: 'alerts (below the band)' },
      { kind: 'line', points: steps(b.mean_24h.ref, Infinity), color: GREY, width: 1.2, step: true, stepEnd: 24, label: 'usual level (median)' },
      { kind: 'points', points: thin(i.points.mean_24h ?? [], max), color: POINT, radius: 1, opacity: 0.3, label: 'history' },
    ],
  };
  return renderChart({
    width: 1200,
    height: 820,
    title: i.title ?? 'What this house does at each time of day, and where the model alerts',
    ...(i.subtitle ? { subtitle: i.subtitle } : {}),
    panels: [
      floorPanel('Lowest power over 15 min', b.floor_15m.ref, b.floor_15m.upper, thin(i.points.floor_15m ?? [], max), yMax),
      floorPanel('Lowest power over 1 h', b.floor_1h.ref, b.floor_1h.upper, thin(i.points.floor_1h ?? [], max), yMax),
      floorPanel('Lowest power over 3 h', b.floor_3h.ref, b.floor_3h.upper, thin(i.points.floor_3h ?? [], max), yMax),
      low,
    ],
    columns: 2,
  });
}
