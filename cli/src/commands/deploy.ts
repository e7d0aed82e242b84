import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { execa } from 'execa';
import { kafkaClientOptions } from '@stream-smarts/contracts';
import { collectorSettings } from '@stream-smarts/pi-collector';
import { createContext, type GlobalOptions } from '../context.js';
import { findComposeFile } from '../compose.js';
import { commandPrerequisite, composePrerequisites, kafkaPrerequisite, preflightStep, schemaRegistryPrerequisite, schemaStep, topicStep, type Prerequisite } from '../deploy/prepare.js';
import { runPlan } from '../deploy/run-plan.js';
import { copyModelSteps, modelToShip } from '../deploy/model-only.js';
import { composeModelDir, modelOnlyPlan } from '../deploy/model-plan.js';
import { applySteps, buildStep, queriesRunningStep, restartSteps, rollbackSteps, shipSteps, type StepContext } from '../deploy/steps.js';
import { composeTarget, readTargets, remoteOf, type Target } from '../deploy/targets.js';
import { defaultModelDir } from '../run/model.js';
import { REPO_ROOT, buildPlan, readModel } from '../udf/build.js';

export const example = 'stream-smarts deploy --dry-run        # build the UDF with the model, ship it to ksqlDB, apply ksql/';

interface DeployOptions {
  model: string;
  targets?: string;
  ksqlDir: string;
  dryRun?: boolean;
  rollback?: boolean;
  healthTimeout: string;
  statementTimeout: string;
  modelOnly?: boolean;
  swapTimeout: string;
}

/** The ksqldb.modelDir setting (STREAM_SMARTS_KSQLDB_MODEL_DIR): the compose stack's model directory on the host. */
export function modelDirSetting(loaded: ReturnType<typeof createContext>['loaded']): string {
  return String(loaded.settings.find((s) => s.key === 'ksqldb.modelDir')?.raw ?? 'ext/model').trim();
}

export async function haveMaven(): Promise<boolean> {
  try {
    await execa('mvn', ['-v'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command('deploy')
    .description('build the UDF jar with the model inside, copy it to each ksqlDB server, restart, verify, apply ksql/ and check the queries')
    .option('--model <dir>', 'the model to deploy', defaultModelDir())
    .option('--targets <file>', 'JSON list of ksqlDB servers [{name, url, extDir, restart}] (default: the docker-compose stack)')
    .option('--ksql-dir <dir>', 'the numbered statement files to apply', join(REPO_ROOT, 'ksql'))
    .option('--dry-run', 'print every step with its exact command or statement; change nothing')
    .option('--rollback', "restore each target's previous jar (*.previous) and restart it")
    .option('--health-timeout <seconds>', 'how long to wait for a restarted server to be healthy', '180')
    .option('--statement-timeout <seconds>', 'how long a statement ksqlDB answers QUEUED or EXECUTING may take to succeed', '120')
    .option('--model-only', 'copy only the model into the directory the UDF watches (ksql.functions.anomoly_power.model.path) and wait until ksqlDB scores with it: no build, no restart')
    .option('--swap-timeout <seconds>', 'with --model-only: how long to wait for ANOMOLY_POWER_MODEL() to name the new model', '180')
    .addHelpText(
      'after',
      `
Steps: check every prerequisite first (Docker Compose and the stack for the compose target, ssh for
remote ones, Kafka and Schema Registry answering) — nothing changes on a target until they all hold
→ build (local Maven, else Docker's Maven image) → create the topic raw_power unless it exists
(STREAM_SMARTS_RAW_POWER_PARTITIONS, _REPLICATION_FACTOR, _RETENTION; default 1, 1, forever) →
register contracts/schemas/raw_power.avsc under raw_power-value (BACKWARD) → for each target in
turn: copy the jar into its extension directory keeping the old one as
stream-smarts-udf.jar.previous, restart, wait for /healthcheck, verify with DESCRIBE FUNCTION
ANOMOLY_POWER that it loaded this model → apply ksql/ (skipping streams and tables already there;
a statement ksqlDB answers QUEUED or EXECUTING is followed on /status until it succeeds) → check
SHOW QUERIES. A target with a model directory (the compose stack's STREAM_SMARTS_KSQLDB_MODEL_DIR,
./ext/model, mounted as ksql.functions.anomoly_power.model.path) also gets the model copied there
before the restart.

--model-only: no build and no restart. Copies the model directory into the directory the UDF
watches, each file under a temporary name renamed into place, bands.zip first and envelope.json
last; then asks ksqlDB "SELECT ANOMOLY_POWER_MODEL() AS MODEL FROM RAW_POWER_STREAM LIMIT 1;" (a
pull query on the stream of readings) every 2 s until it returns the new model's contentHash
(--swap-timeout). The UDF checks the directory every
ksql.functions.anomoly_power.model.check.interval.ms (the compose stack: 10 s).

A targets file for a cluster (restarted one at a time; extDir a local path or user@host:/path):
  [{"name": "ksql-1", "url": "http://ksql-1:8088", "extDir": "deploy@ksql-1:/etc/ksqldb/ext",
    "restart": "ssh deploy@ksql-1 sudo systemctl restart confluent-ksqldb",
    "modelDir": "deploy@ksql-1:/etc/ksqldb/model"}]
("modelDir" is optional; --model-only needs it on every target.)

Examples:
  $ stream-smarts deploy --dry-run
  $ stream-smarts deploy
  $ stream-smarts deploy --model models/2026-11-23T193000Z --targets cluster.json
  $ stream-smarts deploy --rollback
  $ stream-smarts deploy --model-only --dry-run
  $ stream-smarts deploy --model-only --model models/2026-11-23T193000Z --targets cluster.json`,
    )
    .action(async (opts: DeployOptions, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      const healthSeconds = Number(opts.healthTimeout);
      if (!(healthSeconds > 0)) throw new Error(`--health-timeout ${JSON.stringify(opts.healthTimeout)}: expected a number of seconds`);
      const statementSeconds = Number(opts.statementTimeout);
      if (!(statementSeconds > 0)) throw new Error(`--statement-timeout ${JSON.stringify(opts.statementTimeout)}: expected a number of seconds`);
      const sctx: StepContext = {
        log: ctx.log,
        healthTimeoutMs: healthSeconds * 1000,
        statementTimeoutMs: statementSeconds * 1000,
        output: ctx.json ? 'pipe' : 'inherit',
        ...(ctx.config.ksqldb.auth ? { auth: ctx.config.ksqldb.auth } : {}),
      };

      if (opts.modelOnly) {
        if (opts.rollback) throw new Error('--model-only and --rollback do not go together: to go back to a model, deploy it with --model-only --model models/<its id>');
        const swapSeconds = Number(opts.swapTimeout);
        if (!(swapSeconds > 0)) throw new Error(`--swap-timeout ${JSON.stringify(opts.swapTimeout)}: expected a number of seconds`);
        const plan = modelOnlyPlan({
          modelDir: opts.model,
          ...(opts.targets ? { targetsFile: opts.targets } : {}),
          ksqldbUrl: ctx.config.ksqldb.url,
          modelDirSetting: modelDirSetting(ctx.loaded),
          ctx: { ...sctx, swapTimeoutMs: swapSeconds * 1000 },
        });
        await runPlan(ctx, plan.heading, plan.steps, {
          dryRun: Boolean(opts.dryRun),
          rollbackHint: 'to go back: stream-smarts deploy --model-only --model models/<the previous model> (ls models/)',
        });
        return;
      }

      let targets: Target[];
      const prereqs: Prerequisite[] = [];
      if (opts.targets) {
        targets = readTargets(opts.targets);
        if (targets.some((t) => remoteOf(t.extDir))) prereqs.push(commandPrerequisite('ssh', ['-V'], 'remote extension directories are reached with ssh and scp'));
      } else {
        const compose = findComposeFile();
        if (!compose) throw new Error('no docker-compose.yml found here or above: run from the stream-smarts checkout, or give --targets FILE');
        targets = [composeTarget(ctx.config.ksqldb.url, compose, join(dirname(compose), 'ext'), composeModelDir(modelDirSetting(ctx.loaded), dirname(compose)))];
        prereqs.push(...composePrerequisites(compose));
      }

      if (opts.rollback) {
        const steps = [...(prereqs.length ? [preflightStep(prereqs.slice(0, 1))] : []), ...targets.flatMap((t) => rollbackSteps(t, sctx))];
        await runPlan(ctx, `Roll back ${targets.map((t) => t.name).join(', ')}`, steps, { dryRun: Boolean(opts.dryRun) });
        return;
      }

      const model = readModel(opts.model);
      const plan = buildPlan(model, { haveMaven: await haveMaven() });
      if (plan.via !== 'maven' && opts.targets) prereqs.push(commandPrerequisite('docker', ['--version'], "without a local Maven the jar builds in Docker's Maven image"));
      const kafka = kafkaClientOptions(ctx.config.kafka);
      const sr = { url: ctx.config.schemaRegistry.url, ...(ctx.config.schemaRegistry.auth ? { auth: ctx.config.schemaRegistry.auth } : {}) };
      prereqs.push(kafkaPrerequisite(kafka), schemaRegistryPrerequisite(sr));
      const steps = [
        preflightStep(prereqs),
        buildStep(plan, sctx),
        topicStep(kafka, collectorSettings(ctx.loaded).topicSpec),
        schemaStep(sr),
        // The model goes into a target's model directory too (before the restart, which re-creates
        // the queries, whose ANOMOLY_POWER then loads it): with model.path set, that is what scores.
        ...targets.flatMap((t) => [...shipSteps(t, plan.builtJar, sctx), ...(t.modelDir ? copyModelSteps({ name: t.name, url: t.url, modelDir: t.modelDir }, modelToShip(model.dir), sctx) : []), ...restartSteps(t, sctx, plan.expectedVersion)]),
        ...applySteps(targets[0]!.url, opts.ksqlDir, sctx),
        queriesRunningStep(targets[0]!.url, sctx),
      ];
      await runPlan(ctx, `Deploy model ${model.modelId || model.dir} (ANOMOLY_POWER ${plan.expectedVersion}) to ${targets.map((t) => t.name).join(', ')}`, steps, {
        dryRun: Boolean(opts.dryRun),
        rollbackHint: 'to roll back: stream-smarts deploy --rollback (restores stream-smarts-udf.jar.previous on each target and restarts it)',
      });
    });
}
