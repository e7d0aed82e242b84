import { minuteOfReading, NOT_USED_W } from '@stream-smarts/contracts';
import { plotted, type Model, type PlotAlert, type TimelinePoint, type TruthSpan } from './inputs.js';
import { renderChart, type Layer } from './svg.js';
import { timeTicks } from './time-axis.js';

/**
 * A history or a run on a time axis: the readings' 1-h floor (the lowest power of the last hour:
 * what a load left on lifts), the model's band for it at each time of day, the readings the model
 * finds anomalous (on any of its horizons), the alerts a run sent (fire, repeat, resolve) and, when
 * known, the ground truth of simulated anomalies.
 */
export interface TimelineChartInput {
  model: Model;
  timezone: string;
  from: number;
  to: number;
  /** The readings to draw, as the timeline reducer keeps them (each with the model's verdict). */
  rows: readonly TimelinePoint[];
  alerts: readonly PlotAlert[];
  truth: readonly TruthSpan[];
  title?: string;
  subtitle?: string;
}

const STEP = 5 * 60_000;

/**
 * The 1-h floor's band over time (usual level to upper edge): one step per 5 minutes, merged when
 * equal. Over a span of more than `maxSteps` such steps (10 days at the default) each step covers
 * a whole number of 5-minute steps and draws their envelope (the lowest usual level, the highest
 * edge): a chart 1400 px wide cannot show more, and a band per 5 minutes over years was most of
 * the SVG and of plot's memory.
 */
export function bandOverTime(from: number, to: number, timezone: string, model: Model, maxSteps = 2800): { x: number; lo: number; hi: number }[] {
  const out: { x: number; lo: number; hi: number }[] = [];
  const start = Math.floor(from / STEP) * STEP;
  const per = Math.max(1, Math.ceil((to - start) / STEP / maxSteps));
  for (let t = start; t < to; t += STEP * per) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < per && t + k * STEP < to; k++) {
      const b = model.at(minuteOfReading(t + (k + 1) * STEP, timezone)).floor_1h;
      lo = Math.min(lo, b.ref);
      hi = Math.max(hi, Math.min(b.upper, NOT_USED_W));
    }
    const prev = out[out.length - 1];
    if (!prev || prev.lo !== lo || prev.hi !== hi) out.push({ x: Math.max(t, from), lo, hi });
  }
  return out;
}

/** Keeps each bucket's first, lowest and highest point: a long minute-by-minute line stays light and keeps its spikes. */
export function decimate(pts: readonly { x: number; y: number }[], buckets: number): { x: number; y: number }[] {
  if (pts.length <= buckets * 3) return [...pts];
  const x0 = pts[0]!.x;
  const w = (pts[pts.length - 1]!.x - x0) / buckets || 1;
  const out: { x: number; y: number }[] = [];
  let i = 0;
  while (i < pts.length) {
    const b = Math.floor((pts[i]!.x - x0) / w);
    let lo = pts[i]!;
    let hi = pts[i]!;
    const first = pts[i]!;
    let last = first;
    for (; i < pts.length && Math.floor((pts[i]!.x - x0) / w) === b; i++) {
      const p = pts[i]!;
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
      last = p;
    }
    for (const p of [first, lo, hi, last].sort((a, c) => a.x - c.x)) if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}

/** Alerts by type and kind: fired and repeated alerts take the colour of their kind, as the readings do. */
function alertStyle(type: PlotAlert['type'], kind: PlotAlert['kind']): { color: string; shape: 'triangle-down' | 'triangle-up' | 'circle'; label: string; rule: boolean } {
  const color = kind === 'low' ? '#2471a3' : '#c0392b';
  switch (type) {
    case 'fire':
      return { color, shape: 'triangle-down', label: `alert fired: ${kind === 'low' ? 'unusually low' : 'unusually high'}`, rule: true };
    case 'repeat':
      return { color: kind === 'low' ? '#7fb3d5' : '#f0932b', shape: 'triangle-down', label: `alert repeated (${kind})`, rule: false };
    case 'resolve':
      return { color: '#1e8449', shape: 'triangle-up', label: 'alert resolved: back to normal', rule: false };
    case 'test':
      return { color: '#7f8c8d', shape: 'circle', label: 'test alert', rule: false };
  }
}

export function renderTimelineChart(i: TimelineChartInput): string {
  const rows = i.rows.filter((r) => r.endMs >= i.from && r.endMs <= i.to);
  const alerts = i.alerts.filter((a) => a.at >= i.from && a.at <= i.to);
  const truth = i.truth.filter((s) => s.end > i.from && s.start < i.to);
  const layers: Layer[] = [];
  if (truth.length > 0) {
    layers.push({
      kind: 'spans',
      spans: truth.map((s) => ({ x0: Math.max(s.start, i.from), x1: Math.min(s.end, i.to), caption: s.scenario })),
      fill: '#8e44ad',
      opacity: 0.13,
      label: 'simulated anomaly (ground truth)',
    });
  }
  const band = bandOverTime(i.from, i.to, i.timezone, i.model);
  layers.push({ kind: 'band', points: band, fill: '#2e9d45', opacity: 0.4, stroke: '#2e9d45', step: true, stepEnd: i.to, label: '1-h floor: usual level to the upper edge (model)' });
  const pts = rows.filter((r) => Number.isFinite(plotted(r))).map((r) => ({ x: r.endMs, y: plotted(r) }));
  if (pts.length > 0) layers.push({ kind: 'line', points: decimate(pts, 1400), color: '#1f3b73', width: 1.2, label: 'reading: lowest power of the last hour' });
  const high: { x: number; y: number }[] = [];
  const low: { x: number; y: number }[] = [];
  for (const r of rows) {
    const v = r.verdict;
    const y = Number.isFinite(plotted(r)) ? plotted(r) : r.kwh;
    if (v > 0) high.push({ x: r.endMs, y });
    else if (v < 0) low.push({ x: r.endMs, y });
  }
  // Events carried by the alerts, for a run plotted without its history.
  if (pts.length === 0) {
    for (const a of alerts) if (a.kwh !== undefined && a.type !== 'resolve') (a.kind === 'low' ? low : high).push({ x: a.eventTs ?? a.at, y: a.kwh });
  }
  const thin = (xs: { x: number; y: number }[]) => (xs.length > 3000 ? xs.filter((_, k) => k % Math.ceil(xs.length / 3000) === 0) : xs);
  // Without readings the points are the alerts' own anomalies: fewer, so larger.
  const what = pts.length === 0 ? 'alerted reading' : 'reading';
  const radius = pts.length === 0 ? 3.5 : 2.2;
  if (high.length > 0) layers.push({ kind: 'points', points: thin(high), color: '#d62728', radius, opacity: 0.85, label: `${what} the model finds high (score > 1)` });
  if (low.length > 0) layers.push({ kind: 'points', points: thin(low), color: '#2471a3', radius, opacity: 0.85, label: `${what} the model finds low (score < 0)` });
  const groups = new Map<string, PlotAlert[]>();
  for (const a of alerts) {
    const key = a.type === 'resolve' || a.type === 'test' ? a.type : `${a.type}-${a.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const order = ['fire-high', 'fire-low', 'repeat-high', 'repeat-low', 'resolve', 'test'];
  for (const key of order) {
    const of = groups.get(key);
    if (!of) continue;
    const st = alertStyle(of[0]!.type, of[0]!.kind);
    layers.push({
      kind: 'markers',
      markers: of.map((a) => ({ x: a.at, title: `${a.type} ${a.kind} at ${new Date(a.at).toISOString()}${a.kwh !== undefined ? `: ${Math.round(a.kwh)} Wh/h` : ''}${a.fn !== undefined ? `, score ${a.fn.toFixed(2)}` : ''}` })),
      color: st.color,
      shape: st.shape,
      rule: st.rule,
      label: `${st.label} (${of.length})`,
    });
  }
  const ticks = timeTicks(i.from, i.to, i.timezone, 10);
  let top = 1;
  for (const b of band) top = Math.max(top, b.hi);
  for (const p of pts) top = Math.max(top, p.y);
  for (const p of high) top = Math.max(top, p.y);
  return renderChart({
    width: 1400,
    height: 640,
    fontSize: 15,
    title: i.title ?? 'Power over time against the expected range',
    ...(i.subtitle ? { subtitle: i.subtitle } : {}),
    panels: [
      {
        x: { label: `${ticks.unit} (${i.timezone})`, min: i.from, max: i.to, ticks: ticks.ticks.length > 1 ? ticks.ticks : [i.from, i.to], format: ticks.format },
        y: { label: 'lowest power of the last hour (W)', min: 0, max: top * 1.12 },
        layers,
      },
    ],
  });
}
