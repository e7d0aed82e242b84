import { describe, expect, it } from 'vitest';
import { loadConfig, SETTINGS } from '@stream-smarts/contracts';
import { alertRules, DEFAULT_RULES, EpisodeTracker, notifierConfig, type Alert, type EpisodeRules } from '@stream-smarts/notifier';
import { runRules } from '../src/run/rules.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 6, 1);
const ev = (i: number, kind: 'high' | 'low') => ({ eventTs: T0 + i * MIN, hour: 0, kwh: kind === 'high' ? 2000 : 50, fn: kind === 'high' ? 3 : -0.5, kind, meterId: 'home' });
const load = (env: NodeJS.ProcessEnv = {}) => loadConfig({ env, envFile: '/nonexistent/.env' });

/** Feeds one anomaly a minute for `n` minutes; returns the alerts with their minute. */
function feed(rules: EpisodeRules, kind: 'high' | 'low', n: number, every = (_i: number) => true): [string, number][] {
  const t = new EpisodeTracker(rules, () => 0);
  const out: [string, number][] = [];
  for (let i = 0; i < n; i++) if (every(i)) out.push(...t.observe(ev(i, kind)).map((a: Alert): [string, number] => [a.type, (a.at - T0) / MIN]));
  return out;
}

describe('one rule set for run and the notifier', () => {
  it('run and the Kafka notifier read the same rules, from the settings table', () => {
    const loaded = load();
    expect(runRules(loaded)).toEqual(notifierConfig(loaded).rules);
    expect(runRules(loaded)).toEqual(DEFAULT_RULES);
    expect(DEFAULT_RULES).toMatchObject({ fireAfter: 3, fireWindowMs: 15 * MIN, lowFireAfter: 5, lowFireWindowMs: 60 * MIN, resolveAfterMs: 15 * MIN, lowResolveAfterMs: 36 * 60 * MIN, lowRepeatIntervalMs: 0 });
    // The numbers live in one place: the settings' defaults.
    expect(SETTINGS['notifier.fireAfter'].default).toBe('3');
    expect(SETTINGS['notifier.lowFireAfter'].default).toBe('5');
  });

  it('fire high after 3 anomalies in 15 minutes and low after 5 in 60 — the notifier no longer fires on the first', () => {
    expect(feed(DEFAULT_RULES, 'high', 12)[0]).toEqual(['fire', 2]);
    expect(feed(DEFAULT_RULES, 'low', 50)[0]).toEqual(['fire', 4]);
    expect(feed(DEFAULT_RULES, 'high', 2)).toEqual([]);
    // Spread out: 3 high anomalies 8 minutes apart are not 3 in 15 minutes.
    expect(feed(DEFAULT_RULES, 'high', 40, (i) => i % 8 === 0)).toEqual([]);
  });

  it('a low episode notifies when it starts and when it ends, nothing between; it ends 36 h after its last anomaly; a high one repeats hourly', () => {
    // Three days of low usage, then the house is lived in again.
    const low = new EpisodeTracker(DEFAULT_RULES, () => 0);
    const alerts: [string, number][] = [];
    for (let i = 0; i < 3 * 1440; i++) alerts.push(...low.observe(ev(i, 'low')).map((a): [string, number] => [a.type, (a.at - T0) / MIN]));
    alerts.push(...low.advance(T0 + (3 * 1440 + 35 * 60) * MIN).map((a): [string, number] => [a.type, (a.at - T0) / MIN]));
    expect(alerts).toEqual([['fire', 4]]);
    alerts.push(...low.advance(T0 + (3 * 1440 + 37 * 60) * MIN).map((a): [string, number] => [a.type, (a.at - T0) / MIN]));
    expect(alerts).toEqual([
      ['fire', 4],
      ['resolve', 3 * 1440 - 1 + 36 * 60],
    ]);
    expect(feed(DEFAULT_RULES, 'high', 130).map(([t]) => t)).toEqual(['fire', 'repeat', 'repeat']);
  });

  it('a repeat interval of 0 sends no reminders', () => {
    const none = { ...DEFAULT_RULES, repeatIntervalMs: 0 };
    expect(feed(none, 'high', 300).map(([t]) => t)).toEqual(['fire']);
  });

  it('each number is a setting a user can change', () => {
    const rules = alertRules(load({ STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '7', STREAM_SMARTS_NOTIFIER_LOW_REPEAT_INTERVAL: '12h', STREAM_SMARTS_NOTIFIER_LOW_FIRE_WINDOW: '2h', STREAM_SMARTS_NOTIFIER_LOW_RESOLVE_AFTER: '6h' }));
    expect(rules).toMatchObject({ fireAfter: 7, fireWindowMs: 15 * MIN, lowFireAfter: 5, lowFireWindowMs: 120 * MIN, lowRepeatIntervalMs: 12 * 60 * MIN, lowResolveAfterMs: 6 * 60 * MIN });
    expect(runRules(load({ STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '7' })).fireAfter).toBe(7);
  });
});
