import { BandsModel, dayHourOfReading, kindOf, localDayOfReading, minuteOfReading, TrailingMeasures, type AnomalyEvent, type JarTables } from '@stream-smarts/contracts';
import { EpisodeTracker, type Alert, type EpisodeRules } from '@stream-smarts/notifier';
import type { DayGrid } from './day-grid.js';
import type { MeasuredDays } from './measured-days.js';

/**
 * What the user can expect (issue 19, "the model card says how often it would have alerted, and
 * how soon it would see a 2 kW load left on"): hold back the history's last weeks, train the same
 * way on the days before them, replay the held-back weeks through the model and the alert rules in
 * force, and count what it would have sent; then, one day at a time, add a 2 kW load switched on
 * at night, in the evening and by day to those weeks' own readings and time the first alert.
 */
interface LoadTrial {
  /** Local clock time the load is switched on. */
  at: string;
  /** Days tried, and on how many it was found before it had been on for 12 hours. */
  tried: number;
  found: number;
  medianMinutes: number | null;
  maxMinutes: number | null;
}

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
  /** A 2 kW load left on, added to the held-back days. */
  loads: LoadTrial[];
}

/** The local times the card's 2 kW load is tried at. */
const LOAD_TRIALS = [
  { at: '02:00', minute: 120 },
  { at: '19:00', minute: 1140 },
  { at: '13:00', minute: 780 },
] as const;
const TRIAL_W = 2000;
const HOUR = 3_600_000;

/** Scores readings through the model and the alert core, as run and the notifier do. */
function replay(model: BandsModel, readings: Iterable<[number, number, number]>, timezone: string, rules: EpisodeRules, add?: (end: number) => number, from = -Infinity): Alert[] {
  const m = new TrailingMeasures();
  const tracker = new EpisodeTracker(rules, () => 0);
  const alerts: Alert[] = [];
  for (const [end, wh, ms] of readings) {
    const v = m.push(end, wh + ((add?.(end) ?? 0) * ms) / HOUR, ms);
    if (end < from) continue;
    const { day, hour } = dayHourOfReading(end, timezone);
    const fn = model.score({ ...v, day, minute: minuteOfReading(end, timezone) });
    const kind = kindOf(fn);
    if (kind === null || fn === null) {
      alerts.push(...tracker.advance(end));
      continue;
    }
    const ev: AnomalyEvent = { eventTs: end, hour, kwh: v.kwh, fn, kind: kind === 'hold' ? 'high' : kind, ...(kind === 'hold' ? { hold: true } : {}), meterId: 'house' };
    alerts.push(...tracker.observe(ev));
  }
  return alerts;
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function holdoutCheck(days: MeasuredDays, o: { holdoutDays: number; trainDays: number; minTrainDays: number; fit: (dg: DayGrid) => Promise<JarTables>; rules: EpisodeRules; meterId?: string }): Promise<HoldoutResult | undefined> {
  const end = days.lastDay + 1;
  const split = end - o.holdoutDays;
  const from = Math.max(days.heldFrom, split - o.trainDays);
  if (split - from < o.minTrainDays) return undefined;
  const model = new BandsModel(await o.fit(days.grid(from, split)), 'held-out model');
  const tz = days.timezone;
  // A day of the training days first, so every window is full when the held-back weeks begin.
  const readings = days.rawOf(Math.max(from, split - 1), end);
  const start = readings.find(([e]) => localDayOfReading(e, tz) >= split)?.[0];
  if (start === undefined) return undefined;
  const alerts = replay(model, readings, tz, o.rules, undefined, start);
  const fires = alerts.filter((a) => a.type === 'fire');
  const loads: LoadTrial[] = LOAD_TRIALS.map((t) => {
    const found: number[] = [];
    let tried = 0;
    for (let d = split; d < end; d++) {
      const on = readings.find(([e]) => localDayOfReading(e, tz) === d && minuteOfReading(e, tz) === t.minute)?.[0];
      if (on === undefined) continue;
      const off = on + 12 * HOUR;
      const window = readings.filter(([e]) => e > on - 26 * HOUR && e <= off);
      if (!window.some(([e]) => e >= off - 60_000)) continue;
      tried++;
      const hit = replay(model, window, tz, o.rules, (e) => (e > on - 60_000 && e <= off ? TRIAL_W : 0), on - HOUR).find((a) => a.kind === 'high' && (a.type === 'fire' || a.type === 'repeat') && a.at >= on - 60_000);
      if (hit) found.push(Math.max(0, (hit.at - (on - 60_000)) / 60_000));
    }
    return { at: t.at, tried, found: found.length, medianMinutes: median(found), maxMinutes: found.length ? Math.max(...found) : null };
  });
  return {
    weeks: o.holdoutDays / 7,
    from: new Date(start).toISOString(),
    to: new Date(readings.at(-1)![0]).toISOString(),
    alerts: fires.length,
    high: fires.filter((a) => a.kind === 'high').length,
    low: fires.filter((a) => a.kind === 'low').length,
    notifications: alerts.length,
    times: fires.map((a) => ({ kind: a.kind, at: new Date(a.at).toISOString() })),
    loads,
  };
}
