import type { Alert } from '@stream-smarts/notifier';
import type { Scenario, ScenarioKind } from '@stream-smarts/pi-collector';

/** Which kind of anomaly each scenario should raise: more power, or less (holiday: only standby; a dead fridge: no compressor). */
const EXPECTED_KIND: Record<ScenarioKind, 'high' | 'low'> = {
  'heater-left-on': 'high',
  'oven-left-on': 'high',
  'fridge-failure': 'low',
  holiday: 'low',
};

/**
 * After a scenario ends its energy stays in the trailing-hour measure for up to an hour, so alerts
 * that fire in that hour are the scenario's, not false ones.
 */
const AFTERGLOW_MS = 60 * 60_000;

interface ScenarioResult {
  scenario: ScenarioKind;
  start: number;
  end: number;
  detected: boolean;
  /** Event-time minutes from the scenario's start to its first alert; null when not detected. */
  minutesToAlert: number | null;
  alertAt: number | null;
}

interface KindSummary {
  scenario: ScenarioKind;
  total: number;
  detected: number;
  medianMinutes: number | null;
  maxMinutes: number | null;
}

export interface DetectionReport {
  /** Days of readings scored: the readings' intervals added up, so a history's gaps are not counted as quiet days. */
  days: number;
  scenarios: ScenarioResult[];
  byKind: KindSummary[];
  /** New episodes (fire alerts) with no scenario to explain them. */
  falseAlerts: number;
  falseAlertTimes: number[];
  falseAlertsPerDay: number;
  falseAlertsPerWeek: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Scores alerts against the ground truth. A scenario is detected by its first alert (a new episode
 * or a reminder of one already open) of the expected kind between its start and end; the delay is
 * event time from its start. A new episode (a `fire`) is a false alert when no scenario, or the
 * hour after one, covers it. Pure: `evaluate` and the tests feed it alert lists.
 */
export function scoreDetection(truth: readonly Scenario[], alerts: readonly Alert[], range: { from: number; to: number; scoredMs?: number }): DetectionReport {
  const sorted = [...alerts].sort((a, b) => a.at - b.at);
  const scenarios = truth.map((s): ScenarioResult => {
    const hit = sorted.find((a) => (a.type === 'fire' || a.type === 'repeat') && a.kind === EXPECTED_KIND[s.scenario] && a.at >= s.start && a.at <= s.end);
    return { scenario: s.scenario, start: s.start, end: s.end, detected: hit !== undefined, minutesToAlert: hit ? (hit.at - s.start) / 60_000 : null, alertAt: hit?.at ?? null };
  });
  const kinds = [...new Set(truth.map((s) => s.scenario))];
  const byKind = kinds.map((k): KindSummary => {
    const of = scenarios.filter((s) => s.scenario === k);
    const mins = of.filter((s) => s.detected).map((s) => s.minutesToAlert!);
    return { scenario: k, total: of.length, detected: mins.length, medianMinutes: median(mins), maxMinutes: mins.length ? Math.max(...mins) : null };
  });
  const falseAlertTimes = sorted.filter((a) => a.type === 'fire' && !truth.some((s) => a.at >= s.start && a.at <= s.end + AFTERGLOW_MS)).map((a) => a.at);
  // Per week of readings, not of calendar: a history with gaps would otherwise halve the rate.
  const days = (range.scoredMs ?? range.to - range.from) / 86_400_000;
  const perDay = days > 0 ? falseAlertTimes.length / days : 0;
  return { days, scenarios, byKind, falseAlerts: falseAlertTimes.length, falseAlertTimes, falseAlertsPerDay: perDay, falseAlertsPerWeek: perDay * 7 };
}
