import type { Consumer } from 'kafkajs';
import { createKafka, kafkaClientOptions, type KafkaConfig, type Logger } from '@stream-smarts/contracts';
import type { Pipeline } from './pipeline.js';

export interface ConsumerOptions {
  kafka: KafkaConfig;
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  log: Logger;
  /** kafkajs default is 30 s; shorter lets a restarted notifier take over sooner after a crash. */
  sessionTimeoutMs?: number;
  /** Called when kafkajs gives up on the consumer (it will not restart it): the service should stop. */
  onFatal?: (error: Error) => void;
  /**
   * 'batch' (default): each fetched batch is processed, the state saved once (one fsync), then the
   * batch's offset committed. 'message': the path before batches — state written and offset
   * committed after every message (kept for the bench's comparison).
   */
  mode?: 'batch' | 'message';
}

/**
 * The Kafka side: a consumer group on the anomaly topic, offsets committed by hand and only after
 * the pipeline has delivered (or dead-lettered) the alerts and saved the state that covers them.
 * Heartbeats keep going while a slow sink is retried, so a long delivery does not cost the group.
 */
export async function startConsumer(pipeline: Pipeline, opts: ConsumerOptions): Promise<Consumer> {
  const kafka = createKafka(kafkaClientOptions(opts.kafka), { log: opts.log });
  const sessionTimeout = opts.sessionTimeoutMs ?? 10_000;
  const beatEvery = Math.max(500, Math.floor(sessionTimeout / 5));
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout,
    rebalanceTimeout: sessionTimeout,
    heartbeatInterval: beatEvery,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) {
      opts.log.warn({ err: payload.error }, 'Kafka consumer failed; kafkajs restarts it');
    } else {
      opts.log.fatal({ err: payload.error }, 'Kafka consumer failed and will not restart');
      opts.onFatal?.(payload.error);
    }
  });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.fromBeginning });
  if (opts.mode === 'message') {
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const beat = setInterval(() => void heartbeat().catch(() => undefined), beatEvery);
        try {
          await pipeline.handle({ topic, partition, offset: message.offset, key: message.key, value: message.value });
        } finally {
          clearInterval(beat);
        }
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
  } else {
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const beat = setInterval(() => void heartbeat().catch(() => undefined), beatEvery);
        const last = batch.messages.at(-1)!;
        try {
          await pipeline.handleBatch(
            batch.messages.map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value })),
            { caughtUp: BigInt(last.offset) + 1n >= BigInt(batch.highWatermark) },
          );
        } finally {
          clearInterval(beat);
        }
        // The state covering the batch is on disk: now the offsets may move.
        resolveOffset(last.offset);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        await heartbeat().catch(() => undefined);
      },
    });
  }
  opts.log.info({ topic: opts.topic, groupId: opts.groupId, brokers: opts.kafka.brokers, mode: opts.mode ?? 'batch' }, `notifier consuming anomalies from ${opts.topic} as ${opts.groupId}`);
  return consumer;
}
