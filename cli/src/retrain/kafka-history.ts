import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { Admin } from 'kafkajs';
import { createKafka, DEFAULT_MAX_POWER_KW, overSupplyReason, RAW_POWER_SUBJECT, rawPowerAvsc, redactText, redactUrl, type KafkaClientOptions, type Logger } from '@stream-smarts/contracts';
import { noProgress, type Progress } from '../h2o/progress.js';
import { withoutUserInfo } from '../deploy/prepare.js';
import { RetrainError } from './errors.js';

/**
 * One meter's readings from the raw_power topic, as the collector wrote them: Avro in Confluent's
 * wire format (magic byte 0, the 4-byte schema id, the body) with the schema in Schema Registry.
 *
 * It starts on each partition at the first record at or after `fromMs` (the broker's time index:
 * kafkajs admin.fetchTopicOffsetsByTimestamp, a ListOffsets request with a timestamp) and reads
 * up to the end offsets taken before it started, so records arriving meanwhile do not keep it
 * going. Each record is decoded with the writer's schema resolved to contracts/schemas/raw_power.avsc
 * (Avro schema resolution), so version-1 records (without minute and the measures) and version-2
 * ones both read; only ts, wh and interval_s are used — the measures are recomputed by the trainer
 * exactly as `train` computes them. A schema that raw_power.avsc cannot read stops the run with
 * a line naming it. Records of other meters (by key) are counted and skipped without decoding.
 */

export interface ReadRawPowerOptions {
  kafka: KafkaClientOptions;
  schemaRegistry: { url: string; auth?: { username: string; password: string } };
  topic: string;
  meterId: string;
  /** Read records whose timestamp is at or after this instant (epoch ms). */
  fromMs: number;
  /** Physical bound of a reading, kW over its interval (STREAM_SMARTS_MAX_POWER_KW); default 100. */
  maxPowerKw?: number;
  /** Stop when no record arrives for this long while records remain (default 30 s). */
  idleTimeoutMs?: number;
  progress?: Progress;
  log?: Logger;
  signal?: AbortSignal;
}

interface SkippedRecord {
  partition: number;
  offset: string;
  reason: string;
}

export interface KafkaReadings {
  /** The meter's readings in time order: end (epoch ms), Wh, interval (ms). */
  endMs: number[];
  wh: number[];
  intervalMs: number[];
  /** Records in the range read, all meters. */
  records: number;
  /** Records of other meters (key → count), skipped. */
  otherMeters: Map<string, number>;
  /** The meter's records that could not be used (undecodable, out of bounds, duplicate ts). */
  skipped: number;
  skippedExamples: SkippedRecord[];
  /** The meter's records without `minute` (raw_power version 1) and with it. */
  versions: { v1: number; v2: number };
  schemaIds: number[];
  partitions: { partition: number; from: string; end: string }[];
  ms: number;
}

/** The first line of a kafkajs error, without a URL's password. */
function why(e: unknown): string {
  const err = e as Error & { cause?: Error };
  const msg = (err.message || String(e)).split('\n')[0]!;
  return err.cause && err.cause.message && !msg.includes(err.cause.message) ? `${msg}: ${err.cause.message.split('\n')[0]}` : msg;
}

function kafkaDown(brokers: readonly string[], e: unknown): RetrainError {
  return new RetrainError(
    `cannot reach Kafka at ${brokers.join(',')} (${why(e)})`,
    'start the stack with `docker compose up -d`, or point KAFKA_BOOTSTRAP_SERVERS (or --bootstrap-servers) at your broker',
  );
}

const reader = () => avro.Type.forSchema(JSON.parse(rawPowerAvsc()) as avro.Schema);

export async function readRawPower(o: ReadRawPowerOptions): Promise<KafkaReadings> {
  const t0 = Date.now();
  const progress = o.progress ?? noProgress;
  const kafka = createKafka(o.kafka, { use: 'command' });
  const admin = kafka.admin();
  let partitions: { partition: number; from: bigint; end: bigint }[];
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(o.topic)) {
      throw new RetrainError(
        `Kafka at ${o.kafka.brokers.join(',')} has no topic ${o.topic}: there is no history to retrain on`,
        o.topic === 'raw_power' ? 'start the collector (`stream-smarts collect`), which creates raw_power and writes the readings; retrain once it has a few weeks of them' : `check --topic ${o.topic}; the collector writes raw_power`,
      );
    }
    partitions = await offsetsFrom(admin, o.topic, o.fromMs);
  } catch (e) {
    if (e instanceof RetrainError) throw e;
    throw kafkaDown(o.kafka.brokers, e);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }

  const out: KafkaReadings = {
    endMs: [],
    wh: [],
    intervalMs: [],
    records: 0,
    otherMeters: new Map(),
    skipped: 0,
    skippedExamples: [],
    versions: { v1: 0, v2: 0 },
    schemaIds: [],
    partitions: partitions.map((p) => ({ partition: p.partition, from: p.from.toString(), end: p.end.toString() })),
    ms: 0,
  };
  const todo = partitions.filter((p) => p.end > p.from);
  const total = todo.reduce((a, p) => a + Number(p.end - p.from), 0);
  if (total === 0) {
    out.ms = Date.now() - t0;
    return out;
  }

  const decoder = new RawPowerDecoder(o.schemaRegistry, o.topic);
  const maxPowerKw = o.maxPowerKw ?? DEFAULT_MAX_POWER_KW;
  // Per partition, the meter's readings in offset order; merged by time at the end.
  const byPartition = new Map<number, { endMs: number[]; wh: number[]; intervalMs: number[] }>();
  const skip = (partition: number, offset: string, reason: string) => {
    out.skipped++;
    if (out.skippedExamples.length < 10) out.skippedExamples.push({ partition, offset, reason });
  };

  const line = progress.line(`reading ${o.topic}`, { total, unit: 'records' });
  const groupId = `stream-smarts-retrain-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxBytes: 8 * 1024 * 1024 });
  const pending = new Map(todo.map((p) => [p.partition, p]));
  let done = 0;
  try {
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    } catch (e) {
      throw kafkaDown(o.kafka.brokers, e);
    }
    await new Promise<void>((resolve, reject) => {
      let idle: NodeJS.Timeout | undefined;
      const fail = (e: unknown) => {
        clearTimeout(idle);
        o.signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          const [p] = pending.values();
          fail(new RetrainError(`no records arrived from ${o.topic} for ${Math.round((o.idleTimeoutMs ?? 30_000) / 1000)} s with ${total - done} still to read (partition ${p?.partition})`, 'check the broker is healthy (`docker compose ps`), then run retrain again'));
        }, o.idleTimeoutMs ?? 30_000);
      };
      const onAbort = () => fail(new RetrainError('stopped while reading raw_power; models/current is unchanged', 'run retrain again'));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            const p = pending.get(batch.partition);
            if (!p) return;
            arm();
            let mine = byPartition.get(batch.partition);
            if (!mine) byPartition.set(batch.partition, (mine = { endMs: [], wh: [], intervalMs: [] }));
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset < p.from) continue;
              if (offset >= p.end) break;
              out.records++;
              done++;
              const key = m.key?.toString('utf8');
              if (key !== undefined && key !== o.meterId) {
                out.otherMeters.set(key, (out.otherMeters.get(key) ?? 0) + 1);
                continue;
              }
              if (!m.value) {
                skip(batch.partition, m.offset, 'no value (a tombstone)');
                continue;
              }
              let r: RawPowerValue | string;
              try {
                r = await decoder.decode(m.value, batch.partition, m.offset);
              } catch (e) {
                // Another schema, or Schema Registry down: the run stops (kafkajs would retry the batch).
                fail(e);
                return;
              }
              if (typeof r === 'string') {
                skip(batch.partition, m.offset, r);
                continue;
              }
              if (r.meter_id !== o.meterId) {
                out.otherMeters.set(r.meter_id, (out.otherMeters.get(r.meter_id) ?? 0) + 1);
                continue;
              }
              const ts = Number(r.ts);
              if (!Number.isSafeInteger(ts) || ts <= 0) {
                skip(batch.partition, m.offset, `ts ${String(r.ts)} is not a time`);
                continue;
              }
              if (!Number.isInteger(r.interval_s) || r.interval_s < 1 || r.interval_s > 3600) {
                skip(batch.partition, m.offset, `interval_s ${r.interval_s} is not 1–3600 s`);
                continue;
              }
              if (!Number.isFinite(r.wh) || r.wh < 0) {
                skip(batch.partition, m.offset, `wh ${r.wh} over ${r.interval_s} s is not a reading`);
                continue;
              }
              const over = overSupplyReason(r.wh, r.interval_s * 1000, maxPowerKw);
              if (over) {
                skip(batch.partition, m.offset, over);
                continue;
              }
              if (r.minute === null || r.minute === undefined) out.versions.v1++;
              else out.versions.v2++;
              mine.endMs.push(ts);
              mine.wh.push(r.wh);
              mine.intervalMs.push(r.interval_s * 1000);
            }
            line.update(done);
            const last = batch.messages.at(-1);
            if (last && BigInt(last.offset) + 1n >= p.end) pending.delete(batch.partition);
            if (pending.size === 0) {
              clearTimeout(idle);
              o.signal?.removeEventListener('abort', onAbort);
              resolve();
            }
          },
        })
        .catch(fail);
      for (const p of todo) consumer.seek({ topic: o.topic, partition: p.partition, offset: p.from.toString() });
    });
  } finally {
    line.done();
    await consumer.disconnect().catch(() => undefined);
    const cleanup = kafka.admin();
    await cleanup
      .connect()
      .then(() => cleanup.deleteGroups([groupId]).catch(() => undefined))
      .catch(() => undefined);
    await cleanup.disconnect().catch(() => undefined);
  }

  merge(out, [...byPartition.values()], skip);
  out.schemaIds = decoder.ids();
  out.ms = Date.now() - t0;
  o.log?.info({ topic: o.topic, meter: o.meterId, records: out.records, readings: out.endMs.length, otherMeters: Object.fromEntries(out.otherMeters), skipped: out.skipped, ms: out.ms }, `read ${o.topic}`);
  return out;
}

/** Per partition, the first offset at or after `fromMs` and the end offset (high watermark) now. */
async function offsetsFrom(admin: Admin, topic: string, fromMs: number): Promise<{ partition: number; from: bigint; end: bigint }[]> {
  // The end first: records produced while we look are not waited for.
  const ends = await admin.fetchTopicOffsets(topic);
  const starts = await admin.fetchTopicOffsetsByTimestamp(topic, fromMs);
  return ends.map((e) => {
    const s = starts.find((x) => x.partition === e.partition);
    const low = BigInt(e.low);
    const from = s ? BigInt(s.offset) : BigInt(e.high);
    return { partition: e.partition, from: from < low ? low : from, end: BigInt(e.high) };
  });
}

/** Merges the partitions' readings by time; a reading at a time already read is skipped. */
function merge(out: KafkaReadings, parts: { endMs: number[]; wh: number[]; intervalMs: number[] }[], skip: (p: number, o: string, r: string) => void): void {
  const all: [number, number, number][] = [];
  for (const p of parts) for (let i = 0; i < p.endMs.length; i++) all.push([p.endMs[i]!, p.wh[i]!, p.intervalMs[i]!]);
  // One meter is one partition (the collector keys by meter), so this is normally sorted already.
  if (parts.length > 1 || all.some((r, i) => i > 0 && r[0] < all[i - 1]![0])) all.sort((a, b) => a[0] - b[0]);
  let last = -Infinity;
  for (const [t, w, iv] of all) {
    if (t <= last) {
      skip(-1, '-', `a second reading at ${new Date(t).toISOString()}`);
      continue;
    }
    last = t;
    out.endMs.push(t);
    out.wh.push(w);
    out.intervalMs.push(iv);
  }
}

interface RawPowerValue {
  ts: number;
  meter_id: string;
  wh: number;
  interval_s: number;
  minute?: number | null;
}

/**
 * Decodes raw_power values: the writer schema by id from Schema Registry (the client the
 * collector uses, which caches it), resolved once per id to raw_power.avsc.
 */
class RawPowerDecoder {
  private readonly registry: SchemaRegistry;
  private readonly reader = reader();
  private readonly resolvers = new Map<number, avro.Resolver>();
  private readonly shown: string;

  constructor(
    sr: { url: string; auth?: { username: string; password: string } },
    private readonly topic: string,
  ) {
    const plain = withoutUserInfo(sr.url, sr.auth);
    this.shown = redactUrl(sr.url);
    this.secrets = plain.auth ? [plain.auth.password] : [];
    this.registry = new SchemaRegistry({ host: plain.url, ...(plain.auth ? { auth: plain.auth } : {}), retry: { retries: 1 } });
  }

  private readonly secrets: string[];

  ids(): number[] {
    return [...this.resolvers.keys()].sort((a, b) => a - b);
  }

  /** The value, or why this one record cannot be used; a schema raw_power.avsc cannot read throws. */
  async decode(value: Buffer, partition: number, offset: string): Promise<RawPowerValue | string> {
    if (value.length < 5 || value[0] !== 0) {
      return `not Confluent's Avro wire format (first byte ${value[0] ?? 'none'}, expected magic byte 0)`;
    }
    const id = value.readInt32BE(1);
    let resolver = this.resolvers.get(id);
    if (!resolver) {
      resolver = await this.resolverFor(id, partition, offset);
      this.resolvers.set(id, resolver);
    }
    try {
      return this.reader.fromBuffer(value.subarray(5), resolver) as RawPowerValue;
    } catch (e) {
      return `undecodable with schema id ${id}: ${(e as Error).message.split('\n')[0]}`;
    }
  }

  private async resolverFor(id: number, partition: number, offset: string): Promise<avro.Resolver> {
    let writer: unknown;
    try {
      writer = await this.registry.getSchema(id);
    } catch (e) {
      const err = e as Error & { status?: number };
      const msg = redactText(err.message.split('\n')[0] ?? '', this.secrets);
      const fatal =
        err.status === 404 || /40403|not found/i.test(msg)
          ? new RetrainError(
              `${this.topic} partition ${partition} offset ${offset} is written with schema id ${id}, which Schema Registry at ${this.shown} does not have (${msg})`,
              'point SCHEMA_REGISTRY_URL (or --schema-registry-url) at the registry the collector registers raw_power.avsc in',
            )
          : new RetrainError(
              `cannot ask Schema Registry at ${this.shown} for schema id ${id} (${msg})`,
              'start the stack with `docker compose up -d`, or point SCHEMA_REGISTRY_URL (or --schema-registry-url) at your registry',
            );
      throw fatal;
    }
    const mismatch = (what: string) => {
      const e = new RetrainError(
        `${this.topic} holds records of another schema: partition ${partition} offset ${offset} is written with schema id ${id} (${what}), which contracts/schemas/raw_power.avsc (record io.streamsmarts.RawPower, subject ${RAW_POWER_SUBJECT}) cannot read`,
        `retrain reads only what the collector writes; check --topic, and that nothing else produces to ${this.topic} (\`stream-smarts ksql -e "PRINT '${this.topic}' LIMIT 3;"\`)`,
      );
      return e;
    };
    if (!avro.Type.isType(writer)) throw mismatch(`a ${(writer as { constructor?: { name?: string } })?.constructor?.name ?? 'non-Avro'} schema, not Avro`);
    const type = writer as avro.Type;
    try {
      return this.reader.createResolver(type);
    } catch (e) {
      const name = (type as avro.Type & { name?: string }).name ?? type.typeName;
      throw mismatch(`${type.typeName} ${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}
