import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryReadOptions } from '@stream-smarts/contracts';
import type { History } from './index.js';
import { loadHistory } from './load.js';

/**
 * The households of the detection benchmark (issue 19): the two real ones of the development split
 * and the generated ones of kinds they lack. Each is read by the one history reader and laid on
 * the benchmark's grid; its real events come from its truth.json (real houses: found once by
 * labels.ts's fixed rules and committed with their evidence) or are none (the generator simulates
 * no load left on and no absence).
 */
export interface HouseholdSpec {
  household: string;
  kind: 'real' | 'generated';
  dir: string;
  files: string[];
  timezone: string;
  /** truth.json in dir, or none. */
  truth: boolean;
}

const BENCH_DATA = fileURLToPath(new URL('../../../../bench/data/', import.meta.url));

const generated = (name: string): HouseholdSpec => ({ household: name, kind: 'generated', dir: join(BENCH_DATA, 'generated'), files: [`${name}.csv.gz`], timezone: 'Europe/London', truth: false });

export const BENCH_HOUSEHOLDS: HouseholdSpec[] = [
  { household: 'UCI (Sceaux, FR)', kind: 'real', dir: join(BENCH_DATA, 'uci-household'), files: ['dev-2007.csv.gz', 'dev-2010.csv.gz'], timezone: 'Etc/GMT-1', truth: true },
  { household: 'REFIT House 2 (UK)', kind: 'real', dir: join(BENCH_DATA, 'refit-house2'), files: ['refit-house2.csv.gz'], timezone: 'Europe/London', truth: true },
  generated('electric-heating'),
  generated('immersion-timer'),
  generated('storage-heaters'),
  generated('single-variable'),
  generated('family-evening'),
];

export const ATTRIBUTION = [
  'Data: UCI "Individual household electric power consumption" (Hébrail, Bérard; doi:10.24432/C58K54), CC BY 4.0;',
  'REFIT House 2 (Murray, Stankovic, Stankovic; doi:10.1038/sdata.2016.122), CC BY 4.0, minute means by DeviceScope (EDF R&D);',
  'generated households: richardsonpy 0.2.3 (CREST model, Richardson et al., Loughborough University) with bench/households/generate.py.',
].join(' ');

export async function loadHouseholds(specs: readonly HouseholdSpec[] = BENCH_HOUSEHOLDS, read?: Pick<HistoryReadOptions, 'maxPowerKw' | 'maxBadShare' | 'signal' | 'onProgress'>): Promise<History[]> {
  const out: History[] = [];
  for (const s of specs) {
    const truth = join(s.dir, 'truth.json');
    for (const f of s.files) {
      const h = await loadHistory(join(s.dir, f), s.timezone, { household: s.household, ...(s.truth && existsSync(truth) ? { truth } : {}), ...(read ? { read } : {}) });
      if (!s.truth) h.labelled = [];
      out.push(h);
    }
  }
  return out;
}
