import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeSettings, loadConfig } from '../src/config/load.js';
import { kafkaClientOptions } from '../src/config/kafka-options.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-config-'));
const NO_FILE = join(dir, 'absent.env');

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults match the docker-compose stack', () => {
    const { config } = loadConfig({ env: {}, envFile: NO_FILE });
    expect(config.kafka.brokers).toEqual(['localhost:9092']);
    expect(config.schemaRegistry.url).toBe('http://localhost:8081');
    expect(config.ksqldb.url).toBe('http://localhost:8088');
    expect(config.h2o.url).toBe('http://localhost:54321');
    expect(config.kafka.ssl).toBe(false);
    expect(config.kafka.sasl).toBeUndefined();
    expect(config.homeAssistant).toBeUndefined();
  });

  it('takes flags over environment over .env over defaults, and says which', () => {
    const envFile = join(dir, 'a.env');
    writeFileSync(envFile, 'KAFKA_BOOTSTRAP_SERVERS=from-file:9092\nSCHEMA_REGISTRY_URL=http://file:8081\nKSQLDB_URL=http://file:8088\n');
    const loaded = loadConfig({
      envFile,
      env: { KAFKA_BOOTSTRAP_SERVERS: 'from-env:9092', SCHEMA_REGISTRY_URL: 'http://env:8081/' },
      flags: { 'bootstrap-servers': 'from-flag:9092,second:9093' },
    });
    expect(loaded.config.kafka.brokers).toEqual(['from-flag:9092', 'second:9093']);
    expect(loaded.config.schemaRegistry.url).toBe('http://env:8081');
    expect(loaded.config.ksqldb.url).toBe('http://file:8088');
    const rows = Object.fromEntries(describeSettings(loaded).map((r) => [r.key, r.source]));
    expect(rows['kafka.brokers']).toBe('flag --bootstrap-servers');
    expect(rows['schemaRegistry.url']).toBe('environment variable SCHEMA_REGISTRY_URL');
    expect(rows['ksqldb.url']).toBe(`KSQLDB_URL in ${envFile}`);
    expect(rows['h2o.url']).toBe('default');
  });

  it('names the setting, the value, its source and what is expected for a bad value', () => {
    const p = problems(() => loadConfig({ env: { KAFKA_BOOTSTRAP_SERVERS: 'notahost:xyz' }, envFile: NO_FILE }));
    expect(p).toEqual([
      'kafka.brokers = "notahost:xyz" from environment variable KAFKA_BOOTSTRAP_SERVERS: expected a comma-separated list of host:port with a port of 1-65535, e.g. localhost:9092',
    ]);
  });

  it('reports every bad setting at once', () => {
    const p = problems(() =>
      loadConfig({ env: { KSQLDB_URL: 'ftp://x', STREAM_SMARTS_TIMEZONE: 'Mars/Base', STREAM_SMARTS_LOG_LEVEL: 'loud' }, envFile: NO_FILE }),
    );
    expect(p).toHaveLength(3);
    expect(p.join('\n')).toMatch(/ksqldb\.url = "ftp:\/\/x" from environment variable KSQLDB_URL: expected an http/);
    expect(p.join('\n')).toMatch(/timezone = "Mars\/Base" .*IANA time zone/);
    expect(p.join('\n')).toMatch(/logLevel = "loud"/);
  });

  it('builds SASL SCRAM options and requires mechanism, user and password together', () => {
    const { config } = loadConfig({
      env: {
        STREAM_SMARTS_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        STREAM_SMARTS_KAFKA_SASL_USERNAME: 'bob',
        STREAM_SMARTS_KAFKA_SASL_PASSWORD: 's3cret-pw',
        STREAM_SMARTS_KAFKA_SSL: 'true',
      },
      envFile: NO_FILE,
    });
    expect(kafkaClientOptions(config.kafka)).toEqual({
      clientId: 'stream-smarts',
      brokers: ['localhost:9092'],
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: 's3cret-pw' },
    });
    const p = problems(() => loadConfig({ env: { STREAM_SMARTS_KAFKA_SASL_MECHANISM: 'plain' }, envFile: NO_FILE }));
    expect(p[0]).toMatch(/kafka\.saslUsername, kafka\.saslPassword not set, but kafka\.saslMechanism is/);
    expect(problems(() => loadConfig({ env: { STREAM_SMARTS_KAFKA_SASL_MECHANISM: 'gssapi' }, envFile: NO_FILE }))[0]).toMatch(
      /expected one of plain, scram-sha-256, scram-sha-512/,
    );
  });

  it('reads a TLS CA file and refuses one that does not exist', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const { config } = loadConfig({ env: { STREAM_SMARTS_KAFKA_SSL_CA_FILE: ca }, envFile: NO_FILE });
    expect(kafkaClientOptions(config.kafka).ssl).toEqual({ rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
    expect(problems(() => loadConfig({ env: { STREAM_SMARTS_KAFKA_SSL_CA_FILE: join(dir, 'nope.pem') }, envFile: NO_FILE }))[0]).toMatch(
      /kafka\.sslCaFile .* the file does not exist/,
    );
  });

  it('reads secrets from <VAR>_FILE and never shows them', () => {
    const tokenFile = join(dir, 'pb-token');
    writeFileSync(tokenFile, 'o.pushbullet-token-123\n');
    const loaded = loadConfig({ env: { PUSHBULLET_ACCESS_TOKEN_FILE: tokenFile }, envFile: NO_FILE });
    expect(loaded.config.pushbullet?.token).toBe('o.pushbullet-token-123');
    expect(loaded.secrets).toContain('o.pushbullet-token-123');
    const row = describeSettings(loaded).find((r) => r.key === 'pushbullet.token')!;
    expect(row.value).toBe('(redacted)');
    expect(row.source).toBe(`file ${tokenFile} (from environment variable PUSHBULLET_ACCESS_TOKEN_FILE)`);
    expect(JSON.stringify(describeSettings(loaded))).not.toContain('pushbullet-token-123');
  });

  it('says which secret file it could not read', () => {
    expect(problems(() => loadConfig({ env: { HOME_ASSISTANT_TOKEN_FILE: join(dir, 'missing') }, envFile: NO_FILE }))[0]).toMatch(
      /homeAssistant\.token: cannot read the secret file .*missing named by HOME_ASSISTANT_TOKEN_FILE: ENOENT/,
    );
  });

  it('does not print a bad secret in its error message', () => {
    const p = problems(() => loadConfig({ env: { HOME_ASSISTANT_URL: 'http://ha:8123' }, envFile: NO_FILE }));
    expect(p[0]).toMatch(/homeAssistant\.token not set, but homeAssistant\.url is/);
  });

  it('requires a named --env-file to exist', () => {
    expect(problems(() => loadConfig({ env: {}, envFile: join(dir, 'typo.env'), envFileRequired: true }))[0]).toMatch(/typo\.env does not exist/);
  });
});
