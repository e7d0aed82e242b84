import { wallClockToInstant, HistoryError, historySettings, type LoadedConfig, type Logger, type Reading } from '@stream-smarts/contracts';
import { collectorSettings, createSource, planScenarios, SimulatorSource, type Scenario } from '@stream-smarts/pi-collector';
import { CollectingSink, createAlertStage } from '../run/alert-stage.js';
import { todayIn } from '../run/default-day.js';
import type { LoadedModel } from '../run/model.js';
import { ReadingPipeline, SerialFeeder } from '../run/pipeline.js';
import { readingsFrom, WARM_UP_MS } from '../run/readings.js';
import { scoreDetection, type DetectionReport } from './detection.js';
import { readTruth } from './truth.js';

export type EvaluateInput =
  | { kind: 'generate'; days: number; seed: number; start?: { y: number; m: number; d: number } }
  | { kind: 'files'; history: string; truth: string; format?: 'csv' | 'jsonl' | 'pulses' };

export interface EvaluateResult extends DetectionReport {
  from: number;
  to: number;
  readings: number;
  anomalies: number;
  alerts: number;
  rules: { fireAfter: number; fireWindowMs: number; lowFireAfter?: number; lowFireWindowMs?: number; repeatIntervalMs: number; resolveAfterMs: number };
  modelId: string;
  truth: Scenario[];
}

/**
 * The first day after the model's training history, so a generated evaluation never scores the
 * days the model was trained on; today when the model does not say.
 */
function firstDayAfterTraining(model: LoadedModel): { y: number; m: number; d: number } {
  const to = model.file.history?.to ? Date.parse(model.file.history.to) : NaN;
  return todayIn(model.file.timezone, Number.isFinite(to) ? to + 86_400_000 : Date.now());
}

/**
 * Labelled readings, streamed into `onReading`: the household simulator with planned scenarios,
 * or the files `simulate` writes, through run's replay path (pulses → interval accumulator) as
 * `run --source replay` would. Memory does not grow with the history.
 */
async function labelledReadings(
  input: EvaluateInput,
  model: LoadedModel,
  loaded: LoadedConfig,
  log: Logger,
  onReading: (r: Reading) => void,
  opts: { signal: AbortSignal; drain: () => Promise<void>; onProgress?: (done: number, total: number) => void },
): Promise<{ truth: Scenario[]; from: number; to: number; readings: number; scoredMs: number }> {
  const timezone = model.file.timezone;
  const cs = collectorSettings(loaded);
  if (input.kind === 'generate') {
    const { y, m, d } = input.start ?? firstDayAfterTraining(model);
    const from = wallClockToInstant(timezone, y, m, d);
    const to = from + input.days * 86_400_000;
    const truth = planScenarios({ start: from, days: input.days, timezone, seed: input.seed });
    const household = { timezone, seed: input.seed, anomalies: truth, impulsesPerKwh: cs.impulsesPerKwh };
    // Simulated from an hour early so the first day's readings have a full trailing hour; the
    // source yields between chunks, so progress shows and a signal stops it.
    const sources = [new SimulatorSource({ ...household, start: from - WARM_UP_MS, end: to, speed: Infinity })];
    let n = 0;
    let scoredMs = 0;
    await readingsFrom(sources, { meterId: cs.meterId, intervalS: cs.intervalS, impulsesPerKwh: cs.impulsesPerKwh, timezone, skipWarmUp: false }, (r) => {
      if (r.ts <= from) return;
      n++;
      scoredMs += r.interval_s * 1000;
      opts.onProgress?.(r.ts - from, to - from);
      onReading(r);
    }, opts.signal, opts.drain);
    return { truth, from, to, readings: n, scoredMs };
  }
  const truth = readTruth(input.truth);
  const source = createSource({ ...cs, source: 'replay' }, timezone, { replay: input.history, speed: 'max', ...(input.format ? { replayFormat: input.format } : {}) }, log, {
    history: historySettings(loaded),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  let first: Reading | undefined;
  let last: Reading | undefined;
  let n = 0;
  let scoredMs = 0;
  await readingsFrom(source, { meterId: cs.meterId, intervalS: cs.intervalS, impulsesPerKwh: cs.impulsesPerKwh, timezone }, (r) => {
    first ??= r;
    last = r;
    n++;
    scoredMs += r.interval_s * 1000;
    onReading(r);
  }, opts.signal, opts.drain);
  if (!first || !last) throw new HistoryError(`${input.history} holds no readings past the first hour (the trailing hour fills first)`, 'give a history longer than an hour');
  return { truth, from: first.ts - first.interval_s * 1000, to: last.ts, readings: n, scoredMs };
}

/** Replays a labelled history through run's pipeline (score → notifier alert core) and scores the alerts. */
export async function evaluate(o: { input: EvaluateInput; model: LoadedModel; loaded: LoadedConfig; log: Logger; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<EvaluateResult> {
  const sink = new CollectingSink();
  const stage = createAlertStage({ loaded: o.loaded, log: o.log.child({}, { level: 'warn' }), sinks: [sink], timezone: o.model.file.timezone });
  const pipeline = new ReadingPipeline(o.model, stage.pipeline);
  const feeder = new SerialFeeder(pipeline, o.signal);
  let span: { truth: Scenario[]; from: number; to: number; scoredMs: number };
  try {
    span = await labelledReadings(o.input, o.model, o.loaded, o.log, (r) => feeder.push(r), {
      signal: o.signal ?? new AbortController().signal,
      drain: () => feeder.ready(),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    await feeder.drain();
  } finally {
    await stage.close();
  }
  const { truth, from, to, scoredMs } = span;
  const { fireAfter, fireWindowMs, lowFireAfter, lowFireWindowMs, repeatIntervalMs, resolveAfterMs } = stage.rules;
  return {
    ...scoreDetection(truth, sink.alerts, { from, to, scoredMs }),
    from,
    to,
    readings: pipeline.counts.readings,
    anomalies: pipeline.counts.anomalies,
    alerts: pipeline.counts.alerts,
    rules: { fireAfter, fireWindowMs, ...(lowFireAfter !== undefined ? { lowFireAfter, lowFireWindowMs: lowFireWindowMs! } : {}), repeatIntervalMs, resolveAfterMs },
    modelId: o.model.file.modelId,
    truth,
  };
}
