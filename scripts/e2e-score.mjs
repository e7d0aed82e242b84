#!/usr/bin/env node
// The score ksql/020 gives a reading, as the UDF computes it: COALESCE(ANOMOLY_POWER(day, hour,
// kwh), ANOMOLY_POWER(hour, kwh)) with the model deploy shipped, through contracts' scorer, which
// the UDF's tests prove equal to the Java UDF on shared vectors. Day and hour in UTC (make e2e runs
// the collector with STREAM_SMARTS_TIMEZONE=UTC): `node scripts/e2e-score.mjs MODEL_DIR TS_MS KWH`.
import { dayHourOfReading, loadEnvelope } from '../contracts/dist/index.js';

const [dir, ts, kwh] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
if (!dir || !Number.isFinite(ts) || !Number.isFinite(kwh)) {
  console.error('usage: node scripts/e2e-score.mjs MODEL_DIR TS_MS KWH');
  process.exit(2);
}
const { day, hour } = dayHourOfReading(ts, "UTC");
const env = loadEnvelope(dir);
console.log(env.scoreDay(day, hour, kwh) ?? env.score(hour, kwh));
