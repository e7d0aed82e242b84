import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findComposeFile } from '../compose.js';

/**
 * The one Confluent Platform version of the stack: the tag of its three Confluent images and the
 * version of the ksqlDB UDF API (io.confluent.ksql:ksqldb-udf) that Docker's Maven build of the
 * jar compiles against. It is set in one place, docker-compose.yml's `${CP_VERSION:-…}` default,
 * and read the way Docker Compose reads it: CP_VERSION from the environment, else from the `.env`
 * beside the compose file (Compose's project directory), else that default (an empty value counts
 * as unset, as `:-` does). The pom's <ksqldb.version> is a copy for a plain `mvn -Pconfluent`
 * (cli/test/confluent-version.test.ts checks it is equal).
 *
 * One number serves both because Confluent versions ksqlDB's Maven artifacts with the platform's
 * release number: confluentinc/ksql tag v8.3.1 ("Set Confluent to 8.3.1, Kafka to 8.3.1.") has
 * <version>8.3.1</version> in pom.xml and ksqldb-udf/pom.xml, and its branch 8.4.x builds
 * 8.4.0-0 (builds between releases are tagged v8.4.0-<n>). The images take the same number
 * ("The tags are the version of Confluent Platform", docs.confluent.io Operator, "Deploy
 * Confluent Platform").
 */

/**
 * The release to set when the default's images do not resolve: the newest Confluent Platform
 * release the reachable sources show as released (confluentinc/ksql and confluentinc/ksql-images
 * tag v8.3.1; ksql 8.4.x has only pre-release builds v8.4.0-<n>). A branch name such as 8.3.x is
 * no tag.
 */
export const CP_FALLBACK = '8.3.1';

/** The three Confluent images of docker-compose.yml, each tagged with the one version. */
export const CONFLUENT_IMAGES = ['confluentinc/cp-kafka', 'confluentinc/cp-schema-registry', 'confluentinc/cp-ksqldb-server'] as const;

export interface ConfluentVersion {
  version: string;
  /** Where it came from, for messages: "CP_VERSION in the environment", "CP_VERSION in /x/.env", "the default in /x/docker-compose.yml". */
  source: string;
}

/** The `${CP_VERSION:-X}` default of the ksqlDB image in a compose file's text. */
export function composeDefault(text: string): string | undefined {
  return /confluentinc\/cp-ksqldb-server:\$\{CP_VERSION:-([^}]+)\}/.exec(text)?.[1];
}

/** CP_VERSION from a dotenv text, the last assignment winning; quotes and a trailing ` # comment` removed. */
function dotenvValue(text: string): string | undefined {
  let value: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?CP_VERSION\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[1]!.trim();
    const q = /^(['"])(.*)\1$/.exec(v);
    v = q ? q[2]! : v.replace(/\s+#.*$/, '').trim();
    value = v;
  }
  return value;
}

const SHIPPED_COMPOSE = fileURLToPath(new URL('../../../docker-compose.yml', import.meta.url));

/**
 * The stack's Confluent Platform version, as `docker compose` would resolve it for the compose
 * file deploy uses (findComposeFile: the nearest docker-compose.yml upwards, else the shipped
 * one). A compose file without the cp-ksqldb-server default (someone else's) falls back to the
 * shipped file's default.
 */
export function confluentVersion(opts: { env?: NodeJS.ProcessEnv; composeFile?: string } = {}): ConfluentVersion {
  const env = opts.env ?? process.env;
  const fromEnv = env['CP_VERSION'];
  if (fromEnv) return { version: fromEnv, source: 'CP_VERSION in the environment' };
  const composeFile = opts.composeFile ?? findComposeFile();
  if (composeFile) {
    const dotenv = join(dirname(composeFile), '.env');
    const fromDotenv = existsSync(dotenv) ? dotenvValue(readFileSync(dotenv, 'utf8')) : undefined;
    if (fromDotenv) return { version: fromDotenv, source: `CP_VERSION in ${dotenv}` };
    const d = composeDefault(readFileSync(composeFile, 'utf8'));
    if (d) return { version: d, source: `the default in ${composeFile}` };
  }
  const shipped = composeDefault(readFileSync(SHIPPED_COMPOSE, 'utf8'));
  if (!shipped) throw new Error(`cannot read the Confluent Platform version: ${SHIPPED_COMPOSE} has no confluentinc/cp-ksqldb-server:\${CP_VERSION:-…} image`);
  return { version: shipped, source: `the default in ${SHIPPED_COMPOSE}` };
}

/**
 * A Confluent Platform release number (8.3.1), the only form under which Confluent publishes
 * io.confluent.ksql:ksqldb-udf; image-only tags (8.4.x-latest, 8.3.1-1-ubi9) are not Maven versions.
 */
export function isReleaseVersion(v: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(v);
}

/** Why a tag cannot be the UDF API version, and what to do: for the Docker build's refusal and doctor. */
export function notAReleaseMessage(cp: ConfluentVersion): string {
  return (
    `CP_VERSION=${cp.version} (${cp.source}) is not a Confluent Platform release number: Docker's Maven build compiles the UDF against io.confluent.ksql:ksqldb-udf:<CP_VERSION>, ` +
    `which Confluent publishes under release numbers only (e.g. ${CP_FALLBACK}), so it does not build with this tag; set CP_VERSION to the release these images are (CP_VERSION=${CP_FALLBACK}), ` +
    'or install Java 17 and Maven, whose local build compiles against the stand-in API in udf-java/ksqldb-udf-api and needs no Confluent artifact'
  );
}
