import type { JarTables } from '@stream-smarts/contracts';
import type { EpisodeRules } from '@stream-smarts/notifier';
import type { DayGrid } from '../../train/band-stats.js';
import type { Event, Grid } from './protocol.js';
import { figures, type RowFigures } from './report.js';
import { minMaxMethod, productMethod, runBenchmark, type Method, type WindowResult } from './runner.js';

export * from './protocol.js';
export * from './labels.js';
export * from './runner.js';
export * from './report.js';

/**
 * `make bench ONLY=detect` and `stream-smarts evaluate --benchmark`: every method, trained once
 * per window and retrained every 7 days on the trailing 90, over every history, in one run.
 */

export interface History {
  file: string;
  grid: Grid;
  /** Real events of the history (labels.ts), scored as events. */
  labelled: (Event & { start?: string; end?: string })[];
}

export interface BenchmarkOptions {
  histories: readonly History[];
  /** The product's trainer: measured days → the model's tables (band statistics, H2O, the UDF jar). */
  fit: (dg: DayGrid) => Promise<JarTables>;
  /** The product's alert rules (the settings' defaults), used for the 2018 method too. */
  rules: EpisodeRules;
  /** The rules the previous method shipped with. */
  previousRules: EpisodeRules;
  retrainDays?: number;
  /** Leave out the slow retrained product row (tests). */
  only?: { methods?: string[]; modes?: ('once' | 'retrained')[] };
  onWindow?: (method: string, mode: string, r: WindowResult) => void;
  signal?: AbortSignal;
}

export const PRODUCT = 'stream-smarts (bands@2)';
export const METHOD_2018 = '2018: min/max per hour';
export const PREVIOUS = 'previous: min/max per day and hour';

export async function runDetectionBenchmark(o: BenchmarkOptions): Promise<{ rows: RowFigures[]; windows: Record<string, WindowResult[]> }> {
  const retrain = o.retrainDays ?? 7;
  const methods: Method[] = [productMethod(o.rules, o.fit, PRODUCT), minMaxMethod(METHOD_2018, false, o.rules), minMaxMethod(PREVIOUS, true, o.previousRules)].filter(
    (m) => !o.only?.methods || o.only.methods.includes(m.name),
  );
  const modes = (o.only?.modes ?? ['once', 'retrained']) as ('once' | 'retrained')[];
  const rows: RowFigures[] = [];
  const windows: Record<string, WindowResult[]> = {};
  for (const method of methods) {
    for (const mode of modes) {
      const label = mode === 'once' ? 'trained once' : `retrained every ${retrain} days`;
      const all: WindowResult[] = [];
      for (const h of o.histories) {
        all.push(
          ...(await runBenchmark({
            file: h.file,
            grid: h.grid,
            labelled: h.labelled,
            method,
            ...(mode === 'retrained' ? { retrainDays: retrain } : {}),
            onWindow: (r) => o.onWindow?.(method.name, label, r),
            ...(o.signal ? { signal: o.signal } : {}),
          })),
        );
      }
      windows[`${method.name} | ${label}`] = all;
      rows.push(figures(method.name, label, all));
    }
  }
  return { rows, windows };
}
