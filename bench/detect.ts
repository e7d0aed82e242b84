/**
 * `make bench ONLY=detect`: the detection benchmark on real-household data (issue 12). The
 * development split in bench/data/uci-household (UCI, CC BY 4.0), rolling windows (train 90 days,
 * test 60, slide 60), injected heater / oven / week away / dead fridge, the labelled real events of
 * truth.json; stream-smarts (bands@2, trained with a real H2O and the UDF jar, once and retrained
 * every 7 days) beside the 2018 method and the previous one, in one run. Prints the table and the
 * targets; writes .cache/bench/detect.json.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm bench/detect.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchmarkWithH2O, renderBenchmark } from '../cli/src/evaluate/benchmark/command.js';
import { FIXTURE_TIMEZONE, fixtureAttribution, fixturePaths, fixtureTruth, loadHistory } from '../cli/src/evaluate/benchmark/load.js';
import { terminalProgress } from '../cli/src/h2o/progress.js';

const truth = fixtureTruth();
const histories = [];
for (const f of fixturePaths()) histories.push(await loadHistory(f, FIXTURE_TIMEZONE, truth ? { truth } : {}));
let windows = 0;
const run = await benchmarkWithH2O({
  histories,
  h2oUrl: process.env.H2O_URL ?? 'http://localhost:54321',
  ...(process.stderr.isTTY ? { progress: terminalProgress(process.stderr) } : {}),
  onWindow: (m, mode, r) => process.stderr.write(`  ${m}, ${mode}: ${r.file} window ${r.window.index} — ${(r.falseHigh + r.falseLow)} false alerts (${++windows})\n`),
});
console.log(renderBenchmark(run, histories, fixtureAttribution()));
mkdirSync('.cache/bench', { recursive: true });
writeFileSync('.cache/bench/detect.json', JSON.stringify({ rows: run.rows, fits: run.fits, ms: run.ms }, null, 2));
