import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka, ensureTopic, kafkaClientOptions, writeFileDurableSync, type KafkaConfig, type Logger } from '@stream-smarts/contracts';
import { SilenceBook, SilenceRecordSchema, type SilenceRecord } from './model.js';

/** Where silences and the away switch live; the notifier and `run` read it, `silence`/`away` write it. */
export interface SilenceStore {
  readonly where: string;
  /** The current book (kept up to date for a running service). */
  book(): SilenceBook;
  put(r: SilenceRecord): Promise<void>;
  close(): Promise<void>;
}

function parseRecord(text: string): SilenceRecord | undefined {
  try {
    const r = SilenceRecordSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `run` without Kafka: one JSON file in notifier.stateDir, rewritten atomically on each change and
 * re-read when it changes on disk (a `silence add` from another shell reaches a running `run`).
 */
export class LocalSilenceStore implements SilenceStore {
  readonly where: string;
  private current = new SilenceBook();
  private mtimeKey = '';

  constructor(stateDir: string) {
    this.where = join(stateDir, 'silences.json');
  }

  book(): SilenceBook {
    this.reload();
    return this.current;
  }

  private reload(): void {
    if (!existsSync(this.where)) return;
    const text = readFileSync(this.where, 'utf8');
    if (text === this.mtimeKey) return;
    this.mtimeKey = text;
    const book = new SilenceBook();
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (e) {
      throw new Error(`${this.where} is not valid JSON (${(e as Error).message}); fix or remove it`);
    }
    for (const item of Array.isArray(list) ? list : []) {
      const r = parseRecord(JSON.stringify(item));
      if (r) book.merge(r);
    }
    this.current = book;
  }

  async put(r: SilenceRecord): Promise<void> {
    this.reload();
    this.current.merge(r);
    const text = JSON.stringify(this.current.all(), null, 2);
    writeFileDurableSync(this.where, text);
    this.mtimeKey = text;
  }

  async close(): Promise<void> {}
}

/**
 * Kafka mode: a compacted topic keyed by record id (cleanup.policy=compact), so the latest version
 * of each silence is kept for good and every notifier, and every restart, reads the same set.
 * `open()` reads the topic to its end before returning; `follow` keeps consuming after that.
 */
export class KafkaSilenceStore implements SilenceStore {
  readonly where: string;
  private readonly current = new SilenceBook();
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly kafka: Kafka;

  private constructor(
    cfg: KafkaConfig,
    private readonly topic: string,
    private readonly log: Logger,
    quick: boolean,
  ) {
    this.where = `Kafka topic ${topic}`;
    // A command gives up quickly on a broker that is not there; a service keeps trying.
    this.kafka = createKafka(kafkaClientOptions(cfg), { log, use: quick ? 'command' : 'service' });
  }

  /** `quick`: for commands, fail within seconds when Kafka is unreachable. */
  static async open(o: { kafka: KafkaConfig; topic: string; log: Logger; follow: boolean; groupPrefix?: string; quick?: boolean }): Promise<KafkaSilenceStore> {
    const store = new KafkaSilenceStore(o.kafka, o.topic, o.log, o.quick ?? false);
    await store.start(o.follow, o.groupPrefix ?? 'stream-smarts-silences');
    return store;
  }

  book(): SilenceBook {
    return this.current;
  }

  private async ensureTopic(admin: Admin): Promise<void> {
    const { created } = await ensureTopic(admin, this.topic, { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    // Only the process that made it says so; one that lost the race to another says nothing.
    if (created) this.log.info({ topic: this.topic }, 'created the compacted silences topic');
  }

  private async start(follow: boolean, groupPrefix: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      await this.ensureTopic(admin);
      ends = new Map((await admin.fetchTopicOffsets(this.topic)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
    const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    if (pending.size === 0 && !follow) return;
    // A group of its own per reader: each must see every record (no commits, from the beginning).
    this.consumer = this.kafka.consumer({ groupId: `${groupPrefix}-${hostname()}-${process.pid}-${Date.now()}`, sessionTimeout: 10_000 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    if (pending.size === 0) caughtUp();
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const id = message.key?.toString('utf8');
        if (message.value === null) {
          if (id) this.current.remove(id);
        } else {
          const r = parseRecord(message.value.toString('utf8'));
          if (r) {
            if (this.current.merge(r) && !pending.has(partition)) this.log.info({ id: r.id, kind: r.kind }, 'silences changed');
          } else this.log.warn({ topic: this.topic, partition, offset: message.offset }, 'skipping a record on the silences topic that is not a silence');
        }
        if (pending.has(partition) && BigInt(message.offset) + 1n >= ends.get(partition)!) {
          pending.delete(partition);
          if (pending.size === 0) caughtUp();
        }
      },
    });
    await ready;
    if (!follow) await this.consumer.disconnect().then(() => (this.consumer = undefined));
  }

  async put(r: SilenceRecord): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key: r.id, value: JSON.stringify(r) }] });
    this.current.merge(r);
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
