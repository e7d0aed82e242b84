import { z } from 'zod';

/**
 * Every setting stream-smarts reads, in one table: where it comes from (flag, environment
 * variables), its default, whether it is a secret, and what a valid value looks like.
 * The loader, `stream-smarts config` and the README's configuration table all read this,
 * so a new setting is added here once.
 */
export interface SettingSpec<T = unknown> {
  /** Dotted key, also the path in the typed config. */
  readonly key: string;
  /** Environment variables, first match wins; also read from `.env`. */
  readonly env: readonly string[];
  /** Long flag name without dashes, when the setting can be given on the command line. */
  readonly flag?: string;
  readonly default?: string;
  /** Secrets are never printed or logged; `<ENV>_FILE` may name a file holding the value. */
  readonly secret?: boolean;
  readonly describe: string;
  /** What a valid value looks like, in words, for error messages. */
  readonly expect: string;
  readonly schema: z.ZodType<T, string>;
}

const port = z.coerce.number().int().min(1).max(65535);

const hostPort = z.string().refine((s) => {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d+)$/.exec(s);
  return m !== null && port.safeParse(m[2]).success;
});

const hostPortList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
  .pipe(z.array(hostPort).min(1));

const httpUrl = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  })
  .transform((s) => s.replace(/\/+$/, ''));

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

const nonEmpty = z.string().min(1);

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
});

const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

const saslMechanism = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['plain', 'scram-sha-256', 'scram-sha-512']));

function spec<T>(s: SettingSpec<T>): SettingSpec<T> {
  return s;
}

export const SETTINGS = {
  logLevel: spec({
    key: 'logLevel',
    env: ['STREAM_SMARTS_LOG_LEVEL'],
    flag: 'log-level',
    default: 'info',
    describe: 'Log verbosity',
    expect: 'one of trace, debug, info, warn, error, fatal, silent',
    schema: logLevel,
  }),
  timezone: spec({
    key: 'timezone',
    env: ['STREAM_SMARTS_TIMEZONE', 'TZ'],
    flag: 'timezone',
    default: Intl.DateTimeFormat().resolvedOptions().timeZone,
    describe: 'IANA time zone of the household (day and hour of a reading)',
    expect: 'an IANA time zone name such as Europe/London or Australia/Sydney',
    schema: timeZone,
  }),
  'kafka.brokers': spec({
    key: 'kafka.brokers',
    env: ['KAFKA_BOOTSTRAP_SERVERS', 'STREAM_SMARTS_KAFKA_BOOTSTRAP_SERVERS'],
    flag: 'bootstrap-servers',
    default: 'localhost:9092',
    describe: 'Kafka bootstrap servers',
    expect: 'a comma-separated list of host:port with a port of 1-65535, e.g. localhost:9092',
    schema: hostPortList,
  }),
  'kafka.clientId': spec({
    key: 'kafka.clientId',
    env: ['STREAM_SMARTS_KAFKA_CLIENT_ID'],
    default: 'stream-smarts',
    describe: 'Kafka client id',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'kafka.ssl': spec({
    key: 'kafka.ssl',
    env: ['STREAM_SMARTS_KAFKA_SSL'],
    default: 'false',
    describe: 'Connect to Kafka over TLS',
    expect: 'true or false',
    schema: bool,
  }),
  'kafka.sslCaFile': spec({
    key: 'kafka.sslCaFile',
    env: ['STREAM_SMARTS_KAFKA_SSL_CA_FILE'],
    describe: 'PEM file of the CA that signed the brokers\' certificates (implies TLS)',
    expect: 'a path to a readable PEM file',
    schema: nonEmpty,
  }),
  'kafka.sslRejectUnauthorized': spec({
    key: 'kafka.sslRejectUnauthorized',
    env: ['STREAM_SMARTS_KAFKA_SSL_REJECT_UNAUTHORIZED'],
    default: 'true',
    describe: 'Verify the brokers\' TLS certificates',
    expect: 'true or false',
    schema: bool,
  }),
  'kafka.saslMechanism': spec({
    key: 'kafka.saslMechanism',
    env: ['STREAM_SMARTS_KAFKA_SASL_MECHANISM'],
    describe: 'SASL mechanism for a secured cluster',
    expect: 'one of plain, scram-sha-256, scram-sha-512',
    schema: saslMechanism,
  }),
  'kafka.saslUsername': spec({
    key: 'kafka.saslUsername',
    env: ['STREAM_SMARTS_KAFKA_SASL_USERNAME'],
    describe: 'SASL user name',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'kafka.saslPassword': spec({
    key: 'kafka.saslPassword',
    env: ['STREAM_SMARTS_KAFKA_SASL_PASSWORD'],
    secret: true,
    describe: 'SASL password',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'schemaRegistry.url': spec({
    key: 'schemaRegistry.url',
    env: ['SCHEMA_REGISTRY_URL', 'STREAM_SMARTS_SCHEMA_REGISTRY_URL'],
    flag: 'schema-registry-url',
    default: 'http://localhost:8081',
    describe: 'Confluent Schema Registry URL',
    expect: 'an http:// or https:// URL, e.g. http://localhost:8081',
    schema: httpUrl,
  }),
  'schemaRegistry.username': spec({
    key: 'schemaRegistry.username',
    env: ['STREAM_SMARTS_SCHEMA_REGISTRY_USERNAME'],
    describe: 'Schema Registry basic-auth user',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'schemaRegistry.password': spec({
    key: 'schemaRegistry.password',
    env: ['STREAM_SMARTS_SCHEMA_REGISTRY_PASSWORD'],
    secret: true,
    describe: 'Schema Registry basic-auth password',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'ksqldb.url': spec({
    key: 'ksqldb.url',
    env: ['KSQLDB_URL', 'STREAM_SMARTS_KSQLDB_URL'],
    flag: 'ksqldb-url',
    default: 'http://localhost:8088',
    describe: 'ksqlDB server REST URL',
    expect: 'an http:// or https:// URL, e.g. http://localhost:8088',
    schema: httpUrl,
  }),
  'ksqldb.username': spec({
    key: 'ksqldb.username',
    env: ['STREAM_SMARTS_KSQLDB_USERNAME'],
    describe: 'ksqlDB basic-auth user',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'ksqldb.password': spec({
    key: 'ksqldb.password',
    env: ['STREAM_SMARTS_KSQLDB_PASSWORD'],
    secret: true,
    describe: 'ksqlDB basic-auth password',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'h2o.url': spec({
    key: 'h2o.url',
    env: ['H2O_URL', 'STREAM_SMARTS_H2O_URL'],
    flag: 'h2o-url',
    default: 'http://localhost:54321',
    describe: 'H2O server used by `train`',
    expect: 'an http:// or https:// URL, e.g. http://localhost:54321',
    schema: httpUrl,
  }),
  'homeAssistant.url': spec({
    key: 'homeAssistant.url',
    env: ['HOME_ASSISTANT_URL', 'STREAM_SMARTS_HOME_ASSISTANT_URL'],
    describe: 'Home Assistant base URL (optional; enables voice and HA notify alerts)',
    expect: 'an http:// or https:// URL, e.g. http://homeassistant.local:8123',
    schema: httpUrl,
  }),
  'homeAssistant.token': spec({
    key: 'homeAssistant.token',
    env: ['HOME_ASSISTANT_TOKEN', 'STREAM_SMARTS_HOME_ASSISTANT_TOKEN'],
    secret: true,
    describe: 'Home Assistant long-lived access token',
    expect: 'a non-empty token (Profile → Security → Long-lived access tokens)',
    schema: nonEmpty,
  }),
  'homeAssistant.caFile': spec({
    key: 'homeAssistant.caFile',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_CA_FILE'],
    describe: 'PEM file of a custom CA for an https Home Assistant',
    expect: 'a path to a readable PEM file',
    schema: nonEmpty,
  }),
  'pushbullet.token': spec({
    key: 'pushbullet.token',
    env: ['PUSHBULLET_ACCESS_TOKEN', 'STREAM_SMARTS_PUSHBULLET_ACCESS_TOKEN'],
    secret: true,
    describe: 'Pushbullet access token (optional; enables phone pushes)',
    expect: 'a non-empty token (pushbullet.com → Settings → Access Tokens)',
    schema: nonEmpty,
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
