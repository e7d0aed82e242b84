import { resolve } from 'node:path';
import { z } from 'zod';
import { SETTINGS, kafkaClientOptions, RAW_POWER_TOPIC, type LoadedConfig, type Logger, type SettingKey, type SettingValue } from '@stream-smarts/contracts';
import { runCollector, type CollectorResult } from './collector.js';
import { GpioPulseSource } from './gpio-pulses.js';
import { RawPowerProducer } from './producer.js';
import { ReplaySource, type ReplayFormat } from './replay.js';
import { SimulatorSource } from './simulator-source.js';
import type { PulseSource } from './source.js';

/** The collector's settings (contracts SETTINGS, `collector.*` and `gpio.*`), typed. */
export function collectorSettings(loaded: LoadedConfig) {
  const get = <K extends SettingKey>(key: K): SettingValue<K> => {
    const r = loaded.settings.find((s) => s.key === key);
    const raw = r?.raw ?? SETTINGS[key].default;
    return SETTINGS[key].schema.parse(raw) as SettingValue<K>;
  };
  return {
    meterId: get('collector.meterId') as string,
    source: get('collector.source') as 'gpio' | 'replay' | 'simulator',
    intervalS: get('collector.intervalS') as number,
    impulsesPerKwh: get('collector.impulsesPerKwh') as number,
    stateDir: resolve(get('collector.stateDir') as string),
    spoolMaxReadings: get('collector.spoolMaxReadings') as number,
    checkpointMs: (get('collector.checkpointS') as number) * 1000,
    topicSpec: {
      partitions: get('kafka.rawPowerPartitions') as number,
      replicationFactor: get('kafka.rawPowerReplicationFactor') as number,
      retentionMs: get('kafka.rawPowerRetention') as number,
    },
    gpio: {
      chip: get('gpio.chip') as string,
      line: get('gpio.line') as string,
      edge: get('gpio.edge') as 'rising' | 'falling',
      bias: get('gpio.bias') as 'as-is' | 'pull-up' | 'pull-down' | 'disable',
      debounceUs: get('gpio.debounceUs') as number,
    },
  };
}
export type CollectorSettings = ReturnType<typeof collectorSettings>;

/** Options of the replay and simulator sources, given on the command line only. */
export const SourceFlagsSchema = z.object({
  replay: z.string().min(1).optional(),
  replayFormat: z.enum(['csv', 'jsonl', 'pulses']).optional(),
  /** "real", "max", or a factor such as 60 (a minute per second). */
  speed: z
    .string()
    .regex(/^(real|max|\d+(\.\d+)?)$/, 'speed must be real, max or a positive factor such as 60')
    .optional(),
  seed: z.coerce.number().int().optional(),
  simStart: z.string().optional(),
  simEnd: z.string().optional(),
  gpiomon: z.string().optional(),
  exitWhenDrained: z.boolean().optional(),
  noKafka: z.boolean().optional(),
});
export type SourceFlags = z.infer<typeof SourceFlagsSchema>;

/** How far back an accelerated simulation without --sim-start begins: a day of history, then live. */
export const SIM_HISTORY_MS = 86_400_000;

/** Bad source flags: the command exits 2 with this message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function speedOf(s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  if (s === 'real') return 1;
  if (s === 'max') return Infinity;
  const n = Number(s);
  if (!(n > 0)) throw new Error(`--speed ${s}: expected real, max or a positive factor such as 60`);
  return n;
}

function instantOf(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`${what} "${s}": expected an ISO-8601 time with offset or epoch ms`);
  return t;
}

/** How a replayed history is read: the history settings (historySettings) and a progress callback. */
export interface ReplayReading {
  history?: { maxPowerKw: number; maxBadShare: number };
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

export function createSource(cfg: CollectorSettings, timezone: string, flags: SourceFlags, log: Logger, replay: ReplayReading = {}): PulseSource {
  if (cfg.impulsesPerKwh <= 0) throw new Error(`meter constant must be positive impulses per kWh; got ${cfg.impulsesPerKwh}`);
  switch (cfg.source) {
    case 'gpio':
      return new GpioPulseSource({ ...cfg.gpio, ...(flags.gpiomon ? { command: flags.gpiomon } : {}), log });
    case 'replay':
      if (!flags.replay) throw new Error('source replay needs a file: give --replay <file> (csv timestamp,wh; raw_power jsonl; or a pulses file)');
      return new ReplaySource({
        path: resolve(flags.replay),
        ...(flags.replayFormat ? { format: flags.replayFormat as ReplayFormat } : {}),
        speed: speedOf(flags.speed, Infinity),
        whPerPulse: 1000 / cfg.impulsesPerKwh,
        intervalS: cfg.intervalS,
        timezone,
        log,
        ...(replay.history ?? {}),
        ...(replay.onProgress ? { onProgress: replay.onProgress } : {}),
      });
    case 'simulator': {
      const speed = speedOf(flags.speed, 1);
      const end = instantOf(flags.simEnd, '--sim-end');
      // Readings are never stamped ahead of the clock (see SimulatorSource), so an accelerated run
      // without a start plays the last day quickly and then goes on live.
      const start = instantOf(flags.simStart, '--sim-start') ?? (speed > 1 ? Math.floor((end ?? Date.now()) / 60_000) * 60_000 - SIM_HISTORY_MS : undefined);
      if (end !== undefined && end > Date.now()) {
        throw new UsageError(
          `--sim-end ${new Date(end).toISOString()} is in the future: simulated readings are never stamped ahead of the clock (Kafka refuses records more than message.timestamp.after.max.ms, 1 h by default, ahead), so the run could not end before then; give an end in the past, or leave --sim-end out to go on live`,
        );
      }
      if (start !== undefined && end !== undefined && start >= end) throw new UsageError(`--sim-start must be before --sim-end`);
      return new SimulatorSource({
        timezone,
        seed: flags.seed ?? 1,
        impulsesPerKwh: cfg.impulsesPerKwh,
        speed,
        notAheadOfClock: true,
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
      });
    }
  }
}

/** Everything `stream-smarts collect` and `node pi-collector/dist/main.js` do once configured. */
export async function collect(loaded: LoadedConfig, flags: SourceFlags, log: Logger, signal: AbortSignal): Promise<CollectorResult> {
  const cfg = collectorSettings(loaded);
  const { config } = loaded;
  const source = createSource(cfg, config.timezone, flags, log);
  const producer = flags.noKafka
    ? undefined
    : new RawPowerProducer({
        kafka: kafkaClientOptions(config.kafka),
        schemaRegistry: config.schemaRegistry,
        topic: RAW_POWER_TOPIC,
        meterId: cfg.meterId,
        log,
        topicSpec: cfg.topicSpec,
      });
  log.info(
    {
      meterId: cfg.meterId,
      source: cfg.source,
      intervalS: cfg.intervalS,
      impulsesPerKwh: cfg.impulsesPerKwh,
      timezone: config.timezone,
      stateDir: cfg.stateDir,
      kafka: flags.noKafka ? 'off' : config.kafka.brokers.join(','),
      schemaRegistry: flags.noKafka ? 'off' : config.schemaRegistry.url,
    },
    'collector starting',
  );
  return runCollector(
    {
      meterId: cfg.meterId,
      intervalS: cfg.intervalS,
      impulsesPerKwh: cfg.impulsesPerKwh,
      timezone: config.timezone,
      stateDir: cfg.stateDir,
      spoolMaxReadings: cfg.spoolMaxReadings,
      checkpointMs: cfg.checkpointMs,
      source,
      ...(producer ? { producer } : {}),
      log,
      // Bounded sources (a replay, a simulation with --sim-end) end the run once Kafka has everything.
      exitWhenDrained: flags.exitWhenDrained ?? (source.kind === 'replay' || (source.kind === 'simulator' && flags.simEnd !== undefined)),
    },
    signal,
  );
}
