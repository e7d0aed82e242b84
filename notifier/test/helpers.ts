import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { anomalyRow, createLogger, type AnomalyEvent, type Logger } from '@stream-smarts/contracts';
import { DEFAULT_RULES, type EpisodeRules } from '@stream-smarts/notifier';

export const MINUTE = 60_000;

/** The default rules but alerting on the first anomaly: for tests about what happens after an alert, not when it fires. */
export const FIRE_FIRST: EpisodeRules = { ...DEFAULT_RULES, fireAfter: 1, lowFireAfter: 1 };

/** Settings for the same, as environment variables. */
export const FIRE_FIRST_ENV = { STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '1', STREAM_SMARTS_NOTIFIER_LOW_FIRE_AFTER: '1' } as const;

/** Announcements of 2018 events are months stale; tests that replay them still want them spoken. */
export const SPEAK_OLD_ENV = { STREAM_SMARTS_HOME_ASSISTANT_ANNOUNCE_MAX_AGE: '1000000h' } as const;

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `notifier-${label}-`));
}

/** A logger whose every line (JSON) is kept, for assertions and for grepping secrets. */
export function capturingLogger(secrets: readonly string[] = [], level: 'trace' | 'debug' | 'info' = 'debug'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ level, secrets, pretty: false, destination: { write: (l: string) => lines.push(l) } });
  return { log, lines };
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function event(meterId: string, eventTs: number, over: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return { eventTs, hour: new Date(eventTs).getUTCHours(), kwh: 1500, fn: 2.5, kind: 'high', meterId, ...over };
}

export class TopicFixture {
  readonly kafka: Kafka;
  private producer?: Producer;

  constructor(
    readonly bootstrap: string,
    readonly topic: string,
  ) {
    this.kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, clientId: 'notifier-test' });
  }

  async create(partitions = 1): Promise<this> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    return this;
  }

  async sendRaw(values: (string | null)[], key = 'house'): Promise<void> {
    await this.producer!.send({ topic: this.topic, acks: -1, messages: values.map((value) => ({ key, value })) });
  }

  async send(events: AnomalyEvent[]): Promise<void> {
    await this.producer!.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.meterId, value: JSON.stringify(anomalyRow(e)) })),
    });
  }

  /** Committed offset of each partition of the group, and each partition's end. */
  async offsets(groupId: string): Promise<{ committed: Record<number, string>; high: Record<number, string> }> {
    const admin = this.kafka.admin();
    await admin.connect();
    const c = await admin.fetchOffsets({ groupId, topics: [this.topic] });
    const h = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    return {
      committed: Object.fromEntries(c[0]!.partitions.map((p) => [p.partition, p.offset])),
      high: Object.fromEntries(h.map((p) => [p.partition, p.high])),
    };
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
