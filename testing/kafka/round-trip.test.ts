import { describe, expect, inject, it } from 'vitest';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import { kafkaClientOptions, loadConfig } from '@stream-smarts/contracts';

const broker = inject('kafka');
const N = 10_000;
const PARTITIONS = 3;

interface Received {
  partition: number;
  offset: bigint;
  key: string;
  seq: number;
}

/**
 * Produces N keyed messages (idempotent producer, acks=all) to a fresh 3-partition topic and
 * consumes them in a consumer group that commits offsets; returns what arrived.
 */
async function roundTrip(options: KafkaJsConfig, label: string) {
  const kafka = new Kafka({ ...options, logLevel: logLevel.NOTHING });
  const topic = `round-trip-${label}-${Date.now()}`;
  const groupId = `${topic}-group`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const t0 = performance.now();
  const BATCH = 500;
  for (let start = 0; start < N; start += BATCH) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: BATCH }, (_, j) => {
        const seq = start + j;
        return { key: `meter-${seq % 30}`, value: JSON.stringify({ seq }) };
      }),
    });
  }
  const produceMs = performance.now() - t0;
  await producer.disconnect();

  const received: Received[] = [];
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const t1 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${N} messages arrived in 45 s`)), 45_000);
    void consumer.run({
      autoCommit: true,
      eachMessage: async ({ partition, message }) => {
        const { seq } = JSON.parse(message.value!.toString()) as { seq: number };
        received.push({ partition, offset: BigInt(message.offset), key: message.key!.toString(), seq });
        if (received.length >= N) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  const consumeMs = performance.now() - t1;
  // Leaving the group commits the offsets of everything processed.
  await consumer.disconnect();

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const highWater = await admin.fetchTopicOffsets(topic);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  return { received, produceMs, consumeMs, committed: committed[0]!.partitions, highWater };
}

function assertExactlyOnceInOrder(r: Awaited<ReturnType<typeof roundTrip>>) {
  expect(r.received).toHaveLength(N);
  const seqs = new Set(r.received.map((m) => m.seq));
  expect(seqs.size).toBe(N);
  for (let i = 0; i < N; i++) expect(seqs.has(i)).toBe(true);

  const partitionOfKey = new Map<string, number>();
  const lastSeq = new Map<number, number>();
  const lastOffset = new Map<number, bigint>();
  for (const m of r.received) {
    // The same key always lands in the same partition...
    const p = partitionOfKey.get(m.key);
    if (p !== undefined) expect(m.partition).toBe(p);
    partitionOfKey.set(m.key, m.partition);
    // ...and within a partition, messages arrive in the order they were produced.
    expect(m.seq).toBeGreaterThan(lastSeq.get(m.partition) ?? -1);
    expect(m.offset).toBeGreaterThan(lastOffset.get(m.partition) ?? -1n);
    lastSeq.set(m.partition, m.seq);
    lastOffset.set(m.partition, m.offset);
  }
  expect(new Set(r.received.map((m) => m.partition)).size).toBe(PARTITIONS);

  // The group's committed offset of each partition is its end: nothing left to redeliver.
  for (const hw of r.highWater) {
    const c = r.committed.find((x) => x.partition === hw.partition);
    expect(c?.offset).toBe(hw.high);
  }
  const total = r.highWater.reduce((s, p) => s + Number(p.high), 0);
  expect(total).toBe(N);
}

function report(label: string, r: Awaited<ReturnType<typeof roundTrip>>) {
  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en');
  process.stdout.write(
    `[kafka] ${label}: ${N.toLocaleString('en')} messages over ${PARTITIONS} partitions, each exactly once and in order; ` +
      `produced in ${r.produceMs.toFixed(0)} ms (${rate(r.produceMs)}/s), consumed in ${r.consumeMs.toFixed(0)} ms (${rate(r.consumeMs)}/s)\n`,
  );
}

describe(`a real Apache Kafka ${broker.version} broker`, () => {
  it('round-trips 10,000 messages with an idempotent producer and a committing consumer group', async () => {
    const { config } = loadConfig({ env: { KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap }, envFile: '/nonexistent/.env' });
    const r = await roundTrip(kafkaClientOptions(config.kafka) as KafkaJsConfig, 'plaintext');
    assertExactlyOnceInOrder(r);
    report('PLAINTEXT', r);
  });

  const saslCases = [
    { mechanism: 'plain', user: broker.saslUsers.plain },
    { mechanism: 'scram-sha-256', user: broker.saslUsers.scram },
    { mechanism: 'scram-sha-512', user: broker.saslUsers.scram },
  ] as const;

  for (const c of saslCases) {
    it(`round-trips 10,000 messages over SASL_PLAINTEXT with ${c.mechanism.toUpperCase()} from the configuration loader`, async () => {
      const { config } = loadConfig({
        env: {
          KAFKA_BOOTSTRAP_SERVERS: broker.saslBootstrap,
          STREAM_SMARTS_KAFKA_SASL_MECHANISM: c.mechanism,
          STREAM_SMARTS_KAFKA_SASL_USERNAME: c.user.username,
          STREAM_SMARTS_KAFKA_SASL_PASSWORD: c.user.password,
        },
        envFile: '/nonexistent/.env',
      });
      const r = await roundTrip(kafkaClientOptions(config.kafka) as KafkaJsConfig, c.mechanism);
      assertExactlyOnceInOrder(r);
      report(`SASL_PLAINTEXT ${c.mechanism.toUpperCase()}`, r);
    });
  }

  it('round-trips 10,000 messages over TLS, trusting the broker through STREAM_SMARTS_KAFKA_SSL_CA_FILE', async () => {
    const { config } = loadConfig({
      env: { KAFKA_BOOTSTRAP_SERVERS: broker.sslBootstrap, STREAM_SMARTS_KAFKA_SSL_CA_FILE: broker.caFile },
      envFile: '/nonexistent/.env',
    });
    expect(config.kafka.ssl).toEqual({ caFile: broker.caFile, rejectUnauthorized: true });
    const r = await roundTrip(kafkaClientOptions(config.kafka) as KafkaJsConfig, 'tls');
    assertExactlyOnceInOrder(r);
    report('SSL (TLS, private CA)', r);
  });

  it('refuses the TLS listener when its CA is not trusted, so the certificate is really checked', async () => {
    const { config } = loadConfig({ env: { KAFKA_BOOTSTRAP_SERVERS: broker.sslBootstrap, STREAM_SMARTS_KAFKA_SSL: 'true' }, envFile: '/nonexistent/.env' });
    const kafka = new Kafka({ ...(kafkaClientOptions(config.kafka) as KafkaJsConfig), logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow(/self[- ]signed certificate|unable to verify/i);
    await admin.disconnect().catch(() => undefined);
  });

  it('rejects a wrong SASL password, so the SASL listener really authenticates', async () => {
    const kafka = new Kafka({
      brokers: [broker.saslBootstrap],
      sasl: { mechanism: 'scram-sha-256', username: broker.saslUsers.scram.username, password: 'wrong-password' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA256 authentication failed|Authentication failed/i);
    await admin.disconnect().catch(() => undefined);
  });
});
