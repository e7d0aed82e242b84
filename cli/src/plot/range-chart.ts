import { scoreAgainst } from '@stream-smarts/contracts';
import type { HistoryRow } from '../train/history.js';
import { renderChart, type Layer, type PanelSpec } from './svg.js';
import { localParts } from './time-axis.js';

/**
 * The 2018 blog's first figure: the expected range of trailing-hour energy by hour of day as a
 * green band (red outside it), with the most recent days of readings drawn over it as one line a
 * day, so "is today normal?" is answered at a glance. `day` picks the two-argument envelope over
 * all days ('all'), one weekday's cells (1-7), or a small panel per weekday ('each').
 */
export interface RangeChartInput {
  hours: readonly { hour: number; lower: number; upper: number }[];
  cells: readonly { day: number; hour: number; lower: number; upper: number }[];
  day: 'all' | 'each' | number;
  /** Readings to draw (already cut to the last N days); may be empty. */
  rows: readonly HistoryRow[];
  timezone: string;
  title?: string;
  subtitle?: string;
}

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const GREEN = '#2e9d45';
const RED = '#d62728';
const HOUR_TICKS = [0, 3, 6, 9, 12, 15, 18, 21, 24];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface DayLine {
  key: string;
  label: string;
  weekday: number;
  pts: { x: number; y: number; hour: number }[];
}

/** Splits readings into local days (by the reading's own day/hour rule) with x = hour of day, 0–24. */
export function dayLines(rows: readonly HistoryRow[], timezone: string): DayLine[] {
  const byDay = new Map<string, DayLine>();
  for (const r of rows) {
    const p = localParts(r.endMs - 1, timezone);
    const end = localParts(r.endMs, timezone);
    // An interval ending at local midnight is the last of its day: x 24, not 0.
    const x = end.h === 0 && end.min === 0 && p.h === 23 ? 24 : end.h + end.min / 60;
    const key = `${p.y}-${p.m}-${p.d}`;
    let l = byDay.get(key);
    if (!l) {
      l = { key, label: `${DAY_NAMES[p.weekday - 1]!.slice(0, 3)} ${p.d} ${MONTHS[p.m - 1]}`, weekday: r.day, pts: [] };
      byDay.set(key, l);
    }
    l.pts.push({ x, y: r.kwh, hour: r.hour });
  }
  return [...byDay.values()];
}

function bandLayers(band: readonly { hour: number; lower: number; upper: number }[]): Layer[] {
  const sorted = [...band].sort((a, b) => a.hour - b.hour);
  return [
    { kind: 'above', points: sorted.map((b) => ({ x: b.hour, y: b.upper })), fill: RED, opacity: 0.1, step: true, stepEnd: 24, label: 'unexpected: score above 1 or below 0' },
    { kind: 'band', points: sorted.map((b) => ({ x: b.hour, lo: 0, hi: b.lower })), fill: RED, opacity: 0.1, step: true, stepEnd: 24 },
    { kind: 'band', points: sorted.map((b) => ({ x: b.hour, lo: b.lower, hi: b.upper })), fill: GREEN, opacity: 0.45, stroke: GREEN, step: true, stepEnd: 24, label: 'expected range (model envelope)' },
  ];
}

function readingLayers(lines: readonly DayLine[], band: (hour: number) => { lower: number; upper: number }, big: boolean, perWeekday: boolean): Layer[] {
  const layers: Layer[] = [];
  const n = lines.length;
  lines.forEach((l, i) => {
    const latest = i === n - 1;
    // Older days fade: the latest day is the one being judged.
    const shade = n <= 1 ? 1 : 0.35 + (0.45 * i) / (n - 1);
    layers.push({
      kind: 'line',
      points: l.pts,
      color: latest ? '#0b3d91' : `rgba(70,90,140,${shade.toFixed(2)})`,
      width: latest ? (big ? 2.4 : 1.8) : big ? 1.3 : 1,
      // A panel per weekday shares one legend: name the lines generically there.
      ...(perWeekday ? (latest ? { label: 'readings (a line per day; latest darkest)' } : {}) : latest ? { label: `latest day (${l.label})` } : i === 0 ? { label: `earlier days (${n - 1}, from ${l.label})` } : {}),
    });
  });
  const outside = lines.flatMap((l) => l.pts.filter((p) => {
    const b = band(p.hour);
    const s = scoreAgainst(p.y, b.lower, b.upper);
    return s > 1 || s < 0;
  }));
  // Earlier days, then the red out-of-range marks, then the latest day on top: the day being judged stays visible.
  // With a single day, its out-of-range marks go on top instead, or the line would hide them.
  const latest = n > 1 ? layers.pop() : undefined;
  if (outside.length > 0) layers.push({ kind: 'points', points: outside, color: RED, radius: big ? 2.2 : 1.6, opacity: 0.75, label: 'reading outside the range' });
  if (latest) layers.push(latest);
  return layers;
}

function panel(title: string | undefined, band: readonly { hour: number; lower: number; upper: number }[], lines: readonly DayLine[], yMax: number, big: boolean, perWeekday = false): PanelSpec {
  const byHour = new Map(band.map((b) => [b.hour, b]));
  return {
    ...(title ? { title } : {}),
    x: { label: 'hour of day (local time)', min: 0, max: 24, ticks: HOUR_TICKS },
    y: { label: 'power: trailing-hour energy (Wh/h)', min: 0, max: yMax },
    layers: [...bandLayers(band), ...readingLayers(lines, (h) => byHour.get(h) ?? { lower: 0, upper: Infinity }, big, perWeekday)],
  };
}

export function renderRangeChart(i: RangeChartInput): string {
  const lines = dayLines(i.rows, i.timezone);
  let top = 1;
  for (const h of i.hours) top = Math.max(top, h.upper);
  for (const l of lines) for (const p of l.pts) top = Math.max(top, p.y);
  const yMax = top * 1.08;
  const cellsOf = (d: number) => i.cells.filter((c) => c.day === d);
  const common = { width: 1200, fontSize: 15, title: i.title ?? 'Expected range of power by time of day', ...(i.subtitle ? { subtitle: i.subtitle } : {}) };
  if (i.day === 'each') {
    const panels = [1, 2, 3, 4, 5, 6, 7].map((d) => panel(DAY_NAMES[d - 1], cellsOf(d), lines.filter((l) => l.weekday === d), yMax, false, true));
    return renderChart({ ...common, height: 1000, panels, columns: 3 });
  }
  if (i.day === 'all') return renderChart({ ...common, height: 700, panels: [panel(undefined, i.hours, lines, yMax, true)] });
  const d = i.day;
  return renderChart({ ...common, height: 700, panels: [panel(`${DAY_NAMES[d - 1]}s: this weekday's own range`, cellsOf(d), lines.filter((l) => l.weekday === d), yMax, true)] });
}
