import { appendFileSync, existsSync, statSync } from 'node:fs';
import { historySettings, type Logger, type LoadedConfig } from '@stream-smarts/contracts';
import { notifierConfig, type Alert, type Delivered } from '@stream-smarts/notifier';
import { createSource, collectorSettings, SimulatorSource, type PulseSource, type Scenario } from '@stream-smarts/pi-collector';
import { createAlertStage } from './alert-stage.js';
import { defaultDay } from './default-day.js';
import type { LoadedModel } from './model.js';
import { ReadingPipeline, SerialFeeder } from './pipeline.js';
import { readingsFrom, WARM_UP_MS } from './readings.js';
import { LiveView, type RunSummary } from './view.js';

export interface RunOptions {
  loaded: LoadedConfig;
  log: Logger;
  model: LoadedModel;
  modelDir: string;
  source: 'simulator' | 'replay' | 'gpio';
  /** Event-time ms per wall ms; Infinity = as fast as possible. */
  speed: number;
  date?: { y: number; m: number; d: number };
  seed: number;
  replay?: string;
  replayFormat?: 'csv' | 'jsonl' | 'pulses';
  gpiomon?: string;
  alertsOut?: string;
  json: boolean;
  everyMin: number;
  out: (line: string) => void;
  signal: AbortSignal;
  /** Bytes of the replayed file read, of its size (a progress bar). */
  onReplayProgress?: (doneBytes: number, totalBytes: number) => void;
}

/** Quiet the per-alert info logs of the notifier pipeline unless asked for: the view shows the alerts. */
function pipelineLog(log: Logger, level: string): Logger {
  return level === 'debug' || level === 'trace' ? log : log.child({}, { level: level === 'info' ? 'warn' : level });
}

/** `stream-smarts run`: source → readings → score → alert core → sinks, in this process. */
export async function runPipeline(o: RunOptions): Promise<RunSummary> {
  const wall0 = Date.now();
  const timezone = o.model.file.timezone;
  const cs = collectorSettings(o.loaded);
  const cfg = notifierConfig(o.loaded);

  let source: PulseSource | PulseSource[];
  let truth: Scenario[] = [];
  let headline: string;
  if (o.source === 'simulator') {
    const story = defaultDay(timezone, o.date, o.seed);
    truth = story.truth;
    // At wall-clock speed the simulated meter is live: the day plays from the current minute (the
    // heater comes on at 04:00 local time). Faster, it plays from midnight. Either way the hour
    // before fills the trailing-hour measure as fast as possible first.
    const from = o.speed === 1 ? Math.min(story.end - 60_000, Math.floor(Date.now() / 60_000) * 60_000) : story.start;
    const household = { timezone, seed: o.seed, anomalies: story.truth, impulsesPerKwh: cs.impulsesPerKwh };
    source = [new SimulatorSource({ ...household, start: from - WARM_UP_MS, end: from, speed: Infinity }), new SimulatorSource({ ...household, start: from, end: story.end, speed: o.speed })];
    const { y, m, d } = story.date;
    const speed = Number.isFinite(o.speed) ? `${o.speed}× real time` : 'as fast as possible';
    headline = `simulated household, ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} (${timezone}): heater switched on at 04:00 and left on; ${speed}`;
  } else {
    source = createSource({ ...cs, source: o.source }, timezone, { ...(o.replay ? { replay: o.replay } : {}), ...(o.replayFormat ? { replayFormat: o.replayFormat } : {}), ...(o.gpiomon ? { gpiomon: o.gpiomon } : {}), speed: Number.isFinite(o.speed) ? String(o.speed === 1 ? 'real' : o.speed) : 'max' }, o.log, {
      history: historySettings(o.loaded),
      ...(o.onReplayProgress ? { onProgress: o.onReplayProgress } : {}),
    });
    // The first hour of readings only fills the trailing-hour measure (readings.ts): say so, or a
    // live meter would look dead for an hour.
    const warm = 'scoring starts an hour in, once the trailing hour is full';
    headline = o.source === 'replay' ? `replaying ${o.replay} (${warm})` : `meter on GPIO ${cs.gpio.chip} line ${cs.gpio.line}, ${cs.intervalS} s readings (${warm})`;
  }

  const consolePrints = !o.json;
  const view = new LiveView({ json: o.json, timezone, everyMin: o.everyMin, out: o.out });
  const undelivered: RunSummary['undelivered'] = [];
  let firstAlert: Alert | null = null;
  let fires = 0;
  const stage = createAlertStage({
    loaded: o.loaded,
    log: pipelineLog(o.log, o.loaded.config.logLevel),
    timezone,
    // In JSON mode alerts are JSON lines on stdout; the console sink's text would break them.
    consoleOut: consolePrints ? { write: (s: string) => o.out(view.consoleLine(s.trimEnd())) } : { write: () => true },
    // A live meter keeps its episodes across restarts; a simulated or replayed day starts afresh.
    ...(o.source === 'gpio' ? { stateDir: cfg.stateDir } : {}),
    // Silences and away mode apply to every source: `silence add` then `run` honours it.
    silences: true,
    preflight: true,
    // What the console and --json say was delivered is what the sinks reported.
    onDelivered: (d: Delivered) => {
      for (const r of d.reports) if (r.outcome === 'dead-lettered') undelivered.push({ sink: r.sink, alert: d.alert.key, detail: r.detail });
      view.delivered(d);
    },
  });
  view.consolePrintsAlerts = consolePrints && stage.sinkNames.includes('console');
  // --alerts-out appends, so a restarted run keeps the alerts of the last (each line is a whole JSON object).
  if (o.alertsOut && existsSync(o.alertsOut) && statSync(o.alertsOut).size > 0) o.log.info({ file: o.alertsOut }, `appending alerts to the existing ${o.alertsOut}`);

  const pipeline = new ReadingPipeline(o.model, stage.pipeline, {
    reading: (s) => view.reading(s),
    alert: (a) => {
      if (a.type === 'fire') fires++;
      // The story's first alert: the first that fired once the anomaly had begun.
      if (firstAlert === null && a.type === 'fire' && (truth[0] === undefined || a.at >= truth[0].start)) firstAlert = a;
      if (o.alertsOut) appendFileSync(o.alertsOut, JSON.stringify(a) + '\n');
    },
  });
  view.header(`stream-smarts run: ${headline}; model ${o.model.file.modelId} (${o.modelDir}); sinks: ${stage.sinkNames.join(', ')}`);
  for (const p of await stage.preflight) view.problem(`Home Assistant: ${p}`);

  const feeder = new SerialFeeder(pipeline, o.signal);
  try {
    await readingsFrom(source, { meterId: cs.meterId, intervalS: cs.intervalS, impulsesPerKwh: cs.impulsesPerKwh, timezone }, (r) => feeder.push(r), o.signal, () => feeder.ready());
    await feeder.drain();
  } finally {
    await stage.close();
  }
  const story = truth[0];
  const first = firstAlert as Alert | null;
  const summary: RunSummary = {
    ...pipeline.counts,
    fires,
    firstAlertAt: first?.at ?? null,
    minutesToFirstAlert: first && story ? Math.round((first.at - story.start) / 60_000) : null,
    wallMs: Date.now() - wall0,
    undelivered,
  };
  view.summary(summary, story ? { anomalyStart: story.start, label: 'heater on' } : undefined);
  return summary;
}
