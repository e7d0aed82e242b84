import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
