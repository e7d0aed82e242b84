#!/usr/bin/env node
// Rebuilds the default model (models/default, models/current -> default) from a sample history made
// by the project's own household simulator (pi-collector/src/simulator.ts), so `stream-smarts run`
// and the UDF work on a fresh clone without training. Deterministic: same seed, same history.
//
//   npx tsc -b                                   # the script uses the built dist/
//   node models/make-default.mjs                 # writes models/sample-history.csv.gz and models/default
//                                                # (train starts a local H2O itself; or H2O_URL=...)
//
// The history is 52 weeks of one-minute readings (the collector's default interval, so the bands are
// those of what it measures) (Wh per interval) for a simulated household in
// Australia/Sydney (the 2018 author's home), 28 July 2025 – 26 July 2026, and the model learns from
// all of it (--days 364), so a new user's first model has seen every season of the simulated house.
// Why the simulator and not the real-household benchmark data: `make demo` and `run` play the
// simulated household, and a model of another house would alert on it (or miss its heater); a
// user's own model comes from `stream-smarts train` on their own history.
import { existsSync, lstatSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { wallClockToInstant, zoneOffsetMin } from '../contracts/dist/index.js';
import { createHousehold } from '../pi-collector/dist/simulator.js';
import { train } from '../cli/dist/train/run.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const TIMEZONE = 'Australia/Sydney';
const SEED = 2018;
const WEEKS = 52;
const INTERVAL_S = 60;

const start = wallClockToInstant(TIMEZONE, 2025, 7, 28); // a Monday, local midnight
const end = start + WEEKS * 7 * 86_400_000;
const wh = createHousehold({ timezone: TIMEZONE, seed: SEED }).energy(start, end, INTERVAL_S);
const lines = ['timestamp,wh'];
wh.forEach((v, i) => {
  const t = start + (i + 1) * INTERVAL_S * 1000;
  // Local time with its offset (+10:00, or +11:00 in daylight saving), as a household export would write it.
  const off = zoneOffsetMin(t, TIMEZONE);
  const hhmm = `${String(Math.floor(off / 60)).padStart(2, '0')}:${String(off % 60).padStart(2, '0')}`;
  lines.push(`${new Date(t + off * 60_000).toISOString().replace('.000Z', `+${hhmm}`)},${v.toFixed(3)}`);
});
const historyFile = join(HERE, 'sample-history.csv.gz');
// mtime 0 in the gzip header keeps the file byte-identical across rebuilds.
writeFileSync(historyFile, gzipSync(lines.join('\n') + '\n', { level: 9 }));
process.stderr.write(`wrote ${historyFile}: ${wh.length} readings\n`);

const out = join(HERE, 'default');
rmSync(out, { recursive: true, force: true });
const result = await train({
  history: [historyFile],
  out,
  modelsDir: HERE,
  updateCurrent: false,
  timezone: TIMEZONE,
  days: WEEKS * 7,
  h2oUrl: process.env.H2O_URL ?? 'http://localhost:54321',
  startLocalH2O: true,
  now: new Date(Date.UTC(2026, 6, 27)),
});
// `current` is a relative symlink to the default model.
const current = join(HERE, 'current');
if (existsSync(current) || (() => { try { return lstatSync(current).isSymbolicLink(); } catch { return false; } })()) unlinkSync(current);
symlinkSync('default', join(HERE, '.current-tmp'), 'dir');
renameSync(join(HERE, '.current-tmp'), current);
process.stderr.write(`trained ${result.dir} (${result.model.history.rows} readings, hash ${result.model.contentHash.slice(0, 12)}) in ${(result.timings.totalMs / 1000).toFixed(1)} s; ${result.holdout ? `held-back weeks: ${result.holdout.alerts} alerts (high ${result.holdout.high}, low ${result.holdout.low})` : 'no held-back check'}; models/current -> default\n`);
