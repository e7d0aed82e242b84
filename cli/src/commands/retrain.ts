import type { Command } from 'commander';
import { historySettings, kafkaClientOptions } from '@stream-smarts/contracts';
import { alertRules } from '@stream-smarts/notifier';
import { collectorSettings } from '@stream-smarts/pi-collector';
import { createContext, type Context, type GlobalOptions } from '../context.js';
import { composeModelDir, modelOnlyPlan } from '../deploy/model-plan.js';
import { StepError, runSteps, type StepContext } from '../deploy/steps.js';
import { readTargets } from '../deploy/targets.js';
import { noProgress, terminalProgress } from '../h2o/progress.js';
import { RetrainError } from '../retrain/errors.js';
import { renderRetrain } from '../retrain/report.js';
import { DEFAULT_COMPARE_WEEKS, DEFAULT_RETRAIN_DAYS, retrain, type RetrainResult } from '../retrain/run.js';
import { everyDayAt, parseTimeOfDay } from '../retrain/schedule.js';
import { modelDirSetting } from './deploy.js';
import { stopOnSignal, trainerSettings } from './trainer.js';

export const example = 'stream-smarts retrain --deploy       # a new model from raw_power, shipped to ksqlDB only if it is not worse';

interface RetrainFlags {
  days: string;
  compareWeeks: string;
  meter?: string;
  topic: string;
  modelsDir: string;
  force?: boolean;
  dryRun?: boolean;
  deploy?: boolean;
  targets?: string;
  swapTimeout: string;
  maxBadShare?: string;
  everyDayAt?: string;
}

function whole(name: string, raw: string, min: number, eg: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new RetrainError(`${name} ${JSON.stringify(raw)} is not a whole number of at least ${min}`, `give e.g. ${name} ${eg}`, 2);
  return Number(raw);
}

export function register(program: Command): void {
  program
    .command('retrain')
    .description('train a new model on the recent raw_power history in Kafka, compare it with models/current on the last week, and ship it only when it is not worse')
    .option('--days <n>', 'days of history the model learns from, counted back from the last reading', String(DEFAULT_RETRAIN_DAYS))
    .option('--compare-weeks <n>', 'most recent weeks held back to compare the candidate with the current model on', String(DEFAULT_COMPARE_WEEKS))
    .option('--meter <id>', 'the meter to retrain for (default STREAM_SMARTS_METER_ID, as the collector has it)')
    .option('--topic <name>', 'the topic of readings', 'raw_power')
    .option('--models-dir <dir>', 'where models live and `current` points at the one in use', 'models')
    .option('--force', 'ship the candidate even when it is worse (or when there is no current model)')
    .option('--dry-run', 'read, train and compare, print the figures and what would happen; write nothing')
    .option('--deploy', 'after shipping, deploy the new model to ksqlDB without a restart (deploy --model-only)')
    .option('--targets <file>', 'with --deploy: the cluster targets file (each with "modelDir"); default the compose stack')
    .option('--swap-timeout <seconds>', 'with --deploy: how long to wait for ksqlDB to score with the new model', '180')
    .option('--max-bad-share <share>', 'stop if more than this share of the meter\'s records is unusable (default STREAM_SMARTS_MAX_BAD_SHARE, 0.01)')
    .option('--every-day-at <HH:MM>', 'keep running and retrain every day at this local time (the compose service; on a Pi use the systemd timer)')
    .addHelpText(
      'after',
      `
What it does: reads the meter's last --days days plus the --compare-weeks held-back weeks of
raw_power from Kafka (Avro through Schema Registry, records of raw_power version 1 and 2; records of
other meters are skipped), measures them as \`train\` measures a history, trains a candidate on the
days before the held-back weeks — the same training \`train\` does, with the current model's band
parameters — and counts both models on the held-back weeks as the detection benchmark counts:
  - false alerts on those days as they were;
  - a 2 kW heater left on 02:00–07:00, injected one night at a time: found, and minutes to alert;
  - a week away (the house's lowest-use day of the month before, repeated): found, and when.
The candidate ships when it is not worse: no more false alerts, finds at least as many heaters and
weeks away, and not later by median than one alert-rule window (STREAM_SMARTS_NOTIFIER_FIRE_WINDOW,
15 min, for the heater; _LOW_FIRE_WINDOW, 60 min, for away). Shipping trains it again on the last
--days days, held-back weeks included, writes models/<date-time> (the files \`train\` writes) and
points models/current at it; --deploy then copies it into ksqlDB's model directory and waits until
ANOMOLY_POWER_MODEL() names it (\`stream-smarts deploy --model-only\`).

Too little history (it needs 14 days plus the held-back weeks), Kafka or Schema Registry down, a
topic holding another schema, no records for the meter: one line saying so, exit status 1, and
models/current untouched. A candidate that is worse is not shipped (exit 0, "Kept").

Needs Java 17; trains on the H2O at H2O_URL, or a local H2O it starts and stops (as \`train\`).
Nightly: the systemd timer pi-collector/systemd/stream-smarts-retrain.timer, or the compose
service \`docker compose --profile retrain up -d retrain\` (--every-day-at).

Exit status: 0 shipped, kept or dry run; 1 failed (see above; also a deploy that failed, the new
model then being models/current); 2 bad usage; 130/143 interrupted (nothing written).

Examples:
  $ stream-smarts retrain --dry-run
  $ stream-smarts retrain --deploy
  $ stream-smarts retrain --days 60 --compare-weeks 2 --meter house
  $ stream-smarts --json retrain --dry-run | jq '.candidate.figures, .current.figures'
  $ stream-smarts retrain --deploy --every-day-at 03:30`,
    )
    .action(async (flags: RetrainFlags, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      const days = whole('--days', flags.days, 14, DEFAULT_RETRAIN_DAYS);
      const compareWeeks = whole('--compare-weeks', flags.compareWeeks, 1, DEFAULT_COMPARE_WEEKS);
      const swapSeconds = Number(flags.swapTimeout);
      if (!(swapSeconds > 0)) throw new RetrainError(`--swap-timeout ${JSON.stringify(flags.swapTimeout)} is not a number of seconds`, 'give e.g. --swap-timeout 180', 2);
      let maxBadShare = historySettings(ctx.loaded).maxBadShare;
      if (flags.maxBadShare !== undefined) {
        maxBadShare = Number(flags.maxBadShare);
        if (flags.maxBadShare.trim() === '' || !(maxBadShare >= 0 && maxBadShare <= 1)) throw new RetrainError(`--max-bad-share ${JSON.stringify(flags.maxBadShare)} is not a number from 0 to 1`, 'give e.g. --max-bad-share 0.01', 2);
      }
      if (flags.targets && !flags.deploy) throw new RetrainError('--targets is for --deploy', 'add --deploy, or leave --targets out', 2);
      if (flags.targets) readTargets(flags.targets);
      const at = flags.everyDayAt !== undefined ? parseTimeOfDay(flags.everyDayAt) : undefined;
      const progress = !ctx.json && !at && process.stderr.isTTY === true ? terminalProgress(process.stderr) : noProgress;
      const meterId = flags.meter ?? collectorSettings(ctx.loaded).meterId;
      const sctx: StepContext & { swapTimeoutMs: number } = {
        log: ctx.log,
        healthTimeoutMs: 30_000,
        output: 'pipe',
        swapTimeoutMs: swapSeconds * 1000,
        ...(ctx.config.ksqldb.auth ? { auth: ctx.config.ksqldb.auth } : {}),
      };
      const ac = new AbortController();
      const offSignals = stopOnSignal('retrain', progress, 'models/current is as it was', ac);

      const once = async () => {
        const result = await retrain({
          kafka: kafkaClientOptions(ctx.config.kafka),
          schemaRegistry: { url: ctx.config.schemaRegistry.url, ...(ctx.config.schemaRegistry.auth ? { auth: ctx.config.schemaRegistry.auth } : {}) },
          topic: flags.topic,
          meterId,
          timezone: ctx.config.timezone,
          days,
          compareWeeks,
          modelsDir: flags.modelsDir,
          force: Boolean(flags.force),
          dryRun: Boolean(flags.dryRun),
          rules: alertRules(ctx.loaded),
          maxBadShare,
          maxPowerKw: historySettings(ctx.loaded).maxPowerKw,
          ...trainerSettings(ctx),
          progress,
          signal: ac.signal,
        });
        await report(ctx, result, flags, sctx);
      };

      try {
        if (!at) {
          await once();
          return;
        }
        ctx.log.info({ at: flags.everyDayAt, timezone: ctx.config.timezone }, `retraining every day at ${flags.everyDayAt} ${ctx.config.timezone}`);
        await everyDayAt(
          at,
          ctx.config.timezone,
          async () => {
            try {
              await once();
            } catch (e) {
              // One failed night is reported; the next night still runs.
              const err = e as Error & { fix?: string };
              ctx.log.error({ err: err.message, ...(err.fix ? { fix: err.fix } : {}) }, `retrain failed: ${err.message}`);
            }
          },
          { signal: ac.signal, onWait: (next) => ctx.log.info({ next: next.toISOString() }, `next retrain at ${next.toISOString()}`) },
        );
      } finally {
        progress.stop();
        offSignals();
      }
    });
}

/** Prints the figures, and deploys the shipped model when asked (deploy --model-only, in-process). */
async function report(ctx: Context, r: RetrainResult, flags: RetrainFlags, sctx: StepContext & { swapTimeoutMs: number }): Promise<void> {
  let deploy: { steps: { title: string; result: string }[] } | { planned: string } | undefined;
  let failure: RetrainError | undefined;
  if (flags.deploy && r.decision.dryRun && r.decision.ship) {
    deploy = { planned: `stream-smarts deploy --model-only${flags.targets ? ` --targets ${flags.targets}` : ''} (into ${flags.targets ? "each target's modelDir" : composeModelDir(modelDirSetting(ctx.loaded))}, then ANOMOLY_POWER_MODEL() checked)` };
  }
  if (flags.deploy && r.shipped) {
    const plan = modelOnlyPlan({ modelDir: r.shipped.dir, ...(flags.targets ? { targetsFile: flags.targets } : {}), ksqldbUrl: ctx.config.ksqldb.url, modelDirSetting: modelDirSetting(ctx.loaded), ctx: sctx });
    const steps: { title: string; result: string }[] = [];
    try {
      await runSteps(plan.steps, ctx.log, (s, _i, result) => steps.push({ title: s.title, result }));
    } catch (e) {
      if (!(e instanceof StepError)) throw e;
      failure = new RetrainError(
        `model ${r.shipped.modelId} is written and models/current points at it, but deploying it failed at "${e.step.title}": ${e.cause.message}`,
        'put that right, then run `stream-smarts deploy --model-only`',
      );
      steps.push({ title: e.step.title, result: `FAILED: ${e.cause.message}` });
    }
    deploy = { steps };
  }
  if (ctx.json) {
    ctx.out(JSON.stringify({ ...r, deploy: deploy ?? null, ...(failure ? { error: failure.message } : {}) }, null, 2));
  } else {
    ctx.out(renderRetrain(r, deploy));
  }
  if (failure) throw failure;
}
