// train's reading stage alone (history → measured days → band statistics of the last 90 days),
// without H2O: node train-read.mjs <repo root> <history> <timezone>. Works with this code
// (bands@3: train/bands3/stats at the collector's 1,000 impulses per kWh and 60-s interval), with
// bands@2 (band-stats; 90 days plus the 4 held-back weeks kept, as train keeps them) and with the
// code before both (train/cells).
import { existsSync } from 'node:fs';
const [root, file, timezone] = process.argv.slice(2);
const { readHistory } = await import(`${root}/cli/dist/train/history.js`);
if (existsSync(`${root}/cli/src/train/bands3/stats.ts`)) {
  const { bands3Stats } = await import(`${root}/cli/dist/train/bands3/stats.js`);
  const h = await readHistory([file], { timezone, keepDays: 90 + 28, maxBadShare: 0.01 });
  const last = h.days.lastDay + 1;
  const stats = bands3Stats(h.days.grid(Math.max(h.days.heldFrom, last - 90), last), { impulsesPerKwh: 1000, intervalS: 60 });
  console.log(JSON.stringify({ readings: h.readings, days: last - h.days.heldFrom, incidents: stats.incidents.length }));
} else if (existsSync(`${root}/cli/src/train/band-stats.ts`)) {
  const { bandStats } = await import(`${root}/cli/dist/train/band-stats.js`);
  const h = await readHistory([file], { timezone, keepDays: 90 + 28, maxBadShare: 0.01 });
  const last = h.days.lastDay + 1;
  const stats = bandStats(h.days.grid(Math.max(h.days.heldFrom, last - 90), last));
  console.log(JSON.stringify({ readings: h.readings, days: last - h.days.heldFrom, incidents: stats.incidents.length }));
} else {
  const { cellStats } = await import(`${root}/cli/dist/train/cells.js`);
  const h = await readHistory([file], { timezone, maxBadShare: 0.01 });
  const stats = cellStats(h.rows, 0, 1);
  console.log(JSON.stringify({ rows: h.rows.length, cells: stats.filter((c) => c.rows > 0).length }));
}
