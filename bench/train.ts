/**
 * Benchmark of `stream-smarts train`: 90 days of 1-minute readings (129,600 rows) from the
 * project's household simulator, trained on a real H2O. Prints the time of each stage; target for
 * the whole run (history read + H2O training + envelope), excluding H2O's own start-up: < 60 s.
 * Nothing is asserted — it is a measurement.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.base.json node --loader ts-node/esm bench/train.ts
 *
 * Starts its own H2O (testing/h2o/server.ts, cached in the user cache dir) unless H2O_URL names a running one.
 * Needs the UDF jar (mvn -B -q -f udf-java package -DskipTests) and `npx tsc -b` (for the workspace packages).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHousehold, localTimeToUtc } from '../pi-collector/src/simulator.js';
import { startH2O, type RunningH2O } from '../testing/h2o/server.js';
import { train } from '../cli/src/train/run.js';

const TIMEZONE = 'Australia/Sydney';
const DAYS = 90;
const INTERVAL_S = 60;

const work = mkdtempSync(join(tmpdir(), 'bench-train-'));
let h2o: RunningH2O | undefined;
try {
  const t0 = performance.now();
  const start = localTimeToUtc(TIMEZONE, 2026, 5, 1);
  const wh = createHousehold({ timezone: TIMEZONE, seed: 7 }).energy(start, start + DAYS * 86_400_000, INTERVAL_S);
  const lines = ['timestamp,wh'];
  for (let i = 0; i < wh.length; i++) lines.push(`${new Date(start + (i + 1) * INTERVAL_S * 1000).toISOString()},${wh[i]!.toFixed(4)}`);
  const file = join(work, 'history-90d-1min.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const tGen = performance.now();
  process.stdout.write(`history: ${wh.length} rows of ${INTERVAL_S} s readings (${DAYS} days) generated in ${((tGen - t0) / 1000).toFixed(1)} s\n`);

  let url = process.env.H2O_URL;
  if (!url) {
    h2o = await startH2O();
    url = h2o.url;
    process.stdout.write(`h2o: started H2O ${h2o.version} in ${(h2o.startupMs / 1000).toFixed(1)} s (not counted)\n`);
  }
  const r = await train({ history: [file], out: join(work, 'model'), modelsDir: work, updateCurrent: false, timezone: TIMEZONE, h2oUrl: url });
  const t = r.timings;
  process.stdout.write(
    [
      `train: ${r.envelope.history.rows} rows used, ${r.envelope.history.rejected} rejected, H2O ${r.envelope.h2oVersion}`,
      `  read + trailing-hour measure  ${(t.readMs / 1000).toFixed(2)} s`,
      `  H2O training (2 GBM models)   ${(t.trainMs / 1000).toFixed(2)} s`,
      `  envelope (UDF jar), card, svg ${(t.envelopeMs / 1000).toFixed(2)} s`,
      `  total                         ${(t.totalMs / 1000).toFixed(2)} s  (target < 60 s)`,
      '',
    ].join('\n'),
  );
} finally {
  await h2o?.stop();
  rmSync(work, { recursive: true, force: true });
}
