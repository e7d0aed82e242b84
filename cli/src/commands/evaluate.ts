import type { Command } from 'commander';
import { createContext, KAFKA_STACK_SETTINGS, type GlobalOptions } from '../context.js';
import { evaluate, type EvaluateInput } from '../evaluate/evaluate.js';
import { meetsTarget, renderReport } from '../evaluate/report.js';
import { parseDate } from '../run/default-day.js';
import { openModel } from '../run/model.js';
import { startProgress } from '../progress.js';
import { benchmarkWithH2O, renderBenchmark } from '../evaluate/benchmark/command.js';
import { ATTRIBUTION, loadHouseholds } from '../evaluate/benchmark/households.js';
import { loadHistory } from '../evaluate/benchmark/load.js';
import { noProgress, terminalProgress } from '../h2o/progress.js';
import { alertRules } from '@stream-smarts/notifier';
import { historySettings } from '@stream-smarts/contracts';
import { onStopSignals, stoppedExitCode } from '../signals.js';

export const example = 'stream-smarts evaluate --days 60     # detection and false alerts of the model on a labelled simulated history';

interface EvaluateFlags {
  benchmark?: boolean;
  quick?: boolean;
  days?: string;
  seed: string;
  start?: string;
  history?: string;
  truth?: string;
  replayFormat?: string;
  model?: string;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description("replay a labelled history through run's pipeline (score → alert core) and report, per scenario, detection and minutes to alert, and false alerts per day")
    .option('--days <n>', 'generate this many days with the household simulator and planned scenarios (default 60)')
    .option('--seed <n>', 'simulator seed of the generated history', '1')
    .option('--start <YYYY-MM-DD>', "first local day of the generated history (default: the day after the model's training history)")
    .option('--history <file>', 'a history file instead: .csv (timestamp,wh) or .jsonl (raw_power), as `stream-smarts simulate` writes')
    .option('--truth <file>', 'its ground truth: JSON list of {scenario, start, end}, ISO or epoch-ms times')
    .option('--replay-format <format>', 'csv, jsonl or pulses (default: from the history file name)')
    .option('--model <dir>', 'model directory (default models/current)')
    .option('--benchmark', 'the detection benchmark instead: rolling windows over every household of the benchmark (two real, five generated; or your --history), injected events, stream-smarts beside the 2018 method and bands@2, trained with H2O; per household and the worst one')
    .option('--quick', 'with --benchmark: the product trained once per window only (no weekly retraining), for a first look')
    .addHelpText(
      'after',
      `
A scenario is detected by its first alert of the expected kind (high; low for a holiday) between its
start and end; minutes to alert are event time from its start. A new alert episode outside every
scenario (and the hour after one, while the trailing-hour measure still holds it) is a false alert.
Alert rules are the notifier's (STREAM_SMARTS_NOTIFIER_FIRE_AFTER, _FIRE_WINDOW, _RESOLVE_AFTER, ...).
The target line checks heater-left-on detected within 30 min and under 1 false alert a week.

The history is read by the one history reader (as train and run read it): bad, duplicate and
out-of-order rows are skipped and reported as file:line, gaps stay gaps (nothing is scored for the
hour after one), too many bad rows stop it. A progress bar shows on a terminal (not with --json).

Exit status: 0 evaluated (whether or not the target is met: see the target line, or "meetsTarget" in
--json); 1 an input file is missing or unusable; 2 bad flags or model; 130/143 stopped by
SIGINT/SIGTERM.

--benchmark trains stream-smarts itself (as \`train\` does: a local H2O when none answers, the UDF
jar) on each 90-day window of the history, tests on the next 60 days with injected events — a 2 kW
heater left on from 02:00 and from 22:00, a 2.5 kW oven left on, a week away, a dead fridge — and
scores the real events found in the history (days away, all-night loads) as events; it reports
false alerts and notifications a week and, per scenario, found/total and minutes to the first
alert, beside the 2018 method and the previous one, both trained once and retrained every 7 days.
Without --history it runs on the bundled real-household data (bench/data/uci-household, CC BY 4.0).
The history needs one reading interval and a year or so (four windows need 330 days).

Examples:
  $ stream-smarts evaluate --benchmark
  $ stream-smarts evaluate --benchmark --history my-year.csv.gz --timezone Europe/Paris
  $ stream-smarts evaluate --days 60
  $ stream-smarts evaluate --days 14 --seed 7 --json
  $ stream-smarts evaluate --history history.csv --truth truth.json
  $ STREAM_SMARTS_NOTIFIER_FIRE_AFTER=3 stream-smarts evaluate --days 60`,
    )
    .action(async (flags: EvaluateFlags, c: Command) => {
      const fail = (msg: string) => {
        process.stderr.write(`stream-smarts evaluate: ${msg}\n`);
        process.exitCode = 2;
      };
      if (flags.benchmark) return benchmark(flags, c);
      let input: EvaluateInput;
      if (flags.history !== undefined || flags.truth !== undefined) {
        if (!flags.history || !flags.truth) return fail('--history and --truth go together: the history file and its ground-truth list');
        if (flags.days !== undefined) return fail('give either --days (generate) or --history with --truth, not both');
        if (flags.replayFormat && !['csv', 'jsonl', 'pulses'].includes(flags.replayFormat)) return fail(`--replay-format "${flags.replayFormat}": expected csv, jsonl or pulses`);
        input = { kind: 'files', history: flags.history, truth: flags.truth, ...(flags.replayFormat ? { format: flags.replayFormat as 'csv' } : {}) };
      } else {
        const days = flags.days ?? '60';
        if (!/^\d+$/.test(days) || Number(days) < 2 || Number(days) > 3660) return fail(`--days "${days}": expected a whole number of days from 2 to 3660`);
        if (!/^-?\d+$/.test(flags.seed)) return fail(`--seed "${flags.seed}": expected a whole number`);
        let start;
        try {
          start = flags.start !== undefined ? parseDate(flags.start.replace(/^--date/, '')) : undefined;
        } catch (e) {
          return fail((e as Error).message.replace('--date', '--start'));
        }
        input = { kind: 'generate', days: Number(days), seed: Number(flags.seed), ...(start ? { start } : {}) };
      }
      let opened: ReturnType<typeof openModel>;
      try {
        opened = openModel(flags.model);
      } catch (e) {
        return fail((e as Error).message);
      }
      const ctx = createContext(c.optsWithGlobals<GlobalOptions>(), process.env, {}, { unused: KAFKA_STACK_SETTINGS });
      const stop = onStopSignals();
      const bar = startProgress({ label: 'evaluating', total: 1, json: ctx.json });
      ctx.log.debug({ input: input.kind }, 'evaluating');
      try {
        const r = await evaluate({
          input,
          model: opened.model,
          loaded: ctx.loaded,
          log: ctx.log.child({ name: 'evaluate' }),
          signal: stop.signal,
          onProgress: (done, total) => (bar.setTotal(total), bar.update(done)),
        });
        bar.stop();
        if (stop.by) {
          process.stderr.write(`stream-smarts evaluate: stopped by ${stop.by}; no report\n`);
          process.exitCode = stoppedExitCode(stop.by);
          return;
        }
        if (ctx.json) ctx.out(JSON.stringify({ ...r, meetsTarget: meetsTarget(r) }));
        else ctx.out(renderReport(r, opened.model.file.timezone));
      } finally {
        bar.stop();
        stop.dispose();
      }
    });
}

async function benchmark(flags: EvaluateFlags, c: Command): Promise<void> {
  // The benchmark trains with H2O: only the Kafka stack's settings are unused.
  const ctx = createContext(c.optsWithGlobals<GlobalOptions>(), process.env, {}, { unused: (k) => /^(kafka|schemaRegistry|ksqldb)\./.test(k) });
  const own = flags.history !== undefined;
  const hs = historySettings(ctx.loaded);
  const stop = onStopSignals();
  const progress = !ctx.json && process.stderr.isTTY === true ? terminalProgress(process.stderr) : noProgress;
  try {
    const read = { maxPowerKw: hs.maxPowerKw, maxBadShare: hs.maxBadShare, signal: stop.signal };
    // Your own history (its real events found by the benchmark's fixed rules, or --truth), else every household of the benchmark.
    const histories = own ? [await loadHistory(flags.history!, ctx.config.timezone, { household: flags.history!, ...(flags.truth ? { truth: flags.truth } : {}), read })] : await loadHouseholds(undefined, read);
    const h2oSource = ctx.loaded.settings.find((s) => s.key === 'h2o.url')?.source;
    const run = await benchmarkWithH2O({
      histories,
      rules: alertRules(ctx.loaded),
      h2oUrl: ctx.config.h2o.url,
      ...(h2oSource ? { h2oUrlSource: h2oSource } : {}),
      ...(ctx.config.h2o.javaOptions ? { javaOptions: ctx.config.h2o.javaOptions } : {}),
      log: ctx.log,
      progress,
      ...(flags.quick ? { only: { modes: ['once'] } } : {}),
      ablation: !own && !flags.quick,
      onWindow: (m, mode, r) => ctx.log.info({ method: m, mode, file: r.file, window: r.window.index, falseAlerts: r.falseHigh + r.falseLow }, `scored window ${r.window.index} of ${r.file} (${m}, ${mode}): ${r.falseHigh + r.falseLow} false alerts`),
      signal: stop.signal,
    });
    if (ctx.json) ctx.out(JSON.stringify({ rows: run.rows, worst: run.worst, ablation: run.ablation, h2oFits: run.h2oFits, fits: run.fits, maxFitDiffWh: run.maxFitDiffWh, ms: run.ms }));
    else ctx.out(renderBenchmark(run, own ? '' : ATTRIBUTION));
  } catch (e) {
    if (stop.by) {
      process.stderr.write(`stream-smarts evaluate: stopped by ${stop.by}; no report\n`);
      process.exitCode = stoppedExitCode(stop.by);
      return;
    }
    throw e;
  } finally {
    progress.stop();
    stop.dispose();
  }
}
