import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The built CLI, as users run it. */
export const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

// An empty working directory so no developer's .env or compose file leaks into these runs.
export const CWD = mkdtempSync(join(tmpdir(), 'ss-cli-'));

export const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(STREAM_SMARTS_|KAFKA_|SCHEMA_REGISTRY_|KSQLDB_|H2O_|HOME_ASSISTANT_|PUSHBULLET_)/.test(k)),
) as Record<string, string>;

export interface CliResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], env: Record<string, string> = {}, opts: { cwd?: string; timeout?: number } = {}): Promise<CliResult> {
  const r = await execa('node', [BIN, ...args], { cwd: opts.cwd ?? CWD, env: { ...CLEAN_ENV, ...env }, extendEnv: false, reject: false, timeout: opts.timeout ?? 30_000 });
  return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
