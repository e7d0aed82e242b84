import { relative } from 'node:path';
import { execa } from 'execa';
import { createKafka, RAW_POWER_AVSC_PATH, RAW_POWER_SUBJECT, RAW_POWER_TOPIC, rawPowerAvsc, redactText, redactUrl, type KafkaClientOptions } from '@stream-smarts/contracts';
import { ensureRawPowerTopic, type TopicSpec } from '@stream-smarts/pi-collector';
import type { Step } from './steps.js';

/**
 * What `deploy` prepares before it applies ksql/: the topic raw_power and the subject
 * raw_power-value, which 010's CREATE STREAM needs (ksqlDB refuses a stream over a topic that does
 * not exist, and infers the value columns from the subject). Both steps are idempotent and do what
 * the collector does on its side (pi-collector ensureTopic and registerSchema).
 */

export interface SchemaRegistryTarget {
  url: string;
  auth?: { username: string; password: string };
}

/**
 * A URL's user info as Basic auth, and the URL without it: fetch refuses URLs with credentials, and
 * its error would print the password.
 */
export function withoutUserInfo(url: string, auth?: { username: string; password: string }): { url: string; auth?: { username: string; password: string } } {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return { url, ...(auth ? { auth } : {}) };
    const found = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
    u.username = '';
    u.password = '';
    return { url: u.toString().replace(/\/+$/, ''), auth: auth ?? found };
  } catch {
    return { url, ...(auth ? { auth } : {}) };
  }
}

/** Why a fetch failed, without its message (which names the URL). */
function fetchFailure(e: unknown): string {
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message && !/:\/\//.test(cause.message)) return cause.message;
  if ((e as Error).name === 'TimeoutError') return 'no answer in time';
  return 'the request failed';
}

function retentionText(ms: number): string {
  return ms === -1 ? 'forever' : `${Math.round(ms / 86_400_000)} days`;
}

export function topicStep(kafka: KafkaClientOptions, spec: TopicSpec): Step {
  const where = kafka.brokers.join(',');
  return {
    title: `create the topic ${RAW_POWER_TOPIC} unless it exists (${spec.partitions} partition${spec.partitions === 1 ? '' : 's'}, replication ${spec.replicationFactor}, retention ${retentionText(spec.retentionMs)})`,
    detail: `Kafka CreateTopics on ${where}: ${RAW_POWER_TOPIC} partitions=${spec.partitions} replication.factor=${spec.replicationFactor} retention.ms=${spec.retentionMs} (skipped if the topic exists)`,
    run: async () => {
      const admin = createKafka(kafka, { use: 'command' }).admin();
      try {
        await admin.connect();
        const r = await ensureRawPowerTopic(admin, RAW_POWER_TOPIC, spec);
        if (r.created) return `created ${RAW_POWER_TOPIC}`;
        const short = r.retentionMs !== undefined && r.retentionMs !== -1 && (spec.retentionMs === -1 || r.retentionMs < spec.retentionMs);
        return (
          `${RAW_POWER_TOPIC} exists (${r.partitions ?? '?'} partitions, retention ${r.retentionMs === undefined ? '?' : retentionText(r.retentionMs)})` +
          (short ? `; note: readings older than that are deleted, so a replayed history can vanish on arrival: raise the topic's retention.ms` : '')
        );
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

/** Confluent Schema Registry's error body {"error_code", "message"} as one line. */
async function registryError(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const j = JSON.parse(text) as { error_code?: number; message?: string };
    return `${j.message ?? text}${j.error_code ? ` (error_code ${j.error_code})` : ''}`;
  } catch {
    return text.slice(0, 300) || '(empty body)';
  }
}

/**
 * Registers whatever contracts/schemas/raw_power.avsc holds under raw_power-value at BACKWARD
 * compatibility: PUT /config/<subject>, then POST /subjects/<subject>/versions (Confluent Schema
 * Registry REST API; registering the schema already there answers its id again). A refusal keeps
 * Schema Registry's own message: 409 for a schema incompatible with the registered one, 422 for an
 * invalid one (confluentinc/schema-registry core/.../rest/exceptions/Errors.java).
 */
export function schemaStep(given: SchemaRegistryTarget): Step {
  const shown = redactUrl(given.url.replace(/\/+$/, ''));
  const sr = withoutUserInfo(given.url, given.auth);
  const base = sr.url.replace(/\/+$/, '');
  const file = relative(process.cwd(), RAW_POWER_AVSC_PATH) || RAW_POWER_AVSC_PATH;
  const headers: Record<string, string> = { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json' };
  if (sr.auth) headers['authorization'] = `Basic ${Buffer.from(`${sr.auth.username}:${sr.auth.password}`).toString('base64')}`;
  return {
    title: `register ${file} under ${RAW_POWER_SUBJECT} (BACKWARD compatibility)`,
    detail: `PUT ${shown}/config/${RAW_POWER_SUBJECT} {"compatibility": "BACKWARD"}\nPOST ${shown}/subjects/${RAW_POWER_SUBJECT}/versions {"schema": <${file}>}`,
    run: async () => {
      const secrets = sr.auth ? [sr.auth.password] : [];
      const call = async (method: string, path: string, body: unknown) => {
        try {
          return await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        } catch (e) {
          throw new Error(`cannot reach Schema Registry at ${shown} (${fetchFailure(e)}): start the stack with \`docker compose up -d\`, or set SCHEMA_REGISTRY_URL`);
        }
      };
      const cfg = await call('PUT', `/config/${encodeURIComponent(RAW_POWER_SUBJECT)}`, { compatibility: 'BACKWARD' });
      if (!cfg.ok) throw new Error(`Schema Registry ${shown} refused PUT /config/${RAW_POWER_SUBJECT} (HTTP ${cfg.status}): ${redactText(await registryError(cfg), secrets)}`);
      const res = await call('POST', `/subjects/${encodeURIComponent(RAW_POWER_SUBJECT)}/versions`, { schema: rawPowerAvsc() });
      if (!res.ok) {
        const why = redactText(await registryError(res), secrets);
        if (res.status === 409) {
          throw new Error(
            `Schema Registry refused ${file} for ${RAW_POWER_SUBJECT}: it is not BACKWARD compatible with the version registered (HTTP 409): ${why}. A new field needs a default; a field cannot change type`,
          );
        }
        throw new Error(`Schema Registry refused ${file} for ${RAW_POWER_SUBJECT} (HTTP ${res.status}): ${why}`);
      }
      const { id } = (await res.json()) as { id: number };
      return `${RAW_POWER_SUBJECT} holds ${file} as schema id ${id}`;
    },
  };
}

/** One prerequisite: what it is, and a check that throws an Error saying how to fix it. */
export interface Prerequisite {
  what: string;
  check: () => Promise<void>;
}

/** Runs every check before anything changes; all failures are reported together. */
export function preflightStep(prereqs: Prerequisite[]): Step {
  return {
    title: 'check the prerequisites (nothing is changed until they all hold)',
    label: 'checked',
    detail: prereqs.map((p) => `- ${p.what}`).join('\n'),
    run: async () => {
      const failures: string[] = [];
      for (const p of prereqs) {
        try {
          await p.check();
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
      if (failures.length === 1) throw new Error(failures[0]);
      if (failures.length > 1) throw new Error(failures.map((f, i) => `(${i + 1}) ${f}`).join('\n    '));
      return `${prereqs.length} prerequisites hold`;
    },
  };
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string; why: string; missing: boolean }> {
  try {
    const r = await execa(cmd, args, { reject: false, timeout: 30_000 });
    const err = String(r.stderr ?? '').trim().split('\n')[0] ?? '';
    return { ok: r.exitCode === 0, out: String(r.stdout ?? ''), why: err || `exit status ${String(r.exitCode)}`, missing: (r as { code?: string }).code === 'ENOENT' };
  } catch (e) {
    return { ok: false, out: '', why: (e as Error).message.split('\n')[0]!, missing: (e as { code?: string }).code === 'ENOENT' };
  }
}

/** Docker Compose v2 (`docker compose`), which restarts the stack's ksqlDB. */
export function composePrerequisites(composeFile: string): Prerequisite[] {
  return [
    {
      what: 'Docker Compose v2 is installed (`docker compose version`)',
      check: async () => {
        const r = await run('docker', ['compose', 'version']);
        if (r.missing) throw new Error('Docker is not installed (no `docker` on PATH): deploying to the compose stack needs Docker with the Compose v2 plugin; install it, or deploy to servers you restart yourself with --targets FILE');
        if (!r.ok) throw new Error(`Docker Compose v2 is not available (\`docker compose version\`: ${r.why}): install the Docker Compose plugin, or deploy to servers you restart yourself with --targets FILE`);
      },
    },
    {
      what: `the stack of ${composeFile} is up: kafka, schema-registry and ksqldb-server running`,
      check: async () => {
        const r = await run('docker', ['compose', '-f', composeFile, 'ps', '--services', '--status', 'running']);
        if (r.missing) return; // said above
        if (!r.ok) throw new Error(`cannot ask Docker Compose which services run (\`docker compose ps\`: ${r.why}); is the Docker engine running?`);
        const running = new Set(r.out.split('\n').map((l) => l.trim()).filter(Boolean));
        const down = ['kafka', 'schema-registry', 'ksqldb-server'].filter((s) => !running.has(s));
        if (down.length > 0) throw new Error(`the compose stack is not up (${down.join(', ')} not running): start it with \`docker compose -f ${composeFile} up -d --wait\`, then deploy again`);
      },
    },
  ];
}

export function commandPrerequisite(cmd: string, args: string[], why: string): Prerequisite {
  return {
    what: `\`${cmd}\` is installed (${why})`,
    check: async () => {
      const r = await run(cmd, args);
      if (r.missing) throw new Error(`\`${cmd}\` is not installed (${why}): install it, or change the targets file`);
    },
  };
}

export function kafkaPrerequisite(kafka: KafkaClientOptions): Prerequisite {
  const where = kafka.brokers.join(',');
  return {
    what: `Kafka answers at ${where}`,
    check: async () => {
      const admin = createKafka(kafka, { use: 'probe' }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } catch (e) {
        throw new Error(`cannot reach Kafka at ${where} (${(e as Error).message}): start the stack with \`docker compose up -d\`, or set KAFKA_BOOTSTRAP_SERVERS`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

export function schemaRegistryPrerequisite(given: SchemaRegistryTarget): Prerequisite {
  const shown = redactUrl(given.url);
  const sr = withoutUserInfo(given.url, given.auth);
  return {
    what: `Schema Registry answers at ${shown}`,
    check: async () => {
      const headers: Record<string, string> = sr.auth ? { authorization: `Basic ${Buffer.from(`${sr.auth.username}:${sr.auth.password}`).toString('base64')}` } : {};
      let res: Response;
      try {
        res = await fetch(`${sr.url.replace(/\/+$/, '')}/subjects`, { headers, signal: AbortSignal.timeout(5000) });
      } catch (e) {
        throw new Error(`cannot reach Schema Registry at ${shown} (${fetchFailure(e)}): start the stack with \`docker compose up -d\`, or set SCHEMA_REGISTRY_URL`);
      }
      if (!res.ok) throw new Error(`Schema Registry at ${shown} answered HTTP ${res.status} to GET /subjects`);
    },
  };
}
