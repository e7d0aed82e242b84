import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reading } from '@stream-smarts/contracts';
import { planScenarios } from '@stream-smarts/pi-collector';
import { wallClockToInstant, HistoryReader, measureReadings, type HistoryReading } from '@stream-smarts/contracts';
import { cli } from './run-cli.js';

// `stream-smarts simulate` through the built CLI (npx tsc -b first). Small on purpose: a 2-core machine.
const dir = mkdtempSync(join(tmpdir(), 'ss-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TZ = 'Australia/Sydney';
const BASE = ['--timezone', TZ, '--start', '2026-06-01', '--log-level', 'silent'];

async function simulate(args: string[]) {
  const r = await cli(['simulate', ...BASE, ...args]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r;
}

describe('stream-smarts simulate', () => {
  it('is deterministic by seed: same flags give the same bytes, another seed other readings', async () => {
    const args = ['--days', '2', '--interval', '300', '--scenarios', 'none'];
    const a = await simulate([...args, '--seed', '5']);
    const b = await simulate([...args, '--seed', '5']);
    const c = await simulate([...args, '--seed', '6']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const lines = String(a.stdout).trim().split('\n');
    expect(lines[0]).toBe('timestamp,wh');
    // 2 days of 5-minute readings, local times with their offset (AEST, +10:00 in June).
    expect(lines).toHaveLength(1 + 2 * 288);
    expect(lines[1]).toMatch(/^2026-06-01T00:05:00\+10:00,\d+(\.\d+)?$/);
    expect(lines.at(-1)).toMatch(/^2026-06-03T00:00:00\+10:00,/);
  });

  it('writes CSV that train\'s history parser reads back with the same energy and trailing-hour kwh as the raw_power records', async () => {
    const csv = join(dir, 'h.csv');
    const jsonl = join(dir, 'h.jsonl');
    const common = ['--days', '8', '--seed', '3', '--scenarios', 'heater-left-on,oven-left-on'];
    const sum = JSON.parse(String((await simulate(['--json', ...common, '--out', csv])).stdout)) as { readings: number; energyWh: number; intervalS: number };
    await simulate([...common, '--format', 'jsonl', '--out', jsonl]);
    const records = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Reading);
    expect(records).toHaveLength(sum.readings);
    expect(sum.intervalS).toBe(60);

    const reader = new HistoryReader([csv], { timezone: TZ });
    const parsed: HistoryReading[] = [];
    for await (const r of reader.readings()) parsed.push(r);
    expect(reader.report.rejected).toBe(0);
    expect(reader.report.gaps.count).toBe(0);
    expect(reader.report.zone.mismatches).toBe(0);
    expect(reader.report.files[0]!.intervalS).toBe(60);
    expect(parsed).toHaveLength(sum.readings);
    const csvWh = parsed.reduce((a, r) => a + r.wh, 0);
    const recWh = records.reduce((a, r) => a + r.wh, 0);
    expect(csvWh).toBe(recWh);
    expect(csvWh).toBeCloseTo(sum.energyWh, 6);
    expect(parsed.map((r) => r.endMs)).toEqual(records.map((r) => r.ts));

    // The measure train fits equals the kwh the collector put in each record (full hours only).
    const rows = [];
    for await (const m of measureReadings(new HistoryReader([csv], { timezone: TZ }).readings(), TZ)) if (m.coverage >= 1) rows.push(m);
    const byTs = new Map(records.map((r) => [r.ts, r]));
    expect(rows.length).toBeGreaterThan(sum.readings - 61);
    for (const row of rows) {
      const rec = byTs.get(row.endMs)!;
      expect(row.day).toBe(rec.day);
      expect(row.hour).toBe(rec.hour);
      expect(row.kwh).toBeCloseTo(rec.kwh, 6);
    }
  });

  it('writes the ground truth evaluate reads: the planned scenarios, ISO times, and the readings show them', async () => {
    const truthFile = join(dir, 'truth.json');
    const out = join(dir, 't.jsonl');
    const r = await simulate(['--json', '--days', '14', '--seed', '9', '--format', 'jsonl', '--out', out, '--truth', truthFile]);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { scenario: string; start: string; end: string }[];
    const start = wallClockToInstant(TZ, 2026, 6, 1);
    const planned = planScenarios({ start, days: 14, timezone: TZ, seed: 9 });
    expect(truth).toEqual(planned.map((s) => ({ scenario: s.scenario, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })));
    expect(truth.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(String(r.stdout)).scenarios).toEqual(truth);
    for (const t of truth) {
      expect(t.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(t.end)).toBeGreaterThan(Date.parse(t.start));
    }
    // The heater left on overnight is 2 kW on top of a ~150 W night: visible in the readings.
    const heater = truth.find((t) => t.scenario === 'heater-left-on')!;
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Reading);
    const inside = records.filter((x) => x.ts > Date.parse(heater.start) + 3_600_000 && x.ts <= Date.parse(heater.end));
    expect(Math.min(...inside.map((x) => x.kwh))).toBeGreaterThan(1800);

    const none = join(dir, 'none.json');
    await simulate(['--days', '3', '--scenarios', 'none', '--out', join(dir, 'n.csv'), '--truth', none]);
    expect(JSON.parse(readFileSync(none, 'utf8'))).toEqual([]);
  });

  it('takes the format from the --out name when --format is not given: .jsonl gets raw_power records', async () => {
    const out = join(dir, 'by-name.jsonl');
    await simulate(['--days', '1', '--interval', '900', '--scenarios', 'none', '--out', out]);
    const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as Reading;
    expect(Object.keys(first).sort()).toEqual(['activity_3h', 'day', 'floor_15m', 'floor_1h', 'floor_3h', 'hour', 'interval_s', 'kwh', 'mean_24h', 'meter_id', 'minute', 'pulses', 'step_20m', 'step_45m', 'step_90m', 'ts', 'wh']);
  });

  it('simulates in the configured zone, else the system\'s — the rule train follows — and evaluate warns when the file\'s offsets are not its model\'s', async () => {
    const args = ['simulate', '--start', '2026-06-01', '--days', '1', '--interval', '900', '--scenarios', 'none', '--log-level', 'silent'];
    const sys = await cli(args, { TZ: 'Europe/London' });
    expect(sys.exitCode).toBe(0);
    expect(sys.stdout.split('\n')[1]).toMatch(/^2026-06-01T00:15:00\+01:00,/);
    const set = await cli(args, { TZ: 'Europe/London', STREAM_SMARTS_TIMEZONE: TZ });
    expect(set.stdout.split('\n')[1]).toMatch(/^2026-06-01T00:15:00\+10:00,/);
    // The default model is Australia/Sydney's: a London history replayed against it gets a warning naming both offsets.
    const f = join(dir, 'london.csv');
    writeFileSync(f, sys.stdout);
    const run = await cli(['run', '--source', 'replay', '--replay', f, '--json'], { TZ: 'Europe/London' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/UTC offset \(\+01:00 at line 2\) is not Australia\/Sydney's \(\+10:00 then\) in 96 of 96 rows/);
  });

  it('refuses bad flags with one line naming the flag and exit status 2', async () => {
    for (const [args, flag] of [
      [['--scenarios', 'heater-left-on,toaster'], '--scenarios'],
      [['--days', '0'], '--days'],
      [['--format', 'xml'], '--format'],
      [['--start', 'last tuesday'], '--start'],
      [['--start', '2026-06-01T00:00:30+10:00'], '--start'],
      [['--interval', '7'], '--interval'],
    ] as const) {
      const r = await cli(['simulate', '--timezone', TZ, ...args, '--out', join(dir, 'bad.csv')]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      const lines = String(r.stderr).trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toContain(flag);
    }
  });

  it('names the file it cannot write', async () => {
    // A regular file where a directory should be: unwritable even for root.
    const blocked = join(dir, 'plain.csv', 'inside.csv');
    await simulate(['--days', '1', '--interval', '900', '--out', join(dir, 'plain.csv')]);
    const r = await cli(['simulate', ...BASE, '--days', '1', '--out', blocked]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(blocked);
  });
});
