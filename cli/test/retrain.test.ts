import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, rawPowerAvsc, type Reading } from '@stream-smarts/contracts';
import { createHousehold, RawPowerProducer, simulateReadings } from '@stream-smarts/pi-collector';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from '../../pi-collector/test/support/schema-registry-double.js';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { startH2O, type RunningH2O } from '../../testing/h2o/server.js';
import { freePort } from '../../testing/support/process.js';
import { KsqlClient } from '../src/ksql/client.js';
import { splitStatements } from '../src/ksql/statements.js';
import { findUdfJar } from '../src/train/envelope.js';
import { cli } from './run-cli.js';

/**
 * `stream-smarts retrain` against real parts: the test Kafka broker, records written by the
 * collector's own producer (pi-collector RawPowerProducer, Avro through the Schema Registry double)
 * — a house's last 28 days, its first three as an older collector wrote them (raw_power version 1)
 * — a real H2O 3.46.0.11 (one for the file) and the UDF jar. Each case runs the built CLI as a
 * user does.
 *
 * The houses, all the same simulated household (pi-collector's simulator, UTC):
 * - normal: as it is, plus a day of another meter's readings;
 * - quiet: the same readings at 60 % of the energy, so a model of it has every band lower — it
 *   alerts on the normal house's evenings, and is the current model a better candidate replaces;
 * - worse: the normal house, but at 40 % of its energy before the last week: a candidate trained
 *   on those days has every band far too low for the house's normal last week and alerts on its
 *   evenings — a candidate that is worse. (A heater left on in the training days would not do:
 *   band statistics leave out every stretch where a load stayed on; on a few nights the candidate
 *   still sees a heater, on every night no minute of the night is left to learn from and training
 *   stops with "no floor_15m values at 02:30".)
 * - short: 10 days, too little;
 * - foreign: a topic of another Avro record.
 */

const broker = inject('kafka');
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DAY = 86_400_000;
const MIN = 60_000;
const work = mkdtempSync(join(tmpdir(), 'retrain-'));
const log = createLogger({ level: 'silent', name: 'test' });
const run = `${process.pid}-${Date.now().toString(36)}`;
const T = { normal: `raw_power_normal_${run}`, quiet: `raw_power_quiet_${run}`, worse: `raw_power_worse_${run}`, short: `raw_power_short_${run}`, foreign: `raw_power_foreign_${run}` };

let sr: SchemaRegistryDouble;
let h2o: RunningH2O;
let udfJar: string;
let env: Record<string, string>;

// The readings end five minutes ago, on the minute: the broker refuses timestamps ahead of its clock.
const END = Math.floor((Date.now() - 5 * MIN) / MIN) * MIN;
const START = END - 28 * DAY;
/** Local (UTC) midnight starting the held-back week retrain uses with --compare-weeks 1: today and the six days before. */
const HELD_FROM = Math.floor(END / DAY) * DAY - 6 * DAY;

const V2 = ['minute', 'floor_15m', 'floor_1h', 'floor_3h', 'mean_24h'];

function readings(o: { start?: number; end?: number; meterId?: string; scale?: number; scaleBefore?: number; seed?: number } = {}): Reading[] {
  const household = createHousehold({ timezone: 'UTC', seed: o.seed ?? 7 });
  const rs = simulateReadings({ household, start: o.start ?? START, end: o.end ?? END, intervalS: 60, meterId: o.meterId ?? 'home', timezone: 'UTC' });
  if (o.scale === undefined) return rs;
  const s = o.scale;
  return rs.map((r) => (o.scaleBefore !== undefined && r.ts > o.scaleBefore ? r : { ...r, wh: r.wh * s, kwh: r.kwh * s, pulses: Math.round(r.pulses * s), floor_15m: r.floor_15m == null ? null : r.floor_15m * s, floor_1h: r.floor_1h == null ? null : r.floor_1h * s, floor_3h: r.floor_3h == null ? null : r.floor_3h * s, mean_24h: r.mean_24h == null ? null : r.mean_24h * s }));
}

/** Through the collector's producer: it creates the topic (retention forever), registers raw_power.avsc, sends in order. */
async function produce(topic: string, rs: Reading[], meterId = 'home'): Promise<void> {
  const p = new RawPowerProducer({ kafka: { brokers: [broker.bootstrap], clientId: 'retrain-test' }, schemaRegistry: { url: sr.url }, topic, meterId, log, topicSpec: { partitions: 1, replicationFactor: 1, retentionMs: -1 } });
  await p.lastProducedTs();
  for (let i = 0; i < rs.length; i += 5000) await p.send(rs.slice(i, i + 5000));
  await p.disconnect();
}

/** As a collector older than raw_power version 2 wrote them: the version-1 schema, no minute or measures. */
async function produceV1(topic: string, rs: Reading[]): Promise<void> {
  const v2 = JSON.parse(rawPowerAvsc()) as { fields: { name: string }[] };
  const v1 = { ...v2, fields: v2.fields.filter((f) => !V2.includes(f.name)) };
  const registry = new SchemaRegistry({ host: sr.url });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject: 'raw_power-value' });
  const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  for (let i = 0; i < rs.length; i += 5000) {
    const messages = await Promise.all(rs.slice(i, i + 5000).map(async (r) => ({ key: r.meter_id, timestamp: String(r.ts), value: await registry.encode(id, Object.fromEntries(Object.entries(r).filter(([k]) => !V2.includes(k)))) })));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

beforeAll(async () => {
  sr = await startSchemaRegistryDouble();
  const jar = findUdfJar();
  udfJar = join(work, 'stream-smarts-udf.jar');
  copyFileSync(jar, udfJar);
  execFileSync('java', ['-jar', udfJar, 'version'], { stdio: 'ignore' });
  const started = startH2O();

  // The normal house: its first three days from a version-1 collector, then version 2; a day of another meter.
  const normal = readings();
  const cut = normal.findIndex((r) => r.ts > START + 3 * DAY);
  const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: T.normal, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }], waitForLeaders: true });
  await admin.disconnect();
  await produceV1(T.normal, normal.slice(0, cut));
  await produce(T.normal, normal.slice(cut));
  await produce(T.normal, readings({ meterId: 'other', start: END - DAY, seed: 9 }), 'other');
  await produce(T.quiet, readings({ scale: 0.6 }));
  await produce(T.worse, readings({ scale: 0.4, scaleBefore: HELD_FROM }));
  await produce(T.short, readings({ start: END - 10 * DAY }));
  // Another producer's records on a topic, keyed by the meter: another Avro record altogether.
  const registry = new SchemaRegistry({ host: sr.url });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Temperature', namespace: 'io.example', fields: [{ name: 'ts', type: 'long' }, { name: 'celsius', type: 'double' }] }) }, { subject: 'temperature-value' });
  const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic: T.foreign, messages: await Promise.all(Array.from({ length: 50 }, async (_, i) => ({ key: 'home', timestamp: String(END - i * MIN), value: await registry.encode(id, { ts: END - i * MIN, celsius: 21 }) }))) });
  await producer.disconnect();

  h2o = await started;
  env = {
    KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
    SCHEMA_REGISTRY_URL: sr.url,
    H2O_URL: h2o.url,
    STREAM_SMARTS_UDF_JAR: udfJar,
    STREAM_SMARTS_TIMEZONE: 'UTC',
    STREAM_SMARTS_METER_ID: 'home',
    STREAM_SMARTS_LOG_LEVEL: 'error',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
}, 240_000);

afterAll(async () => {
  await h2o?.stop();
  await sr?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A models directory; `current` copied from another one's when given. */
function modelsDir(name: string): string {
  const d = join(work, name);
  mkdirSync(d, { recursive: true });
  return d;
}
const listing = (d: string) => readdirSync(d).sort();
const currentOf = (d: string) => readlinkSync(join(d, 'current'));
const retrainCli = (args: string[], extra: Record<string, string> = {}, timeout = 240_000) => cli(['retrain', '--days', '21', ...args], { ...env, ...extra }, { cwd: work, timeout });

interface Figures {
  falseAlerts: number;
  heater: { found: number; trials: { minutes: number | null }[] };
  away: { found: number };
}
interface Json {
  read: { readings: number; otherMeters: Record<string, number>; versions: { v1: number; v2: number }; days: number };
  candidate: { figures: Figures };
  current: { modelId: string; contentHash: string; figures: Figures } | null;
  verdict: { notWorse: boolean; worse: string[] } | null;
  decision: { ship: boolean; forced: boolean; dryRun: boolean; why: string };
  shipped: { dir: string; modelId: string; contentHash: string; current: string } | null;
  deploy: { steps: { title: string; result: string }[] } | null;
}

describe('retrain refuses, with one line and models/current untouched', () => {
  const models = modelsDir('refusals');
  beforeAll(() => cpSync(join(REPO, 'models', 'default'), join(models, 'default'), { recursive: true }));
  beforeAll(() => execFileSync('ln', ['-s', 'default', join(models, 'current')]));

  it('too little history: how much there is and how much is needed', async () => {
    const r = await retrainCli(['--topic', T.short, '--models-dir', models]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^stream-smarts retrain: ${T.short} holds (9\\.9|10\\.0) days of meter home's readings \\(.* UTC, 1[01] local days\\); retrain needs 21: 14 days to train the candidate on before the 1 held-back week it is compared on, and that week — fix: let the collector run 1[01] more days; models/current is unchanged$`));
    expect(listing(models)).toEqual(['current', 'default']);
    expect(currentOf(models)).toBe('default');
  });

  it('Kafka down: where, and how to start it — in seconds', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await retrainCli(['--topic', T.normal, '--models-dir', models], { KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${port}` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^stream-smarts retrain: cannot reach Kafka at 127\\.0\\.0\\.1:${port} \\(.*\\) — fix: start the stack with \`docker compose up -d\`, or point KAFKA_BOOTSTRAP_SERVERS \\(or --bootstrap-servers\\) at your broker$`));
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(currentOf(models)).toBe('default');
  });

  it('a topic of another schema: names the schema and raw_power.avsc', async () => {
    const r = await retrainCli(['--topic', T.foreign, '--models-dir', models]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^stream-smarts retrain: ${T.foreign} holds records of another schema: partition 0 offset \\d+ is written with schema id \\d+ \\(record io\\.example\\.Temperature: .*\\), which contracts/schemas/raw_power\\.avsc \\(record io\\.streamsmarts\\.RawPower, subject raw_power-value\\) cannot read — fix: `));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(currentOf(models)).toBe('default');
  });

  it('no records of the meter: which meters there are', async () => {
    const r = await retrainCli(['--topic', T.normal, '--models-dir', models, '--meter', 'nobody']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^stream-smarts retrain: ${T.normal} holds \\d+ records since .* UTC but none of meter "nobody" \\(meters there: home 4\\d{4}, other 14\\d\\d\\) — fix: give the meter with --meter home, or set STREAM_SMARTS_METER_ID as the collector has it$`));
    expect(currentOf(models)).toBe('default');
  });

  it('a topic that does not exist, and Schema Registry down', async () => {
    const r = await retrainCli(['--topic', `nosuch_${run}`, '--models-dir', models]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/has no topic nosuch_.*: there is no history to retrain on — fix: check --topic/);
    const port = await freePort();
    const r2 = await retrainCli(['--topic', T.normal, '--models-dir', models], { SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}` });
    expect(r2.exitCode).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`^stream-smarts retrain: cannot ask Schema Registry at http://127\\.0\\.0\\.1:${port} for schema id \\d+ \\(.*\\) — fix: start the stack`));
    expect(currentOf(models)).toBe('default');
  });
});

describe('retrain trains, compares and ships or keeps, against the real broker and H2O', () => {
  const models = modelsDir('models');
  let quiet: string;
  let shipped: string;
  let ksql: KsqlDbDouble;
  let liveDir: string;

  afterAll(async () => {
    await ksql?.close();
  });

  it('with no current model, --force ships the candidate without a comparison', async () => {
    const r = await retrainCli(['--json', '--topic', T.quiet, '--models-dir', models, '--force']);
    expect(r.stderr).toBe('');
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.current).toBeNull();
    expect(j.verdict).toBeNull();
    expect(j.decision).toMatchObject({ ship: true, forced: true });
    quiet = j.shipped!.modelId;
    expect(currentOf(models)).toBe(quiet);
    expect(listing(join(models, quiet))).toEqual(['bands.zip', 'envelope.json', 'envelope.svg', 'model-card.md']);
  });

  it('a better candidate ships, with both models’ figures, and --deploy swaps it into ksqlDB without a restart', async () => {
    // A ksqlDB whose ANOMOLY_POWER scores with the quiet model from its model directory.
    liveDir = join(work, 'ext-model');
    cpSync(join(models, quiet), liveDir, { recursive: true });
    ksql = await startKsqlDbDouble({ functions: () => [{ name: 'ANOMOLY_POWER', version: '0.3.0' }], udfModel: { dir: liveDir, checkIntervalMs: 200 } });
    ksql.topics.add('raw_power');
    ksql.subjects.set('raw_power-value', rawPowerAvsc());
    const c = new KsqlClient({ url: ksql.url });
    for (const f of ['010-raw-power-stream.sql', '020-power-stream-scored.sql']) for (const st of splitStatements(readFileSync(join(REPO, 'ksql', f), 'utf8'))) await c.execute(st.text);
    ksql.pushRows.set('RAW_POWER_STREAM', { columns: ['TS'], types: ['BIGINT'], rows: [[END]] });
    const quietHash = ksql.udf.hash;

    const r = await retrainCli(['--topic', T.normal, '--models-dir', models, '--deploy'], { KSQLDB_URL: ksql.url, STREAM_SMARTS_KSQLDB_MODEL_DIR: liveDir });
    expect(r.stderr).toBe('');
    expect(r.exitCode, r.stderr).toBe(0);
    const out = r.stdout;
    // What it read: the version-1 days too, the other meter skipped.
    expect(out).toMatch(/^Read 40,\d{3} readings of meter home from raw_power_normal_.*\(28 days in UTC; 4,\d{3} version-1 records; 1,4\d\d records of other meters skipped\)\.$/m);
    expect(out).toMatch(/^Candidate trained on 21 days .* compared with the current model on the held-back week /m);
    expect(out).toMatch(/^false alerts on the days as they were\s+\d+/m);
    expect(out).toMatch(/^2 kW heater left on 02:00–07:00, one night at a time\s+[67]\/[67] nights, median \d+ min\s+/m);
    expect(out).toMatch(/^Shipped: the candidate is not worse than the current model\.$/m);
    expect(out).toMatch(/^  deploy: wait until compose scores with model .*: scoring with [0-9a-f]{12}… after \d+\.\d s$/m);
    shipped = currentOf(models);
    expect(shipped).not.toBe(quiet);
    const envelope = JSON.parse(readFileSync(join(models, shipped, 'envelope.json'), 'utf8')) as { contentHash: string; history: { days: number }; timezone: string; holdout?: { weeks: number } };
    expect(envelope.history.days).toBe(21);
    expect(envelope.timezone).toBe('UTC');
    expect(envelope.holdout?.weeks).toBe(1);
    expect(readFileSync(join(models, shipped, 'model-card.md'), 'utf8')).toContain(`Kafka topic ${T.normal}, meter home`);
    // ksqlDB's UDF swapped to it: the directory holds it, ANOMOLY_POWER_MODEL() names it.
    expect(ksql.udf.hash).toBe(envelope.contentHash);
    expect(ksql.udf.hash).not.toBe(quietHash);
    expect(readFileSync(join(liveDir, 'bands.zip')).equals(readFileSync(join(models, shipped, 'bands.zip')))).toBe(true);
  });

  it('a worse candidate is not shipped: the figures say why, models/current unchanged', async () => {
    const before = listing(models);
    const r = await retrainCli(['--json', '--topic', T.worse, '--models-dir', models]);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.current!.modelId).toBe(shipped);
    // Trained on days of a house using 40 % of its energy, the candidate alerts on the house as it is.
    expect(j.candidate.figures.falseAlerts).toBeGreaterThan(j.current!.figures.falseAlerts);
    expect(j.verdict!.notWorse).toBe(false);
    expect(j.verdict!.worse[0]).toMatch(new RegExp(`^${j.candidate.figures.falseAlerts} false alerts? on the held-back days, the current model ${j.current!.figures.falseAlerts}$`));
    expect(j.decision).toMatchObject({ ship: false, forced: false });
    expect(j.shipped).toBeNull();
    expect(currentOf(models)).toBe(shipped);
    expect(listing(models)).toEqual(before);
  });

  it('--dry-run shows the figures and what it would do, and writes nothing', async () => {
    const before = listing(models);
    const r = await retrainCli(['--topic', T.worse, '--models-dir', models, '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Dry run: would keep the current model — the candidate is worse: .*\. Nothing was written\.$/m);
    expect(r.stdout).toMatch(new RegExp(`current ${shipped} \\([0-9a-f]{12}…\\)`));
    expect(listing(models)).toEqual(before);
    expect(currentOf(models)).toBe(shipped);
  });

  it('--force ships the worse candidate all the same, and says so', async () => {
    const r = await retrainCli(['--json', '--topic', T.worse, '--models-dir', models, '--force']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.verdict!.notWorse).toBe(false);
    expect(j.decision).toMatchObject({ ship: true, forced: true });
    expect(j.decision.why).toMatch(/^the candidate is worse: .* \(shipped anyway: --force\)$/);
    expect(currentOf(models)).toBe(j.shipped!.modelId);
    expect(j.shipped!.modelId).not.toBe(shipped);
    expect(existsSync(join(models, shipped, 'envelope.json'))).toBe(true);
  });
});
