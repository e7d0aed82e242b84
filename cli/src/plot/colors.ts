/**
 * The score's colours: blue below 0 (less power than ever seen then), green from 0 to 1 (the
 * expected range), yellow to dark red above 1 (more than ever seen), clamped at the ends.
 */
const STOPS: [number, [number, number, number]][] = [
  [-1, [49, 54, 149]],
  [-0.0001, [116, 173, 209]],
  [0, [199, 233, 192]],
  [1, [65, 171, 93]],
  [1.0001, [254, 224, 139]],
  [2, [253, 174, 97]],
  [3.5, [244, 109, 67]],
  [6, [165, 0, 38]],
];

export const SCORE_MIN = -1;
export const SCORE_MAX = 6;

export function scoreColor(v: number): string {
  const x = Math.min(SCORE_MAX, Math.max(SCORE_MIN, v));
  let i = 0;
  while (i < STOPS.length - 2 && x > STOPS[i + 1]![0]) i++;
  const [a, ca] = STOPS[i]!;
  const [b, cb] = STOPS[i + 1]!;
  const f = b === a ? 0 : Math.min(1, Math.max(0, (x - a) / (b - a)));
  const c = ca.map((v0, k) => Math.round(v0 + (cb[k]! - v0) * f));
  return `#${c.map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Gradient stops (0–1 along the way) for a score that runs linearly from s0 to s1: one stop at
 * each colour stop crossed, so a gradient reproduces scoreColor exactly — no banding, no seams.
 */
export function scoreGradient(s0: number, s1: number): { at: number; color: string }[] {
  const lo = Math.min(s0, s1);
  const hi = Math.max(s0, s1);
  const vs = [s0, ...STOPS.map(([v]) => v).filter((v) => v > lo && v < hi), s1];
  vs.sort((a, b) => (s1 >= s0 ? a - b : b - a));
  return vs.map((v) => ({ at: s1 === s0 ? 0 : (v - s0) / (s1 - s0), color: scoreColor(v) }));
}
