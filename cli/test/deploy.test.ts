import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync, copyFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { RAW_POWER_SUBJECT, RAW_POWER_TOPIC, rawPowerAvsc } from '@stream-smarts/contracts';
import { startKsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { startBroker, type RunningBroker } from '../../testing/kafka/broker.js';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from '../../pi-collector/test/support/schema-registry-double.js';
import { freePort } from '../../testing/support/process.js';
import { cli } from './run-cli.js';

const REPO = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
// The reference model the UDF's own tests use: real H2O MOJOs (udf-java/src/test/fixtures).
const MODEL = join(REPO, 'udf-java', 'src', 'test', 'resources', 'models', 'reference');
const CONTENT_HASH = (JSON.parse(readFileSync(join(MODEL, 'envelope.json'), 'utf8')) as { contentHash: string }).contentHash;
const POM_VERSION = /<artifactId>stream-smarts-udf<\/artifactId>\s*<version>([^<]+)</.exec(readFileSync(join(REPO, 'udf-java', 'pom.xml'), 'utf8'))![1]!;
const EXPECTED_VERSION = `${POM_VERSION}+model.${CONTENT_HASH.slice(0, 12)}`;
const DOCKER_DOUBLE_DIR = join(REPO, 'testing', 'doubles', 'bin');
// The one Confluent version: docker-compose.yml's ${CP_VERSION:-…} default (cli/test/confluent-version.test.ts).
const CP_DEFAULT = /confluentinc\/cp-ksqldb-server:\$\{CP_VERSION:-([^}]+)\}/.exec(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8'))![1]!;

/**
 * A stack from nothing: a Kafka broker of its own (no raw_power topic) and a Schema Registry double
 * (no raw_power-value subject), which the ksqlDB double consults as ksqlDB does.
 */
let broker: RunningBroker;
let sr: SchemaRegistryDouble;
let stackEnv: Record<string, string>;
beforeAll(async () => {
  [broker, sr] = await Promise.all([startBroker(), startSchemaRegistryDouble()]);
  stackEnv = { KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap, SCHEMA_REGISTRY_URL: sr.url };
}, 120_000);
afterAll(async () => {
  await broker?.stop();
  await sr?.close();
});

async function topicConfig(topic: string): Promise<{ exists: boolean; retentionMs?: string; partitions?: number }> {
  const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return { exists: false };
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['retention.ms'] }] });
    return { exists: true, retentionMs: cfg.resources[0]!.configEntries[0]!.configValue, partitions: meta.topics[0]!.partitions.length };
  } finally {
    await admin.disconnect();
  }
}

/**
 * A ksqlDB "server" whose extension directory is a real temp dir: its restart command (recorded
 * in a log) loads the jar there the way ksqlDB does at start — it asks the jar itself for the
 * version its @UdfDescription carries — and DESCRIBE FUNCTION answers with that.
 */
async function server(refuse?: RegExp, slow?: RegExp) {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  const ext = join(dir, 'ext');
  const log = join(dir, 'restarts.log');
  const loaded = join(dir, 'loaded-version');
  const ksql = await startKsqlDbDouble({
    functions: () => (existsSync(loaded) ? [{ name: 'ANOMOLY_POWER', version: readFileSync(loaded, 'utf8').trim() }] : []),
    ...(refuse ? { refuse: { match: refuse, message: "Function 'ANOMOLY_POWER' does not accept parameters (STRING, DOUBLE)." } } : {}),
    ...(slow ? { slow } : {}),
    kafka: { brokers: [broker.bootstrap] },
    schemaRegistryUrl: sr.url,
  });
  const targets = join(dir, 'targets.json');
  writeFileSync(
    targets,
    JSON.stringify([{ name: 'ksql-test', url: ksql.url, extDir: ext, restart: `java -jar ${ext}/stream-smarts-udf.jar version > ${loaded} && echo restarted >> ${log}` }]),
  );
  return { dir, ext, log, ksql, targets, restarts: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0) };
}

describe('stream-smarts deploy --dry-run', () => {
  it('on the compose stack prints the whole plan with exact commands and statements, touching nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dry-'));
    copyFileSync(join(REPO, 'docker-compose.yml'), join(cwd, 'docker-compose.yml'));
    // A password in a URL is never printed.
    const env = { KSQLDB_URL: 'http://admin:ksql-s3cret@localhost:8088', SCHEMA_REGISTRY_URL: 'http://sr:sr-s3cret@localhost:8081' };
    const r = await cli(['--json', 'deploy', '--dry-run', '--model', MODEL], env, { cwd });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/s3cret/);
    const plan = JSON.parse(r.stdout) as { dryRun: boolean; steps: { title: string; detail: string }[] };
    const details = plan.steps.map((s) => s.detail);
    expect(plan.steps[0]!.title).toBe('check the prerequisites (nothing is changed until they all hold)');
    expect(details[0]!.split('\n')).toEqual([
      '- Docker Compose v2 is installed (`docker compose version`)',
      `- the stack of ${cwd}/docker-compose.yml is up: kafka, schema-registry and ksqldb-server running`,
      '- Kafka answers at localhost:9092',
      '- Schema Registry answers at http://sr:REDACTED@localhost:8081',
    ]);
    expect(details[1]).toBe(`mvn -B -q -f ${REPO}/udf-java/pom.xml package -DskipTests -Dmodel.dir=${MODEL}`);
    expect(plan.steps[2]!.title).toBe('create the topic raw_power unless it exists (1 partition, replication 1, retention forever)');
    expect(details[2]).toBe('Kafka CreateTopics on localhost:9092: raw_power partitions=1 replication.factor=1 retention.ms=-1 (skipped if the topic exists)');
    expect(plan.steps[3]!.title).toMatch(/^register .*contracts\/schemas\/raw_power\.avsc under raw_power-value \(BACKWARD compatibility\)$/);
    expect(details[3]!.split('\n')).toEqual([
      'PUT http://sr:REDACTED@localhost:8081/config/raw_power-value {"compatibility": "BACKWARD"}',
      expect.stringMatching(/^POST http:\/\/sr:REDACTED@localhost:8081\/subjects\/raw_power-value\/versions \{"schema": <.*raw_power\.avsc>\}$/),
    ]);
    // The jar goes to a temporary name, is flushed, and renamed into place (deploy-jar-atomic.test.ts watches it).
    expect(details[4]).toBe(
      `cp ${cwd}/ext/stream-smarts-udf.jar ${cwd}/ext/stream-smarts-udf.jar.previous; cp ${REPO}/udf-java/target/stream-smarts-udf.jar ${cwd}/ext/.stream-smarts-udf.jar.tmp-… && sync && mv .stream-smarts-udf.jar.tmp-… ${cwd}/ext/stream-smarts-udf.jar`,
    );
    // The model also goes into the directory ksqlDB's ANOMOLY_POWER reads (its model.path), envelope.json last.
    expect(plan.steps[5]!.title).toBe("copy model fixture-reference into compose's model directory, each file renamed into place, envelope.json last");
    expect(details[5]!.split('\n').map((l) => l.replace(/tmp-stream-smarts-\d+/g, 'tmp'))).toEqual([
      `cp ${MODEL}/bands.zip ${cwd}/ext/model/.bands.zip.tmp && mv ${cwd}/ext/model/.bands.zip.tmp ${cwd}/ext/model/bands.zip`,
      `cp ${MODEL}/envelope.json ${cwd}/ext/model/.envelope.json.tmp && mv ${cwd}/ext/model/.envelope.json.tmp ${cwd}/ext/model/envelope.json`,
    ]);
    expect(details[6]).toBe(`docker compose -f ${cwd}/docker-compose.yml restart ksqldb-server`);
    expect(details[7]).toMatch(/^GET http:\/\/admin:REDACTED@localhost:8088\/healthcheck until/);
    expect(details[8]).toBe(`DESCRIBE FUNCTION ANOMOLY_POWER; → version ${EXPECTED_VERSION}`);
    expect(details.slice(9, 13).map((d) => d.split('\n')[0])).toEqual([
      'CREATE STREAM IF NOT EXISTS raw_power_stream (',
      'CREATE STREAM IF NOT EXISTS power_stream_scored WITH (',
      'CREATE STREAM IF NOT EXISTS ANOMOLY_POWER WITH (',
      'CREATE TABLE IF NOT EXISTS SUSTAINED_ANOMALIES WITH (',
    ]);
    expect(details[13]).toBe('SHOW QUERIES;');
    expect(details).toHaveLength(14);
    expect(existsSync(join(cwd, 'ext'))).toBe(false);
  });

  it('the human plan lists the same steps, and no password', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dry-'));
    copyFileSync(join(REPO, 'docker-compose.yml'), join(cwd, 'docker-compose.yml'));
    const r = await cli(['deploy', '--dry-run', '--model', MODEL], { KSQLDB_URL: 'http://admin:ksql-s3cret@localhost:8088' }, { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/s3cret/);
    expect(r.stdout.match(/^\s*\d+\. .*/gm)!.map((l) => l.trim().replace(/^\d+\. /, '').split(' ').slice(0, 2).join(' '))).toEqual([
      'check the',
      'build the',
      'create the',
      expect.stringMatching(/^register /),
      'copy the',
      'copy model',
      'restart compose',
      'wait until',
      'verify compose',
      expect.stringMatching(/^apply 010-raw-power-stream\.sql:\d+$/),
      expect.stringMatching(/^apply 020-power-stream-scored\.sql:\d+$/),
      expect.stringMatching(/^apply 030-anomoly-power\.sql:\d+$/),
      expect.stringMatching(/^apply 040-sustained-anomalies\.sql:\d+$/),
      'check every',
    ]);
  });

  it("builds with Docker's Maven image when there is no local Maven, as the invoking user with a Maven cache of its own", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dry-'));
    copyFileSync(join(REPO, 'docker-compose.yml'), join(cwd, 'docker-compose.yml'));
    // A PATH with node and the Docker double, but no mvn.
    const bin = mkdtempSync(join(tmpdir(), 'path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const cache = mkdtempSync(join(tmpdir(), 'cache-'));
    const r = await cli(['--json', 'deploy', '--dry-run', '--model', MODEL], { PATH: `${bin}:${DOCKER_DOUBLE_DIR}`, STREAM_SMARTS_CACHE_DIR: cache }, { cwd });
    expect(r.exitCode).toBe(0);
    const first = (JSON.parse(r.stdout) as { steps: { detail: string }[] }).steps[1]!.detail;
    // --user: udf-java/target and the cache are the user's, not root's; the cache at /var/maven/.m2 with MAVEN_CONFIG and
    // -Duser.home, the maven image's recipe for a user the image does not know ("Running as non-root", its README).
    expect(first).toBe(
      `docker run --rm --user ${process.getuid!()}:${process.getgid!()} -v ${REPO}/udf-java:/src -v ${MODEL}:/model:ro -v ${cache}/m2:/var/maven/.m2 -e MAVEN_CONFIG=/var/maven/.m2 -w /src maven:3.9-eclipse-temurin-17 mvn -B -q -Duser.home=/var/maven -Pconfluent -Dksqldb.version=${CP_DEFAULT} package -DskipTests -Dmodel.dir=/model`,
    );
    // A dry run makes nothing, not even the cache.
    expect(existsSync(join(cache, 'm2'))).toBe(false);
  });

  it('refuses a model whose MOJO does not match its envelope, and one of the old format', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'model-'));
    copyFileSync(join(MODEL, 'envelope.json'), join(bad, 'envelope.json'));
    copyFileSync(join(REPO, 'udf-java', 'src', 'test', 'resources', 'models', 'winter', 'bands.zip'), join(bad, 'bands.zip'));
    const r = await cli(['deploy', '--dry-run', '--model', bad]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/envelope\.json says contentHash [0-9a-f]{64}, but bands\.zip hashes to [0-9a-f]{64}/);
    writeFileSync(join(bad, 'envelope.json'), JSON.stringify({ format: 'stream-smarts/envelope@1', contentHash: 'f'.repeat(64) }));
    const old = await cli(['deploy', '--dry-run', '--model', bad]);
    expect(old.exitCode).toBe(1);
    expect(old.stderr).toMatch(/old format stream-smarts\/envelope@1.*retrain/);
  });
});

describe('stream-smarts deploy, end to end from nothing: a real jar built by Maven, a real broker, a real extension directory, a recorded restart', () => {
  let s: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    // 020 outlasts the server's response timeout: QUEUED, then EXECUTING and SUCCESS on /status.
    s = await server(undefined, /power_stream_scored/i);
  });
  afterAll(() => s.ksql.close());

  it('creates raw_power, registers raw_power.avsc, builds, ships, restarts, verifies, applies ksql/ (following a QUEUED statement) and checks the queries', async () => {
    expect(await topicConfig(RAW_POWER_TOPIC)).toEqual({ exists: false });
    expect(sr.subjects.has(RAW_POWER_SUBJECT)).toBe(false);
    const r = await cli(['deploy', '--model', MODEL, '--targets', s.targets, '--health-timeout', '10'], stackEnv, { timeout: 300_000 });
    expect(r.stderr.split('\n').filter((l) => /error|failed/i.test(l))).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(await topicConfig(RAW_POWER_TOPIC)).toEqual({ exists: true, retentionMs: '-1', partitions: 1 });
    expect(sr.subjects.get(RAW_POWER_SUBJECT)!.map((v) => JSON.parse(v.schema) as unknown)).toEqual([JSON.parse(rawPowerAvsc())]);
    expect(sr.config.get(RAW_POWER_SUBJECT)).toBe('BACKWARD');
    expect(r.stdout).toMatch(/create the topic raw_power unless it exists .*: created raw_power/);
    expect(r.stdout).toMatch(/apply 020-power-stream-scored\.sql:\d+ .*: Created query with ID CSAS_POWER_STREAM_SCORED_\d+/);
    expect(r.stderr).toMatch(/waiting for ksqlDB to run the statement/);
    expect(existsSync(join(s.ext, 'stream-smarts-udf.jar'))).toBe(true);
    expect(s.restarts()).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`verify ksql-test loaded this jar: ANOMOLY_POWER version ${EXPECTED_VERSION.replace(/[.+]/g, '\\$&')}`));
    expect([...s.ksql.sources.keys()]).toEqual(['RAW_POWER_STREAM', 'POWER_STREAM_SCORED', 'ANOMOLY_POWER', 'SUSTAINED_ANOMALIES']);
    expect(r.stdout).toMatch(/check every persistent query is RUNNING: 3 persistent queries RUNNING/);
  }, 300_000);

  it('a second deploy keeps the first jar as .previous and skips what is in place', async () => {
    const creates = () => s.ksql.statements.filter((t) => t.startsWith('CREATE')).length;
    const before = creates();
    const r = await cli(['deploy', '--model', MODEL, '--targets', s.targets, '--health-timeout', '10'], stackEnv, { timeout: 300_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/raw_power exists \(1 partitions, retention forever\)/);
    expect(sr.subjects.get(RAW_POWER_SUBJECT)).toHaveLength(1); // the same schema: the same version
    expect(existsSync(join(s.ext, 'stream-smarts-udf.jar.previous'))).toBe(true);
    expect(creates()).toBe(before);
    expect(r.stdout.match(/skipped: (STREAM|TABLE) \w+ already exists/g)).toHaveLength(4);
    expect(s.restarts()).toBe(2);
  }, 300_000);

  it('rolls back: restores the previous jar and restarts', async () => {
    writeFileSync(join(s.ext, 'stream-smarts-udf.jar'), 'a broken jar');
    const r = await cli(['deploy', '--rollback', '--targets', s.targets, '--health-timeout', '10'], stackEnv);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(s.ext, 'stream-smarts-udf.jar'))).toEqual(readFileSync(join(s.ext, 'stream-smarts-udf.jar.previous')));
    expect(s.restarts()).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`ANOMOLY_POWER version ${EXPECTED_VERSION.replace(/[.+]/g, '\\$&')}`));
  }, 120_000);
});

describe('stream-smarts deploy, a statement ksqlDB refuses', () => {
  let s: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    s = await server(/power_stream_scored/i);
  });
  afterAll(() => s.ksql.close());

  it('stops with the step, the statement and ksqlDB’s message, and says how to roll back', async () => {
    const r = await cli(['deploy', '--model', MODEL, '--targets', s.targets, '--health-timeout', '10'], stackEnv, { timeout: 300_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed at step 10 of 13: apply 020-power-stream-scored\.sql:\d+ \(STREAM POWER_STREAM_SCORED, skipped if it exists\)/);
    expect(r.stderr).toMatch(/statement: CREATE STREAM IF NOT EXISTS power_stream_scored WITH \(/);
    expect(r.stderr).toMatch(/error: ksqlDB refused [\s\S]*Function 'ANOMOLY_POWER' does not accept parameters \(STRING, DOUBLE\)\. \(HTTP 400, error 40001\)/);
    expect(r.stderr).toMatch(/to roll back: stream-smarts deploy --rollback/);
    expect([...s.ksql.sources.keys()]).toEqual(['RAW_POWER_STREAM']);
  }, 300_000);
});

describe('stream-smarts deploy changes nothing on a target until every prerequisite holds', () => {
  const compose = () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pre-'));
    copyFileSync(join(REPO, 'docker-compose.yml'), join(cwd, 'docker-compose.yml'));
    return cwd;
  };
  const pathWith = (docker: boolean) => {
    const bin = mkdtempSync(join(tmpdir(), 'path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    // What the Docker double itself runs on; no docker, no mvn.
    for (const tool of ['bash', 'python3', 'tr', 'env']) {
      const at = ['/usr/bin', '/bin', '/usr/local/bin'].map((d) => join(d, tool)).find((f) => existsSync(f));
      if (at) symlinkSync(at, join(bin, tool));
    }
    return docker ? `${bin}:${DOCKER_DOUBLE_DIR}` : bin;
  };

  it('without Docker: one line with the fix, before any build, and ext/ untouched', async () => {
    const cwd = compose();
    const r = await cli(['deploy', '--model', MODEL], { ...stackEnv, PATH: pathWith(false) }, { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed at step 1 of 14: check the prerequisites/);
    expect(r.stderr).not.toMatch(/to roll back/);
    expect(r.stderr).toMatch(/error: Docker is not installed \(no `docker` on PATH\): deploying to the compose stack needs Docker with the Compose v2 plugin; install it, or deploy to servers you restart yourself with --targets FILE/);
    expect(r.stderr).not.toMatch(/ENOENT|spawn/);
    expect(existsSync(join(cwd, 'ext'))).toBe(false);
  });

  it('with Docker but no Compose v2, or the stack down: says which, and how to start it', async () => {
    const cwd = compose();
    const log = join(cwd, 'docker.log');
    const noCompose = await cli(['deploy', '--model', MODEL], { ...stackEnv, PATH: pathWith(true), DOCKER_DOUBLE_LOG: log, DOCKER_DOUBLE_EXIT: '1', DOCKER_DOUBLE_STDERR: "docker: 'compose' is not a docker command." }, { cwd });
    expect(noCompose.exitCode).toBe(1);
    expect(noCompose.stderr).toMatch(/Docker Compose v2 is not available \(`docker compose version`: docker: 'compose' is not a docker command\.\): install the Docker Compose plugin/);
    const down = await cli(['deploy', '--model', MODEL], { ...stackEnv, PATH: pathWith(true), DOCKER_DOUBLE_LOG: log, DOCKER_DOUBLE_PS: 'kafka' }, { cwd });
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`the compose stack is not up \\(schema-registry, ksqldb-server not running\\): start it with \`docker compose -f ${cwd}/docker-compose.yml up -d --wait\``));
    // Neither run restarted, built or copied anything.
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as string[]).join(' '))).not.toContainEqual(expect.stringMatching(/restart|run --rm/));
    expect(existsSync(join(cwd, 'ext'))).toBe(false);
  });

  it('with Kafka and Schema Registry unreachable: both named, with where and how to start them', async () => {
    const cwd = compose();
    const port = await freePort(); // nothing listens there
    const r = await cli(['deploy', '--model', MODEL], { PATH: pathWith(true), DOCKER_DOUBLE_LOG: join(cwd, 'docker.log'), DOCKER_DOUBLE_PS: 'kafka,schema-registry,ksqldb-server', KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${port}`, SCHEMA_REGISTRY_URL: `http://u:pw-s3cret@127.0.0.1:${port}` }, { cwd, timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot reach Kafka at 127\\.0\\.0\\.1:${port} .*set KAFKA_BOOTSTRAP_SERVERS`));
    expect(r.stderr).toMatch(new RegExp(`cannot reach Schema Registry at http://u:REDACTED@127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    expect(r.stderr).not.toMatch(/s3cret/);
    expect(existsSync(join(cwd, 'ext'))).toBe(false);
  }, 60_000);
});
