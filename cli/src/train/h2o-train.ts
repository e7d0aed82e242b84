import { redactUrl } from '@stream-smarts/contracts';
import type { CellStats } from './cells.js';
import { TrainError } from './errors.js';
import type { H2OClient } from './h2o-client.js';
import { mojoBlockedError } from './h2o-help.js';

/**
 * Trains the two MOJOs on a real H2O.
 *
 * Why the models are fitted to per-cell quantiles rather than to the raw history: H2O's quantile
 * GBM cannot learn an envelope at α = 0 or 1 — the default and the 2018 original's minimum and
 * maximum. Its initial prediction is the α-quantile of the whole response (the global min or max),
 * so every row lies on one side of it, the pinball-loss gradient is the same for every row, no tree
 * finds a split, and all 168 cells come out as the global extreme (tried on H2O 3.46: α = 1 with
 * ntrees up to 1000, learn_rate 1, min_rows 1, max_depth 10–20, min_split_improvement 0 — every
 * cell predicted the global max; α = 0.999999 only peels off the top few cells). Near the ends the
 * sign gradient stays almost one-sided, so even fitting one row per cell at α itself fails (α = 0.9:
 * up to 58 Wh/h off; 0.99: 145), and continuing a checkpoint at a new α re-initialises the
 * prediction (every cell shifted by the difference).
 *
 * So training computes each cell's empirical α-quantile (cells.ts, H2O's interpolation rule) and
 * fits GBM `distribution=quantile` at α = 0.5 to one row per cell: the median of a leaf holding a
 * single row is that row, and a median's gradient signs split the cells evenly. With learn_rate 1,
 * min_rows 1, max_depth 10 and 200 trees the MOJOs reproduce the cells to hundredths of a Wh/h,
 * now and then a few tenths where a leaf stays shared by two cells (reference test: ≤ 0.2 Wh/h).
 * The MOJOs' own `quantile_alpha` is therefore 0.5; the requested quantiles are the ones applied
 * to the history and recorded in envelope.json.
 */

export interface TrainedModels {
  lower: Buffer;
  upper: Buffer;
  h2oVersion: string;
  lowerModelId: string;
  upperModelId: string;
}

export interface H2OTrainOptions {
  /** Unique per run so concurrent runs on one H2O do not collide. */
  runId: string;
  onProgress?: (stage: string, fraction: number) => void;
  ntrees?: number;
  seed?: number;
}

/** GBM parameters shared by both models; see the module comment for why each is set. */
export function gbmParams(frame: string, modelId: string, ntrees: number, seed: number): Record<string, string | number | boolean> {
  return {
    model_id: modelId,
    training_frame: frame,
    response_column: 'kwh',
    distribution: 'quantile',
    quantile_alpha: 0.5,
    ntrees,
    // A leaf per cell: 168 cells need depth ≥ 8 of bitset splits on day and hour.
    max_depth: 10,
    min_rows: 1,
    learn_rate: 1,
    sample_rate: 1,
    col_sample_rate: 1,
    col_sample_rate_per_tree: 1,
    seed,
    score_tree_interval: 0,
  };
}

function targetCsv(cells: readonly CellStats[], which: 'lower' | 'upper'): Uint8Array {
  const lines = ['day,hour,kwh'];
  for (const c of cells) {
    const v = c[which];
    if (v !== undefined && c.rows > 0) lines.push(`${c.day},${c.hour},${v}`);
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

export async function trainModels(h2o: H2OClient, cells: readonly CellStats[], opts: H2OTrainOptions): Promise<TrainedModels> {
  const cloud = await h2o.cloud();
  if (!cloud.healthy) throw new TrainError(`the H2O cloud at ${redactUrl(h2o.url)} (${cloud.cloudName}) reports itself unhealthy`, 'restart the H2O server');
  const ntrees = opts.ntrees ?? 200;
  const seed = opts.seed ?? 20180908;
  const keys: { kind: 'Frames' | 'Models'; key: string }[] = [];
  const out: Partial<Record<'lower' | 'upper', Buffer>> = {};
  const ids = { lower: `stream_smarts_${opts.runId}_lower`, upper: `stream_smarts_${opts.runId}_upper` };
  try {
    let step = 0;
    for (const which of ['lower', 'upper'] as const) {
      const base = step / 2;
      const report = (stage: string, f: number) => opts.onProgress?.(stage, base + f / 2);
      report(`uploading ${which} targets`, 0);
      const raw = await h2o.postFile(`stream_smarts_${opts.runId}_${which}.csv`, targetCsv(cells, which));
      const frame = `stream_smarts_${opts.runId}_${which}.hex`;
      keys.push({ kind: 'Frames', key: frame });
      await h2o.waitFor(await h2o.parse(raw, frame, { day: 'Enum', hour: 'Enum', kwh: 'Numeric' }), `parse of the ${which} frame`, (p) => report(`parsing ${which}`, 0.1 * p));
      const cols = await h2o.frameColumns(frame);
      for (const c of ['day', 'hour']) {
        const col = cols.find((x) => x.label === c);
        if (col?.type !== 'enum') throw new TrainError(`H2O parsed column ${c} as ${col?.type ?? 'missing'}, not enum`, 'report this: the MOJO needs day and hour as categoricals');
      }
      const job = await h2o.buildGbm(gbmParams(frame, ids[which], ntrees, seed));
      keys.push({ kind: 'Models', key: ids[which] });
      await h2o.waitFor(job, `GBM training of the ${which} model`, (p) => report(`training ${which}`, 0.1 + 0.85 * p));
      report(`downloading ${which} MOJO`, 0.95);
      try {
        out[which] = await h2o.mojo(ids[which]);
      } catch (e) {
        if (/MOJO export is blocked|SECURE REQUIRED/i.test((e as Error).message)) throw mojoBlockedError(h2o.url, cloud.version);
        throw e;
      }
      report(`${which} done`, 1);
      step++;
    }
  } finally {
    for (const k of keys.reverse()) await h2o.remove(k.kind, k.key);
  }
  return { lower: out.lower!, upper: out.upper!, h2oVersion: cloud.version, lowerModelId: ids.lower, upperModelId: ids.upper };
}
