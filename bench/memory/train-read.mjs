// train's reading stage alone (history → trailing-hour cells → per-cell quantiles), without H2O:
// node train-read.mjs <repo root> <history> <timezone>. Works with the current code and the old.
const [root, file, timezone] = process.argv.slice(2);
const { readHistory } = await import(`${root}/cli/dist/train/history.js`);
const { cellStats } = await import(`${root}/cli/dist/train/cells.js`);
const h = await readHistory([file], { timezone, maxBadShare: 0.01 });
const stats = cellStats(h.rows, 0, 1);
console.log(JSON.stringify({ rows: h.rows.length, cells: stats.filter((c) => c.rows > 0).length }));
