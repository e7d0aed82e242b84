import { formatTick, linearScale, niceTicks, type Scale } from './scale.js';

/**
 * A small, dependency-free SVG chart: panels with axes, ticks, labels and layers (bands, points,
 * lines), a title and a legend. General on purpose — `train` draws the envelope with it and the
 * `plot` command reuses it — so nothing here knows about power or hours.
 */

export interface Axis {
  label: string;
  min?: number;
  max?: number;
  /** Explicit ticks; otherwise nice ticks over the data (or min/max). */
  ticks?: number[];
  tickCount?: number;
  format?: (v: number) => string;
}

/** A filled range between lo and hi over x; `step` draws it as a staircase (value holds until the next x). */
export interface BandLayer {
  kind: 'band';
  points: readonly { x: number; lo: number; hi: number }[];
  fill: string;
  opacity?: number;
  stroke?: string;
  step?: boolean;
  /** x where the last step ends (step bands only). */
  stepEnd?: number;
  label?: string;
}

export interface PointsLayer {
  kind: 'points';
  points: readonly { x: number; y: number }[];
  color: string;
  radius?: number;
  opacity?: number;
  label?: string;
}

export interface LineLayer {
  kind: 'line';
  points: readonly { x: number; y: number }[];
  color: string;
  width?: number;
  dash?: string;
  step?: boolean;
  stepEnd?: number;
  label?: string;
}

/** Shades the plot area from a curve up to the top (e.g. "unexpected" above an envelope). */
export interface AboveLayer {
  kind: 'above';
  points: readonly { x: number; y: number }[];
  fill: string;
  opacity?: number;
  step?: boolean;
  stepEnd?: number;
  label?: string;
}

export type Layer = BandLayer | PointsLayer | LineLayer | AboveLayer;

export interface PanelSpec {
  title?: string;
  x: Axis;
  y: Axis;
  layers: Layer[];
}

export interface ChartSpec {
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  /** Panels laid out in a grid of `columns`; the first may span the full width (`hero`). */
  panels: PanelSpec[];
  columns?: number;
  hero?: boolean;
  /** Height share of the hero panel, 0–1. */
  heroShare?: number;
  legend?: boolean;
  background?: string;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function extent(layers: Layer[], axis: 'x' | 'y'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: number) => {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  };
  for (const l of layers) {
    if (l.kind === 'band') {
      for (const p of l.points) axis === 'x' ? see(p.x) : (see(p.lo), see(p.hi));
      if (axis === 'x' && l.stepEnd !== undefined) see(l.stepEnd);
    } else {
      for (const p of l.points) see(axis === 'x' ? p.x : p.y);
      if (axis === 'x' && 'stepEnd' in l && l.stepEnd !== undefined) see(l.stepEnd);
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

function resolveAxis(a: Axis, data: [number, number]): { ticks: number[]; domain: [number, number] } {
  if (a.ticks && a.ticks.length > 1) return { ticks: a.ticks, domain: [a.min ?? a.ticks[0]!, a.max ?? a.ticks[a.ticks.length - 1]!] };
  const nice = niceTicks(a.min ?? data[0], a.max ?? data[1], a.tickCount ?? 5);
  return { ticks: nice.ticks, domain: [a.min ?? nice.domain[0], a.max ?? nice.domain[1]] };
}

function stepPath<T>(pts: readonly T[], x: (p: T) => number, y: (p: T) => number, end: number | undefined): [number, number][] {
  const out: [number, number][] = [];
  pts.forEach((p, i) => {
    const next = i + 1 < pts.length ? x(pts[i + 1]!) : (end ?? x(p));
    out.push([x(p), y(p)], [next, y(p)]);
  });
  return out;
}

const poly = (pts: [number, number][]) => pts.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${r2(a)},${r2(b)}`).join('');

function renderLayer(l: Layer, sx: Scale, sy: Scale, top: number): string {
  switch (l.kind) {
    case 'band': {
      const upper = l.step ? stepPath(l.points, (p) => sx(p.x), (p) => sy(p.hi), l.stepEnd === undefined ? undefined : sx(l.stepEnd)) : l.points.map((p) => [sx(p.x), sy(p.hi)] as [number, number]);
      const lower = l.step ? stepPath(l.points, (p) => sx(p.x), (p) => sy(p.lo), l.stepEnd === undefined ? undefined : sx(l.stepEnd)) : l.points.map((p) => [sx(p.x), sy(p.lo)] as [number, number]);
      const d = `${poly([...upper, ...lower.reverse()])}Z`;
      return `<path d="${d}" fill="${l.fill}" fill-opacity="${l.opacity ?? 0.5}"${l.stroke ? ` stroke="${l.stroke}" stroke-width="1"` : ''}/>`;
    }
    case 'above': {
      const curve = l.step ? stepPath(l.points, (p) => sx(p.x), (p) => sy(p.y), l.stepEnd === undefined ? undefined : sx(l.stepEnd)) : l.points.map((p) => [sx(p.x), sy(p.y)] as [number, number]);
      if (curve.length === 0) return '';
      const d = `${poly(curve)}L${r2(curve[curve.length - 1]![0])},${r2(top)}L${r2(curve[0]![0])},${r2(top)}Z`;
      return `<path d="${d}" fill="${l.fill}" fill-opacity="${l.opacity ?? 0.15}"/>`;
    }
    case 'line': {
      const pts = l.step ? stepPath(l.points, (p) => sx(p.x), (p) => sy(p.y), l.stepEnd === undefined ? undefined : sx(l.stepEnd)) : l.points.map((p) => [sx(p.x), sy(p.y)] as [number, number]);
      return `<path d="${poly(pts)}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`;
    }
    case 'points': {
      const r = l.radius ?? 1.5;
      // A zero-length segment with round caps is a dot: one short path keeps thousands of points small.
      const r1 = (v: number) => Math.round(v * 10) / 10;
      const d = l.points
        .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
        .map((p) => `M${r1(sx(p.x))} ${r1(sy(p.y))}h0`)
        .join('');
      return `<path d="${d}" fill="none" stroke="${l.color}" stroke-opacity="${l.opacity ?? 0.6}" stroke-width="${2 * r}" stroke-linecap="round"/>`;
    }
  }
}

/** One panel inside the box (x, y, w, h), axes and labels included. */
export function renderPanel(p: PanelSpec, x: number, y: number, w: number, h: number, fontSize = 12): string {
  const margin = { left: fontSize * 5, right: fontSize, top: p.title ? fontSize * 2 : fontSize * 0.75, bottom: fontSize * 3.4 };
  const px0 = x + margin.left;
  const px1 = x + w - margin.right;
  const py0 = y + margin.top;
  const py1 = y + h - margin.bottom;
  const xa = resolveAxis(p.x, extent(p.layers, 'x'));
  const ya = resolveAxis(p.y, extent(p.layers, 'y'));
  const sx = linearScale(xa.domain, [px0, px1]);
  const sy = linearScale(ya.domain, [py1, py0]);
  const fx = p.x.format ?? formatTick;
  const fy = p.y.format ?? formatTick;
  const out: string[] = [];
  out.push(`<g class="panel">`);
  if (p.title) out.push(`<text x="${r2(px0)}" y="${r2(y + fontSize * 1.3)}" font-size="${fontSize * 1.1}" font-weight="bold">${escapeXml(p.title)}</text>`);
  out.push(`<rect x="${r2(px0)}" y="${r2(py0)}" width="${r2(px1 - px0)}" height="${r2(py1 - py0)}" fill="#ffffff" stroke="none"/>`);
  // Grid first, data over it, axes last.
  for (const t of ya.ticks) out.push(`<line x1="${r2(px0)}" x2="${r2(px1)}" y1="${r2(sy(t))}" y2="${r2(sy(t))}" stroke="#e3e3e3" stroke-width="1"/>`);
  for (const t of xa.ticks) out.push(`<line x1="${r2(sx(t))}" x2="${r2(sx(t))}" y1="${r2(py0)}" y2="${r2(py1)}" stroke="#f0f0f0" stroke-width="1"/>`);
  out.push(`<clipPath id="clip-${Math.round(x)}-${Math.round(y)}"><rect x="${r2(px0)}" y="${r2(py0)}" width="${r2(px1 - px0)}" height="${r2(py1 - py0)}"/></clipPath>`);
  out.push(`<g clip-path="url(#clip-${Math.round(x)}-${Math.round(y)})">`);
  for (const l of p.layers) out.push(renderLayer(l, sx, sy, py0));
  out.push(`</g>`);
  out.push(`<line x1="${r2(px0)}" x2="${r2(px1)}" y1="${r2(py1)}" y2="${r2(py1)}" stroke="#333"/>`);
  out.push(`<line x1="${r2(px0)}" x2="${r2(px0)}" y1="${r2(py0)}" y2="${r2(py1)}" stroke="#333"/>`);
  for (const t of xa.ticks) {
    out.push(`<line x1="${r2(sx(t))}" x2="${r2(sx(t))}" y1="${r2(py1)}" y2="${r2(py1 + 4)}" stroke="#333"/>`);
    out.push(`<text x="${r2(sx(t))}" y="${r2(py1 + fontSize * 1.3)}" font-size="${fontSize * 0.9}" text-anchor="middle">${escapeXml(fx(t))}</text>`);
  }
  for (const t of ya.ticks) {
    out.push(`<line x1="${r2(px0 - 4)}" x2="${r2(px0)}" y1="${r2(sy(t))}" y2="${r2(sy(t))}" stroke="#333"/>`);
    out.push(`<text x="${r2(px0 - 6)}" y="${r2(sy(t) + fontSize * 0.32)}" font-size="${fontSize * 0.9}" text-anchor="end">${escapeXml(fy(t))}</text>`);
  }
  out.push(`<text x="${r2((px0 + px1) / 2)}" y="${r2(py1 + fontSize * 2.7)}" font-size="${fontSize}" text-anchor="middle">${escapeXml(p.x.label)}</text>`);
  const ly = (py0 + py1) / 2;
  const lx = x + fontSize * 1.1;
  out.push(`<text x="${r2(lx)}" y="${r2(ly)}" font-size="${fontSize}" text-anchor="middle" transform="rotate(-90 ${r2(lx)} ${r2(ly)})">${escapeXml(p.y.label)}</text>`);
  out.push(`</g>`);
  return out.join('\n');
}

function legendItems(panels: PanelSpec[]): Layer[] {
  const seen = new Set<string>();
  const items: Layer[] = [];
  for (const p of panels) for (const l of p.layers) if (l.label && !seen.has(l.label)) (seen.add(l.label), items.push(l));
  return items;
}

function renderLegend(items: Layer[], x: number, y: number, fontSize: number): string {
  const out: string[] = [];
  let cx = x;
  for (const l of items) {
    const sw = fontSize * 1.4;
    const mid = y - fontSize * 0.35;
    if (l.kind === 'band') out.push(`<rect x="${r2(cx)}" y="${r2(mid - fontSize * 0.45)}" width="${sw}" height="${r2(fontSize * 0.9)}" fill="${l.fill}" fill-opacity="${l.opacity ?? 0.5}"${l.stroke ? ` stroke="${l.stroke}"` : ''}/>`);
    else if (l.kind === 'above') out.push(`<rect x="${r2(cx)}" y="${r2(mid - fontSize * 0.45)}" width="${sw}" height="${r2(fontSize * 0.9)}" fill="${l.fill}" fill-opacity="${Math.min(1, (l.opacity ?? 0.15) * 2)}"/>`);
    else if (l.kind === 'line') out.push(`<line x1="${r2(cx)}" x2="${r2(cx + sw)}" y1="${r2(mid)}" y2="${r2(mid)}" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`);
    else out.push(`<circle cx="${r2(cx + sw / 2)}" cy="${r2(mid)}" r="${Math.max(2.5, l.radius ?? 1.5)}" fill="${l.color}" fill-opacity="${Math.max(0.8, l.opacity ?? 0.6)}"/>`);
    out.push(`<text x="${r2(cx + sw + 5)}" y="${r2(y)}" font-size="${fontSize}">${escapeXml(l.label ?? '')}</text>`);
    cx += sw + 12 + (l.label ?? '').length * fontSize * 0.56;
  }
  return out.join('\n');
}

/** A whole SVG document. */
export function renderChart(c: ChartSpec): string {
  const fs = 12;
  const headerH = fs * (c.subtitle ? 5.2 : 3.8);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${c.width}" height="${c.height}" viewBox="0 0 ${c.width} ${c.height}" font-family="Helvetica, Arial, sans-serif" fill="#222">`);
  out.push(`<rect width="100%" height="100%" fill="${c.background ?? '#fafafa'}"/>`);
  out.push(`<text x="${fs}" y="${fs * 1.8}" font-size="${fs * 1.5}" font-weight="bold">${escapeXml(c.title)}</text>`);
  if (c.subtitle) out.push(`<text x="${fs}" y="${fs * 3.3}" font-size="${fs}" fill="#555">${escapeXml(c.subtitle)}</text>`);
  if (c.legend !== false) out.push(renderLegend(legendItems(c.panels), fs, headerH - fs * 0.6, fs));
  const cols = Math.max(1, c.columns ?? 1);
  const area = { x: 0, y: headerH, w: c.width, h: c.height - headerH };
  let rest = c.panels;
  if (c.hero && c.panels.length > 0) {
    const heroH = c.panels.length > 1 ? area.h * (c.heroShare ?? 0.5) : area.h;
    out.push(renderPanel(c.panels[0]!, area.x, area.y, area.w, heroH, fs));
    area.y += heroH;
    area.h -= heroH;
    rest = c.panels.slice(1);
  }
  if (rest.length > 0) {
    const rows = Math.ceil(rest.length / cols);
    const w = area.w / cols;
    const h = area.h / rows;
    rest.forEach((p, i) => out.push(renderPanel(p, area.x + (i % cols) * w, area.y + Math.floor(i / cols) * h, w, h, fs * 0.85)));
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
