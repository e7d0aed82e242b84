/** Linear scales and "nice" ticks (1, 2, 2.5, 5 × 10^k steps) for hand-written SVG charts. */

export interface Scale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  f.domain = domain;
  f.range = range;
  return f;
}

/** A step of 1, 2, 2.5 or 5 × 10^k giving about `count` intervals over [min, max]. */
function niceStep(min: number, max: number, count = 5): number {
  const span = Math.abs(max - min) || Math.abs(max) || 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** Ticks covering [min, max] at a nice step, and the domain widened to whole steps. */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; domain: [number, number] } {
  const step = niceStep(min, max, count);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  // Counting steps (not adding) keeps float error out of the tick values.
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(Number((lo + i * step).toPrecision(12)));
  return { ticks, domain: [lo, hi === lo ? lo + step : hi] };
}

/** Tick label: no trailing zeros, thousands separated by a thin space. */
export function formatTick(v: number): string {
  const s = Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}
