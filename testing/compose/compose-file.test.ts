import { execFile } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPOSE_GO_VERSION, composeSpecSchema } from './spec-schema.js';

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const COMPOSE_FILE = resolve(HERE, '../../docker-compose.yml');
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as {
  services: Record<string, { image?: string; ports?: string[]; profiles?: string[]; healthcheck?: unknown; volumes?: string[]; environment?: Record<string, unknown>; command?: string[]; build?: { dockerfile?: string }; user?: string }>;
};

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validate: Validate;

beforeAll(async () => {
  // compose-go registers its own string formats (durations, ports); the schema's structure is what we check.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  validate = ajv.compile(await composeSpecSchema()) as Validate;
}, 90_000);

describe(`docker-compose.yml against the Compose specification schema (compose-go ${COMPOSE_GO_VERSION})`, () => {
  it('is valid', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is real: it rejects a misspelt key and a wrong type', () => {
    const bad = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    bad.services['kafka']!['healthchek'] = bad.services['kafka']!['healthcheck'];
    expect(validate(bad)).toBe(false);
    const bad2 = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    bad2.services['kafka']!['ports'] = 9092;
    expect(validate(bad2)).toBe(false);
  });

  it('pins one Confluent Platform 8.4 release for every Confluent image, the line whose Kafka the tests run', () => {
    const kafkaVersion = /<kafka\.version>([^<]+)</.exec(readFileSync(resolve(HERE, '../kafka/pom.xml'), 'utf8'))![1];
    expect(kafkaVersion).toBe('4.4.0'); // Confluent Platform 8.4.x ships Apache Kafka 4.4.x
    const confluent = Object.values(compose.services).filter((s) => s.image?.startsWith('confluentinc/'));
    expect(confluent.map((s) => s.image)).toEqual([
      'confluentinc/cp-kafka:${CP_VERSION:-8.4.0}',
      'confluentinc/cp-schema-registry:${CP_VERSION:-8.4.0}',
      'confluentinc/cp-ksqldb-server:${CP_VERSION:-8.4.0}',
    ]);
    // Confluent ships no ksqlDB CLI image after CP 8.1 (ksql-images: one image, server and CLI).
    expect(Object.values(compose.services).some((s) => s.image?.includes('ksqldb-cli'))).toBe(false);
  });

  it("health-checks the Confluent images with the `ub` readiness commands they ship, not curl (no curl on cp-base-java-micro)", () => {
    const checks = Object.fromEntries(Object.entries(compose.services).map(([name, s]) => [name, (s.healthcheck as { test: string[] }).test]));
    expect(checks['kafka']).toEqual(['CMD', 'ub', 'kafka-ready', '1', '10', '-b', 'localhost:9092']);
    expect(checks['schema-registry']).toEqual(['CMD', 'ub', 'sr-ready', 'localhost', '8081', '5']);
    expect(checks['ksqldb-server']).toEqual(['CMD', 'ub', 'ksql-server-ready', 'localhost', '8088', '5']);
    for (const name of ['kafka', 'schema-registry', 'ksqldb-server']) expect(checks[name]!.join(' '), name).not.toMatch(/curl|wget/);
  });

  it('has a health check on each service, the conventional ports, and H2O under the train profile', () => {
    for (const [name, s] of Object.entries(compose.services)) expect(s.healthcheck, name).toBeDefined();
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports).toEqual(expect.arrayContaining(['9092:9092', '8081:8081', '8088:8088', '54321:54321']));
    expect(compose.services['h2o']?.profiles).toEqual(['train']);
    expect(Object.values(compose.services).some((s) => s.image?.includes('zookeeper'))).toBe(false);
  });

  it('mounts ./ext as ksqlDB’s extension directory and tells ksqlDB so', () => {
    const ksql = compose.services['ksqldb-server']!;
    const dir = ksql.environment!['KSQL_KSQL_EXTENSION_DIR'] as string;
    expect(ksql.volumes).toContain(`./ext:${dir}:ro`);
    expect(ksql.environment!['KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET']).toBe('earliest');
  });

  it('mounts the model directory into ksqlDB as the UDF’s model.path, under the env names the image maps to ksql.* properties', () => {
    const ksql = compose.services['ksqldb-server']!;
    const env = ksql.environment!;
    expect(ksql.volumes).toContain('${STREAM_SMARTS_KSQLDB_MODEL_DIR:-./ext/model}:/etc/ksqldb/model:ro');
    expect(env['KSQL_KSQL_FUNCTIONS_ANOMOLY__POWER_MODEL_PATH']).toBe('/etc/ksqldb/model');
    expect(env['KSQL_KSQL_FUNCTIONS_ANOMOLY__POWER_MODEL_CHECK_INTERVAL_MS']).toBe(10000);
    // The image's ub ConvertKey (confluentinc/cp-docker-utils cmd/ub/ub.go), KSQL_ prefix dropped:
    // "_" → ".", "__" → "_", "___" → "-", lower case; its regexp replaces lone underscores only.
    const convert = (k: string) =>
      k
        .slice('KSQL_'.length)
        .replace(/[^_]_[^_]/g, (m) => m.replace('_', '.'))
        .replace(/___/g, '-')
        .replace(/__/g, '_')
        .toLowerCase();
    expect(convert('KSQL_KSQL_FUNCTIONS_ANOMOLY__POWER_MODEL_PATH')).toBe('ksql.functions.anomoly_power.model.path');
    expect(convert('KSQL_KSQL_FUNCTIONS_ANOMOLY__POWER_MODEL_CHECK_INTERVAL_MS')).toBe('ksql.functions.anomoly_power.model.check.interval.ms');
    expect(convert('KSQL_KSQL_EXTENSION_DIR')).toBe('ksql.extension.dir');
  });

  it('runs `retrain --deploy` nightly under the retrain profile, writing models/ and the same model directory ksqlDB reads', () => {
    const r = compose.services['retrain']!;
    expect(r.profiles).toEqual(['retrain']);
    expect(r.build?.dockerfile).toBe('cli/Dockerfile');
    expect(readFileSync(resolve(HERE, '../../cli/Dockerfile'), 'utf8')).toMatch(/ENTRYPOINT \["node", "cli\/dist\/main\.js"\]/);
    expect(r.command).toEqual(['retrain', '--deploy', '--every-day-at', '${STREAM_SMARTS_RETRAIN_AT:-03:30}']);
    expect(r.volumes).toEqual(expect.arrayContaining(['./models:/app/models', '${STREAM_SMARTS_KSQLDB_MODEL_DIR:-./ext/model}:/app/ext/model']));
    expect(r.environment!['STREAM_SMARTS_KSQLDB_MODEL_DIR']).toBe('/app/ext/model');
    expect(r.environment!['KSQLDB_URL']).toBe('http://ksqldb-server:8088');
  });
});

async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

// Where Go is installed, also load the file with compose-go itself (what `docker compose` runs),
// which adds the loader's semantic checks to the schema's. Not registered at all without Go.
if (await hasGo()) {
  describe(`docker-compose.yml loaded by compose-go ${COMPOSE_GO_VERSION} (Go is installed)`, () => {
    const bin = join(mkdtempSync(join(tmpdir(), 'compose-check-')), 'compose-check');
    beforeAll(async () => {
      await run('go', ['build', '-o', bin, '.'], { cwd: HERE, timeout: 170_000 });
    }, 180_000);

    it('loads, with every service and profile', async () => {
      const { stdout } = await run(bin, [COMPOSE_FILE]);
      const project = JSON.parse(stdout) as { name: string; services: { name: string }[] };
      expect(project.name).toBe('stream-smarts');
      expect(project.services.map((s) => s.name)).toEqual(['h2o', 'kafka', 'ksqldb-server', 'notifier', 'retrain', 'schema-registry']);
    });

    it('rejects a dependency on a service that does not exist', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'compose-bad-'));
      const file = join(dir, 'docker-compose.yml');
      writeFileSync(file, 'services:\n  a:\n    image: busybox\n    depends_on: [nosuch]\n');
      await expect(run(bin, [file])).rejects.toMatchObject({ stderr: expect.stringMatching(/nosuch/) });
    });
  });
}
