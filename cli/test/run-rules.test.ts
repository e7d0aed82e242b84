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
    expect(DEFAULT_RULES).toMatchObject({ fireAfter: 10, fireWindowMs: 15 * MIN, lowFireAfter: 45, lowFireWindowMs: 60 * MIN, resolveAfterMs: 15 * MIN });
    // The numbers live in one place: the settings' defaults.
    expect(SETTINGS['notifier.fireAfter'].default).toBe('10');
    expect(SETTINGS['notifier.lowFireAfter'].default).toBe('45');
  });

  it('fire high after 10 anomalies in 15 minutes and low after 45 in 60 — the notifier no longer fires on the first', () => {
    expect(feed(DEFAULT_RULES, 'high', 12)[0]).toEqual(['fire', 9]);
    expect(feed(DEFAULT_RULES, 'low', 50)[0]).toEqual(['fire', 44]);
    expect(feed(DEFAULT_RULES, 'high', 9)).toEqual([]);
  });

  it('a low episode notifies when it starts, when it ends, and at most once a day between; a high one hourly', () => {
    // Three days of low usage, then quiet.
    const low = new EpisodeTracker(DEFAULT_RULES, () => 0);
    const alerts: [string, number][] = [];
    for (let i = 0; i < 3 * 1440; i++) alerts.push(...low.observe(ev(i, 'low')).map((a): [string, number] => [a.type, (a.at - T0) / MIN]));
    alerts.push(...low.advance(T0 + (3 * 1440 + 30) * MIN).map((a): [string, number] => [a.type, (a.at - T0) / MIN]));
    expect(alerts).toEqual([
      ['fire', 44],
      ['repeat', 44 + 1440],
      ['repeat', 44 + 2880],
      ['resolve', 3 * 1440 - 1 + 15],
    ]);
    expect(feed(DEFAULT_RULES, 'high', 130).map(([t]) => t)).toEqual(['fire', 'repeat', 'repeat']);
  });

  it('low anomalies on and off (a fridge cycle) never reach 45 in an hour', () => {
    expect(feed(DEFAULT_RULES, 'low', 360, (i) => i % 45 < 30)).toEqual([]);
  });

  it('each number is a setting a user can change', () => {
    const rules = alertRules(load({ STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '3', STREAM_SMARTS_NOTIFIER_LOW_REPEAT_INTERVAL: '12h', STREAM_SMARTS_NOTIFIER_LOW_FIRE_WINDOW: '2h' }));
    expect(rules).toMatchObject({ fireAfter: 3, fireWindowMs: 15 * MIN, lowFireAfter: 45, lowFireWindowMs: 120 * MIN, lowRepeatIntervalMs: 12 * 60 * MIN });
    expect(runRules(load({ STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '3' })).fireAfter).toBe(3);
  });
});
