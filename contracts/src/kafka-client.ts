import { Kafka, logLevel, type Admin, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import type { KafkaClientOptions } from './config/kafka-options.js';
import { kafkajsLogCreator } from './kafka-log.js';
import type { Logger } from './log.js';

/**
 * The one place a Kafka client is made. What differs between callers is how long they wait for a
 * broker that is not there, so that is the one choice:
 * - `service`: a process that keeps running (collector, notifier): kafkajs's own retries and
 *   timeouts, it rides out a broker restart.
 * - `command`: a command a person waits for (retrain, deploy, silence): fails within seconds.
 * - `probe`: one question, one answer (doctor, prerequisites): no retry at all.
 */
export type KafkaUse = 'service' | 'command' | 'probe';

const USES: Record<KafkaUse, Partial<KafkaJsConfig>> = {
  service: {},
  command: { connectionTimeout: 3_000, requestTimeout: 15_000, retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 } },
  probe: { connectionTimeout: 3_000, requestTimeout: 5_000, retry: { retries: 0 } },
};

export interface CreateKafkaOptions {
  use?: KafkaUse;
  /** The client's own log lines go through this logger (level, format, secret scrubbing); without one kafkajs is silent. */
  log?: Logger;
  /** What a caller tunes beyond its use (the producer: its own retries under the drain loop's backoff; a filter on kafkajs's log). */
  tune?: Pick<KafkaJsConfig, 'connectionTimeout' | 'requestTimeout' | 'retry' | 'logLevel' | 'logCreator'>;
}

export function createKafka(cluster: KafkaClientOptions, o: CreateKafkaOptions = {}): Kafka {
  return new Kafka({
    ...(cluster as KafkaJsConfig),
    ...USES[o.use ?? 'service'],
    ...(o.log ? { logCreator: kafkajsLogCreator(o.log) } : { logLevel: logLevel.NOTHING }),
    ...o.tune,
  } as KafkaJsConfig);
}

export interface NewTopic {
  partitions?: number;
  replicationFactor?: number;
  /** Topic configs, e.g. { 'cleanup.policy': 'compact' } or { 'retention.ms': '-1' }. */
  configs?: Record<string, string>;
}

/**
 * Creates the topic unless it exists, needing only the CreateTopics permission; idempotent, also
 * when another process creates it at the same moment. kafkajs's `createTopics` resolves `false`
 * when every topic answered TOPIC_ALREADY_EXISTS (kafkajs src/admin/index.js, createTopics), which
 * is success here. An account that may not create topics (TOPIC_/CLUSTER_AUTHORIZATION_FAILED) is
 * fine when the topic is there already, which the metadata (listTopics) tells.
 * `created` is true only when this call made the topic.
 */
export async function ensureTopic(admin: Admin, topic: string, spec: NewTopic = {}): Promise<{ created: boolean }> {
  const configEntries = Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value }));
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          ...(spec.partitions !== undefined ? { numPartitions: spec.partitions } : {}),
          ...(spec.replicationFactor !== undefined ? { replicationFactor: spec.replicationFactor } : {}),
          ...(configEntries.length ? { configEntries } : {}),
        },
      ],
    });
    return { created };
  } catch (e) {
    if (isAlreadyExists(e)) return { created: false };
    if (isAuthorization(e) && (await admin.listTopics()).includes(topic)) return { created: false };
    throw e;
  }
}

/** A topic's partitions and retention as the broker reports them; retention is left out when the account may not DescribeConfigs. */
export async function describeTopic(admin: Admin, topic: string): Promise<{ partitions?: number; retentionMs?: number }> {
  const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  let retentionMs: number | undefined;
  try {
    // ConfigResourceTypes.TOPIC is 2 (kafkajs src/protocol/configResourceTypes.js).
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }] });
    const value = configs.resources[0]?.configEntries.find((c) => c.configName === 'retention.ms')?.configValue;
    if (value !== undefined) retentionMs = Number(value);
  } catch (e) {
    if (!isAuthorization(e)) throw e;
  }
  return { ...(meta ? { partitions: meta.partitions.length } : {}), ...(retentionMs !== undefined ? { retentionMs } : {}) };
}

type KafkaError = { type?: string; message?: string; errors?: unknown[] };
const types = (e: unknown): string[] => {
  const k = e as KafkaError | undefined;
  return [k?.type ?? '', ...((k?.errors ?? []) as KafkaError[]).map((x) => x?.type ?? '')];
};
const isAlreadyExists = (e: unknown) => types(e).includes('TOPIC_ALREADY_EXISTS') || /already exists/i.test((e as Error)?.message ?? '');
const isAuthorization = (e: unknown) => types(e).some((t) => t === 'TOPIC_AUTHORIZATION_FAILED' || t === 'CLUSTER_AUTHORIZATION_FAILED');
