import { formatTick, linearScale, niceTicks, type Scale } from './scale.js';

/**
 * A small, dependency-free SVG chart: panels with axes, ticks, labels and layers (bands, points,
 * lines), a title and a legend. General on purpose — `train` draws the envelope with it and the
 * `plot` command reuses it — so nothing here knows about power or hours.
 */

interface Axis {
  label: string;
  min?: number;
  max?: number;
  /** Explicit ticks; otherwise nice ticks over the data (or min/max). */
  ticks?: number[];
  tickCount?: number;
  format?: (v: number) => string;
}

/** A filled range between lo and hi over x; `step` draws it as a staircase (value holds until the next x). */
interface BandLayer {
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

interface PointsLayer {
  kind: 'points';
  points: readonly { x: number; y: number }[];
  color: string;
  radius?: number;
  opacity?: number;
  label?: string;
}

interface LineLayer {
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
interface AboveLayer {
  kind: 'above';
  points: readonly { x: number; y: number }[];
  fill: string;
  opacity?: number;
  step?: boolean;
  stepEnd?: number;
  label?: string;
}

/** Filled rectangles in data space, each its own colour: heat-map cells. */
interface CellsLayer {
  kind: 'cells';
  /** `stops` (0–1 from y0 to y1) fill the cell with a vertical gradient instead of `fill`. */
  cells: readonly { x0: number; x1: number; y0: number; y1: number; fill: string; stops?: readonly { at: number; color: string }[] }[];
  label?: string;
  /** Legend swatch colour (cells have many). */
  swatch?: string;
}

/** Full-height shaded spans over x (e.g. periods of ground truth), optionally captioned at the top. */
interface SpansLayer {
  kind: 'spans';
  spans: readonly { x0: number; x1: number; caption?: string }[];
  fill: string;
  opacity?: number;
  label?: string;
}

/** Event markers: a thin vertical line at x and a symbol at y (or at the top of the plot). */
interface MarkersLayer {
  kind: 'markers';
  markers: readonly { x: number; y?: number; title?: string }[];
  color: string;
  shape: 'triangle-down' | 'triangle-up' | 'circle' | 'diamond';
  size?: number;
  /** Outline colour (default white, to lift markers off busy data). */
  stroke?: string;
  /** Draw a thin vertical rule through each marker. */
  rule?: boolean;
  label?: string;
}

/** Text at data coordinates (e.g. a contour's value). */
interface TextLayer {
  kind: 'text';
  items: readonly { x: number; y: number; text: string }[];
  color: string;
  anchor?: 'start' | 'middle' | 'end';
  size?: number;
  /** Outline behind the letters, for text over busy colour. */
  halo?: string;
  label?: undefined;
}

export type Layer = BandLayer | PointsLayer | LineLayer | AboveLayer | CellsLayer | SpansLayer | MarkersLayer | TextLayer;

/** A vertical colour scale beside the plots (heat maps). */
interface ColorBar {
  label: string;
  min: number;
  max: number;
  color: (v: number) => string;
  ticks: number[];
  format?: (v: number) => string;
  /** A smooth bar: gradient stops from min (0) to max (1); otherwise 60 steps of `color`. */
  gradient?: readonly { at: number; color: string }[];
}

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
  /** Base font size in px (default 12); titles and labels scale from it. */
  fontSize?: number;
  colorBar?: ColorBar;
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
    if (l.kind === 'cells') {
      for (const c of l.cells) axis === 'x' ? (see(c.x0), see(c.x1)) : (see(c.y0), see(c.y1));
    } else if (l.kind === 'spans') {
      if (axis === 'x') for (const sp of l.spans) (see(sp.x0), see(sp.x1));
    } else if (l.kind === 'markers') {
      for (const m of l.markers) axis === 'x' ? see(m.x) : m.y !== undefined && see(m.y);
    } else if (l.kind === 'text') {
      for (const t of l.items) see(axis === 'x' ? t.x : t.y);
    } else if (l.kind === 'band') {
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
  const domain: [number, number] = [a.min ?? nice.domain[0], a.max ?? nice.domain[1]];
  // A fixed min/max can cut the nice range short: a tick past it would float outside the plot.
  const eps = (domain[1] - domain[0]) * 1e-9;
  return { ticks: nice.ticks.filter((t) => t >= domain[0] - eps && t <= domain[1] + eps), domain };
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

function marker(shape: MarkersLayer['shape'], cx: number, cy: number, r: number, color: string, stroke = '#fff'): string {
  switch (shape) {
    case 'circle':
      return `<circle cx="${r2(cx)}" cy="${r2(cy)}" r="${r2(r)}" fill="${color}" stroke="${stroke}" stroke-width="1"/>`;
    case 'diamond':
      return `<path d="M${r2(cx)},${r2(cy - r)}L${r2(cx + r)},${r2(cy)}L${r2(cx)},${r2(cy + r)}L${r2(cx - r)},${r2(cy)}Z" fill="${color}" stroke="${stroke}" stroke-width="1"/>`;
    case 'triangle-down':
      return `<path d="M${r2(cx - r)},${r2(cy - r * 0.8)}L${r2(cx + r)},${r2(cy - r * 0.8)}L${r2(cx)},${r2(cy + r * 0.9)}Z" fill="${color}" stroke="${stroke}" stroke-width="1"/>`;
    case 'triangle-up':
      return `<path d="M${r2(cx - r)},${r2(cy + r * 0.8)}L${r2(cx + r)},${r2(cy + r * 0.8)}L${r2(cx)},${r2(cy - r * 0.9)}Z" fill="${color}" stroke="${stroke}" stroke-width="1"/>`;
  }
}

/** Gradient ids, unique within one document (reset per chart so output is reproducible). */
let gradientCount = 0;

function renderLayer(l: Layer, sx: Scale, sy: Scale, top: number, bottom: number, fontSize: number): string {
  switch (l.kind) {
    case 'cells':
      return `<g class="cells">${l.cells
        .map((c) => {
          const x = Math.min(sx(c.x0), sx(c.x1));
          const y = Math.min(sy(c.y0), sy(c.y1));
          let fill = c.fill;
          let defs = '';
          if (c.stops && c.stops.length > 1) {
            const id = `grad-${++gradientCount}`;
            defs = `<linearGradient id="${id}" gradientUnits="userSpaceOnUse" x1="0" x2="0" y1="${r2(sy(c.y0))}" y2="${r2(sy(c.y1))}">${c.stops.map((s) => `<stop offset="${Math.round(s.at * 1e4) / 1e4}" stop-color="${s.color}"/>`).join('')}</linearGradient>`;
            fill = `url(#${id})`;
          }
          // A hair wider than the cell so anti-aliasing leaves no seams between neighbours.
          return `${defs}<rect class="cell" x="${r2(x)}" y="${r2(y)}" width="${r2(Math.abs(sx(c.x1) - sx(c.x0)) + 0.5)}" height="${r2(Math.abs(sy(c.y1) - sy(c.y0)) + 0.5)}" fill="${fill}"/>`;
        })
        .join('')}</g>`;
    case 'spans':
      return l.spans
        .map(
          (sp) =>
            `<rect class="span" x="${r2(sx(sp.x0))}" y="${r2(top)}" width="${r2(Math.max(1, sx(sp.x1) - sx(sp.x0)))}" height="${r2(bottom - top)}" fill="${l.fill}" fill-opacity="${l.opacity ?? 0.15}"/>` +
            // Captions at the bottom: the top of a plot is where event markers go.
            (sp.caption ? `<text x="${r2(sx(sp.x0) + 4)}" y="${r2(bottom - fontSize * 0.5)}" font-size="${r2(fontSize * 0.85)}" fill="#5b2c6f">${escapeXml(sp.caption)}</text>` : ''),
        )
        .join('\n');
    case 'markers': {
      const r = l.size ?? fontSize * 0.55;
      return `<g class="markers">${l.markers
        .map((m) => {
          const cx = sx(m.x);
          const cy = m.y === undefined ? top + r + 2 : sy(m.y);
          const rule = l.rule ? `<line x1="${r2(cx)}" x2="${r2(cx)}" y1="${r2(top)}" y2="${r2(bottom)}" stroke="${l.color}" stroke-width="1" stroke-opacity="0.55" stroke-dasharray="3 3"/>` : '';
          const tip = m.title ? `<title>${escapeXml(m.title)}</title>` : '';
          return `<g class="marker">${tip}${rule}${marker(l.shape, cx, cy, r, l.color, l.stroke)}</g>`;
        })
        .join('')}</g>`;
    }
    case 'text':
      return l.items
        .map((t) => `<text x="${r2(sx(t.x))}" y="${r2(sy(t.y))}" font-size="${r2(l.size ?? fontSize * 0.9)}" fill="${l.color}" text-anchor="${l.anchor ?? 'start'}" font-weight="bold"${l.halo ? ` stroke="${l.halo}" stroke-width="3" stroke-opacity="0.6" paint-order="stroke"` : ''}>${escapeXml(t.text)}</text>`)
        .join('\n');
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
function renderPanel(p: PanelSpec, x: number, y: number, w: number, h: number, fontSize = 12): string {
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
  for (const l of p.layers) out.push(renderLayer(l, sx, sy, py0, py1, fontSize));
  out.push(`</g>`);
  out.push(`<line x1="${r2(px0)}" x2="${r2(px1)}" y1="${r2(py1)}" y2="${r2(py1)}" stroke="#333"/>`);
  out.push(`<line x1="${r2(px0)}" x2="${r2(px0)}" y1="${r2(py0)}" y2="${r2(py1)}" stroke="#333"/>`);
  for (const t of xa.ticks) {
    out.push(`<line x1="${r2(sx(t))}" x2="${r2(sx(t))}" y1="${r2(py1)}" y2="${r2(py1 + 4)}" stroke="#333"/>`);
    // Keep an edge tick's label inside the panel: anchor it at its end rather than clip it.
    const label = fx(t);
    const half = (label.length * fontSize * 0.9 * 0.6) / 2;
    const anchor = sx(t) + half > x + w ? 'end' : sx(t) - half < x ? 'start' : 'middle';
    out.push(`<text x="${r2(sx(t))}" y="${r2(py1 + fontSize * 1.3)}" font-size="${fontSize * 0.9}" text-anchor="${anchor}">${escapeXml(label)}</text>`);
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

function legendWidth(l: Layer, fontSize: number): number {
  return fontSize * 1.4 + 12 + (l.label ?? '').length * fontSize * 0.56;
}

/** Legend rows: items flow left to right and wrap before `maxWidth`. */
function legendRows(items: Layer[], maxWidth: number, fontSize: number): Layer[][] {
  const rows: Layer[][] = [[]];
  let w = 0;
  for (const l of items) {
    const iw = legendWidth(l, fontSize);
    if (w + iw > maxWidth && rows[rows.length - 1]!.length > 0) {
      rows.push([]);
      w = 0;
    }
    rows[rows.length - 1]!.push(l);
    w += iw;
  }
  return rows;
}

function renderLegend(items: Layer[], x: number, y: number, fontSize: number): string {
  const out: string[] = [];
  let cx = x;
  for (const l of items) {
    const sw = fontSize * 1.4;
    const mid = y - fontSize * 0.35;
    if (l.kind === 'cells') out.push(`<rect x="${r2(cx)}" y="${r2(mid - fontSize * 0.45)}" width="${sw}" height="${r2(fontSize * 0.9)}" fill="${l.swatch ?? '#999'}"/>`);
    else if (l.kind === 'spans') out.push(`<rect x="${r2(cx)}" y="${r2(mid - fontSize * 0.45)}" width="${sw}" height="${r2(fontSize * 0.9)}" fill="${l.fill}" fill-opacity="${Math.min(1, (l.opacity ?? 0.15) * 2)}"/>`);
    else if (l.kind === 'markers') out.push(marker(l.shape, cx + sw / 2, mid, fontSize * 0.5, l.color, l.stroke));
    else if (l.kind === 'text') continue;
    else if (l.kind === 'band') out.push(`<rect x="${r2(cx)}" y="${r2(mid - fontSize * 0.45)}" width="${sw}" height="${r2(fontSize * 0.9)}" fill="${l.fill}" fill-opacity="${l.opacity ?? 0.5}"${l.stroke ? ` stroke="${l.stroke}"` : ''}/>`);
    else if (l.kind === 'above') out.push(`<rect x="${r2(cx)}" y="${r2(mid - fontSize * 0.45)}" width="${sw}" height="${r2(fontSize * 0.9)}" fill="${l.fill}" fill-opacity="${Math.min(1, (l.opacity ?? 0.15) * 2)}"/>`);
    else if (l.kind === 'line') out.push(`<line x1="${r2(cx)}" x2="${r2(cx + sw)}" y1="${r2(mid)}" y2="${r2(mid)}" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`);
    else out.push(`<circle cx="${r2(cx + sw / 2)}" cy="${r2(mid)}" r="${Math.max(2.5, l.radius ?? 1.5)}" fill="${l.color}" fill-opacity="${Math.max(0.8, l.opacity ?? 0.6)}"/>`);
    out.push(`<text x="${r2(cx + sw + 5)}" y="${r2(y)}" font-size="${fontSize}">${escapeXml(l.label ?? '')}</text>`);
    cx += legendWidth(l, fontSize);
  }
  return `<g class="legend">${out.join('\n')}</g>`;
}

/** A vertical colour scale in the box (x, y, w, h): gradient bar, ticks and a rotated label. */
function renderColorBar(b: ColorBar, x: number, y: number, w: number, h: number, fontSize: number): string {
  const barW = fontSize * 1.3;
  const top = y + fontSize * 1.5;
  const bottom = y + h - fontSize * 3.4;
  const steps = b.gradient ? 0 : 60;
  const out: string[] = [`<g class="colorbar">`];
  if (b.gradient) {
    out.push(`<linearGradient id="colorbar-grad" gradientUnits="userSpaceOnUse" x1="0" x2="0" y1="${r2(bottom)}" y2="${r2(top)}">${b.gradient.map((s) => `<stop offset="${Math.round(s.at * 1e4) / 1e4}" stop-color="${s.color}"/>`).join('')}</linearGradient>`);
    out.push(`<rect x="${r2(x)}" y="${r2(top)}" width="${r2(barW)}" height="${r2(bottom - top)}" fill="url(#colorbar-grad)"/>`);
  }
  for (let i = 0; i < steps; i++) {
    const v0 = b.min + ((b.max - b.min) * i) / steps;
    const y1 = bottom - ((bottom - top) * i) / steps;
    const y0 = bottom - ((bottom - top) * (i + 1)) / steps;
    out.push(`<rect x="${r2(x)}" y="${r2(y0)}" width="${r2(barW)}" height="${r2(y1 - y0 + 0.5)}" fill="${b.color(v0 + (b.max - b.min) / steps / 2)}"/>`);
  }
  out.push(`<rect x="${r2(x)}" y="${r2(top)}" width="${r2(barW)}" height="${r2(bottom - top)}" fill="none" stroke="#333"/>`);
  const f = b.format ?? formatTick;
  for (const t of b.ticks) {
    const ty = bottom - ((t - b.min) / (b.max - b.min)) * (bottom - top);
    out.push(`<line x1="${r2(x + barW)}" x2="${r2(x + barW + 4)}" y1="${r2(ty)}" y2="${r2(ty)}" stroke="#333"/>`);
    out.push(`<text x="${r2(x + barW + 6)}" y="${r2(ty + fontSize * 0.32)}" font-size="${r2(fontSize * 0.9)}">${escapeXml(f(t))}</text>`);
  }
  const lx = x + w - fontSize * 0.6;
  const ly = (top + bottom) / 2;
  out.push(`<text x="${r2(lx)}" y="${r2(ly)}" font-size="${fontSize}" text-anchor="middle" transform="rotate(-90 ${r2(lx)} ${r2(ly)})">${escapeXml(b.label)}</text>`);
  out.push(`</g>`);
  return out.join('\n');
}

/** A whole SVG document. */
export function renderChart(c: ChartSpec): string {
  const fs = c.fontSize ?? 12;
  gradientCount = 0;
  const rows = c.legend === false ? [] : legendRows(legendItems(c.panels), c.width - 2 * fs, fs);
  const headerH = fs * (c.subtitle ? 5.2 : 3.8) + Math.max(0, rows.length - 1) * fs * 1.5;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${c.width}" height="${c.height}" viewBox="0 0 ${c.width} ${c.height}" font-family="Helvetica, Arial, sans-serif" fill="#222">`);
  out.push(`<rect width="100%" height="100%" fill="${c.background ?? '#fafafa'}"/>`);
  out.push(`<text x="${fs}" y="${fs * 1.8}" font-size="${fs * 1.5}" font-weight="bold">${escapeXml(c.title)}</text>`);
  if (c.subtitle) out.push(`<text x="${fs}" y="${fs * 3.3}" font-size="${fs}" fill="#555">${escapeXml(c.subtitle)}</text>`);
  rows.forEach((row, i) => out.push(renderLegend(row, fs, headerH - fs * 0.6 - (rows.length - 1 - i) * fs * 1.5, fs)));
  const cols = Math.max(1, c.columns ?? 1);
  const barW = c.colorBar ? fs * 6 : 0;
  // A little air between the legend and the panels' top tick labels.
  const area = { x: 0, y: headerH + fs * 0.6, w: c.width - barW, h: c.height - headerH - fs * 0.6 };
  if (c.colorBar) out.push(renderColorBar(c.colorBar, c.width - barW + fs * 0.3, area.y, barW - fs * 0.3, area.h, fs));
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
