#!/usr/bin/env -S node --
// The `--` above: Node 20 reads a `--env-file` anywhere in argv as its own option (nodejs/node#54232)
// and exits 9 on a missing file before this program starts; after `--` it leaves it to the CLI.
import type { Command } from 'commander';
import { createProgram } from './program.js';
import { installOutputGuard } from './output.js';
import { reportError } from './report-error.js';

/** commander's exitOverride must be set on every subcommand, or they call process.exit(1) themselves. */
function overrideExits(cmd: Command): void {
  cmd.exitOverride();
  for (const c of cmd.commands) overrideExits(c);
}

async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  overrideExits(program);
  let command = '';
  installOutputGuard(() => (command ? `stream-smarts ${command}` : 'stream-smarts'));
  program.hook('preAction', (_root, action) => {
    // The command's whole name, e.g. "silence add", as the user typed it.
    const names: string[] = [];
    for (let c: Command | null = action; c && c.parent; c = c.parent) names.unshift(c.name());
    command = names.join(' ');
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportError(e, command, argv);
  }
}

await main(process.argv);
