import type { Command } from 'commander';
import { SCENARIO_KINDS, collectorSettings } from '@stream-smarts/pi-collector';
import { createContext, type GlobalOptions } from '../context.js';
import type { Reading } from '@stream-smarts/contracts';
import { checkWritable, distinctFiles } from '../output-paths.js';
import { startProgress } from '../progress.js';
import { onStopSignals, stoppedExitCode } from '../signals.js';
import { planSimulation, simulatedReadings } from '../simulate/generate.js';
import { produceHistory } from '../simulate/kafka.js';
import { parseSimulateOptions, type SimulateFlags } from '../simulate/options.js';
import { isoLocal, writeHistory, writeTruth } from '../simulate/write.js';

export const example = 'stream-smarts simulate --days 28 --out history.csv --truth truth.json  # a seeded household history with labelled anomalies';

interface Flags extends SimulateFlags {
  meterId?: string;
  interval?: string;
  impulsesPerKwh?: string;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('write days of simulated household readings (CSV, raw_power JSON lines, or straight to Kafka) with labelled anomalies and their ground truth')
    .option('--format <format>', 'csv (timestamp,wh), jsonl (raw_power records) or kafka (Avro to raw_power via Schema Registry); default: from the --out name (.jsonl), else csv')
    .option('--out <file>', 'file to write for csv/jsonl; a name ending .gz is gzipped (default: stdout)')
    .option('--truth <file>', 'also write the ground truth: JSON list of {scenario, start, end}, ISO-8601 times (what `evaluate` reads)')
    .option('--days <n>', 'days of history', '28')
    .option('--start <time>', 'first instant: a date (local midnight) or ISO-8601 with offset (default: so the history ends at local midnight today)')
    .option('--seed <n>', 'simulator seed: the same seed and flags give the same readings', '1')
    .option('--scenarios <kinds>', `anomalies to inject: none, all, or a comma list of ${SCENARIO_KINDS.join(', ')}`, 'all')
    .option('--clean-days <n>', 'leading days left without anomalies (e.g. a training part)', '0')
    .option('--interval <s>', 'reading interval in seconds, dividing 900 (env STREAM_SMARTS_INTERVAL_S; default 60)')
    .option('--meter-id <id>', 'meter id of the readings (env STREAM_SMARTS_METER_ID; default home)')
    .option('--impulses-per-kwh <n>', 'meter constant (env STREAM_SMARTS_IMPULSES_PER_KWH; default 1000)')
    .addHelpText(
      'after',
      `
The household (pi-collector's simulator) is run through the collector's own interval accumulator,
so readings, local day/hour and trailing-hour kwh are exactly what a Pi on that meter would send.
Scenarios are placed about one every four days at their typical local time: heater left on
overnight, oven left on from 20:00, a 3-5 day holiday (standby only), a 1-2 day fridge failure.
Times are in the household's zone, by the rule every command follows: --timezone (or
STREAM_SMARTS_TIMEZONE) when given, else the system's — as train reads it. To evaluate against a
model, simulate in the model's zone (--timezone); evaluate warns when the offsets disagree.
Files are written whole or not at all (a temporary name, renamed when complete). Logs go to
stderr; the data to --out or stdout; a progress bar on a terminal when writing a file.

Exit status: 0 written, 1 failed (cannot write, Kafka/Schema Registry refused), 2 bad usage,
130/143 stopped by SIGINT/SIGTERM (nothing written).

Examples:
  $ stream-smarts simulate --timezone Australia/Sydney --start 2026-06-01 --days 56 --scenarios none --out history.csv.gz
  $ stream-smarts simulate --days 14 --scenarios heater-left-on --truth truth.json --out recent.csv
  $ stream-smarts simulate --format jsonl --days 2 --interval 300 | head
  $ stream-smarts simulate --format kafka --days 7 --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8081
  $ stream-smarts --json simulate --days 7 --out week.csv | jq .scenarios`,
    )
    .action(async (flags: Flags, cmd: Command) => {
      // Outside reportErrors: a bad setting is a ConfigError, which main.ts reports like every command's (exit 2).
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>(), process.env, {
        'meter-id': flags.meterId,
        interval: flags.interval,
        'impulses-per-kwh': flags.impulsesPerKwh,
      });
      const s = collectorSettings(ctx.loaded);
      const o = parseSimulateOptions(flags, { timezone: ctx.config.timezone, meterId: s.meterId, intervalS: s.intervalS, impulsesPerKwh: s.impulsesPerKwh });
      // Before a day is simulated: --out and --truth must be two files, each writable.
      distinctFiles([
        { flag: '--out', path: o.out },
        { flag: '--truth', path: o.truth },
      ]);
      checkWritable('--out', o.out);
      checkWritable('--truth', o.truth);
      const log = ctx.log.child({ command: 'simulate' });
      const plan = planSimulation(o);
      const stop = onStopSignals();
      const bar = startProgress({ label: 'simulating', total: o.days, json: ctx.json || o.out === undefined });
      let readings = 0;
      let energyWh = 0;
      let days = 0;
      async function* counted(): AsyncGenerator<Reading[]> {
        for await (const rs of simulatedReadings(o, plan, stop.signal)) {
          readings += rs.length;
          for (const r of rs) energyWh += r.wh;
          bar.update(++days, `day ${days} of ${o.days}`);
          yield rs;
        }
      }
      let kafka: Awaited<ReturnType<typeof produceHistory>> | undefined;
      try {
        if (o.format === 'kafka') {
          const all: Reading[] = [];
          for await (const rs of counted()) all.push(...rs);
          if (!stop.by) kafka = await produceHistory(ctx.loaded, o.meterId, all, log);
        } else await writeHistory(counted(), o.format, o.timezone, o.out, stop.signal);
        if (o.truth && !stop.by) await writeTruth(plan.truth, o.truth);
      } finally {
        bar.stop();
        stop.dispose();
      }
      if (stop.by) {
        process.stderr.write(`stream-smarts simulate: stopped by ${stop.by}; ${o.out ? `${o.out} not written` : 'output incomplete'}\n`);
        process.exitCode = stoppedExitCode(stop.by);
        return;
      }
      const from = isoLocal(plan.start, o.timezone);
      const to = isoLocal(plan.end, o.timezone);
      log.info({ readings, from, to, scenarios: plan.truth.length }, `simulated ${readings} readings, ${from} → ${to}, ${plan.truth.length} scenarios`);
      const summary = {
        format: o.format,
        out: o.format === 'kafka' ? null : (o.out ?? '-'),
        ...(kafka ? { kafka } : {}),
        truth: o.truth ?? null,
        seed: o.seed,
        timezone: o.timezone,
        meterId: o.meterId,
        intervalS: o.intervalS,
        from: new Date(plan.start).toISOString(),
        to: new Date(plan.end).toISOString(),
        days: o.days,
        readings,
        energyWh: Math.round(energyWh * 1000) / 1000,
        scenarios: plan.truth.map((t) => ({ scenario: t.scenario, start: new Date(t.start).toISOString(), end: new Date(t.end).toISOString() })),
      };
      // The summary goes to stdout only when the data does not (or with --json, when asked).
      if (ctx.json) {
        if (o.out === undefined && o.format !== 'kafka') process.stderr.write(`${JSON.stringify(summary)}\n`);
        else ctx.out(JSON.stringify(summary, null, 2));
      } else if (o.out !== undefined || o.format === 'kafka') {
        ctx.out(`Simulated ${summary.readings} readings of meter ${o.meterId} (${o.intervalS} s, ${(energyWh / 1000).toFixed(1)} kWh), ${isoLocal(plan.start, o.timezone)} → ${isoLocal(plan.end, o.timezone)}, seed ${o.seed}, ${o.timezone}.`);
        ctx.out(kafka ? `Produced ${kafka.produced} readings to ${kafka.topic} (schema id ${kafka.schemaId}).` : `Wrote ${o.out}.`);
        for (const t of plan.truth) ctx.out(`  ${t.scenario.padEnd(15)} ${isoLocal(t.start, o.timezone)} → ${isoLocal(t.end, o.timezone)}`);
        if (o.truth) ctx.out(`Ground truth: ${o.truth}.`);
      }
    });
}
