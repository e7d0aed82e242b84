import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync, copyFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { cli } from './run-cli.js';

const REPO = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
// The reference model the UDF's own tests use: real H2O MOJOs (udf-java/src/test/fixtures).
const MODEL = join(REPO, 'udf-java', 'src', 'test', 'resources', 'models', 'reference');
const CONTENT_HASH = (JSON.parse(readFileSync(join(MODEL, 'envelope.json'), 'utf8')) as { contentHash: string }).contentHash;
const POM_VERSION = /<artifactId>stream-smarts-udf<\/artifactId>\s*<version>([^<]+)</.exec(readFileSync(join(REPO, 'udf-java', 'pom.xml'), 'utf8'))![1]!;
const EXPECTED_VERSION = `${POM_VERSION}+model.${CONTENT_HASH.slice(0, 12)}`;
const DOCKER_DOUBLE_DIR = join(REPO, 'testing', 'doubles', 'bin');

/**
 * A ksqlDB "server" whose extension directory is a real temp dir: its restart command (recorded
 * in a log) loads the jar there the way ksqlDB does at start — it asks the jar itself for the
 * version its @UdfDescription carries — and DESCRIBE FUNCTION answers with that.
 */
async function server(refuse?: RegExp) {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  const ext = join(dir, 'ext');
  const log = join(dir, 'restarts.log');
  const loaded = join(dir, 'loaded-version');
  const ksql = await startKsqlDbDouble({
    functions: () => (existsSync(loaded) ? [{ name: 'ANOMOLY_POWER', version: readFileSync(loaded, 'utf8').trim() }] : []),
    ...(refuse ? { refuse: { match: refuse, message: "Function 'ANOMOLY_POWER' does not accept parameters (STRING, DOUBLE)." } } : {}),
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
    const r = await cli(['--json', 'deploy', '--dry-run', '--model', MODEL], {}, { cwd });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout) as { dryRun: boolean; steps: { title: string; detail: string }[] };
    const details = plan.steps.map((s) => s.detail);
    expect(details[0]).toBe(`mvn -B -q -f ${REPO}/udf-java/pom.xml package -DskipTests -Dmodel.dir=${MODEL}`);
    expect(details[1]).toBe(`cp ${cwd}/ext/stream-smarts-udf.jar ${cwd}/ext/stream-smarts-udf.jar.previous; cp ${REPO}/udf-java/target/stream-smarts-udf.jar ${cwd}/ext/stream-smarts-udf.jar`);
    expect(details[2]).toBe(`docker compose -f ${cwd}/docker-compose.yml restart ksqldb-server`);
    expect(details[3]).toMatch(/^GET http:\/\/localhost:8088\/healthcheck until/);
    expect(details[4]).toBe(`DESCRIBE FUNCTION ANOMOLY_POWER; → version ${EXPECTED_VERSION}`);
    expect(details.slice(5, 9).map((d) => d.split('\n')[0])).toEqual([
      'CREATE STREAM IF NOT EXISTS raw_power_stream (',
      'CREATE STREAM IF NOT EXISTS power_stream_scored WITH (',
      'CREATE STREAM IF NOT EXISTS ANOMOLY_POWER WITH (',
      'CREATE TABLE IF NOT EXISTS SUSTAINED_ANOMALIES WITH (',
    ]);
    expect(details[9]).toBe('SHOW QUERIES;');
    expect(existsSync(join(cwd, 'ext'))).toBe(false);
  });

  it("builds with Docker's Maven image when there is no local Maven", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dry-'));
    copyFileSync(join(REPO, 'docker-compose.yml'), join(cwd, 'docker-compose.yml'));
    // A PATH with node and the Docker double, but no mvn.
    const bin = mkdtempSync(join(tmpdir(), 'path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = await cli(['--json', 'deploy', '--dry-run', '--model', MODEL], { PATH: `${bin}:${DOCKER_DOUBLE_DIR}` }, { cwd });
    expect(r.exitCode).toBe(0);
    const first = (JSON.parse(r.stdout) as { steps: { detail: string }[] }).steps[0]!.detail;
    expect(first).toBe(
      `docker run --rm -v ${REPO}/udf-java:/src -v ${MODEL}:/model:ro -v ${process.env['HOME']}/.m2:/root/.m2 -w /src maven:3.9-eclipse-temurin-17 mvn -B -q -Pconfluent package -DskipTests -Dmodel.dir=/model`,
    );
  });

  it('refuses a model whose MOJOs do not match its envelope', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'model-'));
    for (const f of ['lower.zip', 'envelope.json']) copyFileSync(join(MODEL, f), join(bad, f));
    copyFileSync(join(MODEL, 'lower.zip'), join(bad, 'upper.zip'));
    const r = await cli(['deploy', '--dry-run', '--model', bad]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/envelope\.json says contentHash [0-9a-f]{64}, but lower\.zip and upper\.zip hash to [0-9a-f]{64}/);
  });
});

describe('stream-smarts deploy, end to end: a real jar built by Maven, a real extension directory, a recorded restart', () => {
  let s: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    s = await server();
  });
  afterAll(() => s.ksql.close());

  it('builds, ships, restarts, verifies the model version, applies ksql/ and checks the queries', async () => {
    const r = await cli(['deploy', '--model', MODEL, '--targets', s.targets, '--health-timeout', '10'], {}, { timeout: 300_000 });
    expect(r.stderr.split('\n').filter((l) => /error|failed/i.test(l))).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(s.ext, 'stream-smarts-udf.jar'))).toBe(true);
    expect(s.restarts()).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`verify ksql-test loaded this jar: ANOMOLY_POWER version ${EXPECTED_VERSION.replace(/[.+]/g, '\\$&')}`));
    expect([...s.ksql.sources.keys()]).toEqual(['RAW_POWER_STREAM', 'POWER_STREAM_SCORED', 'ANOMOLY_POWER', 'SUSTAINED_ANOMALIES']);
    expect(r.stdout).toMatch(/check every persistent query is RUNNING: 3 persistent queries RUNNING/);
  }, 300_000);

  it('a second deploy keeps the first jar as .previous and skips what is in place', async () => {
    const creates = () => s.ksql.statements.filter((t) => t.startsWith('CREATE')).length;
    const before = creates();
    const r = await cli(['deploy', '--model', MODEL, '--targets', s.targets, '--health-timeout', '10'], {}, { timeout: 300_000 });
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(s.ext, 'stream-smarts-udf.jar.previous'))).toBe(true);
    expect(creates()).toBe(before);
    expect(r.stdout.match(/skipped: (STREAM|TABLE) \w+ already exists/g)).toHaveLength(4);
    expect(s.restarts()).toBe(2);
  }, 300_000);

  it('rolls back: restores the previous jar and restarts', async () => {
    writeFileSync(join(s.ext, 'stream-smarts-udf.jar'), 'a broken jar');
    const r = await cli(['deploy', '--rollback', '--targets', s.targets, '--health-timeout', '10']);
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
    const r = await cli(['deploy', '--model', MODEL, '--targets', s.targets, '--health-timeout', '10'], {}, { timeout: 300_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed at step 7 of 10: apply 020-power-stream-scored\.sql:\d+ \(STREAM POWER_STREAM_SCORED, skipped if it exists\)/);
    expect(r.stderr).toMatch(/statement: CREATE STREAM IF NOT EXISTS power_stream_scored WITH \(/);
    expect(r.stderr).toMatch(/error: ksqlDB refused [\s\S]*Function 'ANOMOLY_POWER' does not accept parameters \(STRING, DOUBLE\)\. \(HTTP 400, error 40001\)/);
    expect(r.stderr).toMatch(/to roll back: stream-smarts deploy --rollback/);
    expect([...s.ksql.sources.keys()]).toEqual(['RAW_POWER_STREAM']);
  }, 300_000);
});
