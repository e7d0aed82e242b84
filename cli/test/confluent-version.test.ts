import { copyFileSync, mkdtempSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFLUENT_IMAGES, CP_FALLBACK, composeDefault, confluentVersion } from '../src/udf/confluent-version.js';
import { cli } from './run-cli.js';

/**
 * The one Confluent Platform version: docker-compose.yml's `${CP_VERSION:-…}` default is the
 * source; the Docker build of the UDF, doctor, make e2e and the docs read it or carry a checked
 * copy.
 */
const REPO = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
const COMPOSE = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
const SOURCE = composeDefault(COMPOSE)!;
const MODEL = join(REPO, 'udf-java', 'src', 'test', 'resources', 'models', 'reference');
const DOCKER_DOUBLE_DIR = join(REPO, 'testing', 'doubles', 'bin');

/** A working directory with the stack's compose file, as a user's checkout has. */
function stackDir(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'cp-'));
  copyFileSync(join(REPO, 'docker-compose.yml'), join(cwd, 'docker-compose.yml'));
  return cwd;
}

/** A PATH with node and the Docker double and no mvn, so deploy takes Docker's Maven image. */
function pathWithoutMaven(): string {
  const bin = mkdtempSync(join(tmpdir(), 'path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  return `${bin}:${DOCKER_DOUBLE_DIR}`;
}

describe('one Confluent version, set in docker-compose.yml', () => {
  it('every copy equals the source: the three image tags, the pom, the compose comment and the README', () => {
    expect(SOURCE).toMatch(/^\d+\.\d+\.\d+$/);
    const images = [...COMPOSE.matchAll(/image: (confluentinc\/[^:]+):(\S+)/g)].map((m) => [m[1], m[2]]);
    expect(images).toEqual(CONFLUENT_IMAGES.map((i) => [i, `\${CP_VERSION:-${SOURCE}}`]));
    // The pom's copy, for a plain `mvn -Pconfluent` (the Docker build passes -Dksqldb.version).
    expect(/<ksqldb\.version>([^<]+)<\/ksqldb\.version>/.exec(readFileSync(join(REPO, 'udf-java', 'pom.xml'), 'utf8'))?.[1]).toBe(SOURCE);
    expect(COMPOSE).toContain(`pinned to ${SOURCE}`);
    expect(COMPOSE).toContain(`CP_VERSION=${CP_FALLBACK}`);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(`pinned to ${SOURCE}`);
    expect(readme).toContain(`\${CP_VERSION:-${SOURCE}}`);
    expect(readme).toContain(`fallback \`CP_VERSION=${CP_FALLBACK}\``);
    // The fallback is itself a release number.
    expect(CP_FALLBACK).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('no doc sets CP_VERSION to a branch name (8.4.x is no Confluent tag; theirs is 8.4.x-latest)', () => {
    const docs = ['README.md', 'docker-compose.yml', 'Makefile', 'scripts/e2e.sh', '.github/workflows/e2e.yml', 'udf-java/README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const f of docs) expect(readFileSync(join(REPO, f), 'utf8'), f).not.toMatch(/CP_VERSION=\d+\.\d+\.x(?!-)/);
  });

  it('make e2e and its workflow pass CP_VERSION through and never set it themselves', () => {
    const workflow = readFileSync(join(REPO, '.github', 'workflows', 'e2e.yml'), 'utf8');
    expect(workflow).toMatch(/^ {4}env:\n {6}CP_VERSION: \$\{\{ inputs\.cp_version \}\}$/m);
    expect(workflow).toMatch(/^ {6}- run: make e2e$/m);
    const e2e = readFileSync(join(REPO, 'scripts', 'e2e.sh'), 'utf8');
    expect(e2e).not.toMatch(/^\s*(export\s+)?CP_VERSION=/m);
    expect(e2e).toContain('confluentVersion');
    const recipe = /^e2e:.*\n((?:\t.*\n)+)/m.exec(readFileSync(join(REPO, 'Makefile'), 'utf8'))![1]!;
    expect(recipe.split('\n').filter((l) => !l.startsWith('\t@#'))).toEqual(['\tscripts/e2e.sh', '']);
  });

  it('is read as Docker Compose reads it: the environment, else .env beside the compose file, else the default (empty = unset)', () => {
    const cwd = stackDir();
    const file = join(cwd, 'docker-compose.yml');
    expect(confluentVersion({ env: {}, composeFile: file })).toEqual({ version: SOURCE, source: `the default in ${file}` });
    expect(confluentVersion({ env: { CP_VERSION: '' }, composeFile: file }).version).toBe(SOURCE);
    writeFileSync(join(cwd, '.env'), `# the stack\nCP_VERSION="${CP_FALLBACK}"  \nSTREAM_SMARTS_TIMEZONE=UTC\n`);
    expect(confluentVersion({ env: {}, composeFile: file })).toEqual({ version: CP_FALLBACK, source: `CP_VERSION in ${cwd}/.env` });
    expect(confluentVersion({ env: { CP_VERSION: '8.2.3' }, composeFile: file })).toEqual({ version: '8.2.3', source: 'CP_VERSION in the environment' });
    // Someone else's compose file (no cp-ksqldb-server): the shipped file's default.
    const other = mkdtempSync(join(tmpdir(), 'cp-other-'));
    writeFileSync(join(other, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx\n');
    expect(confluentVersion({ env: {}, composeFile: join(other, 'docker-compose.yml') }).version).toBe(SOURCE);
  });
});

describe("deploy's Docker build of the UDF compiles against the one version", () => {
  const buildStep = async (env: Record<string, string>, cwd = stackDir()) => {
    const r = await cli(['--json', 'deploy', '--dry-run', '--model', MODEL], { PATH: pathWithoutMaven(), STREAM_SMARTS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cache-')), ...env }, { cwd });
    return { r, detail: r.exitCode === 0 ? (JSON.parse(r.stdout) as { steps: { detail: string }[] }).steps[1]!.detail : '' };
  };

  it('passes the compose default as -Dksqldb.version to the confluent profile', async () => {
    const { r, detail } = await buildStep({});
    expect(r.exitCode).toBe(0);
    expect(detail).toMatch(/^docker run .* maven:3\.9-eclipse-temurin-17 mvn /);
    expect(detail.split(' ')).toEqual(expect.arrayContaining(['-Pconfluent', `-Dksqldb.version=${SOURCE}`]));
  });

  it('passes CP_VERSION from the environment, or from the .env beside the compose file, as docker compose tags the images', async () => {
    const env = await buildStep({ CP_VERSION: CP_FALLBACK });
    expect(env.r.exitCode).toBe(0);
    expect(env.detail.split(' ')).toContain(`-Dksqldb.version=${CP_FALLBACK}`);
    const cwd = stackDir();
    writeFileSync(join(cwd, '.env'), `CP_VERSION=${CP_FALLBACK}\n`);
    const dotenv = await buildStep({}, cwd);
    expect(dotenv.r.exitCode).toBe(0);
    expect(dotenv.r.stderr).not.toMatch(/CP_VERSION.*did you mean/);
    expect(dotenv.detail.split(' ')).toContain(`-Dksqldb.version=${CP_FALLBACK}`);
  });

  it('refuses a tag that is no Maven version (8.4.x-latest), saying why and what to set', async () => {
    const { r } = await buildStep({ CP_VERSION: '8.4.x-latest' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/CP_VERSION=8\.4\.x-latest \(CP_VERSION in the environment\) is not a Confluent Platform release number/);
    expect(r.stderr).toMatch(/io\.confluent\.ksql:ksqldb-udf/);
    expect(r.stderr).toContain(`CP_VERSION=${CP_FALLBACK}`);
  });
});

describe('doctor checks that the three image tags resolve', () => {
  type Check = { name: string; required: boolean; status: string; detail: string; fix?: string };
  const doctor = async (env: Record<string, string>) => {
    const cwd = stackDir();
    const log = join(cwd, 'docker.log');
    // Nothing else is running: every service check fails fast; only the images' row is read.
    const r = await cli(['--json', 'doctor'], { PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`, DOCKER_DOUBLE_LOG: log, KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', KSQLDB_URL: 'http://127.0.0.1:1', ...env }, { cwd });
    const out = JSON.parse(r.stdout) as { checks: Check[] };
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    return { r, cwd, check: out.checks.find((c) => c.name === 'Confluent images')!, manifestCalls: calls.filter((a) => a[0] === 'manifest') };
  };
  // The registry of the double has the fallback's images only.
  const registry = CONFLUENT_IMAGES.map((i) => `${i}:${CP_FALLBACK}`).join(',');

  it('names each image whose tag is missing, with docker\'s own error, and says to set the fallback', async () => {
    const { check, cwd, manifestCalls } = await doctor({ DOCKER_DOUBLE_MANIFESTS: registry });
    // The three run in parallel: their order in the log is not fixed.
    expect(manifestCalls.map((a) => a.join(' ')).sort()).toEqual(CONFLUENT_IMAGES.map((i) => `manifest inspect ${i}:${SOURCE}`).sort());
    expect(check.status).toBe('missing');
    expect(check.required).toBe(false);
    for (const i of CONFLUENT_IMAGES) expect(check.detail).toContain(`${i}:${SOURCE}: no such manifest: docker.io/${i}:${SOURCE}`);
    expect(check.detail).toContain(`(CP_VERSION ${SOURCE}, the default in ${cwd}/docker-compose.yml)`);
    expect(check.fix).toBe(`set CP_VERSION=${CP_FALLBACK} (in .env or the environment: the images and the UDF's Docker build both use it): the tag ${SOURCE} is not published for ${CONFLUENT_IMAGES.join(', ')}`);
  });

  it('is ok when every tag resolves, naming the version and where it came from; the human table lists the fix only when needed', async () => {
    const { check } = await doctor({ DOCKER_DOUBLE_MANIFESTS: registry, CP_VERSION: CP_FALLBACK });
    expect(check).toMatchObject({ status: 'ok', detail: `${CONFLUENT_IMAGES.map((i) => `${i}:${CP_FALLBACK}`).join(', ')} resolve (CP_VERSION ${CP_FALLBACK}, CP_VERSION in the environment)` });
    const cwd = stackDir();
    const human = await cli(['doctor'], { PATH: `${DOCKER_DOUBLE_DIR}:${process.env['PATH'] ?? ''}`, DOCKER_DOUBLE_LOG: join(cwd, 'docker.log'), DOCKER_DOUBLE_MANIFESTS: registry, KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', KSQLDB_URL: 'http://127.0.0.1:1' }, { cwd });
    expect(human.stdout).toMatch(/^Confluent images \(optional\)\s+missing\s+confluentinc\/cp-kafka:/m);
    expect(human.stdout).toContain(`  Confluent images: set CP_VERSION=${CP_FALLBACK}`);
  });

  it('says a tag that resolves but is no release number cannot build the UDF with Docker', async () => {
    const { check } = await doctor({ DOCKER_DOUBLE_MANIFESTS: '*', CP_VERSION: '8.4.x-latest' });
    expect(check.status).toBe('ok');
    expect(check.detail).toMatch(/8\.4\.x-latest is no release number, so Docker's Maven build of the UDF refuses it/);
  });

  it('is skipped, and says why, where no Docker engine answers', async () => {
    const { check, manifestCalls } = await doctor({ DOCKER_DOUBLE_EXIT: '1' });
    expect(manifestCalls).toEqual([]);
    expect(check.status).toBe('skipped');
    expect(check.detail).toMatch(/^skipped: no Docker engine answers, so confluentinc\/cp-kafka:\S+, .* were not looked up/);
  });
});
