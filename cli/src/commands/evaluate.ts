import type { Command } from 'commander';
import { createContext, KAFKA_STACK_SETTINGS, type GlobalOptions } from '../context.js';
import { evaluate, type EvaluateInput } from '../evaluate/evaluate.js';
import { meetsTarget, renderReport } from '../evaluate/report.js';
import { parseDate } from '../run/default-day.js';
import { openModel } from '../run/model.js';
import { startProgress } from '../progress.js';
import { onStopSignals, stoppedExitCode } from '../signals.js';

export const example = 'stream-smarts evaluate --days 60     # detection and false alerts of the model on a labelled simulated history';

interface EvaluateFlags {
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

Examples:
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
