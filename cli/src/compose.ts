import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * The docker-compose.yml of the stack: the nearest one from the working directory upwards, else
 * the one shipped beside this CLI (a clone of the repository).
 */
export function findComposeFile(cwd = process.cwd()): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const f = join(dir, 'docker-compose.yml');
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const shipped = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
  return existsSync(shipped) ? shipped : undefined;
}

/**
 * `docker compose exec ksqldb-server ksql http://localhost:8088`: the CLI that the cp-ksqldb-server
 * image carries (confluentinc/ksql-images cp-ksqldb-server/Dockerfile.ubi9 copies /usr/bin/*ksql*;
 * its README: "Direct CLI access: docker run -it --entrypoint ksql confluentinc/cp-ksqldb-server
 * http://localhost:8088"), run in the server's own container, where the server is localhost.
 * `docker compose exec` allocates a TTY unless given -T (--no-TTY), which a piped stdin needs
 * (docs.docker.com/reference/cli/docker/compose/exec).
 */
export function interactiveCliArgs(composeFile: string, tty: boolean): string[] {
  return ['compose', '-f', composeFile, 'exec', ...(tty ? [] : ['-T']), 'ksqldb-server', 'ksql', 'http://localhost:8088'];
}

/** The fix when Docker or its Compose plugin is missing, instead of Docker's own error. */
class ComposeMissingError extends Error {
  override name = 'ComposeMissingError';
}

/** Checks `docker compose version` first, so a missing Docker or Compose v2 gets one clear line. */
async function requireCompose(purpose: string): Promise<void> {
  let r;
  try {
    r = await execa('docker', ['compose', 'version'], { reject: false, timeout: 20_000 });
  } catch (e) {
    throw new ComposeMissingError(`Docker is not installed (${(e as Error).message.split('\n')[0]}): ${purpose} needs Docker with the Compose v2 plugin`);
  }
  if ((r as { code?: string }).code === 'ENOENT') throw new ComposeMissingError(`Docker is not installed (no \`docker\` on PATH): ${purpose} needs Docker with the Compose v2 plugin`);
  if (r.exitCode !== 0) {
    const why = String(r.stderr ?? '').trim().split('\n')[0] || `exit status ${String(r.exitCode)}`;
    throw new ComposeMissingError(`Docker Compose v2 is not available (\`docker compose version\`: ${why}): ${purpose} needs the Docker Compose plugin; install it`);
  }
}

/** Opens the interactive ksqlDB CLI with the terminal passed through; resolves to its exit status. */
export async function openInteractiveCli(composeFile: string): Promise<number> {
  await requireCompose('the interactive ksqlDB CLI (it runs in the stack\'s ksqldb-server container; -e/-f go through the REST API instead)');
  const r = await execa('docker', interactiveCliArgs(composeFile, Boolean(process.stdin.isTTY)), { stdio: 'inherit', reject: false });
  return r.exitCode ?? 1;
}
