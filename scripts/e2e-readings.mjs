#!/usr/bin/env node
// A replay CSV for make e2e: COUNT one-minute lines of WH watt-hours each, the last ending at
// END_MS (epoch ms): `node scripts/e2e-readings.mjs END_MS COUNT WH`. The collector turns it into
// minute readings whose trailing hour, once a full hour is in, is 60 × WH.
const [end, count, wh] = process.argv.slice(2).map(Number);
if (![end, count, wh].every(Number.isFinite) || count < 1) {
  console.error('usage: node scripts/e2e-readings.mjs END_MS COUNT WH');
  process.exit(2);
}
const lines = ['timestamp,wh'];
for (let i = count - 1; i >= 0; i--) lines.push(`${new Date(end - i * 60_000).toISOString()},${wh}`);
process.stdout.write(lines.join('\n') + '\n');
