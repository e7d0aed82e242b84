#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError } from '@stream-smarts/contracts';
import { createProgram } from './program.js';

/** Exit codes: 0 ok, 1 a check or job failed, 2 bad usage or configuration. */
async function main(argv: string[]): Promise<void> {
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`stream-smarts: invalid configuration: ${p}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`stream-smarts: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
