import { spawnSync } from 'node:child_process';
import { redactUrl, type Source } from '@stream-smarts/contracts';
import { H2O_IMAGE, H2O_VERSION } from '../h2o/release.js';
import { TrainError } from './errors.js';
import type { H2OUnreachable } from './h2o-client.js';

/**
 * The H2O server release to train with (see h2o/release.ts for why 3.46.0.11): the local H2O
 * `train` starts, the test harness's, and the compose stack's image.
 */
export const H2O_RELEASE = H2O_VERSION;
export { H2O_IMAGE };

/** A Docker engine that answers, not only the docker command (which is often there without one). */
function hasDockerEngine(): boolean {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** How to stop giving the H2O URL, so `train` starts its own: the opposite of where it came from. */
function unsetHint(source: Source | undefined): string {
  switch (source?.kind) {
    case 'flag':
      return 'drop --h2o-url';
    case 'env':
      return `unset ${source.name}`;
    case 'dotenv':
    case 'dotenv-file':
      return `remove ${source.name} from ${source.path}`;
    case 'env-file':
      return `unset ${source.name}`;
    default:
      return 'leave H2O_URL unset';
  }
}

function describeH2OSource(source: Source | undefined): string {
  switch (source?.kind) {
    case 'flag':
      return 'flag --h2o-url';
    case 'env':
    case 'env-file':
      return `environment variable ${source.name}`;
    case 'dotenv':
    case 'dotenv-file':
      return `${source.name} in ${source.path}`;
    default:
      return 'the default';
  }
}

/**
 * Nothing answers at an H2O URL the user gave (a flag, the environment, .env): say where it came
 * from, how to start an H2O there, and that without the setting `train` starts its own.
 */
export function h2oUnreachableError(e: H2OUnreachable, docker = hasDockerEngine(), source?: Source): TrainError {
  const port = (() => {
    try {
      return new URL(e.h2oUrl).port || '54321';
    } catch {
      return '54321';
    }
  })();
  const given = source && source.kind !== 'default' ? `, the H2O URL given by ${describeH2OSource(source)}` : '';
  const start = docker
    ? `start H2O ${H2O_RELEASE} there (\`docker compose --profile train up -d h2o\`, or \`docker run -d --name h2o -p ${port}:54321 ${H2O_IMAGE}\`) and retry`
    : `start H2O ${H2O_RELEASE} there and retry`;
  return new TrainError(`${e.message}${given}`, `${start}; or ${unsetHint(source)} and train starts a local H2O ${H2O_RELEASE} itself (needs Java 17)`);
}

/** H2O 3.46.0.12 and later gate MOJO export behind a commercial licence; say which server works. */
export function mojoBlockedError(h2oUrl: string, version: string): TrainError {
  return new TrainError(
    `the H2O ${version} at ${redactUrl(h2oUrl)} refuses to export MOJOs (its open-source edition blocks MOJO export from 3.46.0.12)`,
    `train with H2O ${H2O_RELEASE}: leave H2O_URL unset and train starts a local H2O ${H2O_RELEASE} itself, or run \`docker run -d --name h2o -p 54321:54321 ${H2O_IMAGE}\` (or \`docker compose --profile train up -d h2o\`)`,
  );
}
