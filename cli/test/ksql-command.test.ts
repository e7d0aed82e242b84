import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { freePort } from '../../testing/support/process.js';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { rawPowerAvsc } from '@stream-smarts/contracts';
import { BIN, CLEAN_ENV, cli } from './run-cli.js';

const DOCKER_DOUBLE_DIR = fileURLToPath(new URL('../../testing/doubles/bin', import.meta.url));
let ksql: KsqlDbDouble;

beforeAll(async () => {
  ksql = await startKsqlDbDouble({
    functions: () => [{ name: 'ANOMOLY_POWER', version: '0.1.0+model.0123456789ab' }],
    refuse: { match: /BROKEN/, message: "Invalid Predicate: 'BROKEN' cannot be resolved." },
  });
  ksql.topics.add('raw_power');
  ksql.subjects.set('raw_power-value', rawPowerAvsc());
});
afterAll(() => ksql.close());

describe('stream-smarts ksql', () => {
  it('-e runs statements through the REST API and prints results as tables', async () => {
    const r = await cli(['ksql', '-e', "CREATE STREAM IF NOT EXISTS raw_power_stream (k STRING KEY) WITH (KAFKA_TOPIC='raw_power', VALUE_FORMAT='AVRO')", '-e', 'SHOW STREAMS;'], { KSQLDB_URL: ksql.url });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^SUCCESS: Stream created$/m);
    expect(r.stdout).toMatch(/^RAW_POWER_STREAM\s+raw_power\s+KAFKA\s+AVRO\s+false$/m);
  });

  it('-f runs a file of statements, and --json prints the entities', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-f-'));
    const file = join(dir, 'x.sql');
    writeFileSync(file, '-- describe it\nDESCRIBE FUNCTION ANOMOLY_POWER;\nSHOW QUERIES;\n');
    const r = await cli(['--json', 'ksql', '-f', file], { KSQLDB_URL: ksql.url });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { entities: { '@type': string; version?: string }[] };
    expect(out.entities.map((e) => e['@type'])).toEqual(['describe_function', 'queries']);
    expect(out.entities[0]!.version).toBe('0.1.0+model.0123456789ab');
  });

  it('stops at a refused statement with the file, line, statement and ksqlDB’s message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-f-'));
    const file = join(dir, 'bad.sql');
    writeFileSync(file, "SHOW STREAMS;\n\nCREATE STREAM x AS SELECT * FROM s\n  WHERE BROKEN;\nSHOW TABLES;\n");
    const before = ksql.statements.length;
    const r = await cli(['ksql', '-f', file], { KSQLDB_URL: ksql.url });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}:3: ksqlDB refused \`CREATE STREAM x AS SELECT \\* FROM s\\n  WHERE BROKEN;\`: Invalid Predicate: 'BROKEN' cannot be resolved. \\(HTTP 400, error 40001\\)`));
    expect(ksql.statements.slice(before)).toHaveLength(2); // SHOW TABLES never sent
  });

  it('with no arguments opens the ksqlDB CLI in the stack’s ksqldb-server container (no TTY asked for a piped stdin)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-i-'));
    copyFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), join(dir, 'docker-compose.yml'));
    const log = join(dir, 'docker.log');
    const r = await execa('node', [BIN, 'ksql'], {
      cwd: dir,
      env: { ...CLEAN_ENV, PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`, DOCKER_DOUBLE_LOG: log },
      extendEnv: false,
      reject: false,
      stdin: 'pipe',
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[])).toEqual([
      ['compose', 'version'],
      ['compose', '-f', join(dir, 'docker-compose.yml'), 'exec', '-T', 'ksqldb-server', 'ksql', 'http://localhost:8088'],
    ]);
  });

  it('without Docker Compose says so in one line with the fix, instead of Docker’s own error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-i-'));
    copyFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), join(dir, 'docker-compose.yml'));
    const log = join(dir, 'docker.log');
    const env = { ...CLEAN_ENV, PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`, DOCKER_DOUBLE_LOG: log, DOCKER_DOUBLE_EXIT: '1', DOCKER_DOUBLE_STDERR: "docker: 'compose' is not a docker command." };
    const r = await execa('node', [BIN, 'ksql'], { cwd: dir, env, extendEnv: false, reject: false, stdin: 'pipe' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      "stream-smarts ksql: Docker Compose v2 is not available (`docker compose version`: docker: 'compose' is not a docker command.): the interactive ksqlDB CLI (it runs in the stack's ksqldb-server container; -e/-f go through the REST API instead) needs the Docker Compose plugin; install it",
    );
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1); // the exec was never tried
  });

  it('with ksqlDB down names what, where and how to start it, never the password in KSQLDB_URL', async () => {
    const port = await freePort();
    const r = await cli(['ksql', '-e', 'SHOW STREAMS;'], { KSQLDB_URL: `http://alice:s3cret@127.0.0.1:${port}` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      `stream-smarts ksql: cannot reach ksqlDB at http://alice:REDACTED@127.0.0.1:${port} (ECONNREFUSED): is it running? Start the stack with \`docker compose up -d\` in the stream-smarts checkout, or point KSQLDB_URL (or --ksqldb-url) at your server`,
    );
    expect(r.stderr + r.stdout).not.toMatch(/s3cret|fetch failed/);
  });
});

describe('stream-smarts watch', () => {
  it('prints each anomaly as it arrives and stops cleanly on Ctrl-C', async () => {
    ksql.pushRows.set('ANOMOLY_POWER', {
      columns: ['METER_KEY', 'EVENT_TS', 'METER_ID', 'DAY', 'HOUR', 'KWH', 'FN', 'KIND'],
      types: ['STRING', 'BIGINT', 'STRING', 'INTEGER', 'INTEGER', 'DOUBLE', 'DOUBLE', 'STRING'],
      rows: [
        ['house', Date.parse('2026-11-23T04:01:00Z'), 'house', 1, 4, 1500, 5.4588, 'high'],
        ['house', Date.parse('2026-11-23T09:30:00Z'), 'house', 1, 9, 20, -0.45, 'low'],
      ],
    });
    const child = execa('node', [BIN, 'watch'], { cwd: mkdtempSync(join(tmpdir(), 'w-')), env: { ...CLEAN_ENV, KSQLDB_URL: ksql.url, STREAM_SMARTS_TIMEZONE: 'UTC' }, extendEnv: false, reject: false });
    const lines: string[] = [];
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        lines.push(...d.toString().split('\n').filter(Boolean));
        if (lines.length >= 2) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await child;
    expect(lines).toEqual(['2026-11-23 04:01:00  house  high  1500 Wh/h at hour 4  score 5.46', '2026-11-23 09:30:00  house  low  20 Wh/h at hour 9  score -0.45']);
    expect(r.exitCode).toBe(0);
  });

  it('labels the rows of POWER_STREAM_SCORED by the one threshold rule: normal rows are not "low"', async () => {
    ksql.pushRows.set('POWER_STREAM_SCORED', {
      columns: ['METER_KEY', 'EVENT_TS', 'METER_ID', 'DAY', 'HOUR', 'KWH', 'FN', 'KIND'],
      types: ['STRING', 'BIGINT', 'STRING', 'INTEGER', 'INTEGER', 'DOUBLE', 'DOUBLE', 'STRING'],
      rows: [
        ['house', Date.parse('2026-11-23T03:01:00Z'), 'house', 1, 3, 250, 0.12, null],
        ['house', Date.parse('2026-11-23T03:02:00Z'), 'house', 1, 3, 900, 0.8, 'hold'],
        ['house', Date.parse('2026-11-23T03:03:00Z'), 'house', 1, 3, 950, 0.7, null],
      ],
    });
    const r = await cli(['watch', '--stream', 'POWER_STREAM_SCORED', '--limit', '3'], { KSQLDB_URL: ksql.url, STREAM_SMARTS_TIMEZONE: 'UTC' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/ {2}/)[2])).toEqual(['normal', 'hold', 'hold']);
  });

  it('--where and --limit make a push query that ends by itself (what make e2e waits on)', async () => {
    const before = ksql.queries.length;
    const r = await cli(['--json', 'watch', '--from-beginning', '--where', "HOUR = 4 AND KIND = 'high'", '--limit', '1'], { KSQLDB_URL: ksql.url });
    expect(r.exitCode).toBe(0);
    expect(ksql.queries.slice(before)).toEqual(["SELECT * FROM ANOMOLY_POWER WHERE HOUR = 4 AND KIND = 'high' EMIT CHANGES LIMIT 1;"]);
    // --from-beginning asks for the topic from its start (the request's properties override
    // ksql.streams.auto.offset.reset: confluentinc/ksql 8.4.x QueryExecutor.handlePushQuery, KsqlConfig.cloneWithPropertyOverwrite).
    expect(ksql.queryProperties.slice(before)).toEqual([{ 'auto.offset.reset': 'earliest' }]);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { METER_KEY: 'house', EVENT_TS: Date.parse('2026-11-23T04:01:00Z'), METER_ID: 'house', DAY: 1, HOUR: 4, KWH: 1500, FN: 5.4588, KIND: 'high' },
    ]);
  });

  it("without --from-beginning asks for 'latest' outright, so the server-wide ksql.streams.auto.offset.reset=earliest does not replay the past", async () => {
    const before = ksql.queries.length;
    const r = await cli(['--json', 'watch', '--limit', '1'], { KSQLDB_URL: ksql.url });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ksql.queries.slice(before)).toEqual(['SELECT * FROM ANOMOLY_POWER EMIT CHANGES LIMIT 1;']);
    // Sent, not omitted: an empty override would inherit the compose stack's earliest (ScalablePushUtil.isLatest and
    // KsqlConfig.cloneWithPropertyOverwrite fall back to ksql.streams.auto.offset.reset when the request does not set it).
    expect(ksql.queryProperties.slice(before)).toEqual([{ 'auto.offset.reset': 'latest' }]);
  });

  it('refuses a --where that is a second statement, and a --limit that is not a count', async () => {
    expect((await cli(['watch', '--where', 'HOUR = 4; DROP STREAM X'], { KSQLDB_URL: ksql.url })).stderr).toMatch(/--where "HOUR = 4; DROP STREAM X": expected one KSQL condition/);
    expect((await cli(['watch', '--limit', '0'], { KSQLDB_URL: ksql.url })).stderr).toMatch(/--limit "0": expected a whole number of rows/);
  });

  it('with ksqlDB down says so in one line instead of "fetch failed"', async () => {
    const port = await freePort();
    const r = await cli(['watch'], { KSQLDB_URL: `http://127.0.0.1:${port}` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toMatch(/^stream-smarts watch: cannot reach ksqlDB at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is it running\? Start the stack with `docker compose up -d`/);
  });
});
