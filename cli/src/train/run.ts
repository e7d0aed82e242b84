import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isValidTimeZone, type Logger, type Source } from '@stream-smarts/contracts';
import { LocalH2OError } from '../h2o/errors.js';
import { requireJava } from '../h2o/java.js';
import { noProgress, pauseForLogs, type Progress } from '../h2o/progress.js';
import { renderEnvelopeChart } from '../plot/envelope-chart.js';
import { cellStats } from './cells.js';
import { buildEnvelope, predictEnvelope, type Envelope } from './envelope.js';
import { TrainError } from './errors.js';
import { H2OClient, H2OUnreachable } from './h2o-client.js';
import { h2oUnreachableError } from './h2o-help.js';
import { acquireH2O } from './h2o-server.js';
import { trainModels } from './h2o-train.js';
import { readHistory, type History } from './history.js';
import { renderModelCard } from './model-card.js';
import { modelIdFor, pointCurrent, prepareModelDir, writeAtomic } from './model-dir.js';
import { ensureUdfJar } from './udf-jar.js';

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
  h2oUrl: string;
  /**
   * Where h2oUrl came from (the configuration loader's source). Only a default URL lets train
   * start a local H2O when none answers there; a URL the user gave must answer.
   */
  h2oUrlSource?: Source;
  /** Start a local H2O when none answers at a default h2oUrl (default false: h2oUrl must answer). */
  startLocalH2O?: boolean;
  /** JVM options for that local H2O (the h2o.javaOptions setting). */
  h2oJavaOptions?: readonly string[];
  log?: Logger;
  onProgress?: (stage: string, fraction: number) => void;
  /** Progress lines for the one-time download, the local H2O's start-up and the jar build. */
  progress?: Progress;
  now?: Date;
  /** The UDF jar; default: the built one, built now (as `stream-smarts build` does) when there is none. */
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
  /** The H2O that trained: its URL, and whether this run started it (and stopped it again). */
  h2o: { url: string; local: boolean };
  timings: {
    readMs: number;
    /** Building the UDF jar, when this run had to (0 otherwise). */
    jarMs: number;
    /** Reaching an H2O: the probe, plus a local H2O's start-up and any one-time download. */
    h2oStartMs: number;
    /** Of which the one-time download of H2O (0 when cached). */
    h2oDownloadMs: number;
    trainMs: number;
    /** Stopping the local H2O this run started (0 for a server it did not start). */
    h2oStopMs: number;
    envelopeMs: number;
    totalMs: number;
  };
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

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const t0 = Date.now();
  // Log lines end the drawn progress line first, so they never print over each other.
  const o = opts.progress && opts.log ? { ...opts, log: pauseForLogs(opts.log, opts.progress) } : opts;
  const lowerQ = o.lowerQuantile ?? 0;
  const upperQ = o.upperQuantile ?? 1;
  checkQuantiles(lowerQ, upperQ);
  if (!isValidTimeZone(o.timezone)) {
    throw new TrainError(`time zone ${JSON.stringify(o.timezone)} does not exist`, 'give an IANA zone name such as Europe/London or Australia/Sydney with --timezone or STREAM_SMARTS_TIMEZONE', 2);
  }
  const progress = o.progress ?? noProgress;
  const stage = (name: string, f: number) => {
    o.onProgress?.(name, f);
    progress.stage(name, f);
  };
  // Java reads the MOJOs at the end (and runs a local H2O): say so before any long work.
  try {
    await requireJava('train reads the MOJOs with the UDF jar, and runs a local H2O when none answers at H2O_URL');
  } catch (e) {
    if (e instanceof LocalH2OError) throw new TrainError(e.message, e.fix);
    throw e;
  }
  stage('reading history', 0);
  const history = await readHistory(o.history, { timezone: o.timezone, maxBadShare: o.maxBadShare ?? 0.01 });
  const tRead = Date.now();
  o.log?.info({ rows: history.rows.length, rejected: history.bad.length, partial: history.partial, files: history.files }, 'history read');
  if (history.bad.length > 0) o.log?.warn({ first: history.bad.slice(0, 5) }, `${history.bad.length} bad history rows skipped`);

  // Have the jar before training, so the envelope can be computed afterwards.
  const udf = o.udfJar ? { jar: o.udfJar } : await ensureUdfJar({ progress, ...(o.log ? { log: o.log } : {}) });
  const jar = udf.jar;
  const tJar = Date.now();
  const stats = cellStats(history.rows, lowerQ, upperQ);
  const now = o.now ?? new Date();
  const modelId = modelIdFor(now);
  const modelsDir = resolve(o.modelsDir ?? 'models');
  const dir = resolve(o.out ?? join(modelsDir, modelId));

  const server = await acquireH2O({
    url: o.h2oUrl,
    ...(o.h2oUrlSource ? { source: o.h2oUrlSource } : {}),
    startLocal: o.startLocalH2O ?? false,
    ...(o.h2oJavaOptions ? { javaOptions: o.h2oJavaOptions } : {}),
    ...(o.log ? { log: o.log } : {}),
    progress,
  });
  const tH2O = Date.now();
  let models;
  let tTrained = 0;
  try {
    models = await trainModels(new H2OClient(server.url), stats, {
      runId: `${modelId.replace(/[^0-9A-Za-z]/g, '')}_${process.pid}`,
      onProgress: stage,
      ...(o.ntrees ? { ntrees: o.ntrees } : {}),
    });
  } catch (e) {
    if (e instanceof H2OUnreachable) throw h2oUnreachableError(e, undefined, o.h2oUrlSource);
    throw e;
  } finally {
    tTrained = Date.now();
    // The MOJOs are downloaded: a local H2O's 2 GB heap is not needed for the rest.
    progress.stop();
    await server.release();
  }
  const tTrain = Date.now();
  o.log?.info({ h2oVersion: models.h2oVersion, ms: tTrained - tH2O }, 'models trained');

  prepareModelDir(dir);
  writeAtomic(join(dir, 'lower.zip'), models.lower);
  writeAtomic(join(dir, 'upper.zip'), models.upper);
  stage('computing the envelope with the UDF jar', 1);
  const predicted = await predictEnvelope(dir, jar);
  // How closely the MOJOs reproduce the per-cell quantiles they were fitted to (see h2o-train.ts).
  let fitError = 0;
  for (const c of predicted.cells) {
    const t = stats.find((x) => x.day === c.day && x.hour === c.hour);
    if (t?.lower !== undefined && t.upper !== undefined) fitError = Math.max(fitError, Math.abs(c.lower - t.lower), Math.abs(c.upper - t.upper));
  }
  if (fitError > 1) o.log?.warn({ fitError }, `the MOJOs miss a cell's quantile by ${fitError.toFixed(2)} Wh/h`);
  else o.log?.info({ fitError }, 'MOJOs reproduce the per-cell quantiles');
  const envelope = buildEnvelope({
    modelId,
    timezone: o.timezone,
    quantiles: { lower: lowerQ, upper: upperQ },
    h2oVersion: models.h2oVersion,
    trainedAt: now,
    history: { from: history.from, to: history.to, rows: history.rows.length, rejected: history.bad.length },
    stats,
    lowerZip: models.lower,
    upperZip: models.upper,
    predicted,
  });
  writeAtomic(join(dir, 'envelope.json'), JSON.stringify(envelope, null, 2) + '\n');
  writeFileSync(join(dir, 'model-card.md'), renderModelCard(envelope, history, fitError));
  writeFileSync(join(dir, 'envelope.svg'), envelopeSvg(envelope, history));
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
    h2o: { url: server.url, local: server.local !== undefined },
    timings: {
      readMs: tRead - t0,
      jarMs: udf.builtMs ?? 0,
      h2oStartMs: tH2O - tJar,
      h2oDownloadMs: server.local?.downloadMs ?? 0,
      trainMs: tTrained - tH2O,
      h2oStopMs: tTrain - tTrained,
      envelopeMs: tEnv - tTrain,
      totalMs: tEnv - t0,
    },
  };
}

export function envelopeSvg(env: Envelope, history: Pick<History, 'rows'>): string {
  const HOUR_MS = 3_600_000;
  const points = history.rows.map((r) => ({ day: r.day, x: r.hour + (((r.endMs - 1) % HOUR_MS) + HOUR_MS) % HOUR_MS / HOUR_MS, y: r.kwh }));
  const q = env.quantiles.lower === 0 && env.quantiles.upper === 1 ? 'minimum to maximum seen' : `quantiles ${env.quantiles.lower}–${env.quantiles.upper}`;
  return renderEnvelopeChart({
    title: 'Expected household power by hour of day',
    subtitle: `Model ${env.modelId} · ${env.timezone} · ${q} · ${env.history.rows} readings ${env.history.from.slice(0, 10)} to ${env.history.to.slice(0, 10)} · trailing-hour energy in Wh/h`,
    hours: env.hours,
    cells: env.cells,
    points,
  });
}
