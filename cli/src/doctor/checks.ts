import { execa } from 'execa';
import { createKafka, kafkaClientOptions, redactText, type Config, type LoadedConfig } from '@stream-smarts/contracts';
import { buildSinks, checkRequirements, HomeAssistantClient, homeAssistantClient, homeAssistantRequirements, notifierConfig } from '@stream-smarts/notifier';
import { CONFLUENT_IMAGES, CP_FALLBACK, confluentVersion, isReleaseVersion, type ConfluentVersion } from '../udf/confluent-version.js';

/** `skipped`: the check could not run here (e.g. it needs a Docker engine); it is never counted as ok. */
type Status = 'ok' | 'missing' | 'not configured' | 'skipped';

export interface CheckResult {
  name: string;
  /** A required check that is not ok makes `doctor` exit non-zero. */
  required: boolean;
  status: Status;
  detail: string;
  /** The exact step that fixes a missing item. */
  fix?: string;
}

const TIMEOUT_MS = 3000;

type Exec = (cmd: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

const defaultExec: Exec = async (cmd, args) => {
  const r = await execa(cmd, args, { timeout: 10_000, reject: true });
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
};

export interface DoctorDeps {
  exec?: Exec;
  nodeVersion?: string;
  /** The loaded configuration, so the Home Assistant check knows which entities the sinks use. */
  loaded?: LoadedConfig;
  /** H2O_URL (or --h2o-url) was set: training is configured, so H2O is checked. */
  h2oConfigured?: boolean;
}

function basicAuthHeader(auth?: { username: string; password: string }): Record<string, string> {
  return auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
}

async function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  // fetch refuses a URL with user info ("Request cannot be constructed from a URL that includes
  // credentials", WHATWG Fetch): it becomes the Basic header, as KsqlClient does, unless one is given.
  const u = new URL(url);
  if (u.username || u.password) {
    headers = { authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`, ...headers };
    u.username = '';
    u.password = '';
    url = u.toString();
  }
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text for the message */
  }
  return { status: res.status, body };
}

function unreachable(e: unknown): string {
  const err = e as Error & { cause?: { code?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return err.cause?.code ?? err.message;
}

function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return {
    name: 'Node.js',
    required: true,
    status: ok ? 'ok' : 'missing',
    detail: `v${version}${ok ? '' : ' (need 20.19 or newer)'}`,
    ...(ok ? {} : { fix: 'install Node.js 20 LTS or newer: https://nodejs.org/en/download' }),
  };
}

async function toolVersion(exec: Exec, cmd: string, args: string[], pattern: RegExp): Promise<string | undefined> {
  try {
    const r = await exec(cmd, args);
    // Maven colours its banner even when piped; strip ANSI escapes before matching.
    const text = `${r.stdout}\n${r.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    const m = pattern.exec(text);
    return m?.[1] ?? 'unknown version';
  } catch {
    return undefined;
  }
}

/** Java 17+ and Maven build the UDF locally; without them Docker's Maven image does. */
async function checkBuildTools(exec: Exec): Promise<CheckResult[]> {
  const [java, mvn, docker] = await Promise.all([
    toolVersion(exec, 'java', ['-version'], /version "([^"]+)"/),
    toolVersion(exec, 'mvn', ['-v'], /Apache Maven (\S+)/),
    toolVersion(exec, 'docker', ['version', '--format', '{{.Server.Version}}'], /^(\S+)/),
  ]);
  const javaMajor = java ? Number(/^(\d+)/.exec(java)?.[1] ?? 0) : 0;
  const javaOk = java !== undefined && javaMajor >= 17;
  const local = javaOk && mvn !== undefined;
  const results: CheckResult[] = [
    {
      name: 'Java 17+',
      required: false,
      status: javaOk ? 'ok' : 'missing',
      detail: java ? `${java}${javaOk ? '' : ' (need 17 or newer)'}` : 'java not found on PATH',
      ...(javaOk ? {} : { fix: 'Debian/Raspberry Pi OS: sudo apt-get install openjdk-17-jdk-headless; macOS: brew install openjdk@17' }),
    },
    {
      name: 'Maven',
      required: false,
      status: mvn ? 'ok' : 'missing',
      detail: mvn ? `Apache Maven ${mvn}` : 'mvn not found on PATH',
      ...(mvn ? {} : { fix: 'Debian: sudo apt-get install maven; macOS: brew install maven' }),
    },
    {
      name: 'Docker engine',
      required: false,
      status: docker ? 'ok' : 'missing',
      detail: docker ? `server ${docker}` : 'no Docker engine answers (the client alone is not enough)',
      ...(docker ? {} : { fix: 'install Docker Engine or Docker Desktop and start it: https://docs.docker.com/engine/install/' }),
    },
    {
      name: 'UDF build toolchain',
      required: true,
      status: local || docker ? 'ok' : 'missing',
      detail: local ? 'local Java + Maven' : docker ? "Docker's Maven image" : 'neither Java 17 + Maven nor a Docker engine',
      ...(local || docker ? {} : { fix: 'install Java 17 and Maven, or Docker (see the lines above)' }),
    },
  ];
  return results;
}

async function checkKafka(config: Config): Promise<CheckResult> {
  const kafka = createKafka(kafkaClientOptions(config.kafka), { use: 'probe', tune: { connectionTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS } });
  const admin = kafka.admin();
  const where = config.kafka.brokers.join(',');
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    return { name: 'Kafka', required: true, status: 'ok', detail: `${where}: cluster ${c.clusterId}, ${c.brokers.length} broker(s)` };
  } catch (e) {
    return {
      name: 'Kafka',
      required: true,
      status: 'missing',
      detail: `${where}: ${(e as Error).message}`,
      fix: 'set KAFKA_BOOTSTRAP_SERVERS to a running broker (Apache Kafka 4.4 / Confluent Platform 8.4) (and the STREAM_SMARTS_KAFKA_SASL_* / _SSL settings for a secured cluster)',
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Schema Registry REST API: GET /subjects answers a JSON array of subject names. */
async function checkSchemaRegistry(config: Config): Promise<CheckResult> {
  const { url, auth } = config.schemaRegistry;
  const fix = 'set SCHEMA_REGISTRY_URL to a running Confluent Schema Registry (default port 8081)';
  try {
    const r = await getJson(`${url}/subjects`, { accept: 'application/vnd.schemaregistry.v1+json', ...basicAuthHeader(auth) });
    if (r.status === 200 && Array.isArray(r.body)) {
      return { name: 'Schema Registry', required: true, status: 'ok', detail: `${url}: ${r.body.length} subject(s)` };
    }
    if (r.status === 401 || r.status === 403) {
      return { name: 'Schema Registry', required: true, status: 'missing', detail: `${url}: HTTP ${r.status}, credentials rejected`, fix: 'check STREAM_SMARTS_SCHEMA_REGISTRY_USERNAME / _PASSWORD' };
    }
    return { name: 'Schema Registry', required: true, status: 'missing', detail: `${url}: unexpected HTTP ${r.status} from /subjects`, fix };
  } catch (e) {
    return { name: 'Schema Registry', required: true, status: 'missing', detail: `${url}: ${unreachable(e)}`, fix };
  }
}

/** ksqlDB REST API: GET /info answers {"KsqlServerInfo": {"version", "kafkaClusterId", "ksqlServiceId", "serverStatus"}}. */
async function checkKsqlDb(config: Config): Promise<CheckResult> {
  const { url, auth } = config.ksqldb;
  const fix = 'set KSQLDB_URL to a running ksqlDB server (default port 8088)';
  try {
    const r = await getJson(`${url}/info`, basicAuthHeader(auth));
    const info = (r.body as { KsqlServerInfo?: { version?: string; serverStatus?: string } } | undefined)?.KsqlServerInfo;
    if (r.status === 200 && info) {
      return { name: 'ksqlDB', required: true, status: 'ok', detail: `${url}: ksqlDB ${info.version ?? '?'} (${info.serverStatus ?? 'status unknown'})` };
    }
    if (r.status === 401 || r.status === 403) {
      return { name: 'ksqlDB', required: true, status: 'missing', detail: `${url}: HTTP ${r.status}, credentials rejected`, fix: 'check STREAM_SMARTS_KSQLDB_USERNAME / _PASSWORD' };
    }
    return { name: 'ksqlDB', required: true, status: 'missing', detail: `${url}: unexpected HTTP ${r.status} from /info`, fix };
  } catch (e) {
    return { name: 'ksqlDB', required: true, status: 'missing', detail: `${url}: ${unreachable(e)}`, fix };
  }
}

/**
 * Home Assistant, through the notifier's own client (same HTTP agent, same private CA from
 * STREAM_SMARTS_HOME_ASSISTANT_CA_FILE): GET /api/config answers (and says whether HA is RUNNING),
 * then every entity and action the configured sinks use is checked (GET /api/states/<id>,
 * GET /api/services), each missing or unavailable one named.
 */
export async function checkHomeAssistant(config: Config, loaded?: LoadedConfig): Promise<CheckResult> {
  const ha = config.homeAssistant;
  if (!ha) {
    return {
      name: 'Home Assistant',
      required: false,
      status: 'not configured',
      detail: 'no HOME_ASSISTANT_URL: voice and Home Assistant alerts are off',
      fix: 'set HOME_ASSISTANT_URL and HOME_ASSISTANT_TOKEN (a long-lived access token) to enable them',
    };
  }
  const secrets = loaded?.secrets ?? [ha.token];
  let cfg;
  try {
    cfg = loaded ? notifierConfig(loaded) : undefined;
  } catch {
    cfg = undefined;
  }
  const client = (cfg && homeAssistantClient(cfg)) || new HomeAssistantClient({ url: ha.url, token: ha.token, ...(ha.caFile ? { caFile: ha.caFile } : {}) });
  let sinks: ReturnType<typeof buildSinks> = [];
  try {
    const state = await client.coreState();
    sinks = cfg ? buildSinks(cfg, {}, client) : [];
    const problems = (await checkRequirements(client, homeAssistantRequirements(sinks))).map((p) => p.problem);
    if (problems.length > 0) {
      return { name: 'Home Assistant', required: true, status: 'missing', detail: `${ha.url}: ${problems.join('; ')}`, fix: 'fix the entity or action ids (STREAM_SMARTS_HOME_ASSISTANT_*) or bring the device back online, then `stream-smarts notify --test`' };
    }
    return { name: 'Home Assistant', required: true, status: 'ok', detail: `${ha.url}: ${state ?? 'answered'}${state && state !== 'RUNNING' ? ' (still starting)' : ''}` };
  } catch (e) {
    const msg = redactText((e as Error).message, secrets);
    if (/HTTP 401/.test(msg)) {
      return { name: 'Home Assistant', required: true, status: 'missing', detail: `${ha.url}: HTTP 401, token rejected`, fix: 'create a new long-lived access token (Profile → Security) and set HOME_ASSISTANT_TOKEN' };
    }
    return { name: 'Home Assistant', required: true, status: 'missing', detail: `${ha.url}: ${msg}`, fix: 'check HOME_ASSISTANT_URL (and STREAM_SMARTS_HOME_ASSISTANT_CA_FILE for https) and that Home Assistant is running' };
  } finally {
    // Every sink is closed, also when a check threw, and none may hold doctor open: an MQTT sink
    // whose broker refuses keeps reconnecting until closed, and its close waits for nothing longer
    // than a second here.
    await Promise.all(sinks.map((s) => Promise.race([s.close?.().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())])));
    await client.close();
  }
}

/**
 * Docker Compose v2 (`docker compose`, the plugin), which `deploy` and `make up` drive. Its
 * version line is "Docker Compose version v2.x.y" (docker/compose, cmd/compatibility); the
 * retired v1 was the separate `docker-compose` command.
 */
async function checkCompose(exec: Exec): Promise<CheckResult> {
  // "Compose version" exactly: without the plugin, `docker compose version` can fall through to
  // the engine's own "Docker version 27.x" (public setup scripts match the same text).
  const v = await toolVersion(exec, 'docker', ['compose', 'version'], /Compose version v?(\d+\.\d+\S*)/i);
  const major = v ? Number(/^(\d+)/.exec(v)?.[1] ?? 0) : 0;
  const ok = v !== undefined && major >= 2;
  return {
    name: 'Docker Compose v2',
    required: false,
    status: ok ? 'ok' : 'missing',
    detail: v ? `docker compose ${v}${ok ? '' : ' (need v2)'}` : '`docker compose` does not answer (deploy and make up need it)',
    ...(ok ? {} : { fix: 'install the Compose plugin: Debian `sudo apt-get install docker-compose-plugin` (Docker\'s apt repository), or Docker Desktop: https://docs.docker.com/compose/install/' }),
  };
}

/** docker CLI's own error for a tag the registry does not have (below). */
const NO_SUCH_MANIFEST = /no such manifest|manifest unknown|not found/i;

/**
 * The stack's three Confluent images at the one Confluent Platform version (CP_VERSION, else
 * docker-compose.yml's default: confluentVersion) exist on the registry: `docker manifest inspect
 * <image>:<tag>` for each, which asks the registry and pulls nothing. For a tag it does not have,
 * the docker CLI fails with "no such manifest: docker.io/<image>:<tag>" (docker/cli
 * cli/registry/client/fetcher.go, newNotFoundError; the reference is the normalized one,
 * cli/command/manifest/inspect.go). Checked only where a Docker engine answers: where none does,
 * `docker compose up` cannot run either, and the check says it was skipped.
 */
async function checkConfluentImages(exec: Exec, engine: boolean): Promise<CheckResult> {
  const name = 'Confluent images';
  let cp: ConfluentVersion;
  try {
    cp = confluentVersion();
  } catch (e) {
    return { name, required: false, status: 'skipped', detail: `not checked: ${(e as Error).message}` };
  }
  const tagged = CONFLUENT_IMAGES.map((i) => `${i}:${cp.version}`);
  const which = `CP_VERSION ${cp.version}, ${cp.source}`;
  if (!engine) {
    return { name, required: false, status: 'skipped', detail: `skipped: no Docker engine answers, so ${tagged.join(', ')} (${which}) were not looked up; \`docker compose up\` needs an engine too` };
  }
  const failures = (
    await Promise.all(
      tagged.map(async (ref) => {
        try {
          await exec('docker', ['manifest', 'inspect', ref]);
          return undefined;
        } catch (e) {
          const err = e as { stderr?: unknown; message?: string; timedOut?: boolean };
          const text = (typeof err.stderr === 'string' && err.stderr.trim()) || (err.timedOut ? 'no answer from the registry in time' : (err.message ?? 'failed').split('\n')[0]!);
          return { ref, text: text.replace(/\s*\n\s*/g, '; '), missing: NO_SUCH_MANIFEST.test(text) };
        }
      }),
    )
  ).filter((f) => f !== undefined);
  const release = isReleaseVersion(cp.version)
    ? ''
    : `; ${cp.version} is no release number, so Docker's Maven build of the UDF refuses it (io.confluent.ksql:ksqldb-udf is published under release numbers, e.g. ${CP_FALLBACK}); local Maven builds it`;
  if (failures.length === 0) return { name, required: false, status: 'ok', detail: `${tagged.join(', ')} resolve (${which})${release}` };
  const set = cp.version === CP_FALLBACK ? 'set CP_VERSION to a Confluent Platform release whose images are published (hub.docker.com/r/confluentinc/cp-kafka/tags)' : `set CP_VERSION=${CP_FALLBACK} (in .env or the environment: the images and the UDF's Docker build both use it)`;
  const fix = failures.every((f) => f.missing)
    ? `${set}: the tag ${cp.version} is not published for ${failures.map((f) => f.ref.split(':')[0]).join(', ')}`
    : `check that Docker reaches the registry (\`docker manifest inspect ${failures[0]!.ref}\`); if the tag is not published, ${set}`;
  return { name, required: false, status: 'missing', detail: `${failures.map((f) => `${f.ref}: ${f.text}`).join('; ')} (${which})${release}`, fix };
}

/** H2O for `train`, checked only when H2O_URL is configured: GET /3/Cloud answers its version and health. */
async function checkH2O(config: Config): Promise<CheckResult> {
  const url = config.h2o.url;
  const fix = `start H2O: \`docker compose --profile train up -d h2o\`, or set H2O_URL to a running H2O`;
  try {
    const r = await getJson(`${url}/3/Cloud`, {});
    const c = r.body as { version?: string; cloud_healthy?: boolean };
    if (r.status === 200 && typeof c?.version === 'string') {
      return { name: 'H2O (training)', required: false, status: c.cloud_healthy === false ? 'missing' : 'ok', detail: `${url}: H2O ${c.version}${c.cloud_healthy === false ? ', cloud not healthy' : ''}`, ...(c.cloud_healthy === false ? { fix } : {}) };
    }
    return { name: 'H2O (training)', required: false, status: 'missing', detail: `${url}: unexpected HTTP ${r.status} from /3/Cloud`, fix: 'check H2O_URL points at H2O (port 54321 by default)' };
  } catch (e) {
    return { name: 'H2O (training)', required: false, status: 'missing', detail: `${url}: ${unreachable(e)}`, fix };
  }
}

export async function runChecks(config: Config, deps: DoctorDeps = {}): Promise<CheckResult[]> {
  const exec = deps.exec ?? defaultExec;
  const [{ tools, images }, compose, kafka, sr, ksql, ha, h2o] = await Promise.all([
    checkBuildTools(exec).then(async (tools) => ({ tools, images: await checkConfluentImages(exec, tools.some((t) => t.name === 'Docker engine' && t.status === 'ok')) })),
    checkCompose(exec),
    checkKafka(config),
    checkSchemaRegistry(config),
    checkKsqlDb(config),
    checkHomeAssistant(config, deps.loaded),
    deps.h2oConfigured ? checkH2O(config) : Promise.resolve(undefined),
  ]);
  return [checkNode(deps.nodeVersion), ...tools, compose, images, kafka, sr, ksql, ha, ...(h2o ? [h2o] : [])];
}

export function healthy(results: CheckResult[]): boolean {
  return results.every((r) => !r.required || r.status === 'ok');
}
