#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, SETTINGS, createLogger, loadConfig, type SettingKey } from '@stream-smarts/contracts';
import { SourceFlagsSchema, UsageError, collect } from './config.js';

/**
 * The collector on its own, for a Pi without the rest of the CLI:
 *   node pi-collector/dist/main.js [--source gpio|replay|simulator] [--meter-id ID] ...
 * Settings come from flags > environment > .env > defaults (contracts SETTINGS); run with --help.
 */
const SETTING_FLAGS: SettingKey[] = (Object.keys(SETTINGS) as SettingKey[]).filter(
  (k) => (k.startsWith('collector.') || k.startsWith('gpio.') || ['logLevel', 'timezone', 'kafka.brokers', 'schemaRegistry.url'].includes(k)) && 'flag' in SETTINGS[k],
);

function flagOf(k: SettingKey): string {
  return (SETTINGS[k] as { flag?: string }).flag!;
}

const HELP = `usage: node pi-collector/dist/main.js [options]

Counts electricity-meter LED pulses and produces a reading every interval to Kafka topic raw_power
(Avro via Schema Registry), spooling to disk while Kafka is unreachable.

Settings (flag, environment variable, default):
${SETTING_FLAGS.map((k) => `  --${flagOf(k)} <v>`.padEnd(28) + `${SETTINGS[k].env[0]}`.padEnd(36) + `${SETTINGS[k].default ?? ''}\n      ${SETTINGS[k].describe}`).join('\n')}

Source options:
  --replay <file>          history to replay (with --source replay): .csv timestamp,wh | .jsonl raw_power | .pulses
  --replay-format <f>      csv, jsonl or pulses (default: from the file name)
  --speed <s>              real, max or a factor (replay default max, simulator default real)
  --seed <n>               simulator seed (default 1)
  --sim-start/--sim-end <t> simulator virtual time range (ISO-8601 or epoch ms)
  --gpiomon <path>         gpiomon command (default gpiomon on PATH)
  --no-kafka               spool only, do not produce
  --exit-when-drained      exit once the input has ended and Kafka holds every reading (default for a
                           replay and for a simulation with --sim-end; exit status 0 only then)
  --env-file <path>        settings file (default ./.env)

An accelerated simulation (--speed above 1) without --sim-start starts a day back and, once it has
caught up with the clock, goes on in real time: readings are never stamped ahead of the clock, which
Kafka would refuse (message.timestamp.after.max.ms, 1 h by default).
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'env-file': { type: 'string' },
      replay: { type: 'string' },
      'replay-format': { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      'sim-start': { type: 'string' },
      'sim-end': { type: 'string' },
      gpiomon: { type: 'string' },
      'no-kafka': { type: 'boolean' },
      'exit-when-drained': { type: 'boolean' },
      ...Object.fromEntries(SETTING_FLAGS.map((k) => [flagOf(k), { type: 'string' as const }])),
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const flagValues = values as Record<string, string | boolean | undefined>;
  let loaded;
  try {
    loaded = loadConfig({
      flags: Object.fromEntries(SETTING_FLAGS.map((k) => [flagOf(k), flagValues[flagOf(k)] as string | undefined])),
      ...(values['env-file'] ? { envFile: values['env-file'] as string, envFileRequired: true } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`pi-collector: bad configuration:\n  ${e.problems.join('\n  ')}\n`);
      return 2;
    }
    throw e;
  }
  const log = createLogger({ level: loaded.config.logLevel, secrets: loaded.secrets, name: 'pi-collector' });
  for (const w of loaded.warnings) log.warn(w);
  const flags = SourceFlagsSchema.safeParse({
    replay: values.replay,
    replayFormat: values['replay-format'],
    speed: values.speed,
    seed: values.seed,
    simStart: values['sim-start'],
    simEnd: values['sim-end'],
    gpiomon: values.gpiomon,
    noKafka: values['no-kafka'],
    exitWhenDrained: values['exit-when-drained'],
  });
  if (!flags.success) {
    process.stderr.write(`pi-collector: ${flags.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
    return 2;
  }
  const ac = new AbortController();
  const onSignal = (sig: string) => {
    log.info({ signal: sig }, 'stopping: checkpointing the open interval; spooled readings stay on disk');
    ac.abort();
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  try {
    const r = await collect(loaded, flags.data, log, ac.signal);
    log.info(r, 'collector stopped');
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pi-collector: ${e.message}\n`);
      return 2;
    }
    log.fatal({ err: (e as Error).message }, (e as Error).message);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pi-collector: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
