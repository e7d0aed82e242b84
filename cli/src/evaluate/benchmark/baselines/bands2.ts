import { FLOOR_NAMES, floorScore, lowScore } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';
import { dayGridOf, type Method } from '../runner.js';
import { bandStats, type BandStats } from './bands2-stats.js';

/**
 * `stream-smarts/bands@2` as it shipped, the detection benchmark's "before" row: its statistics,
 * scored minute by minute as its MOJO reproduced them (within 0.1 W), with its score — the largest
 * floor z above 1, else the 24-h mean below its lower band.
 */
function scorer(s: BandStats) {
  const slot = (m: number) => Math.floor(m / s.method.slotMinutes);
  return (minute: number, f: Record<(typeof FLOOR_NAMES)[number], number>, mean24: number): number | null => {
    const sl = slot(minute);
    let high = -Infinity;
    for (const name of FLOOR_NAMES) {
      const x = f[name];
      if (!(x >= 0)) continue;
      const z = floorScore(x, s.slots[`${name}.ref`][sl]!, s.slots[`${name}.upper`][sl]!);
      if (z > high) high = z;
    }
    const low = mean24 >= 0 ? lowScore(mean24, s.slots['mean_24h.lower'][sl]!, s.slots['mean_24h.ref'][sl]!) : null;
    if (high > 1) return high;
    if (low !== null && low < 0) return low;
    if (high !== -Infinity) return Math.max(high, 0);
    if (low !== null) return Math.min(low, 1);
    return null;
  };
}

export function bands2Method(rules: EpisodeRules, name = 'bands@2 (before)'): Method {
  return {
    name,
    rules,
    async fit(g, m, from, to) {
      let stats: BandStats;
      try {
        stats = bandStats(dayGridOf(g, m, from, to));
      } catch (e) {
        // What `train` refused (a slot of the day with no whole floor in the training days) scores nothing.
        if (e instanceof RangeError) return () => null;
        throw e;
      }
      const score = scorer(stats);
      const f = { floor_15m: NaN, floor_1h: NaN, floor_3h: NaN };
      return (i) => {
        f.floor_15m = m.floor_15m[i]!;
        f.floor_1h = m.floor_1h[i]!;
        f.floor_3h = m.floor_3h[i]!;
        return score(g.minute[i]!, f, m.mean_24h[i]!);
      };
    },
  };
}
