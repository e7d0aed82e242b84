import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JarTables } from '@stream-smarts/contracts';
import { bandStats, DEFAULT_METHOD, type BandMethod, type BandStats, type DayGrid } from './band-stats.js';
import { maxAbsDiff, predictTables } from './envelope.js';
import type { H2OClient } from './h2o-client.js';
import { trainBands } from './h2o-train.js';
import { tablesFromStats } from './tables.js';

/**
 * Measured days in, a model's tables out: the band statistics, the GBM on H2O, and the tables the
 * UDF jar computes from its MOJO. What `train`, `retrain` and the detection benchmark all do.
 */
export interface Fitted {
  stats: BandStats;
  mojo: Buffer;
  h2oVersion: string;
  tables: JarTables;
  /** Largest difference between the MOJO's tables and the statistics, Wh/h. */
  fitMaxAbsWh: number;
}

let runs = 0;

export async function fitModel(dg: DayGrid, o: { h2o: H2OClient; jar: string; method?: BandMethod; onProgress?: (stage: string, f: number) => void }): Promise<Fitted> {
  const stats = bandStats(dg, o.method ?? DEFAULT_METHOD);
  const trained = await trainBands(o.h2o, stats, { runId: `${process.pid}_${Date.now().toString(36)}_${runs++}`, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'stream-smarts-bands-'));
  try {
    writeFileSync(join(dir, 'bands.zip'), trained.mojo);
    const tables = await predictTables(dir, o.jar);
    return { stats, mojo: trained.mojo, h2oVersion: trained.h2oVersion, tables, fitMaxAbsWh: maxAbsDiff(tables, tablesFromStats(stats), stats.method.slotMinutes) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
