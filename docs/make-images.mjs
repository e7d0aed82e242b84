#!/usr/bin/env node
// Regenerates the README's figures in docs/images/ from the default model (models/current) and a
// simulated history with the heater left on, through the CLI users run:
//
//   npx tsc -b && node docs/make-images.mjs
//
// 1. `stream-smarts simulate`: two weeks of minute readings for a Sydney household just after the
//    default model's training period, with heater-left-on nights and their ground truth.
// 2. Alerts for that history as `stream-smarts run` would send them: every reading outside its
//    (day, hour) range is an anomaly, fed through the notifier's own alert core (episodes: fire,
//    repeat, resolve).
// 3. `stream-smarts plot range | score | timeline` to PNG. Deterministic: same seed, same images.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnvelope } from '../contracts/dist/index.js';
import { DEFAULT_RULES, EpisodeTracker } from '../notifier/dist/alert-core/index.js';
import { readHistoryRows } from '../cli/dist/plot/inputs.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'cli/dist/main.js');
const OUT = join(ROOT, 'docs/images');
const MODEL = join(ROOT, 'models/current');
const TZ = 'Australia/Sydney';
const tmp = mkdtempSync(join(tmpdir(), 'ss-images-'));
const run = (...args) => execFileSync('node', [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, STREAM_SMARTS_LOG_LEVEL: 'warn' } }).toString();

try {
  const history = join(tmp, 'history.csv');
  const truth = join(tmp, 'truth.json');
  run('simulate', '--timezone', TZ, '--start', '2026-07-27', '--days', '14', '--seed', '7', '--scenarios', 'heater-left-on', '--out', history, '--truth', truth);

  // Alerts as `run` makes them: score each reading against its cell, anomalies to the alert core.
  const model = loadEnvelope(MODEL);
  const rows = await readHistoryRows(history, model.file.timezone);
  let clock = 0;
  const tracker = new EpisodeTracker(DEFAULT_RULES, () => clock);
  const alerts = [];
  for (const r of rows) {
    clock = r.endMs;
    const fn = model.scoreDay(r.day, r.hour, r.kwh);
    if (fn === null || (fn <= 1 && fn >= 0)) continue;
    const { lower, upper } = model.range(r.day, r.hour);
    alerts.push(...tracker.observe({ eventTs: r.endMs, hour: r.hour, kwh: r.kwh, fn, kind: fn > 1 ? 'high' : 'low', meterId: 'home', day: r.day, lower, upper }));
  }
  clock += 24 * 3_600_000;
  alerts.push(...tracker.tick());
  const alertsFile = join(tmp, 'alerts.jsonl');
  writeFileSync(alertsFile, alerts.map((a) => JSON.stringify(a)).join('\n') + '\n');

  const common = ['--model', MODEL, '--out', OUT, '--format', 'png'];
  // (a) the blog's first figure: the last five days up to the morning after a heater night.
  run('plot', 'range', ...common, '--history', history, '--days', '5', '--to', '2026-08-06T09:00:00+10:00');
  // (b) the blog's second figure.
  run('plot', 'score', ...common);
  // (c) three days around the first heater night, with the alerts and the ground truth.
  run('plot', 'timeline', ...common, '--history', history, '--alerts', alertsFile, '--truth', truth, '--from', '2026-07-29', '--to', '2026-08-01');
  for (const f of ['range', 'score', 'timeline']) process.stderr.write(`wrote ${join('docs/images', `${f}.png`)} (${readFileSync(join(OUT, `${f}.png`)).length} bytes)\n`);
  process.stderr.write(`${alerts.length} alerts (${alerts.filter((a) => a.type === 'fire').length} fired)\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
