/**
 * Notifier throughput and latency against a real Kafka broker (started here, stopped at the end)
 * and the Pushbullet test double, with durable state (state.json fsynced) — the batched consumer
 * (one save and one fsync per consumer batch, offsets committed after the save) beside the path
 * before it (state written after every message, offsets committed after every message).
 *
 *   make bench ONLY=notifier
 *
 * Workload: many meters on one topic (BENCH_METERS, default 1000), each sending one anomaly a
 * minute; the default rules fire each meter's episode on its tenth anomaly and remind hourly, so
 * about 1 message in 50 becomes a push. Prints messages/s for each path, and the latency from a
 * message's Kafka timestamp to the Pushbullet request (p50/p99) at a paced rate for each.
 * The notifier runs in this process (Node is single-threaded: one core); the broker is a separate JVM.
 * Options (environment): BENCH_MESSAGES (default 200000), BENCH_MESSAGES_PER_MESSAGE_SAVE (default
 * 3000: the old path is slow), BENCH_RATE (msg/s, default 200), BENCH_SECONDS (default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { anomalyRow, createLogger, loadConfig } from '@stream-smarts/contracts';
import { startNotifier } from '@stream-smarts/notifier';
import { startBroker } from '../../testing/kafka/broker.js';
import { PushbulletDouble } from '../test/doubles/pushbullet-double.js';

const N = Number(process.env.BENCH_MESSAGES ?? 200_000);
const N_OLD = Number(process.env.BENCH_MESSAGES_PER_MESSAGE_SAVE ?? 3_000);
const METERS = Number(process.env.BENCH_METERS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'o.bench-token-0123456789';
const T0 = Date.UTC(2018, 9, 20, 0, 0, 0);
const MINUTE = 60_000;

type Mode = 'batch' | 'message';

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

  const row = (i: number, meterPrefix = 'm') => {
    const meter = `${meterPrefix}${i % METERS}`;
    return { key: meter, value: JSON.stringify(anomalyRow({ eventTs: T0 + Math.floor(i / METERS) * MINUTE, hour: 0, kwh: 1500, fn: 2, kind: 'high', meterId: meter })) };
  };
  const produce = async (topic: string, n: number) => {
    for (let i = 0; i < n; i += 2000) await producer.send({ topic, messages: Array.from({ length: Math.min(2000, n - i) }, (_, j) => row(i + j)) });
  };
  const committed = async (topic: string, group: string) => {
    const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Number(c!.partitions[0]!.offset);
  };

  async function start(label: string, topic: string, mode: Mode) {
    const loaded = loadConfig({
      env: {
        KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
        STREAM_SMARTS_TIMEZONE: 'UTC',
        STREAM_SMARTS_NOTIFIER_TOPIC: topic,
        STREAM_SMARTS_NOTIFIER_GROUP_ID: `${topic}-g`,
        STREAM_SMARTS_NOTIFIER_FROM_BEGINNING: 'true',
        STREAM_SMARTS_NOTIFIER_STATE_DIR: join(work, label),
        STREAM_SMARTS_SILENCE_TOPIC: `${topic}-silences`,
        STREAM_SMARTS_NOTIFIER_MESSAGE_HIGH: 'bench {meter}',
        PUSHBULLET_ACCESS_TOKEN: TOKEN,
        STREAM_SMARTS_PUSHBULLET_URL: pb.url,
      },
      envFile: '/nonexistent/.env',
    });
    const log = createLogger({ level: 'warn', secrets: loaded.secrets, pretty: false });
    return startNotifier(loaded, log, { consumerMode: mode });
  }

  /** A backlog of n messages consumed from the beginning: messages/s from the first commit to the last. */
  async function throughput(mode: Mode, n: number) {
    const label = `throughput-${mode}`;
    const topic = `anomoly-power-bench-${label}-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await produce(topic, n);
    const pushes0 = pb.accepted.length;
    const cpu0 = process.cpuUsage();
    const app = await start(label, topic, mode);
    // The clock starts at the first commit, so joining the group is not counted as consuming.
    let first = 0;
    while ((first = await committed(topic, `${topic}-g`)) <= 0) await new Promise((r) => setTimeout(r, 2));
    const t = performance.now();
    let last = first;
    while ((last = await committed(topic, `${topic}-g`)) < n) await new Promise((r) => setTimeout(r, 10));
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    await app.stop();
    return { perS: Math.round((last - first) / (ms / 1000)), ms, n: last - first, pushes: pb.accepted.length - pushes0, cpuS: (cpu.user + cpu.system) / 1e6 };
  }

  /** Paced: RATE messages a second for SECONDS; every tenth is a fire (a meter's tenth anomaly) whose latency, Kafka timestamp → push request, is measured. */
  async function latency(mode: Mode) {
    const label = `latency-${mode}`;
    const topic = `anomoly-power-bench-${label}-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const app = await start(label, topic, mode);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    pb.onPush = (p) => {
      const ts = sentAt.get(String(p.body).replace('bench ', ''));
      if (ts !== undefined) latencies.push(Date.now() - ts);
    };
    await new Promise((r) => setTimeout(r, 3000));
    const total = RATE * SECONDS;
    const start0 = Date.now();
    // Meter p<k> gets ten anomalies a minute of event time apart; the tenth is the push whose latency counts.
    for (let i = 0; i < total; i++) {
      const due = start0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const k = Math.floor(i / 10);
      const meter = `${mode}-p${k}`;
      const ts = Date.now();
      if (i % 10 === 9) sentAt.set(meter, ts);
      await producer.send({
        topic,
        messages: [{ key: meter, timestamp: String(ts), value: JSON.stringify(anomalyRow({ eventTs: T0 + k * 16 * MINUTE + (i % 10) * MINUTE, hour: 0, kwh: 1500, fn: 2, kind: 'high', meterId: meter })) }],
      });
    }
    const until = Date.now() + 30_000;
    while (latencies.length < total / 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await app.stop();
    pb.onPush = undefined;
    return { p50: pct(latencies, 50), p99: pct(latencies, 99), max: Math.max(...latencies), n: latencies.length };
  }

  const batch = await throughput('batch', N);
  const old = await throughput('message', N_OLD);
  const latBatch = await latency('batch');
  const latOld = await latency('message');
  process.stdout.write(
    [
      `[bench] Apache Kafka ${broker.version}, 1 partition, ${METERS} meters on one topic, Node ${process.version}, durable state (fsync)`,
      `[bench] batched (one save + fsync per batch, commit after save): ${batch.n} messages in ${batch.ms.toFixed(0)} ms = ${batch.perS.toLocaleString('en-US')} msg/s, ${batch.pushes} pushes, ${batch.cpuS.toFixed(1)} s CPU of the notifier's process (target >= 20,000 msg/s on one core)`,
      `[bench] per-message save (the path before):                  ${old.n} messages in ${old.ms.toFixed(0)} ms = ${old.perS.toLocaleString('en-US')} msg/s, ${old.pushes} pushes — batched is ${(batch.perS / old.perS).toFixed(1)}x`,
      `[bench] latency Kafka timestamp -> Pushbullet request at ${RATE} msg/s: batched p50 ${latBatch.p50} ms, p99 ${latBatch.p99} ms (max ${latBatch.max}, ${latBatch.n} pushes); per-message p50 ${latOld.p50} ms, p99 ${latOld.p99} ms (max ${latOld.max}, ${latOld.n} pushes)`,
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
