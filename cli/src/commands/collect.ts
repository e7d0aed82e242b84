import type { Command } from 'commander';
import { SETTINGS, type SettingKey } from '@stream-smarts/contracts';
import { SourceFlagsSchema, UsageError, collect } from '@stream-smarts/pi-collector';
import { createContext, type GlobalOptions } from '../context.js';

export const example = 'stream-smarts collect --gpio-line 17        # count meter LED pulses into raw_power (on the Pi)';

/** The collector's settings that have a flag (contracts SETTINGS: collector.* and gpio.*). */
const KEYS = (Object.keys(SETTINGS) as SettingKey[]).filter((k) => (k.startsWith('collector.') || k.startsWith('gpio.')) && 'flag' in SETTINGS[k]);
const flagOf = (k: SettingKey) => (SETTINGS[k] as { flag?: string }).flag!;
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function register(program: Command): void {
  const cmd = program
    .command('collect')
    .description('count electricity-meter pulses (GPIO, a replayed history or the simulated household) and produce raw_power readings, spooling to disk while Kafka is away');
  for (const k of KEYS) {
    const s = SETTINGS[k];
    cmd.option(`--${flagOf(k)} <value>`, `${s.describe} (env ${s.env[0]}; default ${s.default ?? 'none'})`);
  }
  cmd
    .option('--replay <file>', 'history to replay with --source replay: .csv (timestamp,wh), .jsonl (raw_power) or .pulses (one instant a line)')
    .option('--replay-format <format>', 'csv, jsonl or pulses (default: from the file name)')
    .option('--speed <speed>', 'real, max or a factor such as 60 (replay default max, simulator default real)')
    .option('--seed <n>', 'simulator seed (default 1)')
    .option('--sim-start <time>', 'simulator virtual start, ISO-8601 or epoch ms (default now)')
    .option('--sim-end <time>', 'simulator virtual end (default never)')
    .option('--gpiomon <path>', 'gpiomon command to run (default gpiomon on PATH)')
    .option('--no-kafka', 'spool readings only; do not produce')
    .option('--exit-when-drained', 'exit once the input has ended and Kafka holds every reading (default for --source replay and for a simulation with --sim-end)')
    .option('--no-exit-when-drained', 'keep running after a bounded input ends')
    .addHelpText(
      'after',
      `
Pulses become a reading every --interval seconds (aligned to the clock): {ts, meter_id, day, hour,
kwh (trailing-hour Wh), wh, interval_s, pulses, minute, floor_15m, floor_1h, floor_3h, mean_24h}
(contracts/MODEL-FORMAT.md), Avro on topic raw_power via Schema Registry.
Readings and the open interval survive kill -9 and power cuts (see pi-collector/README.md).

A bounded run (a replay, or a simulation with --sim-end) exits once Kafka holds every reading, and
only then with status 0; while Kafka is unreachable it keeps the readings on disk and retries. An
accelerated simulation (--speed above 1) without --sim-start begins a day back and, once it has
caught up with the clock, goes on in real time: a reading is never stamped ahead of the clock, as
Kafka refuses records more than message.timestamp.after.max.ms (1 h by default) ahead.

Logs tell an outage ("Kafka unreachable; spooling readings to disk and retrying") from a refusal
("Kafka refused the record: <reason>", which stops the run: sending again cannot help).

Exit status: 0 when a bounded run has ended and is drained, or on SIGTERM/SIGINT; 1 on a fatal
error (Kafka refuses the records, Schema Registry rejects the schema, the GPIO line does not
exist); 2 on bad settings or flags.

Examples:
  $ stream-smarts collect --gpio-chip gpiochip0 --gpio-line 17 --impulses-per-kwh 1000
  $ stream-smarts collect --source replay --replay history.csv --speed max
  $ stream-smarts collect --source simulator --speed 60 --meter-id demo
  $ stream-smarts collect --source simulator --speed max --sim-start 2026-11-01T00:00Z --sim-end 2026-11-08T00:00Z`,
    )
    .action(async (_opts, c: Command) => {
      const o = c.optsWithGlobals<GlobalOptions & Record<string, string | boolean | undefined>>();
      const ctx = createContext(o, process.env, Object.fromEntries(KEYS.map((k) => [flagOf(k), o[camel(flagOf(k))] as string | undefined])));
      const flags = SourceFlagsSchema.safeParse({
        replay: o.replay,
        replayFormat: o.replayFormat,
        speed: o.speed,
        seed: o.seed,
        simStart: o.simStart,
        simEnd: o.simEnd,
        gpiomon: o.gpiomon,
        noKafka: o.kafka === false,
        ...(typeof o.exitWhenDrained === 'boolean' ? { exitWhenDrained: o.exitWhenDrained } : {}),
      });
      if (!flags.success) {
        process.stderr.write(`stream-smarts collect: ${flags.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
        process.exitCode = 2;
        return;
      }
      const log = ctx.log.child({ name: 'collect' });
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        const r = await collect(ctx.loaded, flags.data, log, ac.signal);
        if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
        else log.info(r, 'collector stopped');
      } catch (e) {
        if (e instanceof UsageError) {
          process.stderr.write(`stream-smarts collect: ${e.message}\n`);
          process.exitCode = 2;
          return;
        }
        log.fatal((e as Error).message);
        process.exitCode = 1;
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    });
}
