import type { Command } from 'commander';
import { createContext, KAFKA_STACK_SETTINGS, type GlobalOptions } from '../context.js';
import { checkWritable, distinctFiles } from '../output-paths.js';
import { startProgress } from '../progress.js';
import { parseDate } from '../run/default-day.js';
import { openModel } from '../run/model.js';
import { runPipeline } from '../run/run.js';

export const example = 'stream-smarts run                    # the whole pipeline in one process: a simulated day with the heater left on';

/** Collector settings `run` takes as flags, as `collect` does (contracts SETTINGS). */
const SETTING_FLAGS = ['meter-id', 'interval', 'impulses-per-kwh', 'gpio-chip', 'gpio-line', 'gpio-edge', 'gpio-bias', 'gpio-debounce-us'] as const;
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A simulated day in about ten seconds: the heater (on at 04:00) alerts within three or so. */
const DEFAULT_SIM_SPEED = 8640;

interface RunFlags {
  source: string;
  replay?: string;
  replayFormat?: string;
  speed?: string;
  realtime?: boolean;
  date?: string;
  seed: string;
  model?: string;
  alertsOut?: string;
  every?: string;
  gpiomon?: string;
}

function speedOf(f: RunFlags): number {
  if (f.realtime) return 1;
  const s = f.speed ?? (f.source === 'simulator' ? String(DEFAULT_SIM_SPEED) : 'max');
  if (s === 'max') return Infinity;
  if (s === 'real') return 1;
  const n = Number(s);
  if (!/^\d+(\.\d+)?$/.test(s) || !(n > 0)) throw new Error(`--speed "${s}": expected real, max or a positive factor such as 3600`);
  return n;
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('the whole product in one process, no Kafka: meter (GPIO, replay or the simulated household) → readings → ANOMOLY_POWER score → alert core → sinks')
    .option('--source <source>', 'simulator (a day with the heater left on), replay (--replay FILE) or gpio (the meter, on the Pi)', 'simulator')
    .option('--replay <file>', 'history to replay: .csv (timestamp,wh), .jsonl (raw_power) or .pulses')
    .option('--replay-format <format>', 'csv, jsonl or pulses (default: from the file name)')
    .option('--speed <speed>', `event time per wall time: real, max or a factor (simulator default ${DEFAULT_SIM_SPEED}, a day in 10 s; replay default max)`)
    .option('--realtime', 'run at wall-clock speed (same as --speed real)')
    .option('--date <YYYY-MM-DD>', "simulator: the local date of the simulated day (default today in the model's time zone)")
    .option('--seed <n>', 'simulator: household seed', '1')
    .option('--model <dir>', 'model directory whose envelope.json scores the readings (default models/current)')
    .option('--alerts-out <file>', 'also append each alert (the alert core\'s Alert object) as a JSON line to this file (kept across runs; delete it to start afresh); `plot` reads it')
    .option('--every <minutes>', 'minutes of event time between status lines (default 15; 1 with --realtime or gpio)')
    .option('--gpiomon <path>', 'gpio: gpiomon command to run (default gpiomon on PATH)');
  for (const f of SETTING_FLAGS) cmd.option(`--${f} <value>`, `as for \`stream-smarts collect\` (see \`stream-smarts config --settings\`)`);
  cmd
    .addHelpText(
      'after',
      `
Scores each reading with the model's envelope.json exactly as the ANOMOLY_POWER UDF does (day-aware
when the reading has its day): above 1.0 is high, below 0.0 low, the thresholds of ksql/020. Anomalies
go through the notifier's alert core (episodes; notifier.fireAfter/fireWindow/... settings) to the
configured sinks: the console by default, Pushbullet and Home Assistant when configured. The day, hour
and scores use the model's time zone. Output: a status line every 15 minutes of event time and at
every change to or from an anomaly, the alerts, and a summary line; --json prints JSON lines instead
({type: reading | alert | summary}). Logs go to stderr.

Alerts go where the sinks say they went: "ALERT to" names the sinks that accepted an alert, and a
sink that gave up gets a "NOT DELIVERED" line with its reason. Silences (\`stream-smarts silence\`) and
away mode (\`stream-smarts away\`, STREAM_SMARTS_AWAY_ENTITY) apply, read from notifier.stateDir.

Exit status: 0 done (or stopped with Ctrl-C or SIGTERM, within a second); 1 the source failed (a
missing or unusable replay file: one line naming the file, the rows and the fix) or an alert could
not be delivered; 2 bad flags, settings or model. Kafka's settings are not checked: run needs no Kafka.

Examples:
  $ stream-smarts run                                      # a simulated day, heater left on at 04:00
  $ stream-smarts run --realtime                           # the same day at wall-clock speed
  $ stream-smarts run --date 2026-07-14 --seed 7 --alerts-out alerts.jsonl
  $ stream-smarts run --source replay --replay history.csv --json
  $ stream-smarts run --source gpio --gpio-line 17         # on the Pi: the whole product without Kafka
  $ stream-smarts run --model models/2026-11-23T193000Z`,
    )
    .action(async (flags: RunFlags, c: Command) => {
      const o = c.optsWithGlobals<GlobalOptions & Record<string, string | undefined>>();
      const fail = (msg: string) => {
        process.stderr.write(`stream-smarts run: ${msg}\n`);
        process.exitCode = 2;
      };
      if (!['simulator', 'replay', 'gpio'].includes(flags.source)) return fail(`--source "${flags.source}": expected simulator, replay or gpio`);
      if (flags.source === 'replay' && !flags.replay) return fail('--source replay needs --replay FILE (csv timestamp,wh; raw_power jsonl; or a pulses file)');
      if (flags.replayFormat && !['csv', 'jsonl', 'pulses'].includes(flags.replayFormat)) return fail(`--replay-format "${flags.replayFormat}": expected csv, jsonl or pulses`);
      if (flags.every !== undefined && !/^[1-9]\d*$/.test(flags.every)) return fail(`--every "${flags.every}": expected a whole number of minutes, e.g. 15`);
      if (!/^-?\d+$/.test(flags.seed)) return fail(`--seed "${flags.seed}": expected a whole number`);
      // Before the replay: alerts appended to the history itself, or a file that cannot be written, stop it here.
      distinctFiles([
        { flag: '--replay', path: flags.replay },
        { flag: '--alerts-out', path: flags.alertsOut },
      ]);
      checkWritable('--alerts-out', flags.alertsOut);
      let speed: number;
      let date: { y: number; m: number; d: number } | undefined;
      let opened: ReturnType<typeof openModel>;
      try {
        speed = speedOf(flags);
        date = flags.date !== undefined ? parseDate(flags.date) : undefined;
        opened = openModel(flags.model);
      } catch (e) {
        return fail((e as Error).message);
      }
      // run needs no Kafka, Schema Registry, ksqlDB or H2O: their settings are not checked.
      const ctx = createContext(o, process.env, Object.fromEntries(SETTING_FLAGS.map((f) => [f, o[camel(f)]])), { unused: KAFKA_STACK_SETTINGS });
      const log = ctx.log.child({ name: 'run' });
      const tz = ctx.loaded.settings.find((s) => s.key === 'timezone');
      if (tz !== undefined && tz.source.kind !== 'default' && ctx.config.timezone !== opened.model.file.timezone) {
        log.warn({ configured: ctx.config.timezone, model: opened.model.file.timezone }, "the configured time zone differs from the model's; day, hour and scores use the model's");
      }
      const ac = new AbortController();
      const stop = () => ac.abort();
      // `run | head`: a closed stdout ends the run quietly, as a closed terminal would.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
        stop();
      });
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // A replay as fast as possible shows a bar (on a terminal, not with --json); paced runs show their lines.
      const bar = flags.source === 'replay' && speed === Infinity ? startProgress({ label: 'replaying', total: 1, json: ctx.json }) : undefined;
      const out = bar && process.stdout.isTTY ? (line: string) => (process.stderr.write('\r\x1b[K'), ctx.out(line)) : ctx.out;
      try {
        const summary = await runPipeline({
          loaded: ctx.loaded,
          log,
          model: opened.model,
          modelDir: opened.dir,
          source: flags.source as 'simulator' | 'replay' | 'gpio',
          speed,
          ...(date ? { date } : {}),
          seed: Number(flags.seed),
          ...(flags.replay ? { replay: flags.replay } : {}),
          ...(flags.replayFormat ? { replayFormat: flags.replayFormat as 'csv' | 'jsonl' | 'pulses' } : {}),
          ...(flags.gpiomon ? { gpiomon: flags.gpiomon } : {}),
          ...(flags.alertsOut ? { alertsOut: flags.alertsOut } : {}),
          json: ctx.json,
          everyMin: flags.every !== undefined ? Number(flags.every) : speed === 1 || flags.source === 'gpio' ? 1 : 15,
          out,
          signal: ac.signal,
          ...(bar ? { onReplayProgress: (d: number, t: number) => (bar.setTotal(t), bar.update(d)) } : {}),
        });
        if (summary.undelivered.length > 0) {
          const sinks = [...new Set(summary.undelivered.map((u) => u.sink))];
          process.stderr.write(`stream-smarts run: ${summary.undelivered.length} alert deliveries failed (${sinks.join(', ')}): ${summary.undelivered[0]!.detail}; see \`stream-smarts notify --test\`\n`);
          process.exitCode = 1;
        }
      } finally {
        bar?.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
