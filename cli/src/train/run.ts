import { join, resolve } from 'node:path';
import { isValidTimeZone } from '@stream-smarts/contracts';
import { DEFAULT_RULES, type EpisodeRules } from '@stream-smarts/notifier';
import { LocalH2OError } from '../h2o/errors.js';
import { requireJava } from '../h2o/java.js';
import { noProgress, pauseForLogs, type Progress } from '../h2o/progress.js';
import { DEFAULT_BUDGET, type Budget } from './bands3/calibrate.js';
import { DEFAULT_BANDS3, type Bands3Method } from './bands3/stats.js';
import { buildModelFile, type ModelFile } from './envelope.js';
import { TrainError } from './errors.js';
import { fitModel, type Fitted } from './fit.js';
import { H2OClient, H2OUnreachable } from './h2o-client.js';
import { h2oUnreachableError } from './h2o-help.js';
import { acquireTrainerH2O, type TrainerSettings } from './h2o-server.js';
import { intervalOf, readHistory, type History } from './history.js';
import { holdoutCheck, type HoldoutResult } from './holdout.js';
import { modelIdFor, pointCurrent } from './model-dir.js';
import { ensureUdfJar } from './udf-jar.js';
import { writeModelDir } from './write-model.js';

/**
 * `stream-smarts train` without the command line: history in, model directory out
 * (contracts/MODEL-FORMAT.md). The last `days` days of the history are measured at the meter's
 * resolution, turned into band statistics with margins calibrated to the alert budget (bands3/),
 * fitted as one GBM on H2O, and the UDF jar computes the tables from the MOJO. Before that, the same is done without the last `holdoutWeeks`, and those weeks are
 * replayed through the result, so the model card can say what the model would have sent.
 */

export interface TrainOptions extends TrainerSettings {
  history: string[];
  /** Model directory; default `<modelsDir>/<modelId>`. */
  out?: string;
  /** Where `current` lives; default `models`. */
  modelsDir?: string;
  /** Point `<modelsDir>/current` at the new model when it is inside modelsDir; default true. */
  updateCurrent?: boolean;
  timezone: string;
  /** Days of history the model learns from, counted back from the last reading; default 90. */
  days?: number;
  /** Weeks held back for the model card's replay; default 4; 0: none. */
  holdoutWeeks?: number;
  /** The band statistics' parameters; default DEFAULT_BANDS3. */
  method?: Bands3Method;
  /** The false alerts a week of each kind the margins are calibrated to; default one in four weeks. */
  budget?: Budget;
  /** The meter's constant (impulses per kWh): the history is counted in its pulses; default 1000. */
  impulsesPerKwh?: number;
  /** The alert rules the held-back weeks are replayed with; default the settings' defaults. */
  rules?: EpisodeRules;
  maxBadShare?: number;
  /** Physical bound of a history row, kW over its interval (STREAM_SMARTS_MAX_POWER_KW); default 100. */
  maxPowerKw?: number;
  /** Stops at the next safe point (reading the history is streamed and checks it often). */
  signal?: AbortSignal;
  onProgress?: (stage: string, fraction: number) => void;
  /** Progress lines for the one-time download, the local H2O's start-up and the jar build. */
  progress?: Progress;
  now?: Date;
  /** The UDF jar; default: the built one, built now (as `stream-smarts build` does) when there is none. */
  udfJar?: string;
}

export interface TrainResult {
  dir: string;
  current?: string;
  model: ModelFile;
  history: History;
  holdout?: HoldoutResult;
  fitted: Fitted;
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
    holdoutMs: number;
    trainMs: number;
    /** Stopping the local H2O this run started (0 for a server it did not start). */
    h2oStopMs: number;
    writeMs: number;
    totalMs: number;
  };
}

export const DEFAULT_TRAIN_DAYS = 90;
export const DEFAULT_HOLDOUT_WEEKS = 4;

function checkWhole(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new TrainError(`${name} ${v} is not a whole number from ${min} to ${max}`, `give e.g. ${name} ${name === '--days' ? DEFAULT_TRAIN_DAYS : DEFAULT_HOLDOUT_WEEKS}`, 2);
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const t0 = Date.now();
  // Log lines end the drawn progress line first, so they never print over each other.
  const o = opts.progress && opts.log ? { ...opts, log: pauseForLogs(opts.log, opts.progress) } : opts;
  const days = o.days ?? DEFAULT_TRAIN_DAYS;
  const holdoutWeeks = o.holdoutWeeks ?? DEFAULT_HOLDOUT_WEEKS;
  checkWhole('--days', days, 7, 3660);
  checkWhole('--holdout-weeks', holdoutWeeks, 0, 52);
  if (!isValidTimeZone(o.timezone)) {
    throw new TrainError(`time zone ${JSON.stringify(o.timezone)} does not exist`, 'give an IANA zone name such as Europe/London or Australia/Sydney with --timezone or STREAM_SMARTS_TIMEZONE', 2);
  }
  const method = o.method ?? DEFAULT_BANDS3;
  const budget = o.budget ?? DEFAULT_BUDGET;
  if (!(budget.perWeek > 0 && budget.perWeek <= 50)) throw new TrainError(`--alert-budget ${budget.perWeek} is not a number of alerts a week above 0 and at most 50`, 'give e.g. --alert-budget 0.25 (one false alert in four weeks of each kind)', 2);
  const impulsesPerKwh = o.impulsesPerKwh ?? 1000;
  const progress = o.progress ?? noProgress;
  const stage = (name: string, f: number) => {
    o.onProgress?.(name, f);
    progress.stage(name, f);
  };
  // Java reads the MOJO at the end (and runs a local H2O): say so before any long work.
  try {
    await requireJava('train reads the MOJO with the UDF jar, and runs a local H2O when none answers at H2O_URL');
  } catch (e) {
    if (e instanceof LocalH2OError) throw new TrainError(e.message, e.fix);
    throw e;
  }
  stage('reading history', 0);
  const history = await readHistory(o.history, {
    timezone: o.timezone,
    keepDays: days + holdoutWeeks * 7,
    impulsesPerKwh,
    maxBadShare: o.maxBadShare ?? 0.01,
    ...(o.maxPowerKw !== undefined ? { maxPowerKw: o.maxPowerKw } : {}),
    onProgress: (f) => stage('reading history', f * 0.3),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (o.signal?.aborted) throw new TrainError('stopped while reading the history', 'run train again', 1);
  const tRead = Date.now();
  const files = history.files.length === 1 ? '1 file' : `${history.files.length} files`;
  o.log?.info(
    { readings: history.readings, rejected: history.rejected, files: history.files },
    `read ${history.readings.toLocaleString('en')} readings from ${files} (${history.rejected.toLocaleString('en')} rejected)`,
  );
  for (const w of history.report.warnings()) o.log?.warn(w);

  // Have the jar before training, so the tables can be computed afterwards.
  const udf = o.udfJar ? { jar: o.udfJar } : await ensureUdfJar({ progress, ...(o.log ? { log: o.log } : {}) });
  const tJar = Date.now();
  const now = o.now ?? new Date();
  const modelId = modelIdFor(now);
  const modelsDir = resolve(o.modelsDir ?? 'models');
  const dir = resolve(o.out ?? join(modelsDir, modelId));

  const server = await acquireTrainerH2O(o, progress);
  const tH2O = Date.now();
  const h2o = new H2OClient(server.url);
  const resolution = { impulsesPerKwh, intervalS: intervalOf(history) };
  const rules = o.rules ?? DEFAULT_RULES;
  const methodOptions = { resolution, method, rules, budget };
  const fit = async (from: number, to: number, label: string, base: number) =>
    fitModel(history.days.grid(from, to), { ...methodOptions, h2o, jar: udf.jar, onProgress: (s, f) => stage(`${label}: ${s}`, base + 0.3 * f) });
  const last = history.days.lastDay + 1;
  const held = history.days.heldFrom;
  let holdout: HoldoutResult | undefined;
  let fitted: Fitted;
  let tHold = tH2O;
  let tTrained = 0;
  try {
    if (holdoutWeeks > 0) {
      try {
        holdout = await holdoutCheck(history.days, {
          holdoutDays: holdoutWeeks * 7,
          trainDays: days,
          minTrainDays: 14,
          rules,
          fit: async (dg) => (await fitModel(dg, { ...methodOptions, h2o, jar: udf.jar, onProgress: (s, f) => stage(`held-back weeks: ${s}`, 0.3 + 0.3 * f) })).tables,
        });
      } catch (e) {
        // Too little history before the held-back weeks for band statistics: the card says so.
        if (!(e instanceof RangeError)) throw e;
        o.log?.info({ reason: e.message }, `no held-back check: ${e.message}`);
      }
      if (!holdout) o.log?.info(`the history is too short to hold back ${holdoutWeeks} weeks and still train on 14 days: the model card has no replay`);
    }
    tHold = Date.now();
    try {
      fitted = await fit(Math.max(held, last - days), last, 'model', 0.6);
    } catch (e) {
      if (e instanceof RangeError) throw new TrainError(`the history cannot be trained on: ${e.message}`, 'pass a longer history without long gaps (90 days or more give steadier bands)');
      throw e;
    }
  } catch (e) {
    if (e instanceof H2OUnreachable) throw h2oUnreachableError(e, undefined, o.h2oUrlSource);
    throw e;
  } finally {
    tTrained = Date.now();
    // The MOJO is downloaded and its tables computed: a local H2O's heap is not needed for the rest.
    progress.stop();
    await server.release();
  }
  const tTrain = Date.now();
  // Debug: the summary train prints says this for a person; --verbose (or JSON at debug) keeps the fields.
  o.log?.debug({ h2oVersion: fitted.h2oVersion, ms: tTrained - tHold, fitMaxAbsWh: fitted.fitMaxAbsWh, incidents: fitted.stats.incidents.length, heldBackAlerts: { high: fitted.calibration.high, low: fitted.calibration.low } }, 'model trained');
  if (fitted.fitMaxAbsWh > 1) o.log?.warn({ fitMaxAbsWh: fitted.fitMaxAbsWh }, `the MOJO misses a band statistic by ${fitted.fitMaxAbsWh.toFixed(2)} Wh/h`);

  const fromDay = Math.max(held, last - days);
  const trained = [...history.days.readingsOf(fromDay, last)];
  const model = buildModelFile({
    modelId,
    timezone: o.timezone,
    h2oVersion: fitted.h2oVersion,
    trainedAt: now,
    history: { from: trained[0]?.endMs ?? history.from, to: trained.at(-1)?.endMs ?? history.to, rows: trained.length, rejected: history.rejected, days: last - fromDay },
    method,
    resolution,
    calibration: fitted.calibration,
    budgetPerWeek: budget.perWeek,
    bandsZip: fitted.mojo,
    predicted: fitted.tables,
    fitMaxAbsWh: fitted.fitMaxAbsWh,
    ...(holdout ? { holdout: holdout as unknown as Record<string, unknown> } : {}),
  });

  stage('writing the model', 0.95);
  writeModelDir({ dir, model, fitted, history, ...(holdout ? { holdout } : {}), days: history.days, fromDay, toDay: last });
  const tWrite = Date.now();

  let current: string | undefined;
  if (o.updateCurrent !== false) {
    const inside = resolve(dir, '..') === modelsDir;
    if (inside) current = pointCurrent(modelsDir, dir);
    else o.log?.info({ dir, modelsDir }, 'model written outside the models directory; `current` left as it was');
  }
  return {
    dir,
    ...(current ? { current } : {}),
    model,
    history,
    ...(holdout ? { holdout } : {}),
    fitted,
    h2o: { url: server.url, local: server.local !== undefined },
    timings: {
      readMs: tRead - t0,
      jarMs: tJar - tRead,
      h2oStartMs: tH2O - tJar,
      h2oDownloadMs: server.local?.downloadMs ?? 0,
      holdoutMs: tHold - tH2O,
      trainMs: tTrained - tHold,
      h2oStopMs: tTrain - tTrained,
      writeMs: tWrite - tTrain,
      totalMs: tWrite - t0,
    },
  };
}
