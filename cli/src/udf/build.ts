import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../h2o/cache-dir.js';
import { confluentVersion, isReleaseVersion, notAReleaseMessage } from './confluent-version.js';

/** The repository this CLI runs from (cli/dist/udf → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const JAR_NAME = 'stream-smarts-udf.jar';

/** The Maven image used when there is no local Maven; the same JDK line the jar targets. */
const MAVEN_IMAGE = 'maven:3.9-eclipse-temurin-17';

export interface BuildPlan {
  /** The exact command, argv form. */
  command: string[];
  /** Where Maven leaves the jar. */
  builtJar: string;
  /** Where the compose stack's ksqlDB reads it (ext/, mounted into the container). */
  extJar: string;
  modelDir: string;
  /** What DESCRIBE FUNCTION ANOMOLY_POWER reports once a server loaded this jar. */
  expectedVersion: string;
  via: 'maven' | 'docker';
  /** With Docker: the Maven cache on the host, mounted into the container; created (as the invoking user) before the build runs. */
  mavenCache?: string;
}

/** Where the containerised Maven keeps its repository and settings, as the image's docs put it for a non-root user. */
const CONTAINER_M2 = '/var/maven/.m2';

export interface ModelInfo {
  dir: string;
  contentHash: string;
  modelId: string;
}

/** Reads the model's identity from its envelope.json and checks it against bands.zip's bytes (MODEL-FORMAT). */
export function readModel(modelDir: string): ModelInfo {
  const dir = resolve(modelDir);
  const envelopePath = join(dir, 'envelope.json');
  if (!existsSync(envelopePath)) {
    throw new Error(`no model in ${dir}: envelope.json is missing (train one with \`stream-smarts train\`, or pass --model DIR)`);
  }
  const envelope = JSON.parse(readFileSync(envelopePath, 'utf8')) as { contentHash?: string; modelId?: string; format?: string };
  if (envelope.format === 'stream-smarts/envelope@1') throw new Error(`${envelopePath} is a model of the old format stream-smarts/envelope@1, which this version no longer reads: retrain with \`stream-smarts train --history FILE\``);
  const p = join(dir, 'bands.zip');
  if (!existsSync(p)) throw new Error(`no model in ${dir}: bands.zip is missing`);
  const actual = createHash('sha256').update(readFileSync(p)).digest('hex');
  if (envelope.contentHash !== actual) {
    throw new Error(`${envelopePath} says contentHash ${String(envelope.contentHash)}, but bands.zip hashes to ${actual}: the model directory was changed by hand; train again`);
  }
  return { dir: realpathSync(dir), contentHash: actual, modelId: envelope.modelId ?? '' };
}

function jarVersion(repo = REPO_ROOT): string {
  const pom = readFileSync(join(repo, 'udf-java', 'pom.xml'), 'utf8');
  // The project's own version: the first <version> after its <artifactId>stream-smarts-udf</artifactId>.
  const m = /<artifactId>stream-smarts-udf<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  if (!m?.[1]) throw new Error('cannot read the UDF version from udf-java/pom.xml');
  return m[1];
}

function expectedVersion(model: ModelInfo, repo = REPO_ROOT): string {
  return `${jarVersion(repo)}+model.${model.contentHash.slice(0, 12)}`;
}

/**
 * Local Maven when there is one; otherwise Docker's official Maven image with the source, the
 * model and a Maven cache of its own mounted, and the `confluent` profile, which compiles against
 * ksqlDB's real annotation jar from Confluent's repository.
 *
 * The container runs as the invoking user (`--user uid:gid`, where the platform has them), so
 * udf-java/target and the cache stay theirs, not root's. Such a user has no home in the image, so
 * the cache is mounted at /var/maven/.m2 with MAVEN_CONFIG and -Duser.home pointing there — the
 * image's own recipe ("Running as non-root": `docker run -v ~/.m2:/var/maven/.m2 -u $(id -u)
 * -e MAVEN_CONFIG=/var/maven/.m2 maven mvn -Duser.home=/var/maven …`, the maven image's README in
 * carlossg/docker-maven, as docker-library/docs publishes it). The cache is the user's
 * stream-smarts cache directory (cacheDir: STREAM_SMARTS_CACHE_DIR, else
 * ${XDG_CACHE_HOME:-~/.cache}/stream-smarts) + m2, not ~/.m2, which an earlier root build may own.
 *
 * The `confluent` profile's ksqldb-udf version is the stack's one Confluent Platform version
 * (confluentVersion: CP_VERSION, else the compose file's default — the images' tag), passed as
 * -Dksqldb.version, so the jar compiles against the API of the ksqlDB it is deployed to. A tag that
 * is no release number (8.4.x-latest) is refused here with the fix, before Maven fails to resolve it.
 * Local Maven compiles against the stand-in API (no Confluent artifact), so it is not passed there.
 */
export function buildPlan(model: ModelInfo, opts: { haveMaven: boolean; repo?: string; uid?: number; gid?: number; mavenCache?: string }): BuildPlan {
  const repo = resolve(opts.repo ?? REPO_ROOT);
  const udf = join(repo, 'udf-java');
  const common = { builtJar: join(udf, 'target', JAR_NAME), extJar: join(repo, 'ext', JAR_NAME), modelDir: model.dir, expectedVersion: expectedVersion(model, repo) };
  if (opts.haveMaven) {
    return { ...common, via: 'maven', command: ['mvn', '-B', '-q', '-f', join(udf, 'pom.xml'), 'package', '-DskipTests', `-Dmodel.dir=${model.dir}`] };
  }
  const cp = confluentVersion();
  if (!isReleaseVersion(cp.version)) throw new Error(notAReleaseMessage(cp));
  const uid = opts.uid ?? process.getuid?.();
  const gid = opts.gid ?? process.getgid?.();
  const m2 = opts.mavenCache ?? cacheDir('m2');
  return {
    ...common,
    via: 'docker',
    mavenCache: m2,
    command: [
      'docker', 'run', '--rm',
      ...(uid !== undefined && gid !== undefined ? ['--user', `${uid}:${gid}`] : []),
      '-v', `${udf}:/src`,
      '-v', `${model.dir}:/model:ro`,
      '-v', `${m2}:${CONTAINER_M2}`,
      '-e', `MAVEN_CONFIG=${CONTAINER_M2}`,
      '-w', '/src',
      MAVEN_IMAGE,
      'mvn', '-B', '-q', '-Duser.home=/var/maven', '-Pconfluent', `-Dksqldb.version=${cp.version}`, 'package', '-DskipTests', '-Dmodel.dir=/model',
    ],
  };
}
