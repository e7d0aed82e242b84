import { redactUrl } from '@stream-smarts/contracts';
import type { SlotBands } from './bands3/tables.js';
import { TrainError } from './errors.js';
import type { H2OClient } from './h2o-client.js';
import { mojoBlockedError } from './h2o-help.js';

/**
 * Trains bands.zip on a real H2O: one GBM over one row per (band, slot), as
 * contracts/MODEL-FORMAT.md ("The MOJO") fixes — `band` categorical (its levels name the day
 * type too when the model has two), `minute` numeric (the slot's middle minute), response
 * `log_w = ln(1 + value)`.
 *
 * Why a GBM fitted to statistics rather than to the raw readings: the bands are quantiles of daily
 * maxima plus margins calibrated on held-back blocks of days (bands3/), which no H2O loss computes
 * from raw rows. The GBM makes the statistics a function of the time of
 * day that h2o-genmodel evaluates inside ksqlDB; with min_rows 1, depth 16 and learn rate 1 each
 * (band, slot) gets its own leaf within a few trees, so the MOJO reproduces the statistics (train reports the largest difference).
 * Why log: one model holds 100 000 ("not used") beside 150 W; in log space the squared loss weighs
 * both by their relative error.
 */

export interface TrainedBands {
  mojo: Buffer;
  h2oVersion: string;
  modelId: string;
}

export interface H2OTrainOptions {
  /** Unique per run so concurrent runs on one H2O do not collide. */
  runId: string;
  onProgress?: (stage: string, fraction: number) => void;
  ntrees?: number;
  seed?: number;
}

/** The GBM parameters of MODEL-FORMAT "The MOJO". */
function gbmParams(frame: string, modelId: string, ntrees = 30, seed = 20181117): Record<string, string | number | boolean> {
  return {
    model_id: modelId,
    training_frame: frame,
    response_column: 'log_w',
    distribution: 'gaussian',
    ntrees,
    max_depth: 16,
    min_rows: 1,
    learn_rate: 1,
    nbins: 1024,
    nbins_cats: 64,
    sample_rate: 1,
    col_sample_rate: 1,
    col_sample_rate_per_tree: 1,
    seed,
    score_tree_interval: 0,
  };
}

/** The training rows: band, minute (slot middle), log_w. */
function bandRowsCsv(bands: SlotBands): Uint8Array {
  const lines = ['band,minute,log_w'];
  const slot = bands.slotMinutes;
  for (const [level, xs] of bands.levels) {
    for (let s = 0; s < xs.length; s++) lines.push(`${level},${s * slot + slot / 2},${Math.log1p(xs[s]!)}`);
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

export async function trainBands(h2o: H2OClient, bands: SlotBands, opts: H2OTrainOptions): Promise<TrainedBands> {
  const cloud = await h2o.cloud();
  if (!cloud.healthy) throw new TrainError(`the H2O cloud at ${redactUrl(h2o.url)} (${cloud.cloudName}) reports itself unhealthy`, 'restart the H2O server');
  const id = `stream_smarts_${opts.runId}_bands`;
  const frame = `${id}.hex`;
  const keys: { kind: 'Frames' | 'Models'; key: string }[] = [];
  const report = (stage: string, f: number) => opts.onProgress?.(stage, f);
  try {
    report('uploading band statistics', 0);
    const raw = await h2o.postFile(`${id}.csv`, bandRowsCsv(bands));
    keys.push({ kind: 'Frames', key: frame });
    await h2o.waitFor(await h2o.parse(raw, frame, { band: 'Enum', minute: 'Numeric', log_w: 'Numeric' }), 'parse of the band frame', (p) => report('parsing', 0.1 * p));
    const band = (await h2o.frameColumns(frame)).find((c) => c.label === 'band');
    if (band?.type !== 'enum') throw new TrainError(`H2O parsed column band as ${band?.type ?? 'missing'}, not enum`, 'report this: the MOJO needs band as a categorical');
    const job = await h2o.buildGbm(gbmParams(frame, id, opts.ntrees, opts.seed));
    keys.push({ kind: 'Models', key: id });
    await h2o.waitFor(job, 'GBM training of bands.zip', (p) => report('training the GBM', 0.1 + 0.85 * p));
    report('downloading the MOJO', 0.95);
    let mojo: Buffer;
    try {
      mojo = await h2o.mojo(id);
    } catch (e) {
      if (/MOJO export is blocked|SECURE REQUIRED/i.test((e as Error).message)) throw mojoBlockedError(h2o.url, cloud.version);
      throw e;
    }
    report('MOJO downloaded', 1);
    return { mojo, h2oVersion: cloud.version, modelId: id };
  } finally {
    for (const k of keys.reverse()) await h2o.remove(k.kind, k.key);
  }
}
