import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

/** The compose-go release whose schema we check against: the loader Docker Compose v2 uses. Kept in step with go.mod. */
export const COMPOSE_GO_VERSION = /github\.com\/compose-spec\/compose-go\/v2 (v[\d.]+)/.exec(readFileSync(join(HERE, 'go.mod'), 'utf8'))![1]!;

/**
 * The Compose specification's JSON schema as shipped in compose-go (schema/compose-spec.json),
 * taken from the Go module proxy's zip of that release and cached in .cache/compose/. Python's
 * zipfile extracts it, so neither Go nor a zip package is needed.
 */
export async function composeSpecSchema(): Promise<Record<string, unknown>> {
  const dir = join(REPO, '.cache', 'compose', COMPOSE_GO_VERSION);
  const file = join(dir, 'compose-spec.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const url = `https://proxy.golang.org/github.com/compose-spec/compose-go/v2/@v/${COMPOSE_GO_VERSION}.zip`;
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`could not download ${url}: HTTP ${res.status}`);
    const zip = join(dir, 'module.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const member = `github.com/compose-spec/compose-go/v2@${COMPOSE_GO_VERSION}/schema/compose-spec.json`;
    await run('python3', ['-c', 'import sys,zipfile; open(sys.argv[3],"wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', zip, member, file]);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}
