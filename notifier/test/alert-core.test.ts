import { describe, expect, it } from 'vitest';
import { parseAnomalyEvent } from '@stream-smarts/contracts';
import { DEFAULT_TEMPLATES, EpisodeTracker, render, type Alert } from '@stream-smarts/notifier';
import { event, MINUTE, FIRE_FIRST } from './helpers.js';

const T0 = Date.UTC(2018, 9, 20, 4, 0, 0);

function feed(tracker: EpisodeTracker, events: ReturnType<typeof event>[]): Alert[] {
  return events.flatMap((e) => tracker.observe(e));
}

const minutes = (meter: string, from: number, to: number, over = {}) =>
  Array.from({ length: to - from }, (_, i) => event(meter, T0 + (from + i) * MINUTE, over));

describe('episodes (alert core)', () => {
  it('turns a 30-minute run of 30 anomalies into one alert with the defaults', () => {
    const t = new EpisodeTracker(FIRE_FIRST, () => 0);
    const alerts = feed(t, minutes('house', 0, 30));
    expect(alerts.map((a) => a.type)).toEqual(['fire']);
    expect(alerts[0]!.key).toBe(`house:high:${T0}#0`);
  });

  it('repeats once repeat_interval of event time has passed while the episode goes on, not before', () => {
    const t = new EpisodeTracker(FIRE_FIRST, () => 0);
    const alerts = feed(t, minutes('house', 0, 125));
    expect(alerts.map((a) => [a.type, (a.at - T0) / MINUTE])).toEqual([
      ['fire', 0],
      ['repeat', 60],
      ['repeat', 120],
    ]);
    expect(alerts.map((a) => a.seq)).toEqual([0, 1, 2]);
  });

  it('resolves after the quiet period, with a "back to normal" alert, when a later event moves event time on', () => {
    const t = new EpisodeTracker(FIRE_FIRST, () => 0);
    feed(t, minutes('house', 0, 5));
    // A different kind on the same meter, 30 minutes later: the high episode has been quiet for 26 minutes.
    const alerts = t.observe(event('house', T0 + 30 * MINUTE, { kind: 'low', fn: -0.5, kwh: 50 }));
    expect(alerts.map((a) => [a.type, a.kind])).toEqual([
      ['resolve', 'high'],
      ['fire', 'low'],
    ]);
    expect(alerts[0]!.at).toBe(T0 + 4 * MINUTE + FIRE_FIRST.resolveAfterMs);
  });

  it('resolves by the injected clock when the stream goes quiet, but not during a fast replay', () => {
    let wall = 1_000_000;
    const t = new EpisodeTracker(FIRE_FIRST, () => wall);
    feed(t, minutes('house', 0, 3));
    wall += 10 * MINUTE;
    expect(t.tick()).toEqual([]);
    wall += 6 * MINUTE;
    const alerts = t.tick();
    expect(alerts.map((a) => a.type)).toEqual(['resolve']);
    expect(t.episodes()).toHaveLength(0);
  });

  it('opens a new episode, with a new key, after one has resolved', () => {
    const t = new EpisodeTracker({ ...FIRE_FIRST, notifyResolved: false }, () => 0);
    const alerts = feed(t, [...minutes('house', 0, 2), ...minutes('house', 40, 41)]);
    expect(alerts.map((a) => [a.type, a.key])).toEqual([
      ['fire', `house:high:${T0}#0`],
      ['fire', `house:high:${T0 + 40 * MINUTE}#0`],
    ]);
  });

  it('with fireAfter 3 in 10 minutes, a kettle (one anomaly) stays quiet and a heater (three) alerts', () => {
    const rules = { ...FIRE_FIRST, fireAfter: 3, fireWindowMs: 10 * MINUTE };
    const kettle = new EpisodeTracker(rules, () => 0);
    expect(feed(kettle, [event('house', T0), event('house', T0 + 20 * MINUTE), event('house', T0 + 40 * MINUTE)])).toEqual([]);
    const heater = new EpisodeTracker(rules, () => 0);
    const alerts = feed(heater, [event('house', T0), event('house', T0 + 4 * MINUTE), event('house', T0 + 8 * MINUTE)]);
    expect(alerts.map((a) => [a.type, a.count])).toEqual([['fire', 3]]);
    // Spread wider than the window, three anomalies are not enough.
    const slow = new EpisodeTracker(rules, () => 0);
    expect(feed(slow, [event('house', T0), event('house', T0 + 6 * MINUTE), event('house', T0 + 12 * MINUTE)])).toEqual([]);
  });

  it('keeps episodes per meter and kind apart', () => {
    const t = new EpisodeTracker(FIRE_FIRST, () => 0);
    const alerts = feed(t, [event('a', T0), event('b', T0 + 1000), event('a', T0 + 2000, { kind: 'low', fn: -1 }), event('a', T0 + 3000)]);
    expect(alerts.map((a) => `${a.meterId}/${a.kind}`)).toEqual(['a/high', 'b/high', 'a/low']);
  });

  it('gives the same alerts with the same keys on a replay, and picks up where it left off from a snapshot', () => {
    const events = [...minutes('house', 0, 70), ...minutes('shed', 10, 12), ...minutes('house', 100, 101)].sort((a, b) => a.eventTs - b.eventTs);
    const keys = (as: Alert[]) => as.map((a) => `${a.type}:${a.key}`);
    const all = keys(feed(new EpisodeTracker(FIRE_FIRST, () => 0), events));
    expect(all).toEqual(keys(feed(new EpisodeTracker(FIRE_FIRST, () => 0), events)));

    const first = new EpisodeTracker(FIRE_FIRST, () => 0);
    const before = keys(feed(first, events.slice(0, 40)));
    const restarted = new EpisodeTracker(FIRE_FIRST, () => 0, JSON.parse(JSON.stringify(first.snapshot())));
    const after = keys(feed(restarted, events.slice(40)));
    expect([...before, ...after]).toEqual(all);
  });
});

describe('alert texts', () => {
  it('keep the 2018 words for a row without measures: "Unusual power usage of 1500 Wh at 4:00. Please check!"', () => {
    const [alert] = new EpisodeTracker(FIRE_FIRST, () => 0).observe(event('house', T0, { hour: 4, kwh: 1500 }));
    expect(render(alert!, DEFAULT_TEMPLATES, 'UTC')).toEqual({ title: 'Power alert', body: 'Unusual power usage of 1500 Wh at 4:00. Please check!' });
  });

  it('say what was seen: the load, since when and for how long, from the reading’s steps, its power, or its floor', () => {
    const at = Date.parse('2026-01-05T22:43:00Z');
    const fire = (measures: Record<string, number>, power?: number, startedAt = at - 2 * MINUTE) => {
      const [a] = new EpisodeTracker(FIRE_FIRST, () => 0).observe(event('house', at, { hour: 22, kwh: 2400, measures, ...(power !== undefined ? { power } : {}) }));
      return render({ ...a!, startedAt }, DEFAULT_TEMPLATES, 'UTC').body;
    };
    // A 20-min step of 2 kW, the 45-min one not yet: on for 20 minutes.
    expect(fire({ step_20m: 2040, step_45m: 120, floor_1h: 300 })).toBe('About 2.0 kW has been on since 22:23 (20 min); this house doesn\'t do that at this time. Please check!');
    // The 45-min step too (a load on at least 60% of 45 min): on since at least 27 minutes before.
    expect(fire({ step_20m: 2040, step_45m: 1980, floor_1h: 300 }, undefined, at - 40 * MINUTE)).toBe('About 2.0 kW has been on since 22:03 (40 min); this house doesn\'t do that at this time. Please check!');
    // Minutes old, before any step: the reading's own power above the 3-h floor.
    expect(fire({ step_20m: 0, floor_3h: 150 }, 2150)).toBe('About 2.0 kW has been on since 22:41 (2 min); this house doesn\'t do that at this time. Please check!');
    // Older than the steps reach: the power the house has not dropped below.
    expect(fire({ step_20m: 0, step_45m: 0, step_90m: 0, floor_1h: 2300, floor_3h: 2250 }, 2300, at - 5 * 60 * MINUTE)).toBe('The power has not dropped below 2.3 kW since 17:43 (5.0 h); this house doesn\'t do that at this time. Please check!');
    const low = new EpisodeTracker(FIRE_FIRST, () => 0).observe(event('house', at, { hour: 22, kwh: 40, fn: -0.3, kind: 'low', measures: { mean_24h: 170 } }))[0]!;
    expect(render(low, DEFAULT_TEMPLATES, 'UTC').body).toBe('This house has used 4.1 kWh in the last 24 hours, far less than it usually does. Please check!');
  });

  it('have a low-usage counterpart and a back-to-normal message, and take custom templates', () => {
    const t = new EpisodeTracker(FIRE_FIRST, () => 0);
    const [low] = t.observe(event('house', T0, { hour: 9, kwh: 50, fn: -0.4, kind: 'low' }));
    expect(render(low!, DEFAULT_TEMPLATES, 'UTC').body).toBe('Unusually low power usage of 50 Wh at 9:00. Please check!');
    // A low episode ends 36 quiet hours after its last anomaly (notifier.lowResolveAfter).
    expect(t.observe(event('other', T0 + 35 * 60 * MINUTE)).filter((a) => a.type === 'resolve')).toEqual([]);
    const [resolve] = t.observe(event('other', T0 + 37 * 60 * MINUTE));
    expect(render(resolve!, DEFAULT_TEMPLATES, 'UTC')).toEqual({ title: 'Power back to normal', body: 'Power usage is back to normal (unusually low since 4:00).' });
    expect(render(low!, { ...DEFAULT_TEMPLATES, low: '{meter} {kind} {kwh} kWh fn={fn} n={count} {nope}' }, 'UTC').body).toBe('house low 0.05 kWh fn=-0.40 n=1 {nope}');
  });
});

describe('the ANOMOLY_POWER event contract', () => {
  it('accepts a 2018 row (EVENT_TS, HOUR, KWH, FN only) and derives the kind from FN', () => {
    const high = parseAnomalyEvent(JSON.stringify({ EVENT_TS: T0, HOUR: 4, KWH: 1.5, FN: 1.7 }));
    expect(high).toEqual({ ok: true, event: { eventTs: T0, hour: 4, kwh: 1.5, fn: 1.7, kind: 'high', meterId: 'house' } });
    const low = parseAnomalyEvent(Buffer.from(JSON.stringify({ EVENT_TS: T0, HOUR: 9, KWH: 0.1, FN: -0.2 })));
    expect(low.ok && low.event.kind).toBe('low');
  });

  it('accepts the full row, nulls for absent columns, and extra columns', () => {
    const r = parseAnomalyEvent(
      JSON.stringify({ EVENT_TS: String(T0), HOUR: 4, KWH: 1.5, FN: 0.4, KIND: 'HIGH', METER_ID: 'm1', DAY: 'Sat', LOWER: 0.1, UPPER: 0.9, ROWKEY: 'x' }),
    );
    expect(r).toEqual({ ok: true, event: { eventTs: T0, hour: 4, kwh: 1.5, fn: 0.4, kind: 'high', meterId: 'm1', day: 'Sat', lower: 0.1, upper: 0.9 } });
    const nulls = parseAnomalyEvent(JSON.stringify({ EVENT_TS: T0, HOUR: 4, KWH: 1.5, FN: 2, KIND: null, METER_ID: null, LOWER: null }));
    expect(nulls.ok && nulls.event.meterId).toBe('house');
  });

  it.each([
    ['not JSON', '{"EVENT_TS": 1', /not JSON/],
    ['an array', '[1,2]', /expected a JSON object, got an array/],
    ['a tombstone', null, /tombstone/],
    ['a missing column', JSON.stringify({ EVENT_TS: T0, HOUR: 4, FN: 2 }), /KWH/],
    ['an hour out of range', JSON.stringify({ EVENT_TS: T0, HOUR: 24, KWH: 1, FN: 2 }), /HOUR/],
    ['an unknown kind', JSON.stringify({ EVENT_TS: T0, HOUR: 4, KWH: 1, FN: 2, KIND: 'medium' }), /KIND/],
    ['a normal score without KIND', JSON.stringify({ EVENT_TS: T0, HOUR: 4, KWH: 1, FN: 0.5 }), /not an anomaly/],
  ])('rejects %s with a clear reason', (_label, value, reason) => {
    const r = parseAnomalyEvent(value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(reason);
  });
});
