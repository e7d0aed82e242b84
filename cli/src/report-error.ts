import { CommanderError } from 'commander';
import { ConfigError, redactUrlsIn } from '@stream-smarts/contracts';
import { CommandError } from './command-error.js';

/**
 * The one place errors become what the user sees (cli/src/main.ts): one line (or a short list)
 * naming what was wrong and how to fix it, never a stack unless --log-level debug. Returns the
 * exit code, as the README says: 1 a check or job failed, 2 bad usage or configuration.
 */
export function reportError(e: unknown, command: string, argv: readonly string[], write: (s: string) => unknown = (s) => process.stderr.write(s)): number {
  const who = command ? `stream-smarts ${command}` : 'stream-smarts';
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof ConfigError) {
    for (const p of e.problems) write(`stream-smarts: invalid configuration: ${p}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const fix = (err as { fix?: unknown }).fix;
  const code = (err as { exitCode?: unknown }).exitCode;
  // A usage error stays one line even if a library's message is long; a history error keeps its list of rows.
  const message = e instanceof CommandError ? (err.message || String(e)).split('\n')[0]! : err.message || String(e);
  write(redactUrlsIn(`${who}: ${message}${typeof fix === 'string' && fix ? ` — fix: ${fix}` : ''}\n`));
  if (wantsStacks(argv) && err.stack) write(redactUrlsIn(`${err.stack}\n`));
  return code === 1 || code === 2 ? code : 1;
}

function wantsStacks(argv: readonly string[]): boolean {
  const i = argv.findIndex((a) => a === '--log-level' || a.startsWith('--log-level='));
  const level = i < 0 ? process.env.STREAM_SMARTS_LOG_LEVEL : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  return level === 'debug' || level === 'trace';
}
