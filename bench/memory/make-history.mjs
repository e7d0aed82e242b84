// Writes a history of about $MB megabytes for the memory bench, from the simulator's own output:
// one simulated 364-day year (52 whole weeks, so weekdays line up) repeated back to back, each copy
// shifted by 364 days, as CSV `timestamp,wh` with UTC times; and its ground truth likewise.
// node make-history.mjs <year.csv> <year-truth.json> <out.csv> <out-truth.json> <MB>
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const [yearCsv, yearTruth, outCsv, outTruth, mb] = process.argv.slice(2);
const SHIFT = 364 * 86_400_000;
const rows = [];
for await (const line of createInterface({ input: createReadStream(yearCsv) })) {
  if (line.startsWith('timestamp')) continue;
  const [t, wh] = line.split(',');
  rows.push([Date.parse(t), wh]);
}
const bytesPerCopy = rows.reduce((n, [t, wh]) => n + new Date(t).toISOString().length + wh.length + 2, 0);
const copies = Math.max(1, Math.round((Number(mb) * 1e6) / bytesPerCopy));
const out = createWriteStream(outCsv);
const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
await write('timestamp,wh\n');
for (let k = 0; k < copies; k++) {
  let buf = '';
  for (const [t, wh] of rows) buf += `${new Date(t + k * SHIFT).toISOString()},${wh}\n`;
  await write(buf);
}
await new Promise((r) => out.end(r));
const truth = JSON.parse(readFileSync(yearTruth, 'utf8'));
const all = [];
for (let k = 0; k < copies; k++) for (const s of truth) all.push({ scenario: s.scenario, start: new Date(Date.parse(s.start) + k * SHIFT).toISOString(), end: new Date(Date.parse(s.end) + k * SHIFT).toISOString() });
writeFileSync(outTruth, JSON.stringify(all));
console.log(JSON.stringify({ copies, rows: rows.length * copies }));
