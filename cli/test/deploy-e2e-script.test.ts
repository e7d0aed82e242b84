import { copyFileSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RAW_POWER_TOPIC, dayHourOfReading, loadModel, minuteOfReading } from '@stream-smarts/contracts';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from '../../pi-collector/test/support/schema-registry-double.js';
import { consumeMeter } from '../../pi-collector/test/support/consume.js';
import { CLEAN_ENV } from './run-cli.js';

/**
 * scripts/e2e.sh (make e2e) needs a Docker engine, which does not run here; this runs its logic
 * with the Docker double (testing/doubles/bin/docker: records each command, runs nothing), the
 * ksqlDB double and the Schema Registry double, against the real test broker: the order of the
 * docker commands, the real deploy and collector (the readings land in Kafka), the push queries
 * it waits on, and its checks of the score and of the notifier's alert — each of which must fail
 * the script when it does not hold. What only Docker can show (the images come up, ksqlDB scores
 * the reading) is what the CI workflow .github/workflows/e2e.yml runs it for.
 */
const REPO = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
const SCRIPT = join(REPO, 'scripts', 'e2e.sh');
const DOCKER_DOUBLE_DIR = join(REPO, 'testing', 'doubles', 'bin');
const MODEL = join(REPO, 'udf-java', 'src', 'test', 'resources', 'models', 'reference');
const CONTENT_HASH = (JSON.parse(readFileSync(join(MODEL, 'envelope.json'), 'utf8')) as { contentHash: string }).contentHash;
const POM_VERSION = /<artifactId>stream-smarts-udf<\/artifactId>\s*<version>([^<]+)</.exec(readFileSync(join(REPO, 'udf-java', 'pom.xml'), 'utf8'))![1]!;
const broker = inject('kafka');

/** The most recent 04:01 UTC in the past, as the script picks it. */
function readingTime(): number {
  const d = new Date();
  d.setUTCHours(4, 1, 0, 0);
  if (d.getTime() > Date.now()) d.setUTCDate(d.getUTCDate() - 1);
  return d.getTime();
}

let sr: SchemaRegistryDouble;
beforeAll(async () => {
  sr = await startSchemaRegistryDouble();
});
afterAll(() => sr.close());

async function runScript(opts: { fnOffset: number; meter: string }) {
  const t = readingTime();
  const { day, hour } = dayHourOfReading(t, 'UTC');
  // An hour of 1500 W ending at t: both floors it covers are 1500 W (scripts/e2e-score.mjs).
  const fn = loadModel(MODEL).score({ day: dayHourOfReading(t, 'UTC').day, minute: minuteOfReading(t, 'UTC'), floor_15m: 1500, floor_1h: 1500, floor_3h: null, mean_24h: null })!;
  expect(fn).toBeGreaterThan(1);
  const ksql: KsqlDbDouble = await startKsqlDbDouble({
    functions: () => [{ name: 'ANOMOLY_POWER', version: `${POM_VERSION}+model.${CONTENT_HASH.slice(0, 12)}` }],
    kafka: { brokers: [broker.bootstrap] },
    schemaRegistryUrl: sr.url,
  });
  // What ksqlDB would answer the script's push queries with (the double runs no query).
  ksql.pushRows.set('ANOMOLY_POWER', {
    columns: ['METER_KEY', 'EVENT_TS', 'METER_ID', 'DAY', 'HOUR', 'KWH', 'FN', 'KIND'],
    types: ['STRING', 'BIGINT', 'STRING', 'INTEGER', 'INTEGER', 'DOUBLE', 'DOUBLE', 'STRING'],
    rows: [[opts.meter, t, opts.meter, day, hour, 1500, fn + opts.fnOffset, 'high']],
  });
  ksql.pushRows.set('SUSTAINED_ANOMALIES', {
    columns: ['METER_KEY', 'KIND', 'WINDOW_START', 'WINDOW_END', 'ANOMALIES'],
    types: ['STRING', 'STRING', 'BIGINT', 'BIGINT', 'BIGINT'],
    rows: [[opts.meter, 'high', t, t + 900_000, 10]],
  });
  const work = mkdtempSync(join(tmpdir(), 'e2e-script-'));
  copyFileSync(join(REPO, 'docker-compose.yml'), join(work, 'docker-compose.yml'));
  const log = join(work, 'docker.log');
  try {
    const r = await execa('bash', [SCRIPT], {
      env: {
        ...CLEAN_ENV,
        PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`,
        DOCKER_DOUBLE_LOG: log,
        DOCKER_DOUBLE_PS: 'kafka,schema-registry,ksqldb-server',
        // What `docker compose logs notifier` prints: the notifier consuming, then its console alert.
        DOCKER_DOUBLE_STDOUT: `notifier consuming anomalies\n${new Date(t).toISOString()} Power alert [${opts.meter}]: Unusual power usage of 25 Wh at 4:01. Please check!`,
        E2E_WORKDIR: work,
        E2E_MODEL: MODEL,
        E2E_METER: opts.meter,
        E2E_WAIT_S: '20',
        KSQLDB_URL: ksql.url,
        KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
        SCHEMA_REGISTRY_URL: sr.url,
      },
      extendEnv: false,
      reject: false,
      timeout: 280_000,
    });
    const docker = readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as string[]).join(' '));
    return { r, docker, work, t, queries: ksql.queries };
  } finally {
    await ksql.close();
  }
}

describe('make e2e (scripts/e2e.sh) with the Docker double', () => {
  it('runs the whole path in order and passes when every check holds', async () => {
    const meter = `e2e-${Date.now()}`;
    const { r, docker, work, t, queries } = await runScript({ fnOffset: 0, meter });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/e2e: every check passed/);
    const f = join(work, 'docker-compose.yml');
    // The one Confluent version, as compose and deploy resolve it, from the compose file it runs beside.
    const cp = /confluentinc\/cp-ksqldb-server:\$\{CP_VERSION:-([^}]+)\}/.exec(readFileSync(f, 'utf8'))![1]!;
    expect(r.stderr).toContain(`== Confluent Platform ${cp} (the default in ${f})`);
    expect(docker.filter((c) => !c.startsWith('compose logs'))).toEqual([
      'compose version',
      'compose up -d --wait --build',
      'compose version',
      `compose -f ${f} ps --services --status running`,
      `compose -f ${f} restart ksqldb-server`,
      'compose restart notifier',
      'compose down -v',
    ]);
    expect(docker).toContain('compose logs notifier');
    expect(queries).toEqual([
      `SELECT * FROM ANOMOLY_POWER WHERE METER_KEY = '${meter}' AND HOUR = 4 AND KWH = 1500 EMIT CHANGES LIMIT 1;`,
      `SELECT * FROM SUSTAINED_ANOMALIES WHERE METER_KEY = '${meter}' AND KIND = 'high' AND ANOMALIES >= 10 EMIT CHANGES LIMIT 1;`,
    ]);
    // The collector really produced the post's reading, and the ten more, to Kafka.
    const got = await consumeMeter(broker.bootstrap, RAW_POWER_TOPIC, meter, (g) => g.length >= 70);
    expect(got).toHaveLength(70);
    const post = got.find((g) => g.reading.ts === t)!.reading;
    expect(post).toMatchObject({ hour: 4, kwh: 1500 });
    expect(got.filter((g) => g.reading.ts > t).every((g) => g.reading.kwh === 1500)).toBe(true);
  }, 300_000);

  it('fails, and still takes the stack down, when the anomaly does not carry the UDF’s score', async () => {
    const { r, docker } = await runScript({ fnOffset: 0.5, meter: `e2e-bad-${Date.now()}` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/e2e: FAILED: the anomaly does not carry the UDF's score/);
    expect(docker[docker.length - 1]).toBe('compose down -v');
  }, 300_000);

  it('without Docker Compose says what it needs and exits 2', async () => {
    const work = mkdtempSync(join(tmpdir(), 'e2e-script-'));
    const r = await execa('bash', [SCRIPT], {
      env: { ...CLEAN_ENV, PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`, DOCKER_DOUBLE_LOG: join(work, 'docker.log'), DOCKER_DOUBLE_EXIT: '1', E2E_WORKDIR: work },
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('e2e: needs Docker with the Compose v2 plugin (`docker compose version` failed); install it, or run make test, which needs neither');
  });
});
