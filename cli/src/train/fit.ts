import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JarTables } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';
import { calibrate, DEFAULT_BUDGET, type Budget, type Calibration } from './bands3/calibrate.js';
import { bands3Stats, DEFAULT_BANDS3, type Bands3Method, type Bands3Stats, type Resolution } from './bands3/stats.js';
import { slotBands, tablesFromSlots, type SlotBands } from './bands3/tables.js';
import type { DayGrid } from './day-grid.js';
import { maxAbsDiff, predictTables } from './envelope.js';
import type { H2OClient } from './h2o-client.js';
import { trainBands } from './h2o-train.js';

/**
 * Measured days in, a model's tables out — what `train`, `retrain` and the detection benchmark
 * all do: the statistics (bands3/stats.ts), the margins calibrated to the alert budget on
 * held-back blocks of the days (bands3/calibrate.ts), their values per slot (bands3/tables.ts),
 * and then the GBM on H2O and the tables the UDF jar computes from its MOJO.
 */
export interface MethodOptions {
  resolution: Resolution;
  method?: Bands3Method;
  rules: EpisodeRules;
  budget?: Budget;
}

export interface Statistics {
  stats: Bands3Stats;
  calibration: Calibration;
  slots: SlotBands;
  /** The tables the slot values stand for (what the MOJO is fitted to). */
  tables: JarTables;
}

/** The model's statistics and calibration, without H2O. Throws RangeError when the days cannot be trained on. */
export function statistics(dg: DayGrid, o: MethodOptions): Statistics {
  const method = o.method ?? DEFAULT_BANDS3;
  const calibration = calibrate(dg, o.resolution, method, o.rules, o.budget ?? DEFAULT_BUDGET);
  const stats = bands3Stats(dg, o.resolution, method);
  const slots = slotBands(stats, calibration);
  return { stats, calibration, slots, tables: tablesFromSlots(slots) };
}

export interface Fitted extends Statistics {
  mojo: Buffer;
  h2oVersion: string;
  /** The MOJO's tables (the UDF jar's `envelope`): what every consumer scores with. */
  tables: JarTables;
  /** Largest difference between the MOJO's tables and the statistics, Wh/h. */
  fitMaxAbsWh: number;
}

let runs = 0;

export async function fitModel(dg: DayGrid, o: MethodOptions & { h2o: H2OClient; jar: string; onProgress?: (stage: string, f: number) => void }): Promise<Fitted> {
  const s = statistics(dg, o);
  const trained = await trainBands(o.h2o, s.slots, { runId: `${process.pid}_${Date.now().toString(36)}_${runs++}`, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'stream-smarts-bands-'));
  try {
    writeFileSync(join(dir, 'bands.zip'), trained.mojo);
    const tables = await predictTables(dir, o.jar);
    return { ...s, mojo: trained.mojo, h2oVersion: trained.h2oVersion, tables, fitMaxAbsWh: maxAbsDiff(tables, s.tables, s.stats.method.slotMinutes) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
