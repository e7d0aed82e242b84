import type { LoadedConfig, Logger, Reading } from '@stream-smarts/contracts';
import { collectorSettings, createHousehold, createSource, localTimeToUtc, planScenarios, simulateReadings, type Scenario } from '@stream-smarts/pi-collector';
import { CollectingSink, createAlertStage } from '../run/alert-stage.js';
import { todayIn } from '../run/default-day.js';
import type { LoadedModel } from '../run/model.js';
import { ReadingPipeline } from '../run/pipeline.js';
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
export function firstDayAfterTraining(model: LoadedModel): { y: number; m: number; d: number } {
  const to = model.file.history?.to ? Date.parse(model.file.history.to) : NaN;
  return todayIn(model.file.timezone, Number.isFinite(to) ? to + 86_400_000 : Date.now());
}

/** Labelled readings: the household simulator with planned scenarios, or the files `simulate` writes. */
async function labelledReadings(input: EvaluateInput, model: LoadedModel, loaded: LoadedConfig, log: Logger): Promise<{ readings: Reading[]; truth: Scenario[]; from: number; to: number }> {
  const timezone = model.file.timezone;
  const cs = collectorSettings(loaded);
  if (input.kind === 'generate') {
    const { y, m, d } = input.start ?? firstDayAfterTraining(model);
    const from = localTimeToUtc(timezone, y, m, d);
    const to = from + input.days * 86_400_000;
    const truth = planScenarios({ start: from, days: input.days, timezone, seed: input.seed });
    const household = createHousehold({ timezone, seed: input.seed, anomalies: truth });
    // Simulated from an hour early so the first day's readings have a full trailing hour.
    const readings = simulateReadings({ household, start: from - WARM_UP_MS, end: to, timezone, intervalS: cs.intervalS, impulsesPerKwh: cs.impulsesPerKwh, meterId: cs.meterId });
    return { readings: readings.filter((r) => r.ts > from), truth, from, to };
  }
  const truth = readTruth(input.truth);
  // The history goes through run's replay path (pulses → interval accumulator), as `run --source replay` would.
  const source = createSource({ ...cs, source: 'replay' }, timezone, { replay: input.history, speed: 'max', ...(input.format ? { replayFormat: input.format } : {}) }, log);
  const readings: Reading[] = [];
  await readingsFrom(source, { meterId: cs.meterId, intervalS: cs.intervalS, impulsesPerKwh: cs.impulsesPerKwh, timezone }, (r) => readings.push(r), new AbortController().signal);
  if (readings.length === 0) throw new Error(`${input.history} holds no readings`);
  return { readings, truth, from: readings[0]!.ts - readings[0]!.interval_s * 1000, to: readings.at(-1)!.ts };
}

/** Replays a labelled history through run's pipeline (score → notifier alert core) and scores the alerts. */
export async function evaluate(o: { input: EvaluateInput; model: LoadedModel; loaded: LoadedConfig; log: Logger }): Promise<EvaluateResult> {
  const { readings, truth, from, to } = await labelledReadings(o.input, o.model, o.loaded, o.log);
  const sink = new CollectingSink();
  const stage = createAlertStage({ loaded: o.loaded, log: o.log.child({}, { level: 'warn' }), sinks: [sink], timezone: o.model.file.timezone });
  const pipeline = new ReadingPipeline(o.model, stage.pipeline);
  try {
    for (const r of readings) await pipeline.process(r);
  } finally {
    await stage.close();
  }
  const { fireAfter, fireWindowMs, lowFireAfter, lowFireWindowMs, repeatIntervalMs, resolveAfterMs } = stage.rules;
  return {
    ...scoreDetection(truth, sink.alerts, { from, to }),
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
