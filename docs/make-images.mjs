#!/usr/bin/env node
// Regenerates the README's figures in docs/images/ from the default model (models/current) and a
// simulated history with the heater left on, through the CLI users run:
//
//   npx tsc -b && node docs/make-images.mjs
//
// 1. `stream-smarts simulate`: two weeks of minute readings for a Sydney household just after the
//    default model's training period, with heater-left-on nights and their ground truth.
// 2. Its alerts as `stream-smarts run --source replay` sends them (the product's own scoring and
//    alert core), kept with --alerts-out.
// 3. `stream-smarts plot range | score | timeline` to PNG. Deterministic: same seed, same images.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

  // Alerts as `run` sends them, through the product's own scoring and alert core.
  const alertsFile = join(tmp, 'alerts.jsonl');
  run('run', '--model', MODEL, '--source', 'replay', '--replay', history, '--alerts-out', alertsFile, '--log-level', 'silent');

  const common = ['--model', MODEL, '--out', OUT, '--format', 'png'];
  // (a) the blog's first figure: the last five days up to the morning after a heater night.
  run('plot', 'range', ...common, '--history', history, '--days', '5', '--to', '2026-08-06T09:00:00+10:00');
  // (b) the blog's second figure.
  run('plot', 'score', ...common);
  // (c) three days around the first heater night, with the alerts and the ground truth.
  run('plot', 'timeline', ...common, '--history', history, '--alerts', alertsFile, '--truth', truth, '--from', '2026-07-29', '--to', '2026-08-01');
  for (const f of ['range', 'score', 'timeline']) process.stderr.write(`wrote ${join('docs/images', `${f}.png`)} (${readFileSync(join(OUT, `${f}.png`)).length} bytes)\n`);
  const alerts = readFileSync(alertsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  process.stderr.write(`${alerts.length} alerts (${alerts.filter((a) => a.type === 'fire').length} fired)\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
