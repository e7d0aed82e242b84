/**
 * Benchmark of `stream-smarts train`: 90 days of 1-minute readings (129,600 rows) from the
 * project's household simulator, trained on a real H2O two ways in the same run:
 *
 *   1. as a user without any H2O runs it: train starts its own local H2O (cli/src/h2o/local-server.ts)
 *      and stops it — the start-up (and stop) cost is printed beside the training time;
 *   2. on an H2O that is already running (what `docker compose --profile train up -d h2o` or
 *      H2O_URL gives), which is the same jar started beforehand.
 *
 * Target for the work itself (history read + H2O training + envelope), excluding start-up: < 60 s.
 * Nothing is asserted — it is a measurement.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm bench/train.ts
 *
 * Needs the UDF jar (mvn -B -q -f udf-java package -DskipTests; train would build it otherwise) and
 * `npx tsc -b` (for the workspace packages). The H2O jar is cached in the user cache dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHousehold } from '../pi-collector/src/simulator.js';
import { freePort } from '../cli/src/h2o/supervise.js';
import { startLocalH2O, type LocalH2O } from '../cli/src/h2o/local-server.js';
import { train, type TrainResult } from '../cli/src/train/run.js';
import { wallClockToInstant } from '../contracts/src/index.js';

const TIMEZONE = 'Australia/Sydney';
const DAYS = 90;
const INTERVAL_S = 60;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(8);

const work = mkdtempSync(join(tmpdir(), 'bench-train-'));
let running: LocalH2O | undefined;
try {
  const t0 = performance.now();
  const start = wallClockToInstant(TIMEZONE, 2026, 5, 1);
  const wh = createHousehold({ timezone: TIMEZONE, seed: 7 }).energy(start, start + DAYS * 86_400_000, INTERVAL_S);
  const lines = ['timestamp,wh'];
  for (let i = 0; i < wh.length; i++) lines.push(`${new Date(start + (i + 1) * INTERVAL_S * 1000).toISOString()},${wh[i]!.toFixed(4)}`);
  const file = join(work, 'history-90d-1min.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const tGen = performance.now();
  process.stdout.write(`history: ${wh.length} rows of ${INTERVAL_S} s readings (${DAYS} days) generated in ${((tGen - t0) / 1000).toFixed(1)} s\n`);

  const common = { history: [file], modelsDir: work, updateCurrent: false, timezone: TIMEZONE };

  // 1. Nothing running: a default URL where nothing answers, so train starts and stops its own H2O.
  const nobody = `http://127.0.0.1:${await freePort()}`;
  const own = await train({ ...common, out: join(work, 'own'), h2oUrl: nobody, h2oUrlSource: { kind: 'default' }, startLocalH2O: true });

  // 2. An H2O already running (started here beforehand, not counted).
  const tStart = performance.now();
  running = await startLocalH2O();
  const preStartMs = performance.now() - tStart;
  const warm = await train({ ...common, out: join(work, 'running'), h2oUrl: running.url });

  const row = (label: string, f: (r: TrainResult) => number) => `  ${label.padEnd(36)}${s(f(own))}  ${s(f(warm))}\n`;
  process.stdout.write(
    `train: ${own.model.history?.rows} readings used, ${own.model.history?.rejected} rejected, H2O ${own.model.h2oVersion}\n` +
      `  ${''.padEnd(36)}${'own H2O'.padStart(8)}  ${'running'.padStart(8)}\n` +
      row('read + measures', (r) => r.timings.readMs) +
      row('reach H2O (probe, local start-up)', (r) => r.timings.h2oStartMs) +
      row('  of which one-time download', (r) => r.timings.h2oDownloadMs) +
      row('held-back weeks (GBM + replay)', (r) => r.timings.holdoutMs) +
      row('H2O training (bands GBM + tables)', (r) => r.timings.trainMs) +
      row('stop the local H2O', (r) => r.timings.h2oStopMs) +
      row('card, svg, envelope.json', (r) => r.timings.writeMs) +
      row('total', (r) => r.timings.totalMs) +
      `  work without start-up/stop (target < 60 s): own ${s(own.timings.totalMs - own.timings.h2oStartMs - own.timings.h2oStopMs).trim()}, running ${s(warm.timings.totalMs - warm.timings.h2oStartMs).trim()}\n` +
      `  local H2O start-up is ${((own.timings.h2oStartMs / own.timings.trainMs) * 100).toFixed(0)}% of its training time; the running H2O took ${(preStartMs / 1000).toFixed(1)} s to start beforehand (not counted)\n`,
  );
} finally {
  await running?.stop();
  rmSync(work, { recursive: true, force: true });
}
