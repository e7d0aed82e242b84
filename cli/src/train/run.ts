import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isValidTimeZone, type Logger } from '@stream-smarts/contracts';
import { renderEnvelopeChart } from '../plot/envelope-chart.js';
import { cellStats } from './cells.js';
import { buildEnvelope, findUdfJar, predictEnvelope, type Envelope } from './envelope.js';
import { TrainError } from './errors.js';
import { H2OClient, H2OUnreachable } from './h2o-client.js';
import { h2oUnreachableError } from './h2o-help.js';
import { trainModels } from './h2o-train.js';
import { readHistory, type History } from './history.js';
import { renderModelCard } from './model-card.js';
import { modelIdFor, pointCurrent, prepareModelDir, publishModelDir, writeAtomic } from './model-dir.js';

/** `stream-smarts train` without the command line: history in, model directory out. */

export interface TrainOptions {
  history: string[];
  /** Model directory; default `<modelsDir>/<modelId>`. */
  out?: string;
  /** Where `current` lives; default `models`. */
  modelsDir?: string;
  /** Point `<modelsDir>/current` at the new model when it is inside modelsDir; default true. */
  updateCurrent?: boolean;
  timezone: string;
  lowerQuantile?: number;
  upperQuantile?: number;
  maxBadShare?: number;
  /** Physical bound of a history row, kW over its interval (STREAM_SMARTS_MAX_POWER_KW); default 100. */
  maxPowerKw?: number;
  /** Stops at the next safe point (reading the history is streamed and checks it often). */
  signal?: AbortSignal;
  h2oUrl: string;
  log?: Logger;
  onProgress?: (stage: string, fraction: number) => void;
  now?: Date;
  udfJar?: string;
  ntrees?: number;
}

export interface TrainResult {
  dir: string;
  /** Largest difference (Wh/h) between a cell's predicted bound and its history quantile. */
  fitError: number;
  current?: string;
  envelope: Envelope;
  history: History;
  timings: { readMs: number; trainMs: number; envelopeMs: number; totalMs: number };
}

export function checkQuantiles(lower: number, upper: number): void {
  for (const [name, q] of [
    ['--lower-quantile', lower],
    ['--upper-quantile', upper],
  ] as const) {
    if (!Number.isFinite(q) || q < 0 || q > 1) throw new TrainError(`${name} ${q} is not a number from 0 to 1`, `give e.g. ${name} ${name.startsWith('--lower') ? 0 : 1}`, 2);
  }
  if (!(lower < upper)) throw new TrainError(`--lower-quantile ${lower} is not below --upper-quantile ${upper}`, 'the lower quantile must be smaller, e.g. 0 and 1 or 0.01 and 0.99', 2);
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const t0 = Date.now();
  const lowerQ = o.lowerQuantile ?? 0;
  const upperQ = o.upperQuantile ?? 1;
  checkQuantiles(lowerQ, upperQ);
  if (!isValidTimeZone(o.timezone)) {
    throw new TrainError(`time zone ${JSON.stringify(o.timezone)} does not exist`, 'give an IANA zone name such as Europe/London or Australia/Sydney with --timezone or STREAM_SMARTS_TIMEZONE', 2);
  }
  o.onProgress?.('reading history', 0);
  const history = await readHistory(o.history, {
    timezone: o.timezone,
    maxBadShare: o.maxBadShare ?? 0.01,
    ...(o.maxPowerKw !== undefined ? { maxPowerKw: o.maxPowerKw } : {}),
    onProgress: (f) => o.onProgress?.('reading history', f),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (o.signal?.aborted) throw new TrainError('stopped while reading the history', 'run train again', 1);
  const tRead = Date.now();
  o.log?.info({ rows: history.rows.length, rejected: history.rejected, partial: history.partial, files: history.files }, 'history read');
  for (const w of history.report.warnings()) o.log?.warn(w);

  // Fail before training if the envelope cannot be computed afterwards.
  const jar = o.udfJar ?? findUdfJar();
  const stats = cellStats(history.rows, lowerQ, upperQ);
  const now = o.now ?? new Date();
  const modelId = modelIdFor(now);
  const modelsDir = resolve(o.modelsDir ?? 'models');
  const dir = resolve(o.out ?? join(modelsDir, modelId));

  const h2o = new H2OClient(o.h2oUrl);
  let models;
  try {
    models = await trainModels(h2o, stats, {
      runId: `${modelId.replace(/[^0-9A-Za-z]/g, '')}_${process.pid}`,
      onProgress: (stage, f) => o.onProgress?.(stage, f),
      ...(o.ntrees ? { ntrees: o.ntrees } : {}),
    });
  } catch (e) {
    if (e instanceof H2OUnreachable) throw h2oUnreachableError(e);
    throw e;
  }
  const tTrain = Date.now();
  o.log?.info({ h2oVersion: models.h2oVersion, ms: tTrain - tRead }, 'models trained');

  // The model is written in a hidden sibling directory and moved into place when complete, so a
  // failure (full disk, the jar, a signal) leaves no half model and no temporary files behind.
  prepareModelDir(dir);
  const work = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  let envelope: Envelope;
  let fitError = 0;
  try {
    writeAtomic(join(work, 'lower.zip'), models.lower);
    writeAtomic(join(work, 'upper.zip'), models.upper);
    o.onProgress?.('computing the envelope with the UDF jar', 1);
    const predicted = await predictEnvelope(work, jar);
    // How closely the MOJOs reproduce the per-cell quantiles they were fitted to (see h2o-train.ts).
    for (const c of predicted.cells) {
      const t = stats.find((x) => x.day === c.day && x.hour === c.hour);
      if (t?.lower !== undefined && t.upper !== undefined) fitError = Math.max(fitError, Math.abs(c.lower - t.lower), Math.abs(c.upper - t.upper));
    }
    if (fitError > 1) o.log?.warn({ fitError }, `the MOJOs miss a cell's quantile by ${fitError.toFixed(2)} Wh/h`);
    else o.log?.info({ fitError }, 'MOJOs reproduce the per-cell quantiles');
    envelope = buildEnvelope({
      modelId,
      timezone: o.timezone,
      quantiles: { lower: lowerQ, upper: upperQ },
      h2oVersion: models.h2oVersion,
      trainedAt: now,
      history: { from: history.from, to: history.to, rows: history.rows.length, rejected: history.rejected },
      stats,
      lowerZip: models.lower,
      upperZip: models.upper,
      predicted,
    });
    writeAtomic(join(work, 'envelope.json'), JSON.stringify(envelope, null, 2) + '\n');
    writeAtomic(join(work, 'model-card.md'), renderModelCard(envelope, history, fitError));
    writeAtomic(join(work, 'envelope.svg'), envelopeSvg(envelope, history));
    if (o.signal?.aborted) throw new TrainError('stopped before the model was complete', 'run train again', 1);
    publishModelDir(work, dir);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const tEnv = Date.now();

  let current: string | undefined;
  if (o.updateCurrent !== false) {
    const inside = resolve(dir, '..') === modelsDir;
    if (inside) current = pointCurrent(modelsDir, dir);
    else o.log?.info({ dir, modelsDir }, 'model written outside the models directory; `current` left as it was');
  }
  return {
    dir,
    fitError,
    ...(current ? { current } : {}),
    envelope,
    history,
    timings: { readMs: tRead - t0, trainMs: tTrain - tRead, envelopeMs: tEnv - tTrain, totalMs: tEnv - t0 },
  };
}

export function envelopeSvg(env: Envelope, history: Pick<History, 'rows'>): string {
  const HOUR_MS = 3_600_000;
  // At most ~50,000 points: the chart thins further; a year of minutes would only weigh down the SVG.
  const rows = history.rows;
  const step = Math.max(1, Math.ceil(rows.length / 50_000));
  const points: { day: number; x: number; y: number }[] = [];
  for (let i = 0; i < rows.length; i += step) {
    const r = rows.at(i);
    points.push({ day: r.day, x: r.hour + ((((r.endMs - 1) % HOUR_MS) + HOUR_MS) % HOUR_MS) / HOUR_MS, y: r.kwh });
  }
  const q = env.quantiles.lower === 0 && env.quantiles.upper === 1 ? 'minimum to maximum seen' : `quantiles ${env.quantiles.lower}–${env.quantiles.upper}`;
  return renderEnvelopeChart({
    title: 'Expected household power by hour of day',
    subtitle: `Model ${env.modelId} · ${env.timezone} · ${q} · ${env.history.rows} readings ${env.history.from.slice(0, 10)} to ${env.history.to.slice(0, 10)} · trailing-hour energy in Wh/h`,
    hours: env.hours,
    cells: env.cells,
    points,
  });
}
