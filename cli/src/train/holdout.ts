import { BandsModel, type AnomalyEvent, type JarTables } from '@stream-smarts/contracts';
import { EpisodeTracker, type EpisodeRules } from '@stream-smarts/notifier';
import type { DayGrid } from './band-stats.js';
import type { MeasuredDays } from './measured-days.js';

/**
 * What the user can expect (issue 12, "the model card tells the user what to expect"): hold back
 * the history's last weeks, train the same way on the days before them, replay the held-back
 * weeks through the model and the alert rules in force, and count what it would have sent.
 */
export interface HoldoutResult {
  weeks: number;
  from: string;
  to: string;
  /** New alerts (episodes that fired), high and low. */
  alerts: number;
  high: number;
  low: number;
  /** Every message, reminders and "back to normal" included. */
  notifications: number;
  times: { kind: 'high' | 'low'; at: string }[];
}

export async function holdoutCheck(days: MeasuredDays, o: { holdoutDays: number; trainDays: number; minTrainDays: number; fit: (dg: DayGrid) => Promise<JarTables>; rules: EpisodeRules; meterId?: string }): Promise<HoldoutResult | undefined> {
  const end = days.lastDay + 1;
  const split = end - o.holdoutDays;
  const from = Math.max(days.heldFrom, split - o.trainDays);
  if (split - from < o.minTrainDays) return undefined;
  const model = new BandsModel(await o.fit(days.grid(from, split)), 'held-out model');
  const tracker = new EpisodeTracker(o.rules, () => 0);
  const alerts = [];
  let first = NaN;
  let last = NaN;
  for (const r of days.readingsOf(split, end)) {
    if (Number.isNaN(first)) first = r.endMs;
    last = r.endMs;
    const fn = model.score(r);
    const kind = fn === null ? null : fn > 1 ? 'high' : fn < 0 ? 'low' : null;
    if (kind === null || fn === null) {
      alerts.push(...tracker.advance(r.endMs));
      continue;
    }
    const ev: AnomalyEvent = { eventTs: r.endMs, hour: Math.floor(r.minute / 60), kwh: r.kwh, fn, kind, meterId: o.meterId ?? 'house' };
    alerts.push(...tracker.observe(ev));
  }
  if (Number.isNaN(first)) return undefined;
  const fires = alerts.filter((a) => a.type === 'fire');
  return {
    weeks: o.holdoutDays / 7,
    from: new Date(first).toISOString(),
    to: new Date(last).toISOString(),
    alerts: fires.length,
    high: fires.filter((a) => a.kind === 'high').length,
    low: fires.filter((a) => a.kind === 'low').length,
    notifications: alerts.length,
    times: fires.map((a) => ({ kind: a.kind, at: new Date(a.at).toISOString() })),
  };
}
