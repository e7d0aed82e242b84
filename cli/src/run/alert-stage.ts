import { resolve } from 'node:path';
import type { LoadedConfig, Logger } from '@stream-smarts/contracts';
import { runRules } from './rules.js';
import {
  awayDetector,
  buildSinks,
  checkHomeAssistantAtStart,
  homeAssistantClient,
  LocalSilenceStore,
  notifierConfig,
  Pipeline,
  type Alert,
  type Delivered,
  type EpisodeRules,
  type Message,
  type Sink,
  type SinkResult,
} from '@stream-smarts/notifier';

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
  /**
   * Honour silences and away mode (`stream-smarts silence`, `away`, STREAM_SMARTS_AWAY_ENTITY), read
   * from notifier.stateDir/silences.json — `run` has no Kafka. Off for evaluate and the bench.
   */
  silences?: boolean;
  /** Check Home Assistant's entities and actions before the first reading (run with HA sinks). */
  preflight?: boolean;
  onDelivered?: (d: Delivered) => void;
  now?: () => number;
}

/**
 * The notifier's own Pipeline (alert core → delivery with retries → sinks), configured from the
 * same settings as `stream-smarts notify`: the one alert core and the one rule set, not a copy.
 */
export function createAlertStage(o: AlertStageOptions): {
  pipeline: Pipeline;
  sinkNames: string[];
  rules: EpisodeRules;
  /** Resolves with the Home Assistant problems found before the start ([] when none or not asked). */
  preflight: Promise<string[]>;
  close(): Promise<void>;
} {
  const cfg = notifierConfig(o.loaded);
  const client = o.sinks ? undefined : homeAssistantClient(cfg);
  const sinks = o.sinks ?? buildSinks(cfg, o.consoleOut ? { consoleOut: o.consoleOut, consoleTimestamps: false } : {}, client);
  const rules = o.rules ?? runRules(o.loaded);
  const store = o.silences ? new LocalSilenceStore(cfg.stateDir) : undefined;
  const pipeline = new Pipeline({
    rules,
    templates: cfg.templates,
    timezone: o.timezone ?? cfg.timezone,
    // One process with the readings behind it: an alert waits at most a minute for a Home Assistant
    // that is starting or down (the notifier service waits homeAssistant.startupWait), so a replay
    // is not held for half an hour per alert; what could not be delivered is reported NOT DELIVERED.
    retry: { ...cfg.retry, startupWaitMs: Math.min(cfg.retry.startupWaitMs ?? 60_000, 60_000) },
    sinks,
    ...(o.stateDir !== undefined ? { stateDir: resolve(o.stateDir) } : {}),
    log: o.log,
    ...(store ? { silences: () => store.book(), away: awayDetector(cfg, client, store, o.log, o.now) } : {}),
    ...(o.onDelivered ? { onDelivered: o.onDelivered } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  return {
    pipeline,
    sinkNames: sinks.map((s) => s.name),
    rules,
    preflight: o.preflight ? checkHomeAssistantAtStart(client, sinks, o.log) : Promise.resolve([]),
    close: () => pipeline.close(),
  };
}
