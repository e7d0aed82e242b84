/**
 * Notifier throughput and latency against a real Kafka broker (started here, stopped at the end)
 * and the Pushbullet test double.
 *
 *   npx tsc -b && TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm notifier/bench/bench.ts
 *
 * Prints:
 *  1. messages/s consumed when anomalies continue one episode (no alerts: parse, episode, state, commit);
 *  2. messages/s when every message opens an episode and sends a push (the full path);
 *  3. latency from a message's Kafka timestamp to the sink's request, p50/p99, at a steady paced rate.
 * Options (environment): BENCH_MESSAGES (default 3000), BENCH_RATE (msg/s, default 50), BENCH_SECONDS (default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { anomalyRow, createLogger, loadConfig } from '@stream-smarts/contracts';
import { startNotifier } from '@stream-smarts/notifier';
import { startBroker } from '../../testing/kafka/broker.js';
import { PushbulletDouble } from '../test/doubles/pushbullet-double.js';

const N = Number(process.env.BENCH_MESSAGES ?? 3000);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'o.bench-token-0123456789';
const T0 = Date.UTC(2018, 9, 20, 0, 0, 0);
const MINUTE = 60_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  process.stdout.write('starting a Kafka broker…\n');
  const broker = await startBroker();
  const pb = await new PushbulletDouble(TOKEN).start();
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const work = mkdtempSync(join(tmpdir(), 'notifier-bench-'));

  async function phase(label: string, prepare: (topic: string) => Promise<number>, done: (topic: string, group: string) => Promise<boolean>) {
    const topic = `anomoly-power-bench-${label}-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const loaded = loadConfig({
      env: {
        KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
        STREAM_SMARTS_TIMEZONE: 'UTC',
        STREAM_SMARTS_NOTIFIER_TOPIC: topic,
        STREAM_SMARTS_NOTIFIER_GROUP_ID: `${topic}-g`,
        STREAM_SMARTS_NOTIFIER_FROM_BEGINNING: 'true',
        STREAM_SMARTS_NOTIFIER_STATE_DIR: join(work, label),
        STREAM_SMARTS_NOTIFIER_NOTIFY_RESOLVED: 'false',
        STREAM_SMARTS_NOTIFIER_MESSAGE_HIGH: 'bench {meter}',
        PUSHBULLET_ACCESS_TOKEN: TOKEN,
        STREAM_SMARTS_PUSHBULLET_URL: pb.url,
      },
      envFile: '/nonexistent/.env',
    });
    const log = createLogger({ level: 'warn', secrets: loaded.secrets, pretty: false });
    const before = await prepare(topic);
    const app = await startNotifier(loaded, log);
    // The clock starts at the first commit, so joining the group is not counted as consuming.
    while (!(await started(topic, `${topic}-g`))) await new Promise((r) => setTimeout(r, 5));
    const t = performance.now();
    while (!(await done(topic, `${topic}-g`))) await new Promise((r) => setTimeout(r, 20));
    const ms = performance.now() - t;
    await app.stop();
    return { ms, before };
  }

  const started = async (topic: string, group: string) => {
    const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Number(c!.partitions[0]!.offset) > 0;
  };
  const committedAll = async (topic: string, group: string) => {
    const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return c!.partitions[0]!.offset === String(N);
  };
  const produce = async (topic: string, rows: Record<string, unknown>[]) => {
    for (let i = 0; i < rows.length; i += 500) {
      await producer.send({ topic, messages: rows.slice(i, i + 500).map((r) => ({ key: String(r.METER_ID), value: JSON.stringify(r) })) });
    }
  };

  // 1. One long episode: one alert, then N-1 messages that only extend it.
  const quiet = await phase(
    'episode',
    async (topic) => {
      await produce(topic, Array.from({ length: N }, (_, i) => anomalyRow({ eventTs: T0 + i * 1000, hour: 0, kwh: 1.5, fn: 2, kind: 'high', meterId: 'house' })));
      return pb.accepted.length;
    },
    committedAll,
  );

  // 2. Every message a new episode (16 minutes of event time apart, so the last one has ended): one push each.
  const loud = await phase(
    'alerts',
    async (topic) => {
      await produce(topic, Array.from({ length: N }, (_, i) => anomalyRow({ eventTs: T0 + i * 16 * MINUTE, hour: 0, kwh: 1.5, fn: 2, kind: 'high', meterId: `m${i}` })));
      return pb.accepted.length;
    },
    committedAll,
  );

  // 3. Paced: RATE messages a second for SECONDS, each an alert; latency from Kafka timestamp to the push request.
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  pb.onPush = (p) => {
    const ts = sentAt.get(String(p.body).replace('bench ', ''));
    if (ts !== undefined) latencies.push(Date.now() - ts);
  };
  const total = RATE * SECONDS;
  await phase(
    'latency',
    async (topic) => {
      // Produced from inside the phase so the notifier is already consuming.
      void (async () => {
        await new Promise((r) => setTimeout(r, 3000));
        const start = Date.now();
        for (let i = 0; i < total; i++) {
          const due = start + (i * 1000) / RATE;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const meter = `p${i}`;
          const ts = Date.now();
          sentAt.set(meter, ts);
          await producer.send({
            topic,
            messages: [{ key: meter, timestamp: String(ts), value: JSON.stringify(anomalyRow({ eventTs: T0 + i * 16 * MINUTE, hour: 0, kwh: 1.5, fn: 2, kind: 'high', meterId: meter })) }],
          });
        }
      })();
      return 0;
    },
    async () => latencies.length >= total,
  );

  const rate = (ms: number) => Math.round((N - 1) / (ms / 1000));
  process.stdout.write(
    [
      `[bench] Apache Kafka ${broker.version}, 1 partition, Node ${process.version}`,
      `[bench] continuing episode, no alerts: ${N} messages in ${quiet.ms.toFixed(0)} ms = ${rate(quiet.ms)} msg/s`,
      `[bench] every message a push:          ${N} messages in ${loud.ms.toFixed(0)} ms = ${rate(loud.ms)} msg/s (${pb.accepted.length} pushes so far)`,
      `[bench] latency, Kafka timestamp -> Pushbullet request, ${total} messages at ${RATE}/s: p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${Math.max(...latencies)} ms`,
      '',
    ].join('\n'),
  );
  await producer.disconnect();
  await admin.disconnect();
  await pb.stop();
  await broker.stop();
  rmSync(work, { recursive: true, force: true });
}

await main();
