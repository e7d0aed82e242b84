import type { BandsModel } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';
import { inject, stepAt, stepEnd, type Grid, type Planned, type Window } from '../evaluate/benchmark/protocol.js';
import { alertsOf, countWindow, measureSeries, modelScorer as scorer } from '../evaluate/benchmark/runner.js';
import { localDateIso } from '@stream-smarts/contracts';

/**
 * The candidate against the current model on the held-back week(s), counted exactly as the
 * detection benchmark counts (cli/src/evaluate/benchmark: protocol.ts's inject(), runner.ts's
 * alertsOf() through the notifier's alert core and countWindow()):
 *
 * - false alerts: new alerts on the held-back days as they are (no event in them, so every alert
 *   counts: the same house, the same days, for both models);
 * - a 2 kW heater left on 02:00–07:00: injected into a copy of the held-back days, one night at a
 *   time (every night whose 02:00–07:00 was read), found or not, and minutes to its first alert;
 * - a week away (the house's own lowest-use day of the 30 before, repeated): injected from the
 *   first held-back day, found or not, and minutes to its first low alert.
 *
 * Both models score the same measured steps (contracts TrailingMeasures) with the model's score,
 * as the UDF does.
 */

interface Trial {
  /** Local date of the injected event's start, YYYY-MM-DD. */
  day: string;
  /** Minutes from its start to the first alert of its kind; null: not found. */
  minutes: number | null;
}

export interface ModelFigures {
  falseAlerts: number;
  falseHigh: number;
  falseLow: number;
  /** When each false alert fired (ISO). */
  falseAt: string[];
  heater: { trials: Trial[]; found: number; medianMinutes: number | null };
  away: { trials: Trial[]; found: number; medianMinutes: number | null; evidence?: string };
}

export interface HeldBack {
  /** Grid days [fromDay, toDay). */
  fromDay: number;
  toDay: number;
  from: string;
  to: string;
  steps: number;
}

/**
 * How much later a candidate may find an event than the current model and still count as not
 * worse: one window of the alert rule that fires on it — the high rule's fireWindow (15 min by
 * default: three anomalies in 15 minutes) for the heater, the low rule's lowFireWindow (60 min:
 * five in 60) for a week away. A difference within one window is the rule's own granularity, not
 * a worse model.
 */
function lateness(rules: EpisodeRules): { heaterMin: number; awayMin: number } {
  return { heaterMin: rules.fireWindowMs / 60_000, awayMin: rules.lowFireWindowMs / 60_000 };
}


const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};


function localDate(g: Grid, d: number): string {
  const t = stepEnd(g, stepAt(g, d, 0)) - 1;
  return localDateIso(t, g.timezone);
}

/** The held-back period's steps and its heater nights: those whose 02:00–07:00 lie within the grid. */
function heldBackOf(g: Grid, fromDay: number, toDay: number): HeldBack & { heaterNights: number[] } {
  const a = stepAt(g, fromDay, 0);
  const b = Math.min(g.w.length, stepAt(g, toDay, 0));
  const heaterNights: number[] = [];
  for (let d = fromDay; d < toDay; d++) if (stepAt(g, d, 7) <= g.w.length && !Number.isNaN(g.w[stepAt(g, d, 2)]!)) heaterNights.push(d);
  return { fromDay, toDay, from: new Date(stepEnd(g, a) - g.intervalMs).toISOString(), to: new Date(stepEnd(g, b - 1)).toISOString(), steps: b - a, heaterNights };
}

/** Figures of several models on the same held-back days, injected copies shared between them. */
export function compareModels(g: Grid, fromDay: number, toDay: number, models: readonly BandsModel[], rules: EpisodeRules): { heldBack: HeldBack; figures: ModelFigures[] } {
  const hb = heldBackOf(g, fromDay, toDay);
  const window: Window = { index: 0, trainFrom: 0, testFrom: fromDay, testTo: toDay };
  const from = stepAt(g, fromDay, 0);
  const to = Math.min(g.w.length, stepAt(g, toDay, 0));
  const figures: ModelFigures[] = models.map(() => ({ falseAlerts: 0, falseHigh: 0, falseLow: 0, falseAt: [], heater: { trials: [], found: 0, medianMinutes: null }, away: { trials: [], found: 0, medianMinutes: null } }));

  // The days as they are.
  const asIs = measureSeries(g, g.w);
  models.forEach((model, k) => {
    const r = countWindow('raw_power', g, window, alertsOf(g, scorer(g, asIs, model), rules, from, to), [], []);
    const f = figures[k]!;
    f.falseHigh = r.falseHigh;
    f.falseLow = r.falseLow;
    f.falseAlerts = r.falseHigh + r.falseLow;
    f.falseAt = r.falseAt.map((x) => new Date(x.at).toISOString());
  });

  const trial = (plan: Planned[], into: (f: ModelFigures) => ModelFigures['heater'] | ModelFigures['away'], day: number) => {
    const { w, events } = inject(g, plan);
    const m = measureSeries(g, w);
    models.forEach((model, k) => {
      const r = countWindow('raw_power', g, window, alertsOf(g, scorer(g, m, model), rules, from, to), events, []);
      const found = r.events[0]?.minutes ?? null;
      const t = into(figures[k]!);
      t.trials.push({ day: localDate(g, day), minutes: found });
      if (events[0]?.evidence) (t as ModelFigures['away']).evidence = events[0].evidence;
    });
  };
  for (const d of hb.heaterNights) trial([{ scenario: 'heater', day: d, kw: 2, startHour: 2, shape: 'steady' }], (f) => f.heater, d);
  trial([{ scenario: 'away', day: fromDay }], (f) => f.away, fromDay);

  for (const f of figures) {
    for (const t of [f.heater, f.away]) {
      const found = t.trials.filter((x) => x.minutes !== null).map((x) => x.minutes!);
      t.found = found.length;
      t.medianMinutes = median(found);
    }
  }
  const { heaterNights: _, ...heldBack } = hb;
  return { heldBack, figures };
}

export interface Verdict {
  /** The candidate is not worse than the current model. */
  notWorse: boolean;
  /** Why it is worse (empty when not worse). */
  worse: string[];
  /** The rule, in words, with its numbers. */
  rule: string;
}

/**
 * Not worse = no more false alerts, finds at least as many of the injected heaters and weeks
 * away, and on the events both find, a median time to alert no later than one alert-rule window
 * (see lateness()) after the current model's.
 */
export function judge(candidate: ModelFigures, current: ModelFigures, rules: EpisodeRules): Verdict {
  const late = lateness(rules);
  const worse: string[] = [];
  if (candidate.falseAlerts > current.falseAlerts) worse.push(`${candidate.falseAlerts} false alert${candidate.falseAlerts === 1 ? '' : 's'} on the held-back days, the current model ${current.falseAlerts}`);
  const kinds = [
    { name: 'the heater left on 02:00–07:00', c: candidate.heater, k: current.heater, tol: late.heaterMin, of: (n: number) => `on ${n} of ${candidate.heater.trials.length} nights` },
    { name: 'the week away', c: candidate.away, k: current.away, tol: late.awayMin, of: (n: number) => (n > 0 ? 'found' : 'not found') },
  ];
  for (const x of kinds) {
    if (x.c.found < x.k.found) {
      worse.push(`finds ${x.name} ${x.of(x.c.found)}, the current model ${x.of(x.k.found)}`);
      continue;
    }
    // Lateness on the events both found.
    const both = x.c.trials.map((t, i) => [t.minutes, x.k.trials[i]?.minutes] as const).filter(([a, b]) => a !== null && b !== null && b !== undefined) as [number, number][];
    const mc = median(both.map(([a]) => a));
    const mk = median(both.map(([, b]) => b));
    if (mc !== null && mk !== null && mc > mk + x.tol) worse.push(`finds ${x.name} after a median ${fmtMin(mc)}, ${fmtMin(mc - mk)} later than the current model (more than the ${x.tol} min the rule allows)`);
  }
  return {
    notWorse: worse.length === 0,
    worse,
    rule: `not worse = no more false alerts, finds at least as many injected heaters and weeks away, and finds them at most ${late.heaterMin} min (heater) / ${late.awayMin} min (away) later, by median, than the current model`,
  };
}

export function fmtMin(m: number): string {
  return m >= 120 ? `${(m / 60).toFixed(1)} h` : `${Math.round(m)} min`;
}
