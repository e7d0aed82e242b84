import { resolve } from 'node:path';
import type { LoadedConfig, Logger } from '@stream-smarts/contracts';
import { runRules } from './rules.js';
import { buildSinks, notifierConfig, Pipeline, type Alert, type EpisodeRules, type Message, type Sink, type SinkResult } from '@stream-smarts/notifier';

/** Keeps alerts in memory: `evaluate` and the bench read them back instead of sending them. */
export class CollectingSink implements Sink {
  readonly name = 'memory';
  readonly alerts: Alert[] = [];
  async send(alert: Alert, _message: Message): Promise<SinkResult> {
    this.alerts.push(alert);
    return { outcome: 'accepted', detail: 'kept in memory' };
  }
}

export interface AlertStageOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Sinks to use instead of the configured ones (evaluate, bench). */
  sinks?: Sink[];
  /** Where the console sink writes (default stdout). */
  consoleOut?: { write(s: string): unknown };
  /**
   * Episode state, delivery ledger and dead letters. Undefined: kept in memory only — a simulated
   * or replayed day must not resume (or be deduplicated against) the last run's episodes; a live
   * meter keeps them across restarts in notifier.stateDir.
   */
  stateDir?: string;
  rules?: EpisodeRules;
  /** Zone of the alert texts' clock times: the model's, which the readings' hours are in. */
  timezone?: string;
}

/**
 * The notifier's own Pipeline (alert core → delivery with retries → sinks), configured from the
 * same settings as `stream-smarts notify`: the one alert core, not a copy.
 */
export function createAlertStage(o: AlertStageOptions): { pipeline: Pipeline; sinkNames: string[]; rules: EpisodeRules; close(): Promise<void> } {
  const cfg = notifierConfig(o.loaded);
  const sinks = o.sinks ?? buildSinks(cfg, o.consoleOut ? { consoleOut: o.consoleOut, consoleTimestamps: false } : {});
  const rules = o.rules ?? runRules(o.loaded, cfg.rules);
  const pipeline = new Pipeline({
    rules,
    templates: cfg.templates,
    timezone: o.timezone ?? cfg.timezone,
    retry: cfg.retry,
    sinks,
    ...(o.stateDir !== undefined ? { stateDir: resolve(o.stateDir) } : {}),
    log: o.log,
  });
  return {
    pipeline,
    sinkNames: sinks.map((s) => s.name),
    rules,
    close: () => pipeline.close(),
  };
}
