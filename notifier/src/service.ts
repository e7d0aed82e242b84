import type { Consumer } from 'kafkajs';
import type { LoadedConfig, Logger } from '@stream-smarts/contracts';
import { HomeAssistantAway, ManualAway, type AwayDetector } from './away.js';
import { notifierConfig, type NotifierConfig } from './config.js';
import { startConsumer } from './consumer.js';
import { Pipeline, type Delivered } from './pipeline.js';
import { KafkaSilenceStore, type SilenceStore } from './silences/store.js';
import { buildSinks, homeAssistantClient, type SinkDeps } from './sinks/build.js';
import { checkRequirements, homeAssistantRequirements, type HomeAssistantClient } from './sinks/home-assistant.js';
import type { Sink } from './sinks/types.js';

export interface RunningNotifier {
  config: NotifierConfig;
  pipeline: Pipeline;
  consumer: Consumer;
  silences: SilenceStore;
  /** Leaves the group cleanly (committing nothing unprocessed) and closes the sinks. */
  stop(): Promise<void>;
  /** Settles once stopped: resolves after stop(), rejects if the consumer failed for good. */
  done: Promise<void>;
}

export interface StartOptions extends SinkDeps {
  /** How often quiet episodes are checked for their end. */
  tickMs?: number;
  sessionTimeoutMs?: number;
  wait?: (ms: number) => Promise<void>;
  /** 'batch' (default) or 'message' (the per-message save, for the bench's comparison). */
  consumerMode?: 'batch' | 'message';
  onDelivered?: (d: Delivered) => void;
}

/**
 * Checks, before any alert relies on them, that every Home Assistant entity and action the sinks
 * use exists and is available; logs each problem by name. Returns the problems (none: []).
 */
export async function checkHomeAssistantAtStart(client: HomeAssistantClient | undefined, sinks: Sink[], log: Logger): Promise<string[]> {
  const reqs = homeAssistantRequirements(sinks);
  if (!client || reqs.length === 0) return [];
  try {
    const problems = (await checkRequirements(client, reqs)).map((p) => p.problem);
    for (const p of problems) log.error({ homeAssistant: client.url }, `Home Assistant: ${p}`);
    if (problems.length === 0) log.info({ checked: reqs.map((r) => r.id) }, 'Home Assistant has every entity and action the sinks use');
    return problems;
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not check Home Assistant at start; alerts will be retried if it is down');
    return [(e as Error).message];
  }
}

export function awayDetector(cfg: NotifierConfig, client: HomeAssistantClient | undefined, store: SilenceStore, log: Logger, now?: () => number): AwayDetector {
  if (cfg.homeAssistant?.awayEntity && client) return new HomeAssistantAway(client, cfg.homeAssistant.awayEntity, log, now);
  return new ManualAway(() => store.book());
}

/** The notifier service: configuration → sinks → pipeline → Kafka consumer, plus the quiet-period tick. */
export async function startNotifier(loaded: LoadedConfig, log: Logger, opts: StartOptions = {}): Promise<RunningNotifier> {
  const cfg = notifierConfig(loaded);
  const client = homeAssistantClient(cfg);
  const sinks = buildSinks(cfg, opts, client);
  await checkHomeAssistantAtStart(client, sinks, log);
  // Kafka mode keeps silences on the compacted topic (read to its end before the first alert).
  const silences = await KafkaSilenceStore.open({ kafka: loaded.config.kafka, topic: cfg.silences.topic, log, follow: true });
  const pipeline = new Pipeline({
    rules: cfg.rules,
    templates: cfg.templates,
    timezone: cfg.timezone,
    retry: cfg.retry,
    sinks,
    stateDir: cfg.stateDir,
    log,
    silences: () => silences.book(),
    away: awayDetector(cfg, client, silences, log, opts.now),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.wait ? { wait: opts.wait } : {}),
    ...(opts.onDelivered ? { onDelivered: opts.onDelivered } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  let consumerRef: Consumer | undefined;
  let stopped: Promise<void> | undefined;
  let fail: (e: Error) => void = () => undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Marked handled here; whoever awaits `done` still sees the failure.
  done.catch(() => undefined);
  const consumer = await startConsumer(pipeline, {
    onFatal: (e) => void stop().finally(() => fail(e)),
    kafka: loaded.config.kafka,
    topic: cfg.topic,
    groupId: cfg.groupId,
    fromBeginning: cfg.fromBeginning,
    log,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? cfg.sessionTimeoutMs,
    mode: opts.consumerMode ?? 'batch',
  });
  timer = setInterval(() => {
    pipeline.tick().catch((e: unknown) => log.error({ err: e }, 'resolving quiet episodes failed'));
  }, opts.tickMs ?? 5_000);
  consumerRef = consumer;
  function stop(): Promise<void> {
    return (stopped ??= (async () => {
      clearInterval(timer);
      await consumerRef?.disconnect();
      await pipeline.close();
      await silences.close();
      finish();
    })());
  }
  return { config: cfg, pipeline, consumer, silences, stop, done };
}
