import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

/** The built CLI, as users run it. */
export const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

// An empty working directory so no developer's .env or compose file leaks into these runs.
export const CWD = mkdtempSync(join(tmpdir(), 'ss-cli-'));

export const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(STREAM_SMARTS_|KAFKA_|SCHEMA_REGISTRY_|KSQLDB_|H2O_|HOME_ASSISTANT_|PUSHBULLET_)/.test(k)),
) as Record<string, string>;

export function cli(args: string[], env: Record<string, string> = {}, opts: Options = {}) {
  return execa('node', [BIN, ...args], { cwd: CWD, env: { ...CLEAN_ENV, ...env }, extendEnv: false, reject: false, timeout: 30_000, ...opts });
}
