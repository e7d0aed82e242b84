import { spawnSync } from 'node:child_process';
import { TrainError } from './errors.js';
import type { H2OUnreachable } from './h2o-client.js';

/**
 * The H2O server release to train with. Not 3.46.0.12: that release's open-source server refuses
 * MOJO export (HTTP 412 "H2O-3 SECURE REQUIRED"). 3.46.0.11 is the last Apache-2.0 release that
 * exports MOJOs; the UDF's h2o-genmodel is pinned to the same release. testing/h2o/server.ts uses it too.
 */
export const H2O_RELEASE = '3.46.0.11';
export const H2O_IMAGE = `h2oai/h2o-open-source-k8s:${H2O_RELEASE}`;

function hasDocker(): boolean {
  const r = spawnSync('docker', ['--version'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

/** Turns "nothing answers at H2O_URL" into the command that starts one, for this machine. */
export function h2oUnreachableError(e: H2OUnreachable, docker = hasDocker()): TrainError {
  const port = (() => {
    try {
      return new URL(e.h2oUrl).port || '54321';
    } catch {
      return '54321';
    }
  })();
  const fix = docker
    ? `start H2O with \`docker compose --profile train up -d h2o\` or \`docker run -d --name h2o -p ${port}:54321 ${H2O_IMAGE}\`, wait ~10 s, then retry (or set H2O_URL / --h2o-url to a running H2O)`
    : `Docker is not installed: install it (https://docs.docker.com/get-docker/) and run \`docker run -d --name h2o -p ${port}:54321 ${H2O_IMAGE}\`, or run H2O from its jar: \`pip download --no-deps h2o==${H2O_RELEASE}\`, extract h2o/backend/bin/h2o.jar from it and \`java -Xmx2g -jar h2o.jar -port ${port}\``;
  return new TrainError(e.message, fix);
}

/** H2O 3.46.0.12 and later gate MOJO export behind a commercial licence; say which server works. */
export function mojoBlockedError(h2oUrl: string, version: string): TrainError {
  return new TrainError(
    `the H2O ${version} at ${h2oUrl} refuses to export MOJOs (its open-source edition blocks MOJO export from 3.46.0.12)`,
    `train with H2O ${H2O_RELEASE}: \`docker run -d --name h2o -p 54321:54321 ${H2O_IMAGE}\` (or \`docker compose --profile train up -d h2o\`), or its jar from \`pip download --no-deps h2o==${H2O_RELEASE}\``,
  );
}
