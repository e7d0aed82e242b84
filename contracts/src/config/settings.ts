import { z } from 'zod';
import { isValidTimeZone } from '../time/local-hour.js';

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

const timeZone = z.string().refine((tz) => isValidTimeZone(tz));

const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

const saslMechanism = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['plain', 'scram-sha-256', 'scram-sha-512']));

/** A whole number in [min, max], from text. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** 90s, 10m, 1h, 500ms: milliseconds. */
const duration = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^\d+(ms|s|m|h)$/))
  .transform((s) => {
    const m = /^(\d+)(ms|s|m|h)$/.exec(s)!;
    return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  });

/** A Home Assistant entity id of one domain, e.g. media_player.kitchen_speaker. */
const entityId = (domain: string) => z.string().trim().regex(new RegExp(`^${domain}\\.[a-z0-9_]+$`));

/** An action (service) name of one domain, with or without the `<domain>.` prefix. */
const serviceName = (domain: string) =>
  z
    .string()
    .trim()
    .transform((s) => (s.startsWith(`${domain}.`) ? s.slice(domain.length + 1) : s))
    .pipe(z.string().regex(/^[a-z0-9_]+$/));

/** 22:00-07:00: minutes after midnight of start and end; the range may wrap past midnight. */
const hourRange = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d-([01]?\d|2[0-3]):[0-5]\d$/)
  .transform((s) => {
    const [a, b] = s.split('-') as [string, string];
    const min = (t: string) => Number(t.split(':')[0]) * 60 + Number(t.split(':')[1]);
    return { startMinute: min(a), endMinute: min(b) };
  });

/** The machine's zone; Node reports Etc/Unknown when TZ is set but empty, which no zone table knows. */
function systemTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return timeZone.safeParse(tz).success ? tz : 'UTC';
}

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
    default: systemTimeZone(),
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
  // The raw_power topic as `deploy` and the collector create it when it is missing.
  'kafka.rawPowerPartitions': spec({
    key: 'kafka.rawPowerPartitions',
    env: ['STREAM_SMARTS_RAW_POWER_PARTITIONS'],
    default: '1',
    describe: 'Partitions of the raw_power topic when deploy or the collector creates it',
    expect: 'a whole number from 1 to 1000',
    schema: wholeNumber(1, 1000),
  }),
  'kafka.rawPowerReplicationFactor': spec({
    key: 'kafka.rawPowerReplicationFactor',
    env: ['STREAM_SMARTS_RAW_POWER_REPLICATION_FACTOR'],
    default: '1',
    describe: 'Replication factor of the raw_power topic when it is created (at most the number of brokers)',
    expect: 'a whole number from 1 to 32',
    schema: wholeNumber(1, 32),
  }),
  'kafka.rawPowerRetention': spec({
    key: 'kafka.rawPowerRetention',
    env: ['STREAM_SMARTS_RAW_POWER_RETENTION'],
    default: 'forever',
    describe:
      "Retention of the raw_power topic when it is created: the meter's history (a broker's default 7 days would delete a replay of last month on arrival)",
    expect: 'forever, or a number of days such as 3650d',
    // retention.ms: -1 is "no time limit" (Kafka's LOG_RETENTION_TIME_MILLIS_DOC, server-common ServerLogConfigs).
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(forever|\d{1,6}d)$/)
      .transform((s) => (s === 'forever' ? -1 : Number(s.slice(0, -1)) * 86_400_000))
      .pipe(z.number().int().refine((n) => n === -1 || n > 0)),
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
  'ksqldb.modelDir': spec({
    key: 'ksqldb.modelDir',
    env: ['STREAM_SMARTS_KSQLDB_MODEL_DIR'],
    default: 'ext/model',
    describe:
      'Host directory mounted into the compose stack\'s ksqlDB as ksql.functions.anomoly_power.model.path (docker-compose.yml reads it too); `deploy` and `deploy --model-only` copy the model there. Relative to the compose file\'s directory',
    expect: 'a directory path',
    schema: nonEmpty,
  }),
  'h2o.url': spec({
    key: 'h2o.url',
    env: ['H2O_URL', 'STREAM_SMARTS_H2O_URL'],
    flag: 'h2o-url',
    default: 'http://localhost:54321',
    describe: 'H2O server used by `train`; when left at the default and nothing answers there, `train` starts a local H2O itself',
    expect: 'an http:// or https:// URL, e.g. http://localhost:54321',
    schema: httpUrl,
  }),
  'h2o.javaOptions': spec({
    key: 'h2o.javaOptions',
    env: ['STREAM_SMARTS_H2O_JAVA_OPTS'],
    describe: 'JVM options for the local H2O `train` starts, separated by spaces (default heap: half the memory, at most 2 GB)',
    expect: 'JVM options starting with -, e.g. -Xmx1g',
    schema: z
      .string()
      .transform((s) => s.trim().split(/\s+/).filter((x) => x.length > 0))
      .pipe(z.array(z.string().regex(/^-/)).min(1)),
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
  'pushbullet.url': spec({
    key: 'pushbullet.url',
    env: ['STREAM_SMARTS_PUSHBULLET_URL'],
    default: 'https://api.pushbullet.com',
    describe: 'Pushbullet API base URL (change only for a test double or proxy)',
    expect: 'an http:// or https:// URL, e.g. https://api.pushbullet.com',
    schema: httpUrl,
  }),
  'pushbullet.deviceIden': spec({
    key: 'pushbullet.deviceIden',
    env: ['STREAM_SMARTS_PUSHBULLET_DEVICE_IDEN'],
    describe: 'Push to this one Pushbullet device only (default: all your devices)',
    expect: 'a device iden from GET /v2/devices',
    schema: nonEmpty,
  }),
  'pushbullet.channelTag': spec({
    key: 'pushbullet.channelTag',
    env: ['STREAM_SMARTS_PUSHBULLET_CHANNEL_TAG'],
    describe: 'Push to the subscribers of this Pushbullet channel you own instead',
    expect: 'a channel tag',
    schema: nonEmpty,
  }),
  'homeAssistant.mediaPlayer': spec({
    key: 'homeAssistant.mediaPlayer',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER'],
    describe: 'Speaker that announces alerts (enables voice alerts), e.g. a Google Home',
    expect: 'a media_player entity id such as media_player.kitchen_speaker',
    schema: entityId('media_player'),
  }),
  'homeAssistant.ttsEntity': spec({
    key: 'homeAssistant.ttsEntity',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_TTS_ENTITY'],
    describe: 'TTS entity for the tts.speak action (preferred over ttsService)',
    expect: 'a tts entity id such as tts.google_translate_en_com',
    schema: entityId('tts'),
  }),
  'homeAssistant.ttsService': spec({
    key: 'homeAssistant.ttsService',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_TTS_SERVICE'],
    describe: 'Legacy TTS action, tts.<platform>_say, used when no ttsEntity is set',
    expect: 'an action name such as google_translate_say',
    schema: serviceName('tts'),
  }),
  'homeAssistant.notifyService': spec({
    key: 'homeAssistant.notifyService',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE'],
    describe: 'Home Assistant notify action for phone alerts (enables HA notify)',
    expect: 'an action name such as mobile_app_pixel_7',
    schema: serviceName('notify'),
  }),
  'homeAssistant.quietHours': spec({
    key: 'homeAssistant.quietHours',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_QUIET_HOURS'],
    describe: 'Local hours when the speaker stays silent (pushes still go)',
    expect: 'HH:MM-HH:MM in the household time zone, e.g. 22:00-07:00',
    schema: hourRange,
  }),
  'notifier.topic': spec({
    key: 'notifier.topic',
    env: ['STREAM_SMARTS_NOTIFIER_TOPIC'],
    default: 'ANOMOLY_POWER',
    describe: 'Topic of anomaly events the notifier consumes',
    expect: 'a Kafka topic name',
    schema: nonEmpty,
  }),
  'notifier.groupId': spec({
    key: 'notifier.groupId',
    env: ['STREAM_SMARTS_NOTIFIER_GROUP_ID'],
    default: 'stream-smarts-notifier',
    describe: 'Kafka consumer group of the notifier',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'notifier.fromBeginning': spec({
    key: 'notifier.fromBeginning',
    env: ['STREAM_SMARTS_NOTIFIER_FROM_BEGINNING'],
    default: 'false',
    describe: 'A new consumer group starts at the oldest anomaly instead of new ones',
    expect: 'true or false',
    schema: bool,
  }),
  'notifier.sessionTimeout': spec({
    key: 'notifier.sessionTimeout',
    env: ['STREAM_SMARTS_NOTIFIER_SESSION_TIMEOUT'],
    default: '10s',
    describe: 'Kafka group session timeout: how soon a restarted notifier takes over from a crashed one',
    expect: 'a duration from 6s (the broker\'s usual minimum) to 5m',
    schema: duration,
  }),
  'notifier.stateDir': spec({
    key: 'notifier.stateDir',
    env: ['STREAM_SMARTS_NOTIFIER_STATE_DIR'],
    default: '.stream-smarts/notifier',
    describe: 'Directory for episode state, the delivery ledger and the dead-letter file',
    expect: 'a directory path (created if missing)',
    schema: nonEmpty,
  }),
  'notifier.fireAfter': spec({
    key: 'notifier.fireAfter',
    env: ['STREAM_SMARTS_NOTIFIER_FIRE_AFTER'],
    // The alert rules' numbers live here, once: `run`, `evaluate` and the Kafka notifier all read
    // them (notifier/src/alert-core/rules.ts). The score already looks at loads that stay on (the
    // bands@2 floors), so three anomalous readings confirm one; see the README's quality section
    // for the figures behind each number.
    default: '3',
    describe: 'High-usage anomalies within fireWindow before an episode alerts',
    expect: 'a whole number of 1 or more',
    schema: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  }),
  'notifier.fireWindow': spec({
    key: 'notifier.fireWindow',
    env: ['STREAM_SMARTS_NOTIFIER_FIRE_WINDOW'],
    default: '15m',
    describe: 'Window in which fireAfter anomalies must fall',
    expect: 'a duration such as 90s, 10m or 1h',
    schema: duration,
  }),
  'notifier.lowFireAfter': spec({
    key: 'notifier.lowFireAfter',
    env: ['STREAM_SMARTS_NOTIFIER_LOW_FIRE_AFTER'],
    default: '5',
    describe: 'Low-usage anomalies within lowFireWindow before a low episode alerts (the 24-h mean is already a day long)',
    expect: 'a whole number of 1 or more',
    schema: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  }),
  'notifier.lowFireWindow': spec({
    key: 'notifier.lowFireWindow',
    env: ['STREAM_SMARTS_NOTIFIER_LOW_FIRE_WINDOW'],
    default: '60m',
    describe: 'Window in which lowFireAfter anomalies must fall',
    expect: 'a duration such as 30m or 1h',
    schema: duration,
  }),
  'notifier.lowRepeatInterval': spec({
    key: 'notifier.lowRepeatInterval',
    env: ['STREAM_SMARTS_NOTIFIER_LOW_REPEAT_INTERVAL'],
    default: '0h',
    describe: 'Least time between reminders while a low-usage episode (away, fridge dead) continues; 0h: none, only its start and end',
    expect: 'a duration such as 0h, 12h or 24h',
    schema: duration,
  }),
  'notifier.lowResolveAfter': spec({
    key: 'notifier.lowResolveAfter',
    env: ['STREAM_SMARTS_NOTIFIER_LOW_RESOLVE_AFTER'],
    default: '36h',
    describe: 'Quiet period after which a low-usage episode is over (the house is lived in again): longer than a day, so a week away that brushes its band once a day stays one absence',
    expect: 'a duration such as 12h or 36h',
    schema: duration,
  }),
  'notifier.repeatInterval': spec({
    key: 'notifier.repeatInterval',
    env: ['STREAM_SMARTS_NOTIFIER_REPEAT_INTERVAL'],
    default: '1h',
    describe: 'Least time between reminders while a high-usage episode continues; 0h: none',
    expect: 'a duration such as 0h, 30m or 2h',
    schema: duration,
  }),
  'notifier.resolveAfter': spec({
    key: 'notifier.resolveAfter',
    env: ['STREAM_SMARTS_NOTIFIER_RESOLVE_AFTER'],
    default: '15m',
    describe: 'Quiet period (no anomalies, event time) after which an episode is over',
    expect: 'a duration such as 15m',
    schema: duration,
  }),
  'notifier.notifyResolved': spec({
    key: 'notifier.notifyResolved',
    env: ['STREAM_SMARTS_NOTIFIER_NOTIFY_RESOLVED'],
    default: 'true',
    describe: 'Send a "back to normal" message when an alerted episode ends',
    expect: 'true or false',
    schema: bool,
  }),
  'notifier.console': spec({
    key: 'notifier.console',
    env: ['STREAM_SMARTS_NOTIFIER_CONSOLE'],
    describe: 'Print alerts on stdout (default: only when no other sink is configured)',
    expect: 'true or false',
    schema: bool,
  }),
  'notifier.retryAttempts': spec({
    key: 'notifier.retryAttempts',
    env: ['STREAM_SMARTS_NOTIFIER_RETRY_ATTEMPTS'],
    default: '6',
    describe: 'Attempts per sink before an alert goes to the dead-letter file',
    expect: 'a whole number from 1 to 100',
    schema: wholeNumber(1, 100),
  }),
  'notifier.retryBaseDelay': spec({
    key: 'notifier.retryBaseDelay',
    env: ['STREAM_SMARTS_NOTIFIER_RETRY_BASE_DELAY'],
    default: '500ms',
    describe: 'First retry delay; doubles each attempt, with jitter',
    expect: 'a duration such as 500ms or 2s',
    schema: duration,
  }),
  'notifier.retryMaxDelay': spec({
    key: 'notifier.retryMaxDelay',
    env: ['STREAM_SMARTS_NOTIFIER_RETRY_MAX_DELAY'],
    default: '30s',
    describe: 'Longest wait between retries, and longest rate-limit wait honoured',
    expect: 'a duration such as 30s or 5m',
    schema: duration,
  }),
  'notifier.messageHigh': spec({
    key: 'notifier.messageHigh',
    env: ['STREAM_SMARTS_NOTIFIER_MESSAGE_HIGH'],
    default: '{seen}{away}. Please check!',
    describe: 'Alert text for high usage; placeholders {seen} (what was seen: "About 2.0 kW has been on since 21:58 (45 min); this house doesn\'t do that at this time", or the 2018 words for a row without measures) {wh} {kwh} {time} {hour} {meter} {kind} {fn} {count} {since} {away} (" while nobody is home" in away mode); the 2018 text was "Unusual power usage of {wh} Wh at {time}{away}. Please check!"',
    expect: 'a non-empty template',
    schema: nonEmpty,
  }),
  'notifier.messageLow': spec({
    key: 'notifier.messageLow',
    env: ['STREAM_SMARTS_NOTIFIER_MESSAGE_LOW'],
    default: '{seen}. Please check!',
    describe: 'Alert text for low usage (same placeholders; {seen} says how much the last 24 hours used)',
    expect: 'a non-empty template',
    schema: nonEmpty,
  }),
  'notifier.messageResolved': spec({
    key: 'notifier.messageResolved',
    env: ['STREAM_SMARTS_NOTIFIER_MESSAGE_RESOLVED'],
    default: 'Power usage is back to normal (unusually {kind} since {since}).',
    describe: 'Text of the "back to normal" message (same placeholders)',
    expect: 'a non-empty template',
    schema: nonEmpty,
  }),
  'notifier.silenceStore': spec({
    key: 'notifier.silenceStore',
    env: ['STREAM_SMARTS_SILENCE_STORE'],
    default: 'kafka',
    describe: 'Where `silence` and `away` keep their records: the compacted Kafka topic every notifier reads, or a file in notifier.stateDir (for `run` without Kafka)',
    expect: 'kafka or local',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['kafka', 'local'])),
  }),
  'notifier.silenceTopic': spec({
    key: 'notifier.silenceTopic',
    env: ['STREAM_SMARTS_SILENCE_TOPIC'],
    default: 'stream-smarts-silences',
    describe: 'Compacted topic of silences and away mode (created when missing)',
    expect: 'a Kafka topic name',
    schema: nonEmpty,
  }),
  'homeAssistant.announceMaxAge': spec({
    key: 'homeAssistant.announceMaxAge',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_ANNOUNCE_MAX_AGE'],
    default: '10m',
    describe: 'Announcements older than this (event time to now) are not spoken; the push still goes',
    expect: 'a duration such as 10m',
    schema: duration,
  }),
  'homeAssistant.startupWait': spec({
    key: 'homeAssistant.startupWait',
    env: ['STREAM_SMARTS_HOME_ASSISTANT_STARTUP_WAIT'],
    default: '30m',
    describe: 'How long to keep retrying while Home Assistant reports it is still starting',
    expect: 'a duration such as 10m or 1h',
    schema: duration,
  }),
  'homeAssistant.awayEntity': spec({
    key: 'homeAssistant.awayEntity',
    env: ['STREAM_SMARTS_AWAY_ENTITY'],
    describe: 'Away mode from Home Assistant: a person, group or zone whose state says whether anybody is home',
    expect: 'a person, group or zone entity id such as group.family or zone.home',
    schema: z.string().trim().regex(/^(person|group|zone)\.[a-z0-9_]+$/),
  }),
  'mqtt.url': spec({
    key: 'mqtt.url',
    env: ['STREAM_SMARTS_MQTT_URL'],
    describe: 'MQTT broker for Home Assistant dashboards (MQTT discovery); enables the mqtt sink',
    expect: 'an mqtt:// or mqtts:// URL, e.g. mqtt://homeassistant.local:1883',
    schema: z
      .string()
      .trim()
      .refine((s) => {
        try {
          const u = new URL(s);
          return (u.protocol === 'mqtt:' || u.protocol === 'mqtts:') && u.hostname !== '';
        } catch {
          return false;
        }
      }),
  }),
  'mqtt.username': spec({
    key: 'mqtt.username',
    env: ['STREAM_SMARTS_MQTT_USERNAME'],
    describe: 'MQTT user name',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'mqtt.password': spec({
    key: 'mqtt.password',
    env: ['STREAM_SMARTS_MQTT_PASSWORD'],
    secret: true,
    describe: 'MQTT password',
    expect: 'a non-empty string',
    schema: nonEmpty,
  }),
  'mqtt.caFile': spec({
    key: 'mqtt.caFile',
    env: ['STREAM_SMARTS_MQTT_CA_FILE'],
    describe: 'PEM file of a custom CA for an mqtts:// broker',
    expect: 'a path to a readable PEM file',
    schema: nonEmpty,
  }),
  'mqtt.discoveryPrefix': spec({
    key: 'mqtt.discoveryPrefix',
    env: ['STREAM_SMARTS_MQTT_DISCOVERY_PREFIX'],
    default: 'homeassistant',
    describe: "Home Assistant's MQTT discovery prefix",
    expect: 'an MQTT topic level such as homeassistant',
    schema: z.string().trim().regex(/^[^#+/\s]+$/),
  }),
  'mqtt.topicPrefix': spec({
    key: 'mqtt.topicPrefix',
    env: ['STREAM_SMARTS_MQTT_TOPIC_PREFIX'],
    default: 'stream-smarts',
    describe: 'Prefix of the state and availability topics stream-smarts publishes',
    expect: 'an MQTT topic without wildcards, e.g. stream-smarts',
    schema: z.string().trim().regex(/^[^#+\s]+$/),
  }),
  // --- history files (contracts/src/history: train, run/collect --source replay, evaluate, plot) ---
  'history.maxPowerKw': spec({
    key: 'history.maxPowerKw',
    env: ['STREAM_SMARTS_MAX_POWER_KW'],
    default: '100',
    describe: 'Most a household supply can deliver, kW averaged over a reading\'s interval: history rows above it (or below zero) are bad rows',
    expect: 'a positive number of kW, e.g. 100',
    schema: z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number).pipe(z.number().positive().max(100_000)),
  }),
  'history.maxBadShare': spec({
    key: 'history.maxBadShare',
    env: ['STREAM_SMARTS_MAX_BAD_SHARE'],
    default: '0.01',
    describe: 'Largest share of bad history rows (bad, duplicate, out of order) skipped before a command gives up on the file',
    expect: 'a number from 0 to 1, e.g. 0.01',
    schema: z.string().trim().regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/).transform(Number).pipe(z.number().min(0).max(1)),
  }),
  // --- pi-collector (stream-smarts collect, node pi-collector/dist/main.js) ---
  'collector.meterId': spec({
    key: 'collector.meterId',
    env: ['STREAM_SMARTS_METER_ID'],
    flag: 'meter-id',
    default: 'home',
    describe: 'Meter id: the raw_power record key and meter_id field',
    expect: 'letters, digits, ".", "_" or "-", 1-64 characters',
    schema: z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/),
  }),
  'collector.source': spec({
    key: 'collector.source',
    env: ['STREAM_SMARTS_COLLECTOR_SOURCE'],
    flag: 'source',
    default: 'gpio',
    describe: 'Where pulses come from: the GPIO line, a replayed history file, or the simulated household',
    expect: 'one of gpio, replay, simulator',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['gpio', 'replay', 'simulator'])),
  }),
  'collector.intervalS': spec({
    key: 'collector.intervalS',
    env: ['STREAM_SMARTS_INTERVAL_S'],
    flag: 'interval',
    default: '60',
    describe: 'Reading interval in seconds, aligned to the wall clock',
    expect: 'a whole number of seconds dividing 900, e.g. 10, 30, 60, 300, 900',
    schema: z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(900).refine((n) => 900 % n === 0)),
  }),
  'collector.impulsesPerKwh': spec({
    key: 'collector.impulsesPerKwh',
    env: ['STREAM_SMARTS_IMPULSES_PER_KWH'],
    flag: 'impulses-per-kwh',
    default: '1000',
    describe: 'Meter constant printed on the meter (imp/kWh); 1000 means 1 Wh per blink',
    expect: 'a positive number of impulses per kWh, e.g. 1000, 800 or 3200',
    schema: z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number).pipe(z.number().positive().max(1_000_000)),
  }),
  'collector.stateDir': spec({
    key: 'collector.stateDir',
    env: ['STREAM_SMARTS_STATE_DIR', 'STATE_DIRECTORY'],
    flag: 'state-dir',
    default: './collector-state',
    describe: 'Directory of the collector checkpoint and spool (systemd StateDirectory= sets STATE_DIRECTORY)',
    expect: 'a writable directory path',
    schema: nonEmpty,
  }),
  'collector.spoolMaxReadings': spec({
    key: 'collector.spoolMaxReadings',
    env: ['STREAM_SMARTS_SPOOL_MAX_READINGS'],
    flag: 'spool-max-readings',
    default: '100000',
    describe: 'Readings kept on disk while Kafka is unreachable (100000 = 69 days of minutes); then the oldest are dropped',
    expect: 'a whole number from 10 to 10000000',
    schema: z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(10).max(10_000_000)),
  }),
  'collector.checkpointS': spec({
    key: 'collector.checkpointS',
    env: ['STREAM_SMARTS_CHECKPOINT_S'],
    flag: 'checkpoint',
    default: '5',
    describe: 'Seconds between checkpoints of the open interval (the most pulses a power cut can lose)',
    expect: 'a whole number of seconds from 1 to 3600',
    schema: z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(3600)),
  }),
  'gpio.chip': spec({
    key: 'gpio.chip',
    env: ['STREAM_SMARTS_GPIO_CHIP'],
    flag: 'gpio-chip',
    default: 'gpiochip0',
    describe: 'GPIO chip of the pulse input (see gpiodetect)',
    expect: 'a chip name, number or path, e.g. gpiochip0, 0 or /dev/gpiochip0',
    schema: z.string().trim().regex(/^[A-Za-z0-9/_.-]+$/),
  }),
  'gpio.line': spec({
    key: 'gpio.line',
    env: ['STREAM_SMARTS_GPIO_LINE'],
    flag: 'gpio-line',
    default: '17',
    describe: 'GPIO line (offset or name) the sensor output is wired to (see gpioinfo)',
    expect: 'a line offset such as 17 or a line name such as GPIO17',
    schema: z.string().trim().regex(/^[A-Za-z0-9_.-]+$/),
  }),
  'gpio.edge': spec({
    key: 'gpio.edge',
    env: ['STREAM_SMARTS_GPIO_EDGE'],
    flag: 'gpio-edge',
    default: 'falling',
    describe: 'Edge that marks a blink (LM393 light-sensor modules pull their output low on light: falling)',
    expect: 'rising or falling',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['rising', 'falling'])),
  }),
  'gpio.bias': spec({
    key: 'gpio.bias',
    env: ['STREAM_SMARTS_GPIO_BIAS'],
    flag: 'gpio-bias',
    default: 'as-is',
    describe: 'Pull resistor of the input line',
    expect: 'one of as-is, pull-up, pull-down, disable',
    schema: z.string().trim().toLowerCase().pipe(z.enum(['as-is', 'pull-up', 'pull-down', 'disable'])),
  }),
  'gpio.debounceUs': spec({
    key: 'gpio.debounceUs',
    env: ['STREAM_SMARTS_GPIO_DEBOUNCE_US'],
    flag: 'gpio-debounce-us',
    default: '20000',
    describe: 'Edges closer than this many microseconds to the previous pulse are bounces',
    expect: 'a whole number of microseconds from 0 to 1000000',
    schema: z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(1_000_000)),
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
