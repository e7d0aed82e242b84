import { randomUUID } from 'node:crypto';
import { Partitioners, logLevel as kafkaLogLevel, type Admin, type Kafka, type Producer } from 'kafkajs';
import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import {
  createKafka,
  describeTopic,
  ensureTopic,
  kafkajsLogCreator,
  rawPowerAvsc,
  RAW_POWER_SUBJECT,
  type KafkaClientOptions,
  type Logger,
  type Reading,
} from '@stream-smarts/contracts';

/**
 * Produces readings to raw_power: Avro in the Confluent wire format (magic 0, 4-byte schema id,
 * body) with the schema registered under raw_power-value at BACKWARD compatibility; kafkajs
 * idempotent producer, acks=all, key = meter id, record timestamp = reading ts.
 *
 * The idempotent producer removes duplicates from its own retries, but not across process
 * restarts or failed sends whose outcome is unknown. For those, `lastProducedTs()` reads the tail
 * of the topic: the drain loop asks it before its first send and after every failed send, and
 * skips what Kafka already holds. Readings are identified by (meter_id, ts).
 */
export interface ProducerOptions {
  kafka: KafkaClientOptions;
  schemaRegistry: { url: string; auth?: { username: string; password: string } };
  topic: string;
  meterId: string;
  log: Logger;
  /** How the topic is created when it is missing (the settings kafka.rawPower*); broker defaults otherwise. */
  topicSpec?: TopicSpec;
}

/** The raw_power topic as `deploy` and the collector create it (settings kafka.rawPowerPartitions, ...). */
export interface TopicSpec {
  partitions: number;
  replicationFactor: number;
  /** retention.ms; -1 keeps every reading (Kafka: "If set to -1, no time limit is applied"). */
  retentionMs: number;
}

/**
 * raw_power as the spec says unless it exists (contracts' ensureTopic: idempotent, also against a
 * concurrent creator); when it existed, its partitions and retention as the broker reports them
 * (retention unknown to an account without DescribeConfigs).
 */
export async function ensureRawPowerTopic(admin: Admin, topic: string, spec: TopicSpec | undefined): Promise<{ created: boolean; retentionMs?: number; partitions?: number }> {
  const { created } = await ensureTopic(
    admin,
    topic,
    spec ? { partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { 'retention.ms': String(spec.retentionMs) } } : {},
  );
  if (created) return { created, ...(spec ? { retentionMs: spec.retentionMs, partitions: spec.partitions } : {}) };
  return { created, ...(await describeTopic(admin, topic)) };
}

/**
 * Kafka refused the records themselves (the broker answered, with a non-retriable error such as
 * INVALID_TIMESTAMP): sending them again cannot succeed, unlike an outage.
 */
export class RecordRejectedError extends Error {
  override name = 'RecordRejectedError';
  constructor(
    readonly reason: string,
    readonly type: string,
  ) {
    super(`Kafka refused the record: ${reason}`);
  }
}

/** Broker error types (kafkajs protocol/error.js, Kafka's Errors) that refuse a record rather than signal an outage. */
const REFUSALS = new Set(['INVALID_TIMESTAMP', 'MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'TOPIC_AUTHORIZATION_FAILED', 'INVALID_REQUIRED_ACKS', 'POLICY_VIOLATION']);

/** The broker's refusal inside a kafkajs error (directly, or as the cause of a retries-exceeded error). */
export function refusalOf(e: unknown, readings: readonly Reading[] = []): RecordRejectedError | undefined {
  for (let err = e as { type?: string; retriable?: boolean; message?: string; cause?: unknown } | undefined, depth = 0; err && depth < 5; err = err.cause as typeof err, depth++) {
    if (err.type && REFUSALS.has(err.type) && err.retriable === false) {
      let reason = `${err.message ?? err.type} (${err.type})`;
      if (err.type === 'INVALID_TIMESTAMP' && readings.length > 0) {
        const ahead = Math.max(...readings.map((r) => r.ts)) - Date.now();
        reason +=
          ahead > 0
            ? `: the reading at ${new Date(Math.max(...readings.map((r) => r.ts))).toISOString()} is ${Math.round(ahead / 60_000)} min ahead of this machine's clock, and the broker refuses timestamps more than message.timestamp.after.max.ms ahead (1 h by default); check the clock, or for a simulation start it in the past (--sim-start)`
            : `: the broker's message.timestamp.before.max.ms refuses readings as old as ${new Date(Math.min(...readings.map((r) => r.ts))).toISOString()}`;
      }
      return new RecordRejectedError(reason, err.type);
    }
  }
  return undefined;
}

/** Schema Registry said no (409 incompatible, 422 invalid, 401/403): retrying will not help. */
export class SchemaRejectedError extends Error {
  override name = 'SchemaRejectedError';
}

export class RawPowerProducer {
  private readonly kafka: Kafka;
  private readonly registry: SchemaRegistry;
  private producer: Producer | undefined;
  private schemaId: number | undefined;

  constructor(private readonly opts: ProducerOptions) {
    this.kafka = createKafka(opts.kafka, {
      tune: {
        logLevel: kafkaLogLevel.WARN,
        logCreator: quietEosWarning(kafkajsLogCreator(opts.log.child({ component: 'kafkajs' }))),
        // Fail fast: the drain loop has its own backoff and the spool holds the readings meanwhile.
        connectionTimeout: 3000,
        requestTimeout: 10_000,
        retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      },
    });
    this.registry = new SchemaRegistry(
      { host: opts.schemaRegistry.url, ...(opts.schemaRegistry.auth ? { auth: opts.schemaRegistry.auth } : {}), retry: { retries: 1 } },
      {},
    );
  }

  /** Sets BACKWARD compatibility on the subject and registers raw_power.avsc; returns the schema id. */
  async registerSchema(): Promise<number> {
    if (this.schemaId !== undefined) return this.schemaId;
    const url = `${this.opts.schemaRegistry.url}/config/${encodeURIComponent(RAW_POWER_SUBJECT)}`;
    const headers: Record<string, string> = { 'Content-Type': 'application/vnd.schemaregistry.v1+json', Accept: 'application/vnd.schemaregistry.v1+json' };
    const { auth } = this.opts.schemaRegistry;
    if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    const res = await fetch(url, { method: 'PUT', headers, body: JSON.stringify({ compatibility: 'BACKWARD' }), signal: AbortSignal.timeout(5000) });
    if (!res.ok) {
      const body = await res.text();
      const msg = `Schema Registry ${this.opts.schemaRegistry.url} refused PUT /config/${RAW_POWER_SUBJECT} (HTTP ${res.status}): ${registryMessage(body)}`;
      if (res.status >= 400 && res.status < 500) throw new SchemaRejectedError(msg);
      throw new Error(msg);
    }
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: rawPowerAvsc() },
        { subject: RAW_POWER_SUBJECT, compatibility: COMPATIBILITY.BACKWARD },
      );
      this.schemaId = id;
      this.opts.log.info({ subject: RAW_POWER_SUBJECT, schemaId: id }, `raw_power schema registered as id ${id}`);
      return id;
    } catch (e) {
      const err = e as Error & { status?: number };
      if (err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 404 && err.status !== 408) {
        throw new SchemaRejectedError(
          `Schema Registry ${this.opts.schemaRegistry.url} rejected contracts/schemas/raw_power.avsc for subject ${RAW_POWER_SUBJECT} (HTTP ${err.status}): ${err.message}`,
        );
      }
      if (err.name === 'ConfluentSchemaRegistryCompatibilityError') throw new SchemaRejectedError(err.message);
      throw e;
    }
  }

  async connect(): Promise<void> {
    if (this.producer) return;
    // Default (murmur2, Java-compatible) partitioner: one meter's readings always land in one partition.
    // No auto-creation: the topic is made by ensureTopic (with its retention), never with broker defaults.
    const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    try {
      await p.connect();
    } catch (e) {
      await p.disconnect().catch(() => undefined);
      throw e;
    }
    this.producer = p;
  }

  /**
   * Sends readings in order, acks=all. Throws RecordRejectedError when the broker refuses them, and
   * any other error when the outcome is unknown (call lastProducedTs() before retrying).
   */
  async send(readings: Reading[]): Promise<void> {
    const id = await this.registerSchema();
    await this.connect();
    const messages = await Promise.all(
      readings.map(async (r) => ({ key: r.meter_id, value: await this.registry.encode(id, r), timestamp: String(r.ts) })),
    );
    try {
      await this.producer!.send({ topic: this.opts.topic, acks: -1, messages });
    } catch (e) {
      // A fresh producer (new producer id) after a failure: the old one's sequence state is suspect.
      await this.disconnect();
      throw refusalOf(e, readings) ?? e;
    }
  }

  /**
   * The greatest record timestamp of this meter's records in the topic (its tail), or -Infinity.
   * Readings carry their ts as the record timestamp and the meter id as key, so no decoding.
   */
  async lastProducedTs(tailRecords = 2000): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    let offsets: { partition: number; high: string; low: string }[];
    try {
      const { created } = await ensureRawPowerTopic(admin, this.opts.topic, this.opts.topicSpec);
      if (created) {
        this.opts.log.info({ topic: this.opts.topic, ...this.opts.topicSpec }, `created the topic ${this.opts.topic}`);
        return -Infinity;
      }
      offsets = await admin.fetchTopicOffsets(this.opts.topic);
    } finally {
      await admin.disconnect();
    }
    const todo = new Map<number, { from: bigint; high: bigint }>();
    for (const o of offsets) {
      const high = BigInt(o.high);
      const low = BigInt(o.low);
      if (high > low) todo.set(o.partition, { from: high - BigInt(tailRecords) > low ? high - BigInt(tailRecords) : low, high });
    }
    if (todo.size === 0) return -Infinity;
    let last = -Infinity;
    // A throwaway group: kafkajs has no group-less consumer. It commits nothing and is deleted after.
    const groupId = `stream-smarts-collector-tail-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.opts.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`could not read the tail of ${this.opts.topic} within 30 s`)), 30_000);
        consumer
          .run({
            autoCommit: false,
            eachBatchAutoResolve: true,
            eachBatch: async ({ batch }) => {
              const p = todo.get(batch.partition);
              if (!p) return;
              for (const m of batch.messages) {
                if (m.key?.toString() === this.opts.meterId) last = Math.max(last, Number(m.timestamp));
                if (BigInt(m.offset) + 1n >= p.high) {
                  todo.delete(batch.partition);
                  break;
                }
              }
              if (todo.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
        for (const [partition, p] of todo) consumer.seek({ topic: this.opts.topic, partition, offset: p.from.toString() });
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin2 = this.kafka.admin();
      await admin2.connect().then(() => admin2.deleteGroups([groupId]).catch(() => undefined)).catch(() => undefined);
      await admin2.disconnect().catch(() => undefined);
    }
    return last;
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await p.disconnect().catch(() => undefined);
  }
}

type LogCreator = ReturnType<typeof kafkajsLogCreator>;

/**
 * kafkajs warns "Limiting retries for the idempotent producer may invalidate EoS guarantees" on
 * every connect because retries are bounded here on purpose: the drain loop retries instead and
 * reconciles with the topic's tail (see the class comment), so the warning is noise on a Pi's journal.
 */
function quietEosWarning(inner: LogCreator): LogCreator {
  return (level) => {
    const log = inner(level);
    return (entry) => {
      if (/Limiting retries for the idempotent producer/.test(entry.log.message)) return;
      log(entry);
    };
  };
}

function registryMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error_code?: number; message?: string };
    return j.message ? `${j.message}${j.error_code ? ` (error_code ${j.error_code})` : ''}` : body;
  } catch {
    return body || '(empty body)';
  }
}
