import type { Event, Grid } from './protocol.js';
import { figures, worstOf, type RowFigures } from './report.js';
import { runBenchmark, type Method, type WindowResult } from './runner.js';

export * from './protocol.js';
export * from './labels.js';
export * from './runner.js';
export * from './report.js';

/**
 * `make bench ONLY=detect` and `stream-smarts evaluate --benchmark`: every method, trained once
 * per window and retrained every 7 days on the trailing 90, over every history, in one run; the
 * figures per household and for the worst one.
 */

export interface History {
  /** The household the file belongs to: its rows pool every file of it. */
  household: string;
  file: string;
  grid: Grid;
  /** Real events of the history (labels.ts), scored as events. */
  labelled: (Event & { start?: string; end?: string })[];
}

export type Mode = 'once' | 'retrained';

export interface BenchmarkOptions {
  histories: readonly History[];
  methods: readonly Method[];
  modes?: readonly Mode[];
  retrainDays?: number;
  /** Days of training and of each test period; default 90 and 60 (small slices in tests). */
  trainDays?: number;
  testDays?: number;
  onWindow?: (method: string, mode: string, r: WindowResult) => void;
  signal?: AbortSignal;
}

export interface BenchmarkResult {
  /** One row per household, method and mode. */
  rows: RowFigures[];
  /** Per method and mode, the worst household. */
  worst: RowFigures[];
  windows: Record<string, WindowResult[]>;
}

const modeLabel = (mode: Mode, retrainDays = 7) => (mode === 'once' ? 'trained once' : `retrained every ${retrainDays} days`);

export async function runDetectionBenchmark(o: BenchmarkOptions): Promise<BenchmarkResult> {
  const retrain = o.retrainDays ?? 7;
  const modes = o.modes ?? ['once', 'retrained'];
  const households = [...new Set(o.histories.map((h) => h.household))];
  const rows: RowFigures[] = [];
  const worst: RowFigures[] = [];
  const windows: Record<string, WindowResult[]> = {};
  for (const method of o.methods) {
    for (const mode of modes.filter((x) => !method.modes || method.modes.includes(x))) {
      const label = modeLabel(mode, retrain);
      const mine: RowFigures[] = [];
      for (const household of households) {
        const all: WindowResult[] = [];
        for (const h of o.histories.filter((x) => x.household === household)) {
          all.push(
            ...(await runBenchmark({
              file: h.file,
              grid: h.grid,
              labelled: h.labelled,
              method,
              ...(mode === 'retrained' ? { retrainDays: retrain } : {}),
              ...(o.trainDays ? { trainDays: o.trainDays } : {}),
              ...(o.testDays ? { testDays: o.testDays } : {}),
              onWindow: (r) => o.onWindow?.(method.name, label, r),
              ...(o.signal ? { signal: o.signal } : {}),
            })),
          );
        }
        windows[`${household} | ${method.name} | ${label}`] = all;
        mine.push(figures(household, method.name, label, all));
      }
      rows.push(...mine);
      if (mine.length) worst.push(worstOf(mine));
    }
  }
  return { rows, worst, windows };
}
