import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { rememberSecrets, redactUrl, redactUrlsIn, secretForms, urlLogin } from '../redact.js';
import { garbageLines } from './dotenv-lines.js';
import { unknownNameWarnings } from './unknown-names.js';
import { SETTINGS, SETTING_KEYS, type SettingKey, type SettingValue } from './settings.js';

/** Where a value came from, in words a user can act on. */
export type Source =
  | { kind: 'flag'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'env-file'; name: string; path: string }
  | { kind: 'dotenv'; name: string; path: string }
  | { kind: 'dotenv-file'; name: string; path: string; file: string }
  | { kind: 'default' };

export function describeSource(s: Source): string {
  switch (s.kind) {
    case 'flag':
      return `flag --${s.name}`;
    case 'env':
      return `environment variable ${s.name}`;
    case 'env-file':
      return `file ${s.path} (from environment variable ${s.name})`;
    case 'dotenv':
      return `${s.name} in ${s.path}`;
    case 'dotenv-file':
      return `file ${s.file} (from ${s.name} in ${s.path})`;
    case 'default':
      return 'default';
  }
}

export interface ConfigInput {
  /** Command-line flags by flag name (e.g. `bootstrap-servers`); undefined means not given. */
  flags?: Record<string, string | undefined>;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Path of the `.env` file; defaults to `./.env`. A missing default file is fine. */
  envFile?: string;
  /** Whether a missing `envFile` is an error (true when the user named the file). */
  envFileRequired?: boolean;
  /**
   * Settings the command does not use (e.g. Kafka's for `run`): a bad value there is not the
   * command's problem, so it is not checked and the default stands in.
   */
  unused?: (key: SettingKey) => boolean;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: false | { caFile?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface BasicAuth {
  username: string;
  password: string;
}

export interface Config {
  logLevel: SettingValue<'logLevel'>;
  timezone: string;
  kafka: KafkaConfig;
  schemaRegistry: { url: string; auth?: BasicAuth };
  ksqldb: { url: string; auth?: BasicAuth };
  h2o: { url: string; javaOptions?: string[] };
  homeAssistant?: { url: string; token: string; caFile?: string };
  pushbullet?: { token: string };
}

export interface ResolvedSetting {
  key: SettingKey;
  /** The raw text as given (never printed for secrets). */
  raw: string;
  source: Source;
}

export interface LoadedConfig {
  config: Config;
  /** Each setting that has a value, with its source; secrets flagged for redaction. */
  settings: ResolvedSetting[];
  /** Every secret value in force, so log lines and messages can be scrubbed of them. */
  secrets: string[];
  /** Names given that stream-smarts does not read (a typo in `.env`, an unknown STREAM_SMARTS_* variable), each with the nearest valid name: for the caller to log. */
  warnings: string[];
}

/** One line per problem; `message` joins them so a CLI can print it and exit. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}

/**
 * Resolves every setting: flags > environment > `.env` file > defaults.
 * Secrets may also come from `<VAR>_FILE` (a path), the Docker-secrets convention.
 * Throws ConfigError naming each bad setting, its source and what is expected.
 */
/** A `.env` of every setting with comments is a few KB; a MiB is no settings file. */
const MAX_ENV_FILE_BYTES = 1 << 20;

export function loadConfig(input: ConfigInput = {}): LoadedConfig {
  const env = input.env ?? process.env;
  const flags = input.flags ?? {};
  // STREAM_SMARTS_ENV_FILE: the flag's twin for where a flag cannot reach — `npx stream-smarts
  // --env-file F` on Node 20, whose own node (running npx) takes any --env-file in argv
  // (nodejs/node#54232) before npx starts; or a systemd unit's Environment=.
  const envFromVar = input.envFile === undefined && env['STREAM_SMARTS_ENV_FILE'] ? env['STREAM_SMARTS_ENV_FILE'] : undefined;
  const envFilePath = resolve(input.envFile ?? envFromVar ?? '.env');
  const envFileRequired = input.envFileRequired || envFromVar !== undefined;
  const givenWith = envFromVar !== undefined ? 'STREAM_SMARTS_ENV_FILE' : '--env-file';
  const problems: string[] = [];

  let dotenv: Record<string, string> = {};
  let envFileText: string | undefined;
  const st = existsSync(envFilePath) ? statSync(envFilePath) : undefined;
  if (st && !st.isFile()) {
    // A settings file is read whole: /dev/zero or a FIFO would never end.
    problems.push(`env file ${envFilePath} is not a regular file (given with ${givenWith}); give a file of NAME=value lines`);
  } else if (st && st.size > MAX_ENV_FILE_BYTES) {
    problems.push(`env file ${envFilePath} is ${st.size.toLocaleString('en')} bytes, more than a settings file holds (at most ${MAX_ENV_FILE_BYTES.toLocaleString('en')}); is it the right file?`);
  } else if (st) {
    try {
      const text = readFileSync(envFilePath);
      dotenv = parseDotenv(text);
      envFileText = text.toString('utf8');
      for (const g of garbageLines(text.toString('utf8'))) {
        problems.push(`${envFilePath}:${g.line}: not a setting: ${JSON.stringify(g.text.replace(/=.*$/, '=…').slice(0, 60))} (a value after = is not shown); expected NAME=value (or a # comment)`);
      }
    } catch (e) {
      problems.push(`cannot read ${envFilePath}: ${(e as Error).message}`);
    }
  } else if (envFileRequired) {
    problems.push(`env file ${envFilePath} does not exist (given with ${givenWith}); create it or drop the ${givenWith === '--env-file' ? 'flag' : 'variable'}`);
  }

  const resolved: ResolvedSetting[] = [];
  const values = new Map<SettingKey, unknown>();

  for (const key of SETTING_KEYS) {
    const spec = SETTINGS[key];
    let found: { raw: string; source: Source } | undefined;
    try {
      found = pick(spec, flags, env, dotenv, envFilePath);
    } catch (e) {
      problems.push(`${key}: ${(e as Error).message}`);
      continue;
    }
    if (!found) continue;
    if (input.unused?.(key) && found.source.kind !== 'default' && !spec.schema.safeParse(found.raw).success) {
      if (!('default' in spec) || spec.default === undefined) continue;
      found = { raw: spec.default, source: { kind: 'default' } };
    }
    const parsed = spec.schema.safeParse(found.raw);
    if (!parsed.success) {
      const shown = spec.secret ? '(redacted)' : JSON.stringify(found.raw);
      problems.push(`${key} = ${shown} from ${describeSource(found.source)}: expected ${spec.expect}`);
      continue;
    }
    values.set(key, parsed.data);
    resolved.push({ key, raw: found.raw, source: found.source });
  }

  const get = <K extends SettingKey>(k: K) => values.get(k) as SettingValue<K> | undefined;
  const sourceOf = (k: SettingKey) => {
    const r = resolved.find((x) => x.key === k);
    return r ? describeSource(r.source) : 'nowhere';
  };

  const requireTogether = (keys: SettingKey[], why: string) => {
    const set = keys.filter((k) => values.has(k));
    if (set.length > 0 && set.length < keys.length) {
      const missing = keys.filter((k) => !values.has(k));
      problems.push(
        `${missing.join(', ')} not set, but ${set.map((k) => `${k} is (${sourceOf(k)})`).join(', ')}: ${why}; set ${missing
          .map((k) => SETTINGS[k].env[0])
          .join(' and ')}`,
      );
    }
  };
  requireTogether(['kafka.saslMechanism', 'kafka.saslUsername', 'kafka.saslPassword'], 'SASL needs a mechanism, a user and a password');
  requireTogether(['schemaRegistry.username', 'schemaRegistry.password'], 'basic auth needs both');
  requireTogether(['ksqldb.username', 'ksqldb.password'], 'basic auth needs both');
  requireTogether(['homeAssistant.url', 'homeAssistant.token'], 'Home Assistant needs its URL and a long-lived access token');

  const caFiles: SettingKey[] = ['kafka.sslCaFile', 'homeAssistant.caFile'];
  for (const k of caFiles) {
    const path = get(k) as string | undefined;
    if (path !== undefined && !existsSync(path)) {
      problems.push(`${k} = ${JSON.stringify(path)} from ${sourceOf(k)}: expected ${SETTINGS[k].expect}, but the file does not exist`);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const sasl = get('kafka.saslMechanism');
  const caFile = get('kafka.sslCaFile');
  const config: Config = {
    logLevel: get('logLevel')!,
    timezone: get('timezone')!,
    kafka: {
      brokers: get('kafka.brokers')!,
      clientId: get('kafka.clientId')!,
      ssl:
        get('kafka.ssl') || caFile !== undefined
          ? { ...(caFile !== undefined ? { caFile } : {}), rejectUnauthorized: get('kafka.sslRejectUnauthorized')! }
          : false,
      ...(sasl
        ? { sasl: { mechanism: sasl, username: get('kafka.saslUsername')!, password: get('kafka.saslPassword')! } }
        : {}),
    },
    schemaRegistry: {
      url: get('schemaRegistry.url')!,
      ...(values.has('schemaRegistry.username')
        ? { auth: { username: get('schemaRegistry.username')!, password: get('schemaRegistry.password')! } }
        : {}),
    },
    ksqldb: {
      url: get('ksqldb.url')!,
      ...(values.has('ksqldb.username')
        ? { auth: { username: get('ksqldb.username')!, password: get('ksqldb.password')! } }
        : {}),
    },
    h2o: { url: get('h2o.url')!, ...(values.has('h2o.javaOptions') ? { javaOptions: get('h2o.javaOptions')! } : {}) },
    ...(values.has('homeAssistant.url')
      ? {
          homeAssistant: {
            url: get('homeAssistant.url')!,
            token: get('homeAssistant.token')!,
            ...(values.has('homeAssistant.caFile') ? { caFile: get('homeAssistant.caFile')! } : {}),
          },
        }
      : {}),
    ...(values.has('pushbullet.token') ? { pushbullet: { token: get('pushbullet.token')! } } : {}),
  };

  const secrets = configSecrets(resolved);
  // Every line the process writes passes redactKnown last (cli/src/output.ts, the loggers).
  rememberSecrets(secrets);
  const warnings = unknownNameWarnings(env, Object.keys(dotenv), envFileText !== undefined ? { path: envFilePath, text: envFileText } : undefined);
  return { config, settings: resolved, secrets, warnings };
}

/**
 * Every secret in force, in every form it can be echoed in: the secret settings, the password of
 * any URL's user info (\`http://user:pass@host\`), and the base64 \`user:password\` of each login
 * that goes out as Basic auth (Schema Registry, ksqlDB, URL user info; MQTT and SASL too, to be safe).
 */
function configSecrets(resolved: readonly ResolvedSetting[]): string[] {
  const raw = (k: SettingKey) => resolved.find((r) => r.key === k)?.raw;
  const logins: { username: string; password: string }[] = [];
  for (const [user, pass] of [
    ['schemaRegistry.username', 'schemaRegistry.password'],
    ['ksqldb.username', 'ksqldb.password'],
    ['kafka.saslUsername', 'kafka.saslPassword'],
    ['mqtt.username', 'mqtt.password'],
  ] as [SettingKey, SettingKey][]) {
    const p = raw(pass);
    if (p !== undefined) logins.push({ username: raw(user) ?? '', password: p });
  }
  for (const r of resolved) {
    const l = urlLogin(r.raw);
    if (l) logins.push(l);
  }
  return secretForms(
    resolved.filter((r) => SETTINGS[r.key].secret).map((r) => r.raw),
    logins,
  );
}

function pick(
  spec: (typeof SETTINGS)[SettingKey],
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  dotenv: Record<string, string>,
  envFilePath: string,
): { raw: string; source: Source } | undefined {
  if ('flag' in spec && spec.flag !== undefined) {
    const v = flags[spec.flag];
    if (v !== undefined) return { raw: v, source: { kind: 'flag', name: spec.flag } };
  }
  for (const name of spec.env) {
    const v = env[name];
    if (v !== undefined && v !== '') return { raw: v, source: { kind: 'env', name } };
    if (spec.secret) {
      const f = env[`${name}_FILE`];
      if (f) return { raw: readSecretFileOrExplain(f, `${name}_FILE`), source: { kind: 'env-file', name: `${name}_FILE`, path: f } };
    }
  }
  for (const name of spec.env) {
    const v = dotenv[name];
    if (v !== undefined && v !== '') return { raw: v, source: { kind: 'dotenv', name, path: envFilePath } };
    if (spec.secret) {
      const f = dotenv[`${name}_FILE`];
      if (f) {
        return {
          raw: readSecretFileOrExplain(f, `${name}_FILE in ${envFilePath}`),
          source: { kind: 'dotenv-file', name: `${name}_FILE`, path: envFilePath, file: f },
        };
      }
    }
  }
  if ('default' in spec && spec.default !== undefined) return { raw: spec.default, source: { kind: 'default' } };
  return undefined;
}

function readSecretFileOrExplain(path: string, from: string): string {
  try {
    return readSecretFile(path);
  } catch (e) {
    throw new Error(`cannot read the secret file ${path} named by ${from}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Rows for `stream-smarts config`: secrets shown as set/unset only. */
export function describeSettings(loaded: LoadedConfig): { key: string; value: string; source: string }[] {
  return SETTING_KEYS.map((key) => {
    const r = loaded.settings.find((s) => s.key === key);
    if (!r) return { key, value: '(not set)', source: '' };
    return {
      key,
      // A URL may carry a password (http://user:pass@host): shown without it.
      value: SETTINGS[key].secret ? '(redacted)' : redactUrlsIn(redactUrl(r.raw)),
      source: describeSource(r.source),
    };
  });
}

/** A setting's value in force (flags > environment > .env > default), parsed by its schema. */
export function settingValue<K extends SettingKey>(loaded: LoadedConfig, key: K): SettingValue<K> {
  const r = loaded.settings.find((s) => s.key === key);
  return SETTINGS[key].schema.parse(r === undefined ? SETTINGS[key].default : r.raw) as SettingValue<K>;
}
