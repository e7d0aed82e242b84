import { BandsModel, type JarTables } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';
import { statistics } from '../../train/fit.js';
import type { Budget } from '../../train/bands3/calibrate.js';
import type { Bands3Method, Resolution } from '../../train/bands3/stats.js';
import type { DayGrid } from '../../train/day-grid.js';
import { dayGridOf, modelScorer, type Method } from './runner.js';
export { bands2Method } from './baselines/bands2.js';

/**
 * A method whose models are tables in the model format (contracts/MODEL-FORMAT.md), scored as the
 * UDF scores them: the product's seam. `fitTables` turns measured days into tables — `train`'s
 * whole path (statistics, H2O, the UDF jar), or only the statistics.
 */
export function tablesMethod(name: string, rules: EpisodeRules, fitTables: (dg: DayGrid) => Promise<JarTables>): Method {
  return {
    name,
    rules,
    async fit(g, m, from, to) {
      let model: BandsModel;
      try {
        model = new BandsModel(await fitTables(dayGridOf(g, m, from, to)), name);
      } catch (e) {
        // What `train` refuses (days it cannot be trained on) scores nothing.
        if (e instanceof RangeError) return () => null;
        throw e;
      }
      return modelScorer(g, m, model);
    },
  };
}

/** bands@3 from its statistics alone (no H2O): what its MOJO reproduces within a fraction of a watt. */
export function bands3Method(rules: EpisodeRules, o: { name?: string; method?: Bands3Method; budget?: Budget; resolution: Resolution }): Method {
  return tablesMethod(o.name ?? 'bands@3', rules, async (dg) => statistics(dg, { resolution: o.resolution, rules, ...(o.method ? { method: o.method } : {}), ...(o.budget ? { budget: o.budget } : {}) }).tables);
}
