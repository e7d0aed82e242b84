import { join } from 'node:path';
import type { Command } from 'commander';
import { createContext, type GlobalOptions } from '../context.js';
import { runPlan } from '../deploy/run-plan.js';
import { buildStep, shipSteps, type StepContext } from '../deploy/steps.js';
import { defaultModelDir } from '../run/model.js';
import { REPO_ROOT, buildPlan, readModel } from '../udf/build.js';
import { haveMaven } from './deploy.js';

export const example = 'stream-smarts build                  # the UDF jar with models/current inside → ext/stream-smarts-udf.jar';

export function register(program: Command): void {
  program
    .command('build')
    .description('build the ANOMOLY_POWER UDF jar with a model inside and put it in ext/ (what docker-compose mounts into ksqlDB)')
    .option('--model <dir>', 'the model to package', defaultModelDir())
    .option('--dry-run', 'print the exact commands; change nothing')
    .addHelpText(
      'after',
      `
Uses local Maven when present (Java 17+), otherwise Docker's official Maven image. The previous
ext/stream-smarts-udf.jar is kept as ext/stream-smarts-udf.jar.previous.

Examples:
  $ stream-smarts build
  $ stream-smarts build --model models/2026-11-23T193000Z --dry-run`,
    )
    .action(async (opts: { model: string; dryRun?: boolean }, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      const sctx: StepContext = { log: ctx.log, healthTimeoutMs: 0, output: ctx.json ? 'pipe' : 'inherit' };
      const plan = buildPlan(readModel(opts.model), { haveMaven: await haveMaven() });
      const local = { name: 'ext/', url: '', extDir: join(REPO_ROOT, 'ext'), restart: [] };
      await runPlan(ctx, `Build ANOMOLY_POWER ${plan.expectedVersion}`, [buildStep(plan, sctx), ...shipSteps(local, plan.builtJar, sctx)], { dryRun: Boolean(opts.dryRun) });
    });
}
