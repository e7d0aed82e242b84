#!/usr/bin/env node
// The score ksql/020 gives the e2e's reading, as the UDF computes it: ANOMOLY_POWER(day, minute,
// floor_15m, …, mean_24h) with the model deploy shipped, through contracts'
// scorer, which the UDF's tests prove equal to the Java UDF bit for bit on shared vectors. The
// reading is the last of an hour of one-minute readings at KWH watts (what e2e-readings.mjs makes),
// measured as the collector measures it (contracts TrailingMeasures), its minute of day in UTC (make
// e2e runs the collector with STREAM_SMARTS_TIMEZONE=UTC), its day of the week likewise: `node scripts/e2e-score.mjs MODEL_DIR TS_MS KWH`.
import { dayHourOfReading, loadModel, minuteOfReading, TrailingMeasures } from '../contracts/dist/index.js';

const [dir, ts, kwh] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
if (!dir || !Number.isFinite(ts) || !Number.isFinite(kwh)) {
  console.error('usage: node scripts/e2e-score.mjs MODEL_DIR TS_MS KWH');
  process.exit(2);
}
const m = new TrailingMeasures();
let v;
for (let i = 59; i >= 0; i--) v = m.push(ts - i * 60_000, kwh / 60, 60_000);
console.log(loadModel(dir).score({ ...v, day: dayHourOfReading(ts, 'UTC').day, minute: minuteOfReading(ts, 'UTC') }));
