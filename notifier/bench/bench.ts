/**
 * Notifier throughput and latency against a real Kafka broker (started here, stopped at the end)
 * and the Pushbullet test double, with durable state (state.json fsynced) — the batched consumer
 * (one save and one fsync per consumer batch, offsets committed after the save) beside the path
 * before it (state written after every message, offsets committed after every message).
 *
 *   make bench ONLY=notifier
 *
 * Workload: many meters on one topic (BENCH_METERS, default 1000), each sending one anomaly a
 * minute; the rules in force (notifier.fireAfter, default 3, within notifier.fireWindow) fire each
 * meter's episode and remind hourly, so about 1 message in 50 becomes a push. Prints messages/s for
 * each path, and at a paced rate for each the latency of every fire: from the Kafka timestamp of
 * the anomaly that completes the rule (the fireAfter-th of its meter) to the Pushbullet request
 * (p50/p99), with how many fires were measured out of how many were expected.
 * The notifier runs in this process (Node is single-threaded: one core); the broker is a separate JVM.
 * Options (environment): BENCH_MESSAGES (default 200000), BENCH_MESSAGES_PER_MESSAGE_SAVE (default
 * 3000: the old path is slow), BENCH_RATE (msg/s, default 200), BENCH_SECONDS (default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { anomalyRow, createLogger, loadConfig } from '@stream-smarts/contracts';
import { alertRules, startNotifier } from '@stream-smarts/notifier';
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

/** The p-th percentile of a non-empty list (nearest rank); a percentile of nothing is refused. */
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) throw new Error('no percentile of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
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

  const configFor = (label: string, topic: string) =>
    loadConfig({
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

  async function start(label: string, topic: string, mode: Mode) {
    const loaded = configFor(label, topic);
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

  /**
   * Paced: RATE messages a second for SECONDS, PER_METER anomalies per meter a minute of event
   * time apart. The rule in force fires a meter's episode on its fireAfter-th anomaly (read from
   * the same configuration the notifier runs with, not assumed): that anomaly's Kafka timestamp →
   * the push request naming the meter is one fire's latency. Later anomalies of the meter fall
   * within the repeat interval and send nothing.
   */
  async function latency(mode: Mode) {
    const label = `latency-${mode}`;
    const topic = `anomoly-power-bench-${label}-${Date.now()}`;
    const rules = alertRules(configFor(label, topic));
    const fireAt = rules.fireAfter;
    const perMeter = Math.max(10, fireAt);
    if ((fireAt - 1) * MINUTE > rules.fireWindowMs) throw new Error(`notifier.fireAfter ${fireAt} anomalies a minute apart do not fit notifier.fireWindow ${rules.fireWindowMs} ms: no rule would fire`);
    if (perMeter * MINUTE > rules.repeatIntervalMs) throw new Error(`${perMeter} anomalies a minute apart outlast notifier.repeatInterval ${rules.repeatIntervalMs} ms: reminders would be counted as fires`);
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const app = await start(label, topic, mode);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const measured = new Set<string>();
    let early = 0;
    let extra = 0;
    let other = 0;
    pb.onPush = (p) => {
      const body = String(p.body);
      // Not a fire (the high template is 'bench {meter}'): the "back to normal" message of an episode that ended.
      if (!body.startsWith('bench ')) {
        other++;
        return;
      }
      const meter = body.slice('bench '.length);
      const ts = sentAt.get(meter);
      // A fire before its meter's fireAfter-th anomaly was sent, or a second one, is not the fire measured: counted apart.
      if (ts === undefined) early++;
      else if (measured.has(meter)) extra++;
      else {
        measured.add(meter);
        latencies.push(Date.now() - ts);
      }
    };
    await new Promise((r) => setTimeout(r, 3000));
    const total = RATE * SECONDS;
    let expected = 0;
    const start0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = start0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const k = Math.floor(i / perMeter);
      const meter = `${mode}-p${k}`;
      const ts = Date.now();
      if (i % perMeter === fireAt - 1) {
        sentAt.set(meter, ts);
        expected++;
      }
      await producer.send({
        topic,
        messages: [{ key: meter, timestamp: String(ts), value: JSON.stringify(anomalyRow({ eventTs: T0 + k * 16 * MINUTE + (i % perMeter) * MINUTE, hour: 0, kwh: 1500, fn: 2, kind: 'high', meterId: meter })) }],
      });
    }
    const until = Date.now() + 30_000;
    while (latencies.length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await app.stop();
    pb.onPush = undefined;
    const stats = latencies.length > 0 ? { p50: pct(latencies, 50), p99: pct(latencies, 99), max: Math.max(...latencies) } : undefined;
    return { stats, n: latencies.length, expected, fireAt, early, extra, other };
  }

  /** One path's latency line: percentiles only over fires measured, and how many of those expected. */
  const latencyText = (name: string, l: Awaited<ReturnType<typeof latency>>) => {
    const share = l.expected > 0 ? `${l.n} of ${l.expected} expected fires measured (${((100 * l.n) / l.expected).toFixed(1)}%)` : 'no fire expected';
    const odd = `${l.early + l.extra > 0 ? `; ${l.early} fires before their anomaly was sent, ${l.extra} repeated — not counted` : ''}${l.other ? `; ${l.other} back-to-normal pushes besides` : ''}`;
    if (!l.stats) return `${name}: no fire measured, so no percentile (${share}${odd})`;
    return `${name} p50 ${l.stats.p50} ms, p99 ${l.stats.p99} ms (max ${l.stats.max} ms; ${share}${odd})`;
  };

  const batch = await throughput('batch', N);
  const old = await throughput('message', N_OLD);
  const latBatch = await latency('batch');
  const latOld = await latency('message');
  process.stdout.write(
    [
      `[bench] Apache Kafka ${broker.version}, 1 partition, ${METERS} meters on one topic, Node ${process.version}, durable state (fsync)`,
      `[bench] batched (one save + fsync per batch, commit after save): ${batch.n} messages in ${batch.ms.toFixed(0)} ms = ${batch.perS.toLocaleString('en-US')} msg/s, ${batch.pushes} pushes, ${batch.cpuS.toFixed(1)} s CPU of the notifier's process (target >= 20,000 msg/s on one core)`,
      `[bench] per-message save (the path before):                  ${old.n} messages in ${old.ms.toFixed(0)} ms = ${old.perS.toLocaleString('en-US')} msg/s, ${old.pushes} pushes — batched is ${(batch.perS / old.perS).toFixed(1)}x`,
      `[bench] latency of each fire, Kafka timestamp of the anomaly that completes the rule (a meter's anomaly no. ${latBatch.fireAt}, notifier.fireAfter) -> Pushbullet request, at ${RATE} msg/s:`,
      `[bench]   ${latencyText('batched', latBatch)}`,
      `[bench]   ${latencyText('per-message', latOld)}`,
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
