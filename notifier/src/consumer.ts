import { Kafka, type Consumer } from 'kafkajs';
import { kafkaClientOptions, kafkajsLogCreator, type KafkaConfig, type Logger } from '@stream-smarts/contracts';
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
}

/**
 * The Kafka side: a consumer group on the anomaly topic, one message at a time, offsets committed
 * by hand and only after the pipeline has delivered (or dead-lettered) the message's alerts.
 * Heartbeats keep going while a slow sink is retried, so a long delivery does not cost the group.
 */
export async function startConsumer(pipeline: Pipeline, opts: ConsumerOptions): Promise<Consumer> {
  const kafka = new Kafka({ ...kafkaClientOptions(opts.kafka), logCreator: kafkajsLogCreator(opts.log) } as ConstructorParameters<typeof Kafka>[0]);
  const sessionTimeout = opts.sessionTimeoutMs ?? 10_000;
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout,
    rebalanceTimeout: sessionTimeout,
    heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)),
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
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const beat = setInterval(() => void heartbeat().catch(() => undefined), Math.max(500, Math.floor(sessionTimeout / 5)));
      try {
        await pipeline.handle({ topic, partition, offset: message.offset, value: message.value });
      } finally {
        clearInterval(beat);
      }
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  opts.log.info({ topic: opts.topic, groupId: opts.groupId, brokers: opts.kafka.brokers }, 'notifier consuming anomalies');
  return consumer;
}
