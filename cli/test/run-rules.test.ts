import { describe, expect, it } from 'vitest';
import { loadConfig } from '@stream-smarts/contracts';
import { DEFAULT_RULES, EpisodeTracker, type Alert } from '@stream-smarts/notifier';
import { RUN_FIRE_RULE, runRules } from '../src/run/rules.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 6, 1);
const ev = (i: number, kind: 'high' | 'low') => ({ eventTs: T0 + i * MIN, hour: 0, kwh: kind === 'high' ? 2000 : 50, fn: kind === 'high' ? 3 : -0.5, kind, meterId: 'home' });

/** Feeds one anomaly a minute for `n` minutes; returns the minute index of the first fire. */
function firstFire(rules: typeof DEFAULT_RULES, kind: 'high' | 'low', n: number): number | null {
  const t = new EpisodeTracker(rules, () => 0);
  for (let i = 0; i < n; i++) if (t.observe(ev(i, kind)).some((a: Alert) => a.type === 'fire')) return i;
  return null;
}

describe("run's alert rules", () => {
  it('fire high after 10 anomalies in 15 minutes and low after 45 in 60, through the shared alert core', () => {
    const rules = runRules(loadConfig({ env: {} }), DEFAULT_RULES);
    expect(rules).toMatchObject({ fireAfter: 10, fireWindowMs: 15 * MIN, lowFireAfter: 45, lowFireWindowMs: 60 * MIN });
    expect(firstFire(rules, 'high', 120)).toBe(RUN_FIRE_RULE.fireAfter - 1);
    expect(firstFire(rules, 'low', 120)).toBe(RUN_FIRE_RULE.lowFireAfter - 1);
    // The notifier's own default still alerts on the first anomaly of either kind.
    expect(firstFire(DEFAULT_RULES, 'low', 5)).toBe(0);
  });

  it('low anomalies on and off (a fridge cycle) never reach 45 in an hour', () => {
    const rules = runRules(loadConfig({ env: {} }), DEFAULT_RULES);
    const t = new EpisodeTracker(rules, () => 0);
    const fired: Alert[] = [];
    // 30 of every 45 minutes anomalous, for six hours.
    for (let i = 0; i < 360; i++) if (i % 45 < 30) fired.push(...t.observe(ev(i, 'low')).filter((a) => a.type === 'fire'));
    expect(fired).toEqual([]);
  });

  it('yield to the notifier settings when the user sets them', () => {
    const rules = runRules(loadConfig({ env: { STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '3' } }), { ...DEFAULT_RULES, fireAfter: 3 });
    expect(rules.fireAfter).toBe(3);
    expect(rules.fireWindowMs).toBe(15 * MIN);
    expect(rules.lowFireAfter).toBeUndefined();
  });
});
