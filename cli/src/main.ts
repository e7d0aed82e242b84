#!/usr/bin/env -S node --
// The `--` above: Node 20 reads a `--env-file` anywhere in argv as its own option (nodejs/node#54232)
// and exits 9 on a missing file before this program starts; after `--` it leaves it to the CLI.
import { Command, CommanderError } from 'commander';
import { ConfigError, redactUrlsIn } from '@stream-smarts/contracts';
import { CommandError } from './command-error.js';
import { createProgram } from './program.js';

/**
 * The one place errors become what the user sees: one line (or a short list) naming what was
 * wrong and how to fix it, never a stack unless --log-level debug. Exit codes, as the README
 * says: 0 ok, 1 a check or job failed, 2 bad usage or configuration.
 */

/** commander's exitOverride must be set on every subcommand, or they call process.exit(1) themselves. */
function overrideExits(cmd: Command): void {
  cmd.exitOverride();
  for (const c of cmd.commands) overrideExits(c);
}

function wantsStacks(argv: readonly string[]): boolean {
  const i = argv.findIndex((a) => a === '--log-level' || a.startsWith('--log-level='));
  const level = i < 0 ? process.env.STREAM_SMARTS_LOG_LEVEL : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  return level === 'debug' || level === 'trace';
}

async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  overrideExits(program);
  let command = '';
  program.hook('preAction', (_root, action) => {
    command = action.name();
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const who = command ? `stream-smarts ${command}` : 'stream-smarts';
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`stream-smarts: invalid configuration: ${p}\n`);
      process.exitCode = 2;
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const fix = (err as { fix?: unknown }).fix;
    const code = (err as { exitCode?: unknown }).exitCode;
    // A usage error stays one line even if a library's message is long; a history error keeps its list of rows.
    const message = e instanceof CommandError ? (err.message || String(e)).split('\n')[0]! : err.message || String(e);
    process.stderr.write(redactUrlsIn(`${who}: ${message}${typeof fix === 'string' && fix ? ` — fix: ${fix}` : ''}\n`));
    if (wantsStacks(argv) && err.stack) process.stderr.write(redactUrlsIn(`${err.stack}\n`));
    process.exitCode = code === 1 || code === 2 ? code : 1;
  }
}

await main(process.argv);
