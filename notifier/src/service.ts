import type { Consumer } from 'kafkajs';
import type { LoadedConfig, Logger } from '@stream-smarts/contracts';
import { notifierConfig, type NotifierConfig } from './config.js';
import { startConsumer } from './consumer.js';
import { Pipeline } from './pipeline.js';
import { buildSinks, type SinkDeps } from './sinks/build.js';

export interface RunningNotifier {
  config: NotifierConfig;
  pipeline: Pipeline;
  consumer: Consumer;
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
}

/** The notifier service: configuration → sinks → pipeline → Kafka consumer, plus the quiet-period tick. */
export async function startNotifier(loaded: LoadedConfig, log: Logger, opts: StartOptions = {}): Promise<RunningNotifier> {
  const cfg = notifierConfig(loaded);
  const sinks = buildSinks(cfg, opts);
  const pipeline = new Pipeline({
    rules: cfg.rules,
    templates: cfg.templates,
    timezone: cfg.timezone,
    retry: cfg.retry,
    sinks,
    stateDir: cfg.stateDir,
    log,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.wait ? { wait: opts.wait } : {}),
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
      finish();
    })());
  }
  return { config: cfg, pipeline, consumer, stop, done };
}
