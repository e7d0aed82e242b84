import type { Logger, Source } from '@stream-smarts/contracts';
import { DEFAULT_RULES, type EpisodeRules } from '@stream-smarts/notifier';
import { noProgress, type Progress } from '../../h2o/progress.js';
import { fitModel } from '../../train/fit.js';
import { H2OClient } from '../../train/h2o-client.js';
import { acquireH2O } from '../../train/h2o-server.js';
import { ensureUdfJar } from '../../train/udf-jar.js';
import { PREVIOUS, PRODUCT, runDetectionBenchmark, type History } from './index.js';
import { renderTable, targets, type RowFigures } from './report.js';
import type { WindowResult } from './runner.js';

/**
 * The rules the previous method shipped with (stream-smarts before bands@2: 10 anomalies in 15
 * min, 45 in 60 for low, hourly reminders of both, 15 quiet minutes), so its row is that method as
 * it was.
 */
export const PREVIOUS_RULES: EpisodeRules = {
  fireAfter: 10,
  fireWindowMs: 15 * 60_000,
  lowFireAfter: 45,
  lowFireWindowMs: 60 * 60_000,
  repeatIntervalMs: 3_600_000,
  lowRepeatIntervalMs: 3_600_000,
  resolveAfterMs: 15 * 60_000,
  lowResolveAfterMs: 15 * 60_000,
  notifyResolved: true,
};

export interface BenchmarkRun {
  rows: RowFigures[];
  windows: Record<string, WindowResult[]>;
  fits: number;
  ms: number;
}

/** Runs the benchmark with the product's own trainer: a real H2O (started locally when none answers) and the UDF jar. */
export async function benchmarkWithH2O(o: {
  histories: History[];
  rules?: EpisodeRules;
  h2oUrl: string;
  h2oUrlSource?: Source;
  javaOptions?: readonly string[];
  log?: Logger;
  progress?: Progress;
  only?: { methods?: string[]; modes?: ('once' | 'retrained')[] };
  onWindow?: (method: string, mode: string, r: WindowResult) => void;
  signal?: AbortSignal;
}): Promise<BenchmarkRun> {
  const t0 = Date.now();
  const progress = o.progress ?? noProgress;
  const udf = await ensureUdfJar({ progress, ...(o.log ? { log: o.log } : {}) });
  const server = await acquireH2O({ url: o.h2oUrl, ...(o.h2oUrlSource ? { source: o.h2oUrlSource } : {}), startLocal: true, ...(o.javaOptions ? { javaOptions: o.javaOptions } : {}), ...(o.log ? { log: o.log } : {}), progress });
  let fits = 0;
  try {
    const h2o = new H2OClient(server.url);
    const r = await runDetectionBenchmark({
      histories: o.histories,
      rules: o.rules ?? DEFAULT_RULES,
      previousRules: PREVIOUS_RULES,
      fit: async (dg) => {
        fits++;
        return (await fitModel(dg, { h2o, jar: udf.jar })).tables;
      },
      ...(o.only ? { only: o.only } : {}),
      ...(o.onWindow ? { onWindow: o.onWindow } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return { ...r, fits, ms: Date.now() - t0 };
  } finally {
    progress.stop();
    await server.release();
  }
}

/** The report as text: the comparison table, the targets for the product's rows, per-window false alerts, the labelled real events. */
export function renderBenchmark(run: BenchmarkRun, histories: readonly History[], attribution = ''): string {
  const L: string[] = [];
  L.push(renderTable(run.rows));
  L.push('');
  L.push('Minutes are event time from the event’s start to its first alert of the expected kind. False alerts: new alerts outside every injected or labelled event and the hour after it.');
  for (const r of run.rows.filter((x) => x.method === PRODUCT)) {
    L.push('');
    L.push(`Targets, ${r.method}, ${r.mode}:`);
    for (const t of targets(r)) L.push(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.figure}`);
    L.push(`  (counting the labelled all-night loads as false alerts too: ${r.falsePerWeekCountingAllNightLoads.toFixed(2)} a week)`);
  }
  L.push('');
  L.push('False alerts a week per window (test periods of 60 days):');
  const names = run.rows.map((r) => `${r.method === PRODUCT ? 'stream-smarts' : r.method === PREVIOUS ? 'previous' : '2018'} ${r.mode.startsWith('trained') ? 'once' : 'retrained'}`);
  L.push(`| window | ${names.join(' | ')} |`);
  L.push(`|---|${names.map(() => '---:').join('|')}|`);
  const first = run.rows[0];
  for (let k = 0; k < (first?.windows.length ?? 0); k++) {
    const w = first!.windows[k]!;
    L.push(`| ${w.file} #${w.index} | ${run.rows.map((r) => r.windows[k]!.falsePerWeek.toFixed(2)).join(' | ')} |`);
  }
  L.push('');
  const real = histories.reduce((a, h) => a + h.labelled.length, 0);
  L.push(`Labelled real events (scored as events, not false alerts): ${real} — ${histories.map((h) => `${h.file}: ${h.labelled.filter((e) => e.name === 'real-away').length} away, ${h.labelled.filter((e) => e.name === 'real-all-night-load').length} all-night loads`).join('; ')}.`);
  L.push(`${run.fits} models trained with H2O; ${(run.ms / 1000).toFixed(0)} s in all.`);
  if (attribution) L.push(attribution);
  return L.join('\n');
}
