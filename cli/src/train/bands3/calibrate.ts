import { HIGH_MEASURES, type AnomalyKind, type HighMeasure } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';
import type { DayGrid } from '../day-grid.js';
import { bands3Stats, dayTypeOf, incidentMask, pulseW, type Bands3Method, type Bands3Stats, type Resolution } from './stats.js';

/**
 * Calibration to the household's alert budget (issue 19): the margins of a model are not
 * constants tuned on some house but chosen for this one, from its own history.
 *
 * The training days are cut into `folds` blocks; each block is scored by the edges of the other
 * blocks. Every episode of readings past an edge that the product's alert rules would turn into
 * an alert is a *peak*: the margin at which it would fire. Each part — a high measure in a quarter
 * of the day — fits an exponential tail to its peaks (peaks over threshold), so a margin can be
 * set at a rate rarer than the sample holds; all parts are set at one rate, the budget shared by
 * as many parts as act independently (measured, see unionMargins), and never above what keeps the
 * held-back blocks themselves within the budget. The 24-h mean has one margin of its own. High and
 * low each get the budget.
 *
 * Minutes inside an incident (a load on for hours far above what the house does then, see
 * stats.ts) are left out of the count as they are out of the statistics: a heater really left on
 * in the history is not a false alert.
 */

export interface Budget {
  /** Most false alerts a week the user accepts, of each kind. Default: one in four weeks. */
  perWeek: number;
}
export const DEFAULT_BUDGET: Budget = { perWeek: 0.25 };

interface FoldResult {
  days: number;
  high: number;
  low: number;
}

export interface Calibration {
  /** Per high measure and part of the day (method.blocks): the margin above its edge (stats.ts upperOf: a share, or W). */
  marginHigh: Partial<Record<HighMeasure, number[]>>;
  /** The 24-h mean's margin: its lower band is edge × (1 − marginLow). */
  marginLow: number;
  /** Weeks of held-back days scored. */
  weeks: number;
  /** Alerts the held-back blocks would have raised at the chosen margins, in all and per block. */
  high: number;
  low: number;
  folds: FoldResult[];
  /** The budget as a count over the held-back weeks. */
  allowed: number;
  /** How many parts of the day and measures act as independent tests (see unionMargins). */
  independent: number;
}

/** The largest share of its edge the 24-h mean's margin takes: its lower band never reaches 0. */
const LOW_MARGIN_MAX = 0.95;

/** Counts the episodes that fire, exactly as the notifier's EpisodeTracker does for one meter and kind. */
export function countFires(times: ArrayLike<number>, fireAfter: number, fireWindowMs: number, resolveAfterMs: number): number {
  let fires = 0;
  let last = -Infinity;
  let fired = false;
  const recent: number[] = [];
  for (let j = 0; j < times.length; j++) {
    const t = times[j]!;
    if (t - last > resolveAfterMs) {
      fired = false;
      recent.length = 0;
    }
    last = t;
    if (fired) continue;
    recent.push(t);
    while (recent.length && recent[0]! < t - fireWindowMs) recent.shift();
    if (recent.length >= fireAfter) {
      fired = true;
      fires++;
      recent.length = 0;
    }
  }
  return fires;
}

/** Readings of held-back days that could be anomalies at some margin ≥ the least: time (ms of grid minutes) and how far past the edge (W). */
interface Candidates {
  t: Float64Array;
  z: Float64Array;
}

const MIN = 60_000;

/** How far one measure stands past its edge (the 24-h mean: below) at every held-back minute outside incidents, where that is over kMin W. */
function candidates(g: DayGrid, s: Bands3Stats, days: number[], mask: Uint8Array, channel: HighMeasure | 'mean_24h', kMin: number, minutes: readonly [number, number] = [0, 1440]): Candidates {
  const slot = (k: number) => Math.floor(k / s.method.slotMinutes);
  const ts: number[] = [];
  const zs: number[] = [];
  const st = channel === 'mean_24h' ? s.low : s.high[channel]!;
  const values = g[channel];
  for (const d of days) {
    const type = s.method.dayTypes ? dayTypeOf(g.weekday[d]!) : 0;
    const edge = st.edge[type]!;
    for (let k = minutes[0]; k < minutes[1]; k++) {
      const i = d * 1440 + k;
      if (mask[i]) continue;
      const x = values[i]!;
      if (Number.isNaN(x)) continue;
      const sl = slot(k);
      const e = edge[sl]!;
      // The 24-h mean averages a day of pulses: its margin is a share of its edge, with no floor.
      if (channel === 'mean_24h') {
        if (x < e && e > 0) {
          ts.push(i * MIN);
          zs.push((e - x) / e);
        }
        continue;
      }
      const over = x - e;
      if (over <= kMin) continue;
      ts.push(i * MIN);
      zs.push(s.method.marginMode === 'relative' ? over / (e + s.method.relScaleW) : over);
    }
  }
  return { t: Float64Array.from(ts), z: Float64Array.from(zs) };
}

type Rule = { after: number; windowMs: number; resolveMs: number };
const ruleOf = (rules: EpisodeRules, kind: AnomalyKind): Rule =>
  kind === 'high' ? { after: rules.fireAfter, windowMs: rules.fireWindowMs, resolveMs: rules.resolveAfterMs } : { after: rules.lowFireAfter, windowMs: rules.lowFireWindowMs, resolveMs: rules.lowResolveAfterMs };

/** Fires per fold when each channel's anomalies are its z above its own k, all channels feeding one episode per kind. */
function firesAt(byChannel: readonly (readonly Candidates[])[], ks: readonly number[], rule: Rule): number[] {
  const folds = byChannel[0]?.length ?? 0;
  const out: number[] = [];
  for (let f = 0; f < folds; f++) {
    const times = new Set<number>();
    byChannel.forEach((cs, c) => {
      const x = cs[f]!;
      for (let j = 0; j < x.t.length; j++) if (x.z[j]! > ks[c]!) times.add(x.t[j]!);
    });
    out.push(countFires(Float64Array.from(times).sort(), rule.after, rule.windowMs, rule.resolveMs));
  }
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The smallest margin in [from, to] (to 1%) at which f is at most n; `to` when none is. */
function smallestMargin(f: (k: number) => number, n: number, from: number, to: number): number {
  if (f(from) <= n) return from;
  if (f(to) > n) return to;
  let lo = Math.log(from);
  let hi = Math.log(to);
  while (hi - lo > 0.01) {
    const mid = (lo + hi) / 2;
    if (f(Math.exp(mid)) <= n) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}

/**
 * The level at which each episode of held-back excursions would have fired: candidates closer than
 * the rule's quiet period form one episode, and it fires at level k if some `after` of its
 * candidates above k fall within one fire window — so its level is the largest, over its
 * candidates, of the `after`-th largest z in the window ending there.
 */
export function episodePeaks(c: Candidates, rule: Rule): number[] {
  const peaks: number[] = [];
  let start = 0;
  for (let j = 1; j <= c.t.length; j++) {
    if (j < c.t.length && c.t[j]! - c.t[j - 1]! <= rule.resolveMs) continue;
    let level = -Infinity;
    let from = start;
    for (let e = start; e < j; e++) {
      while (c.t[from]! < c.t[e]! - rule.windowMs) from++;
      if (e - from + 1 < rule.after) continue;
      const w = Array.from(c.z.subarray(from, e + 1)).sort((x, y) => y - x);
      if (w[rule.after - 1]! > level) level = w[rule.after - 1]!;
    }
    if (level > -Infinity) peaks.push(level);
    start = j;
  }
  return peaks;
}

/** Tail fits shrink their scale toward this many meter pulses' worth of power. */
const TAIL_PRIOR_PULSES = 5;
/** The same for relative margins: a share of the edge (plus relScaleW). */
const TAIL_PRIOR_REL = 0.3;
/** The same for the 24-h mean's margin, a share of its edge. */
const TAIL_PRIOR_LOW = 0.05;
const TAIL_POINTS = 10;

/**
 * Peaks over threshold: the rate of a part's episodes above level x falls off as an exponential
 * tail, λ(x) = rate · exp(−(x − u) / σ), fitted to its `m` largest peaks (u the m-th, rate = m a
 * week over the held-back weeks, σ their mean excess over u, shrunk toward a prior scale when there
 * are few). The sample's largest peak is no edge: a longer future holds larger ones, and the fit
 * reaches past it.
 */
export interface Tail {
  u: number;
  sigma: number;
  /** Episodes a week at level u. */
  rate: number;
  /** Every peak, largest first, and the weeks they came from. */
  peaks: number[];
  weeks: number;
}

export function fitTail(peaks: readonly number[], weeks: number, prior: number): Tail | null {
  const xs = [...peaks].sort((a, b) => b - a);
  if (xs.length === 0) return null;
  const m = Math.min(TAIL_POINTS, xs.length);
  const u = xs[m - 1]!;
  let excess = 0;
  for (let i = 0; i < m; i++) excess += xs[i]! - u;
  return { u, sigma: (excess + 2 * prior) / (m - 1 + 2), rate: m / weeks, peaks: xs, weeks };
}

/**
 * The level at which a part raises `rate` episodes a week: within the sample, just above the peak
 * that keeps the count at the rate; beyond the sample's top peaks, the exponential tail. Never
 * under floor.
 */
export function levelAt(t: Tail | null, rate: number, floor: number): number {
  if (!t || t.peaks.length / t.weeks <= rate) return floor;
  if (t.rate <= rate) {
    // n peaks may stay above: the level is the (n+1)-th largest, so that many are above it.
    const n = Math.floor(rate * t.weeks + 1e-9);
    return Math.max(floor, t.peaks[n]!);
  }
  return Math.max(floor, t.u + t.sigma * Math.log(t.rate / rate));
}

/**
 * Every part of every measure is set at the same rate r, so the alerts of all of them together are
 * about P·r — P the number of parts that act independently, which is fewer than the parts there
 * are when one load lifts several measures at once. P is measured on the held-back days: set every
 * part at a rate where the sample still holds episodes (one in the held-back weeks each), count
 * the alerts of all parts together through the alert rules, and divide. Then r = budget / P.
 */
function unionMargins(high: readonly (readonly Candidates[])[], tails: readonly (Tail | null)[], weeks: number, budget: number, rule: Rule, floor: number): { ks: number[]; independent: number } {
  const probe = 1 / weeks;
  const at = (r: number) => tails.map((t) => levelAt(t, r, floor));
  const fires = sum(firesAt(high, at(probe), rule));
  const active = tails.filter((t) => t && t.peaks.length / t.weeks > probe).length;
  const independent = Math.min(Math.max(1, tails.length), Math.max(1, active > 0 ? fires / (weeks * probe) : 1));
  // The held-back weeks themselves must not have raised more than the budget: where the tails'
  // sum undercounts what the parts raise together, every part's rate comes down alike until they
  // do not.
  const allowed = Math.floor(budget * weeks + 1e-9);
  let r = budget / independent;
  if (sum(firesAt(high, at(r), rule)) > allowed) {
    let lo = Math.log(r) - Math.log(1e4);
    let hi = Math.log(r);
    while (hi - lo > 0.02) {
      const mid = (lo + hi) / 2;
      if (sum(firesAt(high, at(Math.exp(mid)), rule)) > allowed) hi = mid;
      else lo = mid;
    }
    r = Math.exp(lo);
  }
  return { ks: at(r), independent: budget / r };
}

/** The training days that hold readings, cut into `folds` contiguous blocks. */
function foldDays(g: DayGrid, folds: number): number[][] {
  const used: number[] = [];
  // A day counts when it has readings in at least 20 of its hours (whatever the reading interval).
  for (let d = 0; d < g.days; d++) {
    let hours = 0;
    for (let h = 0; h < 24; h++) {
      for (let k = h * 60; k < h * 60 + 60; k++) {
        if (!Number.isNaN(g.kwh[d * 1440 + k]!)) {
          hours++;
          break;
        }
      }
    }
    if (hours >= 20) used.push(d);
  }
  const out: number[][] = [];
  for (let f = 0; f < folds; f++) out.push(used.slice(Math.floor((f * used.length) / folds), Math.floor(((f + 1) * used.length) / folds)));
  return out.filter((b) => b.length > 0);
}

export function calibrate(g: DayGrid, resolution: Resolution, method: Bands3Method, rules: EpisodeRules, budget: Budget = DEFAULT_BUDGET, folds = 4): Calibration {
  const blocks = foldDays(g, folds);
  // A candidate must be past the least margin in watts; in relative mode its peak is a share.
  const kMin = method.minMarginPulses * pulseW(resolution);
  const rel = method.marginMode === 'relative';
  const floorK = rel ? 0 : kMin;
  const prior = rel ? TAIL_PRIOR_REL : TAIL_PRIOR_PULSES * pulseW(resolution);
  if (blocks.length < 2) throw new RangeError('calibration needs at least two blocks of days with readings');
  const { mask } = incidentMask(g, method);
  const channels = HIGH_MEASURES.filter((c) => method.channels.includes(c));
  const span = 1440 / method.blocks;
  const parts = channels.flatMap((c) => Array.from({ length: method.blocks }, (_, b) => ({ c, minutes: [b * span, (b + 1) * span] as const })));
  const high: Candidates[][] = parts.map(() => []);
  const low: Candidates[] = [];
  for (const held of blocks) {
    const keep = new Uint8Array(g.days);
    for (const b of blocks) if (b !== held) for (const d of b) keep[d] = 1;
    const s = bands3Stats(g, resolution, method, keep, false);
    parts.forEach((p, i) => high[i]!.push(candidates(g, s, held, mask, p.c, kMin, p.minutes)));
    low.push(candidates(g, s, held, mask, 'mean_24h', kMin));
  }
  const heldDays = blocks.reduce((a, b) => a + b.length, 0);
  const weeks = heldDays / 7;
  const allowed = Math.floor(budget.perWeek * weeks + 1e-9);
  const hr = ruleOf(rules, 'high');
  const lr = ruleOf(rules, 'low');
  const tails = high.map((cs) => fitTail(cs.flatMap((c) => episodePeaks(c, hr)), weeks, prior));
  const { ks, independent } = unionMargins(high, tails, weeks, budget.perWeek, hr, floorK);
  const lowTail = fitTail(low.flatMap((c) => episodePeaks(c, lr)), weeks, TAIL_PRIOR_LOW);
  let kl = Math.min(LOW_MARGIN_MAX, levelAt(lowTail, budget.perWeek, 0));
  // As for the high side: the held-back weeks themselves within the budget.
  if (sum(firesAt([low], [kl], lr)) > allowed) kl = smallestMargin((k) => sum(firesAt([low], [k], lr)), allowed, Math.max(kl, 0.01), LOW_MARGIN_MAX);
  const fh = firesAt(high, ks, hr);
  const fl = firesAt([low], [kl], lr);
  return {
    marginHigh: Object.fromEntries(channels.map((c) => [c, parts.flatMap((p, i) => (p.c === c ? [ks[i]!] : []))])),
    marginLow: kl,
    weeks,
    high: sum(fh),
    low: sum(fl),
    folds: blocks.map((b, i) => ({ days: b.length, high: fh[i]!, low: fl[i]! })),
    allowed,
    independent,
  };
}
