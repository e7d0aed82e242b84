import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type MeasuredReading } from '@stream-smarts/contracts';
import { DEFAULT_RULES, EpisodeTracker, type Alert } from '@stream-smarts/notifier';
import { HistoryReader, measureReadings } from '@stream-smarts/contracts';
import { TimelineReducer } from '../src/plot/inputs.js';
import { RecentWindow } from '../src/plot/recent-window.js';
import { bandOverTime } from '../src/plot/timeline-chart.js';
import { pngSize } from '../src/plot/png.js';
import { cli } from './run-cli.js';

// `stream-smarts plot` through the built CLI (npx tsc -b first), on the default model and a small
// simulated history with the heater left on; alerts made by the notifier's own alert core.
const MODEL = fileURLToPath(new URL('../../models/current', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ss-plot-'));
const history = join(dir, 'history.csv');
const truth = join(dir, 'truth.json');
const alertsFile = join(dir, 'alerts.jsonl');
let alerts: Alert[] = [];

beforeAll(async () => {
  const r = await cli(['simulate', '--timezone', 'Australia/Sydney', '--start', '2026-07-27', '--days', '6', '--interval', '300', '--seed', '7', '--scenarios', 'heater-left-on', '--out', history, '--truth', truth, '--log-level', 'silent']);
  expect(r.exitCode).toBe(0);
  const model = loadModel(MODEL);
  let now = 0;
  // Readings every 5 minutes: fire on the first anomaly, so the picture has alerts to show.
  const tracker = new EpisodeTracker({ ...DEFAULT_RULES, fireAfter: 1, lowFireAfter: 1 }, () => now);
  for await (const row of measureReadings(new HistoryReader([history]).readings(), model.file.timezone)) {
    now = row.endMs;
    const fn = model.score(row);
    if (fn !== null && (fn > 1 || fn < 0)) alerts.push(...tracker.observe({ eventTs: row.endMs, hour: row.hour, kwh: row.kwh, fn, kind: fn > 1 ? 'high' : 'low', meterId: 'home' }));
    else alerts.push(...tracker.advance(row.endMs));
  }
  now += 86_400_000;
  alerts.push(...tracker.tick());
  writeFileSync(alertsFile, alerts.map((a) => JSON.stringify(a)).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function plot(args: string[]) {
  const r = await cli(['plot', '--model', MODEL, '--log-level', 'silent', ...args]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r;
}

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;

describe('stream-smarts plot: SVG', () => {
  it('range: each measure\'s usual level and alert band by time of day, the last days of readings over it, titled, with axes in units and a legend', async () => {
    const out = join(dir, 'range');
    const r = await plot(['range', '--history', history, '--days', '3', '--format', 'svg', '--out', out]);
    expect(String(r.stdout).trim()).toBe(join(out, 'range.svg'));
    const svg = readFileSync(join(out, 'range.svg'), 'utf8');
    for (const s of ['where the model alerts', 'Power of the last 20 min above the hour before', 'Lowest power over 1 h', 'Lowest power over 3 h', '24-h mean', 'time of day (h)', 'Wh/h', 'alerts (above the band)', 'normal for this house', 'usual level (median)', 'history', 'readings 2026-07-30 to 2026-08-01']) expect(svg).toContain(s);
    expect(count(svg, /class="panel"/g)).toBe(4);
    // A bands@2 model has one profile for every day: --day other than all is refused, with why.
    const each = await cli(['plot', 'range', '--model', MODEL, '--day', 'each', '--out', join(dir, 'each')]);
    expect(each.exitCode).toBe(2);
    expect(each.stderr).toMatch(/one profile for every day of the week/);
  });

  it('score: a heat cell per ten minutes coloured by the 1-h floor\'s score, the 1.0 and 0 boundaries, a colour scale', async () => {
    const out = join(dir, 'score');
    await plot(['score', '--format', 'svg', '--out', out]);
    const svg = readFileSync(join(out, 'score.svg'), 'utf8');
    expect(count(svg, /<rect class="cell"/g)).toBe(144);
    expect(count(svg, /<linearGradient id="grad-\d+"/g)).toBe(144);
    for (const s of ['Anomaly score of the 1-h floor by time of day and power', 'hour of day (local time)', 'lowest power of the last hour (W)', 'score 1.0: the alert edge', 'score 0: the usual level', 'class="colorbar"', 'anomaly score', 'example: 2250 W at 04:00']) expect(svg).toContain(s);
  });

  it('timeline: readings, the band, the ground truth and a marker for every alert of a run', async () => {
    const out = join(dir, 'timeline');
    await plot(['timeline', '--history', history, '--alerts', alertsFile, '--truth', truth, '--format', 'svg', '--out', out]);
    const svg = readFileSync(join(out, 'timeline.svg'), 'utf8');
    expect(alerts.length).toBeGreaterThan(2);
    expect(count(svg, /<g class="marker">/g)).toBe(alerts.length);
    const fired = alerts.filter((a) => a.type === 'fire' && a.kind === 'high').length;
    for (const s of ['Power over time against the expected range', 'local date (Australia/Sydney)', 'Wh/h', '1-h floor: usual level to the upper edge (model)', 'reading: lowest power of the last hour', 'reading the model finds high (score &gt; 1)', `alert fired: unusually high (${fired})`, 'alert resolved: back to normal', 'simulated anomaly (ground truth)', '>heater-left-on<']) expect(svg).toContain(s);

    // A run's alerts alone, in a window: only the alerts inside it are drawn.
    const from = '2026-07-30T00:00:00+10:00';
    const to = '2026-07-30T12:00:00+10:00';
    const inside = alerts.filter((a) => a.at >= Date.parse(from) && a.at <= Date.parse(to));
    expect(inside.length).toBeGreaterThan(0);
    await plot(['timeline', '--alerts', alertsFile, '--from', from, '--to', to, '--format', 'svg', '--out', join(dir, 'alerts-only')]);
    const svg2 = readFileSync(join(dir, 'alerts-only', 'timeline.svg'), 'utf8');
    expect(count(svg2, /<g class="marker">/g)).toBe(inside.length);
    expect(svg2).toContain('local time (Australia/Sydney)');
  });
});

describe('stream-smarts plot: PNG', () => {
  it('renders each figure to a PNG of the SVG\'s size (times --scale)', async () => {
    const out = join(dir, 'png');
    const r = await plot(['--json', 'range', 'score', 'timeline', '--history', history, '--format', 'both', '--out', out]);
    const files = JSON.parse(String(r.stdout)) as { figure: string; file: string; format: string }[];
    expect(files.map((f) => `${f.figure}.${f.format}`)).toEqual(['range.svg', 'range.png', 'score.svg', 'score.png', 'timeline.svg', 'timeline.png']);
    for (const fig of ['range', 'score', 'timeline']) {
      const svg = readFileSync(join(out, `${fig}.svg`), 'utf8');
      const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
      expect(pngSize(readFileSync(join(out, `${fig}.png`))), fig).toEqual({ width: Number(w), height: Number(h) });
    }
    await plot(['score', '--format', 'png', '--scale', '2', '--out', join(dir, 'png2')]);
    expect(pngSize(readFileSync(join(dir, 'png2', 'score.png')))).toEqual({ width: 2400, height: 1440 });
  });
});

describe('stream-smarts plot: bad input', () => {
  it('names the missing model, the unreadable file or the bad flag in one line, exit non-zero', async () => {
    const cases: [string[], number, string][] = [
      [['score', '--model', join(dir, 'no-model')], 1, join(dir, 'no-model')],
      [['range', '--model', MODEL, '--history', join(dir, 'missing.csv')], 1, join(dir, 'missing.csv')],
      [['timeline', '--model', MODEL, '--history', truth], 1, truth],
      [['timeline', '--model', MODEL, '--alerts', history], 1, history],
      [['heatmap', '--model', MODEL], 2, 'heatmap'],
      [['timeline', '--model', MODEL], 2, '--history'],
      [['range', '--model', MODEL, '--day', 'someday'], 2, '--day'],
      [['score', '--model', MODEL, '--format', 'gif'], 2, '--format'],
    ];
    for (const [args, code, names] of cases) {
      const r = await cli(['plot', ...args, '--out', join(dir, 'bad')]);
      expect(r.exitCode, args.join(' ')).toBe(code);
      // One line; a history the reader gives up on adds its first bad rows, indented, under it.
      const lines = String(r.stderr).trim().split('\n');
      expect(lines[0], args.join(' ')).toMatch(/^stream-smarts plot: /);
      expect(lines.slice(1).every((l) => l.startsWith('  ')), args.join(' ')).toBe(true);
      expect(r.stderr, args.join(' ')).toContain(names);
    }
  });
});

describe('the timeline reducer', () => {
  it('keeps memory bounded over any span and keeps every bucket\'s extremes and the first and last reading', () => {
    const model = loadModel(join(REPO, 'models', 'current'));
    const red = new TimelineReducer(model, 500, 300);
    const T = Date.parse('2026-01-05T00:00:00Z');
    const n = 200_000;
    const row = (i: number, floor: number): MeasuredReading => ({ endMs: T + i * 60_000, wh: 2.5, intervalMs: 60_000, file: 'x', line: i, gapMs: 0, day: 1, hour: 0, minute: i % 1440, kwh: 150, coverage: 1, floor_15m: floor, floor_1h: floor, floor_3h: floor, step_20m: 0, step_45m: 0, step_90m: 0, activity_3h: 20, mean_24h: 400 });
    for (let i = 0; i < n; i++) red.add(row(i, i === 123_456 ? 5000 : i === 654 ? 0 : 150));
    const rows = red.rows();
    expect(rows.length).toBeLessThanOrEqual(4 * 500 + 300);
    expect(rows[0]!.endMs).toBe(T);
    expect(rows.at(-1)!.endMs).toBe(T + (n - 1) * 60_000);
    expect(rows.some((r) => r.floor_1h === 5000)).toBe(true);
    expect(rows.some((r) => r.floor_1h === 0)).toBe(true);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.endMs).toBeGreaterThan(rows[i - 1]!.endMs);
  });
});

describe('the range figure\'s window of recent readings', () => {
  it('keeps exactly the readings after the cut, nulls included, through compaction and growth', () => {
    const w = new RecentWindow();
    const T = Date.parse('2026-01-05T00:00:00Z');
    const keep = 3000; // readings kept: less than the first buffer (4096), then more than it
    for (const span of [keep, 10_000]) {
      for (let i = 0; i < 50_000; i++) {
        w.push({ endMs: T + i * 60_000, minute: i % 1440, step_20m: i % 7 === 0 ? null : i, floor_1h: i + 0.5, floor_3h: null, mean_24h: i % 2 ? 400 : null });
        w.dropUntil(T + (i - span) * 60_000);
      }
      const pts = w.points();
      expect(pts.length).toBe(span);
      expect(pts[0]!.endMs).toBe(T + (50_000 - span) * 60_000);
      for (let k = 0; k < pts.length; k++) {
        const i = 50_000 - span + k;
        expect(pts[k]).toEqual({ endMs: T + i * 60_000, minute: i % 1440, step_20m: i % 7 === 0 ? null : i, floor_1h: i + 0.5, floor_3h: null, mean_24h: i % 2 ? 400 : null });
      }
      w.dropUntil(Infinity);
      expect(w.size).toBe(0);
    }
  });
});

describe('the timeline\'s band over a long span', () => {
  it('is at most maxSteps steps, each the envelope of the 5-minute bands it covers', () => {
    const model = loadModel(join(REPO, 'models', 'current'));
    const tz = model.file.timezone;
    const from = Date.parse('2026-01-05T00:00:00Z');
    const to = from + 30 * 86_400_000;
    const fine = bandOverTime(from, to, tz, model, Infinity);
    const coarse = bandOverTime(from, to, tz, model, 100);
    expect(coarse.length).toBeLessThanOrEqual(100);
    expect(fine.length).toBeGreaterThan(1000);
    // Every 5-minute band lies inside the coarse step that covers it.
    for (const f of fine) {
      let c = coarse[0]!;
      for (const s of coarse) if (s.x <= f.x) c = s;
      expect(c.lo).toBeLessThanOrEqual(f.lo);
      expect(c.hi).toBeGreaterThanOrEqual(f.hi);
    }
    expect(Math.min(...coarse.map((c) => c.lo))).toBe(Math.min(...fine.map((f) => f.lo)));
    expect(Math.max(...coarse.map((c) => c.hi))).toBe(Math.max(...fine.map((f) => f.hi)));
  });
});
