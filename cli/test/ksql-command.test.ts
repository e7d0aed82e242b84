import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { BIN, CLEAN_ENV, cli } from './run-cli.js';

const DOCKER_DOUBLE_DIR = fileURLToPath(new URL('../../testing/doubles/bin', import.meta.url));
let ksql: KsqlDbDouble;

beforeAll(async () => {
  ksql = await startKsqlDbDouble({
    functions: () => [{ name: 'ANOMOLY_POWER', version: '0.1.0+model.0123456789ab' }],
    refuse: { match: /BROKEN/, message: "Invalid Predicate: 'BROKEN' cannot be resolved." },
  });
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

  it('with no arguments opens the ksqlDB CLI in the compose stack’s container, terminal passed through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksql-i-'));
    copyFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), join(dir, 'docker-compose.yml'));
    const log = join(dir, 'docker.log');
    const r = await execa('node', [BIN, 'ksql'], {
      cwd: dir,
      env: { ...CLEAN_ENV, PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`, DOCKER_DOUBLE_LOG: log },
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[])).toEqual([
      ['compose', '-f', join(dir, 'docker-compose.yml'), 'exec', 'ksqldb-cli', 'ksql', 'http://ksqldb-server:8088'],
    ]);
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
});
