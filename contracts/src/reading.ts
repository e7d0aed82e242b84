import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * One `raw_power` reading. The Avro schema in contracts/schemas/raw_power.avsc is the source of
 * truth; this zod schema mirrors it for validation of readings read from files (replay, spool).
 */
export const ReadingSchema = z.object({
  ts: z.number().int().nonnegative(),
  meter_id: z.string().min(1),
  day: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  kwh: z.number().finite().nonnegative(),
  wh: z.number().finite().nonnegative(),
  interval_s: z.number().int().positive().max(3600),
  pulses: z.number().int().nonnegative(),
  // Version 2 (MODEL-FORMAT "What a reading carries"): absent or null in version-1 records.
  minute: z.number().int().min(0).max(1439).nullish(),
  floor_15m: z.number().finite().nonnegative().nullish(),
  floor_1h: z.number().finite().nonnegative().nullish(),
  floor_3h: z.number().finite().nonnegative().nullish(),
  mean_24h: z.number().finite().nonnegative().nullish(),
  // Version 3: absent or null in version-1 and -2 records.
  step_20m: z.number().finite().nonnegative().nullish(),
  step_45m: z.number().finite().nonnegative().nullish(),
  step_90m: z.number().finite().nonnegative().nullish(),
  activity_3h: z.number().finite().nonnegative().nullish(),
});

export type Reading = z.infer<typeof ReadingSchema>;

/** The Kafka topic and Schema Registry subject the 2018 statements read. */
export const RAW_POWER_TOPIC = 'raw_power';
export const RAW_POWER_SUBJECT = 'raw_power-value';

/** Path of raw_power.avsc: works from src/ (tests) and dist/ (built), both one level below the package. */
export const RAW_POWER_AVSC_PATH = fileURLToPath(new URL('../schemas/raw_power.avsc', import.meta.url));

/** The Avro schema text of raw_power, read from the one .avsc file. */
export function rawPowerAvsc(): string {
  return readFileSync(RAW_POWER_AVSC_PATH, 'utf8');
}
