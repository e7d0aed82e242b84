import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { localDateIso, isValidTimeZone, loadModel, localDayOfReading, BandsModel, type KafkaClientOptions, type LoadedModel } from '@stream-smarts/contracts';
import { DEFAULT_RULES, type EpisodeRules } from '@stream-smarts/notifier';
import { toGrid, type Grid } from '../evaluate/benchmark/protocol.js';
import { LocalH2OError } from '../h2o/errors.js';
import { requireJava } from '../h2o/java.js';
import { noProgress, pauseForLogs, type Progress } from '../h2o/progress.js';
import { DEFAULT_BUDGET } from '../train/bands3/calibrate.js';
import { bands3MethodSchema, DEFAULT_BANDS3, type Bands3Method } from '../train/bands3/stats.js';
import { buildModelFile, type ModelFile } from '../train/envelope.js';
import { TrainError } from '../train/errors.js';
import { fitModel, type Fitted } from '../train/fit.js';
import { H2OClient, H2OUnreachable } from '../train/h2o-client.js';
import { h2oUnreachableError } from '../train/h2o-help.js';
import { acquireTrainerH2O, type TrainerSettings } from '../train/h2o-server.js';
import { holdoutCheck, type HoldoutResult } from '../train/holdout.js';
import { MeasuredDays } from '../train/measured-days.js';
import { modelIdFor, pointCurrent } from '../train/model-dir.js';
import { ensureUdfJar } from '../train/udf-jar.js';
import { writeModelDir } from '../train/write-model.js';
import { compareModels, judge, type HeldBack, type ModelFigures, type Verdict } from './compare.js';
import { RetrainError } from './errors.js';
import { readRawPower, type KafkaReadings } from './kafka-history.js';

/**
 * `stream-smarts retrain` without the command line: raw_power in, a new model directory out when
 * it is not worse than models/current.
 *
 * 1. Read the meter's last `days` + 7·`compareWeeks` days (and one more, so the first kept day's
 *    24-h measures are whole) from Kafka (kafka-history.ts).
 * 2. Measure them as `train` measures a history file (train/measured-days.ts), keeping the same
 *    days train keeps.
 * 3. Hold back the last `compareWeeks` weeks and train the candidate on the `days` before them —
 *    train's own held-back check (train/holdout.ts) with train's own trainer (train/fit.ts
 *    fitModel: band statistics, one GBM on H2O, the UDF jar's tables). fitModel is also what the
 *    detection benchmark's "retrained every 7 days" row calls (evaluate/benchmark/command.ts), so
 *    the benchmark measures this retraining; keep the three on that one function.
 * 4. Count both models on the held-back weeks with the benchmark's counting (compare.ts) and ship
 *    only when the candidate is not worse (or --force).
 * 5. To ship: train again on the last `days` days including the held-back weeks (exactly what
 *    `train --days <days>` would learn), write it with train's writer (train/write-model.ts) as
 *    models/<modelId>, and point models/current at it.
 */

export interface RetrainOptions extends TrainerSettings {
  kafka: KafkaClientOptions;
  schemaRegistry: { url: string; auth?: { username: string; password: string } };
  topic?: string;
  meterId: string;
  timezone: string;
  /** Days to train on; default 90. */
  days?: number;
  /** The meter's constant when the current model does not record one; default 1000. */
  impulsesPerKwh?: number;
  /** Weeks held back for the comparison; default 1. */
  compareWeeks?: number;
  /** Where models/<id> and `current` live; default `models`. */
  modelsDir?: string;
  /** Ship the candidate whatever the comparison says (also without a current model). */
  force?: boolean;
  /** Read, train and compare; write nothing. */
  dryRun?: boolean;
  rules?: EpisodeRules;
  maxPowerKw?: number;
  /** Largest share of the meter's records that may be unusable; default 0.01. */
  maxBadShare?: number;
  udfJar?: string;
  progress?: Progress;
  signal?: AbortSignal;
  now?: Date;
}

interface ModelSummary {
  dir: string;
  modelId: string;
  contentHash: string;
  trainedAt?: string;
  history?: ModelFile['history'];
}

export interface RetrainResult {
  read: {
    topic: string;
    meterId: string;
    from: string | null;
    to: string | null;
    readings: number;
    records: number;
    otherMeters: Record<string, number>;
    skipped: number;
    skippedExamples: KafkaReadings['skippedExamples'];
    versions: KafkaReadings['versions'];
    schemaIds: number[];
    days: number;
  };
  heldBack: HeldBack & { weeks: number };
  current: (ModelSummary & { figures: ModelFigures | null }) | null;
  candidate: { figures: ModelFigures | null; trainedOn: { from: string; to: string; days: number } };
  /** Days the shipped model is (or would be) trained on: the last `days`, the held-back weeks included. */
  shipTrainDays: number;
  verdict: Verdict | null;
  decision: { ship: boolean; forced: boolean; dryRun: boolean; why: string };
  /** The model written and pointed at by models/current (not in a dry run, not when kept). */
  shipped: (ModelSummary & { current: string }) | null;
  method: { source: 'current model' | 'default'; budgetPerWeek: number; impulsesPerKwh: number };
  timezone: string;
  h2o: { url: string; local: boolean } | null;
  timings: { readMs: number; trainMs: number; compareMs: number; writeMs: number; totalMs: number };
}

export const DEFAULT_RETRAIN_DAYS = 90;
export const DEFAULT_COMPARE_WEEKS = 1;
/** The candidate for the comparison needs this many days before the held-back weeks (train's held-back check asks the same). */
const MIN_TRAIN_DAYS = 14;
const DAY_MS = 86_400_000;

function whole(name: string, v: number, min: number, max: number, eg: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RetrainError(`${name} ${v} is not a whole number from ${min} to ${max}`, `give e.g. ${name} ${eg}`, 2);
}

function summary(dir: string, m: LoadedModel): ModelSummary {
  const f = m.file;
  return { dir, modelId: f.modelId, contentHash: f.contentHash, ...(f.trainedAt ? { trainedAt: f.trainedAt } : {}), ...(f.history ? { history: f.history } : {}) };
}

/** models/current, or why it cannot be compared with. */
function openCurrent(modelsDir: string): { dir: string; model?: LoadedModel; problem?: string } {
  const dir = join(modelsDir, 'current');
  if (!existsSync(dir)) return { dir, problem: `there is no current model at ${dir}` };
  try {
    return { dir, model: loadModel(dir) };
  } catch (e) {
    return { dir, problem: (e as Error).message };
  }
}

export async function retrain(opts: RetrainOptions): Promise<RetrainResult> {
  const t0 = Date.now();
  const o = opts.progress && opts.log ? { ...opts, log: pauseForLogs(opts.log, opts.progress) } : opts;
  const days = o.days ?? DEFAULT_RETRAIN_DAYS;
  const weeks = o.compareWeeks ?? DEFAULT_COMPARE_WEEKS;
  whole('--days', days, MIN_TRAIN_DAYS, 3660, DEFAULT_RETRAIN_DAYS);
  whole('--compare-weeks', weeks, 1, 26, DEFAULT_COMPARE_WEEKS);
  if (!isValidTimeZone(o.timezone)) throw new RetrainError(`time zone ${JSON.stringify(o.timezone)} does not exist`, 'give an IANA zone name such as Europe/London with --timezone or STREAM_SMARTS_TIMEZONE', 2);
  const topic = o.topic ?? 'raw_power';
  const rules = o.rules ?? DEFAULT_RULES;
  const progress = o.progress ?? noProgress;
  const modelsDir = resolve(o.modelsDir ?? 'models');
  const now = o.now ?? new Date();

  // Before any long work: the current model (what the candidate must beat) and Java.
  const cur = openCurrent(modelsDir);
  if (!cur.model && !o.force) {
    throw new RetrainError(
      `${cur.problem}; retrain compares the candidate with the current model before it replaces it`,
      `train one with \`stream-smarts train --history FILE\`, point --models-dir at your models directory, or pass --force to ship the candidate without a comparison`,
    );
  }
  if (cur.model && cur.model.file.timezone !== o.timezone) {
    o.log?.warn({ current: cur.model.file.timezone, retrain: o.timezone }, `the current model was trained in ${cur.model.file.timezone}, this run reads days in ${o.timezone} (STREAM_SMARTS_TIMEZONE): the collector's time zone is the one to use`);
  }
  // The candidate is trained as the current model was: its method, its meter, its alert budget.
  const parsedMethod = cur.model ? bands3MethodSchema.safeParse(cur.model.file.method) : undefined;
  const method: Bands3Method = parsedMethod?.success ? parsedMethod.data : DEFAULT_BANDS3;
  const calibrated = cur.model?.file.calibration?.['budgetPerWeek'];
  const budget = { perWeek: typeof calibrated === 'number' && calibrated > 0 ? calibrated : DEFAULT_BUDGET.perWeek };
  const impulsesPerKwh = cur.model?.file.resolution?.impulsesPerKwh ?? o.impulsesPerKwh ?? 1000;
  try {
    await requireJava('retrain trains with a local H2O when none answers at H2O_URL, and reads the MOJO with the UDF jar');
  } catch (e) {
    if (e instanceof LocalH2OError) throw new RetrainError(e.message, e.fix);
    throw e;
  }

  // 1. Read.
  const keepDays = days + weeks * 7;
  const fromMs = now.getTime() - (keepDays + 1) * DAY_MS;
  const kr = await readRawPower({
    kafka: o.kafka,
    schemaRegistry: o.schemaRegistry,
    topic,
    meterId: o.meterId,
    fromMs,
    ...(o.maxPowerKw !== undefined ? { maxPowerKw: o.maxPowerKw } : {}),
    progress,
    ...(o.log ? { log: o.log } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const tRead = Date.now();
  const n = kr.endMs.length;
  const since = new Date(fromMs).toISOString().slice(0, 16).replace('T', ' ');
  if (n === 0) {
    const others = [...kr.otherMeters.entries()].sort((a, b) => b[1] - a[1]);
    if (others.length > 0) {
      throw new RetrainError(
        `${topic} holds ${kr.records} records since ${since} UTC but none of meter ${JSON.stringify(o.meterId)} (meters there: ${others.slice(0, 5).map(([m, c]) => `${m} ${c}`).join(', ')})`,
        `give the meter with --meter ${others[0]![0]}, or set STREAM_SMARTS_METER_ID as the collector has it`,
      );
    }
    if (kr.skipped > 0) {
      const ex = kr.skippedExamples[0]!;
      throw new RetrainError(`none of meter ${o.meterId}'s ${kr.skipped} records in ${topic} since ${since} UTC can be used (partition ${ex.partition} offset ${ex.offset}: ${ex.reason})`, 'check what writes to the topic: retrain reads the collector\'s records');
    }
    throw new RetrainError(`${topic} holds no records since ${since} UTC (the last ${keepDays + 1} days)`, 'start the collector (`stream-smarts collect`) and retrain once it has a few weeks of readings');
  }
  const used = n + kr.skipped;
  if (kr.skipped / used > (o.maxBadShare ?? 0.01)) {
    const ex = kr.skippedExamples.slice(0, 3).map((x) => `partition ${x.partition} offset ${x.offset}: ${x.reason}`).join('; ');
    throw new RetrainError(`${kr.skipped} of meter ${o.meterId}'s ${used} records in ${topic} cannot be used (${ex})`, 'find what writes them; --max-bad-share (STREAM_SMARTS_MAX_BAD_SHARE) raises the share tolerated');
  }
  for (const x of kr.skippedExamples.slice(0, 3)) o.log?.warn({ partition: x.partition, offset: x.offset }, `skipped a record of ${topic}: ${x.reason}`);

  // 2. Measure, as train does.
  const md = new MeasuredDays(o.timezone, keepDays);
  for (let i = 0; i < n; i++) md.push(kr.endMs[i]!, kr.wh[i]!, kr.intervalMs[i]!);
  const last = md.lastDay + 1;
  const split = last - weeks * 7;
  const haveDays = last - md.heldFrom;
  const needDays = MIN_TRAIN_DAYS + weeks * 7;
  const spanDays = (kr.endMs[n - 1]! - kr.endMs[0]!) / DAY_MS;
  const readInfo = {
    topic,
    meterId: o.meterId,
    from: new Date(kr.endMs[0]!).toISOString(),
    to: new Date(kr.endMs[n - 1]!).toISOString(),
    readings: n,
    records: kr.records,
    otherMeters: Object.fromEntries(kr.otherMeters),
    skipped: kr.skipped,
    skippedExamples: kr.skippedExamples,
    versions: kr.versions,
    schemaIds: kr.schemaIds,
    days: haveDays,
  };
  if (haveDays < needDays) {
    throw new RetrainError(
      `${topic} holds ${spanDays.toFixed(1)} days of meter ${o.meterId}'s readings (${readInfo.from.slice(0, 16)} → ${readInfo.to.slice(0, 16)} UTC, ${haveDays} local day${haveDays === 1 ? '' : 's'}); retrain needs ${needDays}: ${MIN_TRAIN_DAYS} days to train the candidate on before the ${weeks} held-back week${weeks === 1 ? '' : 's'} it is compared on, and ${weeks === 1 ? 'that week' : 'those weeks'}`,
      `let the collector run ${needDays - haveDays} more day${needDays - haveDays === 1 ? '' : 's'}${weeks > 1 ? ', or lower --compare-weeks' : ''}; models/current is unchanged`,
    );
  }

  // The benchmark's grid of the same readings, for scoring and injections.
  let grid: Grid;
  try {
    grid = toGrid(
      (function* () {
        for (let i = 0; i < n; i++) yield { endMs: kr.endMs[i]!, wh: kr.wh[i]!, intervalMs: kr.intervalMs[i]! };
      })(),
      o.timezone,
    );
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RetrainError(`the readings cannot be compared: ${e.message}`, 'retrain compares on readings of one interval; wait until the held-back weeks and the 30 days before them share one (STREAM_SMARTS_INTERVAL_S), or pass --force to ship without the comparison holding');
  }
  const gridDay0 = localDayOfReading(grid.firstEnd, o.timezone);

  // 3. The candidate, trained without the held-back weeks (train's held-back check and trainer).
  const udf = o.udfJar ? { jar: o.udfJar } : await ensureUdfJar({ progress, ...(o.log ? { log: o.log } : {}) });
  const server = await acquireTrainerH2O(o, progress).catch((e: unknown) => {
    if (e instanceof TrainError) throw new RetrainError(e.message, e.fix, e.exitCode as 1 | 2);
    throw e;
  });
  const h2o = new H2OClient(server.url);
  const stage = (name: string, f: number) => progress.stage(name, f);
  const resolution = { impulsesPerKwh, intervalS: Math.round((kr.intervalMs[n - 1] ?? 60_000) / 1000) };
  const fit = (dg: Parameters<typeof fitModel>[0], label: string, base: number) =>
    fitModel(dg, { resolution, method, rules, budget, h2o, jar: udf.jar, onProgress: (s, f) => stage(`${label}: ${s}`, base + 0.45 * f) });

  let candidateFit: Fitted | undefined;
  let holdout: HoldoutResult | undefined;
  let figures: { heldBack: HeldBack; figures: ModelFigures[] } | undefined;
  let verdict: Verdict | null = null;
  let shipFit: Fitted | undefined;
  let tTrain = 0;
  let tCompare = 0;
  const trainFrom = Math.max(md.heldFrom, split - days);
  const shipFrom = Math.max(md.heldFrom, last - days);
  let decision: RetrainResult['decision'];
  try {
    try {
      holdout = await holdoutCheck(md, {
        holdoutDays: weeks * 7,
        trainDays: days,
        minTrainDays: MIN_TRAIN_DAYS,
        rules,
        meterId: o.meterId,
        fit: async (dg) => (candidateFit = await fit(dg, 'candidate', 0)).tables,
      });
    } catch (e) {
      if (e instanceof RangeError) throw new RetrainError(`the readings cannot be trained on: ${e.message}`, 'retrain once the collector has run longer without long gaps');
      throw e;
    }
    if (!candidateFit) throw new RetrainError(`too little history before the held-back week${weeks === 1 ? '' : 's'} to train a candidate`, 'let the collector run longer');
    const tCand = Date.now();

    // 4. Compare.
    const candidate = new BandsModel(candidateFit.tables, 'candidate');
    figures = compareModels(grid, split - gridDay0, last - gridDay0, cur.model ? [candidate, cur.model] : [candidate], rules);
    tCompare = Date.now() - tCand;
    if (cur.model) verdict = judge(figures.figures[0]!, figures.figures[1]!, rules);
    const forced = Boolean(o.force);
    const ship = forced || (verdict?.notWorse ?? false);
    decision = {
      ship,
      forced: forced && !(verdict?.notWorse ?? false),
      dryRun: Boolean(o.dryRun),
      why: verdict
        ? verdict.notWorse
          ? 'the candidate is not worse than the current model'
          : `the candidate is worse: ${verdict.worse.join('; ')}${forced ? ' (shipped anyway: --force)' : ''}`
        : `no current model to compare with (${cur.problem}); shipped: --force`,
    };

    // 5. The model to ship: the same training on the last `days` days, the held-back weeks included.
    if (ship && !o.dryRun) shipFit = await fit(md.grid(shipFrom, last), 'model', 0.5);
    tTrain = Date.now() - tRead - tCompare;
  } catch (e) {
    if (e instanceof H2OUnreachable) {
      const t = h2oUnreachableError(e, undefined, o.h2oUrlSource);
      throw new RetrainError(t.message, t.fix);
    }
    throw e;
  } finally {
    progress.stop();
    await server.release();
  }

  const tWrite0 = Date.now();
  let shipped: RetrainResult['shipped'] = null;
  if (shipFit) {
    const modelId = modelIdFor(now);
    const dir = join(modelsDir, modelId);
    const trained = [...md.readingsOf(shipFrom, last)];
    const model = buildModelFile({
      modelId,
      timezone: o.timezone,
      h2oVersion: shipFit.h2oVersion,
      trainedAt: now,
      history: { from: trained[0]?.endMs ?? kr.endMs[0]!, to: trained.at(-1)?.endMs ?? kr.endMs[n - 1]!, rows: trained.length, rejected: kr.skipped, days: last - shipFrom },
      method,
      resolution,
      calibration: shipFit.calibration,
      budgetPerWeek: budget.perWeek,
      bandsZip: shipFit.mojo,
      predicted: shipFit.tables,
      fitMaxAbsWh: shipFit.fitMaxAbsWh,
      ...(holdout ? { holdout: holdout as unknown as Record<string, unknown> } : {}),
    });
    const intervalS = Math.round((kr.intervalMs[n - 1] ?? 60_000) / 1000);
    writeModelDir({
      dir,
      model,
      fitted: shipFit,
      history: {
        files: [{ file: `Kafka topic ${topic}, meter ${o.meterId}`, format: `Avro via Schema Registry (schema id${kr.schemaIds.length === 1 ? '' : 's'} ${kr.schemaIds.join(', ')})`, intervalS, rows: n, rejected: kr.skipped }],
        bad: kr.skippedExamples.map((x) => ({ file: `${topic} partition ${x.partition}`, line: Number(x.offset) || 0, reason: x.reason })),
        rejected: kr.skipped,
      },
      ...(holdout ? { holdout } : {}),
      days: md,
      fromDay: shipFrom,
      toDay: last,
    });
    const current = pointCurrent(modelsDir, dir);
    shipped = { dir, modelId, contentHash: model.contentHash, trainedAt: model.trainedAt, ...(model.history ? { history: model.history } : {}), current };
    o.log?.info({ dir, modelId, contentHash: model.contentHash }, 'retrained model written; models/current moved');
  }
  const tEnd = Date.now();
  // A local date of day d (a day number of the measured days), in the household's zone.
  const dayIso = (d: number) => localDateIso(grid.firstEnd + (d - gridDay0) * DAY_MS + 12 * 3_600_000, o.timezone);
  return {
    read: readInfo,
    heldBack: { ...figures!.heldBack, weeks },
    current: cur.model ? { ...summary(cur.dir, cur.model), figures: figures!.figures[1] ?? null } : null,
    candidate: { figures: figures!.figures[0] ?? null, trainedOn: { from: dayIso(trainFrom), to: dayIso(split - 1), days: split - trainFrom } },
    shipTrainDays: last - shipFrom,
    verdict,
    decision: decision!,
    shipped,
    method: { source: parsedMethod?.success ? 'current model' : 'default', budgetPerWeek: budget.perWeek, impulsesPerKwh },
    timezone: o.timezone,
    h2o: { url: server.url, local: server.local !== undefined },
    timings: { readMs: tRead - t0, trainMs: tTrain, compareMs: tCompare, writeMs: tEnd - tWrite0, totalMs: tEnd - t0 },
  };
}
