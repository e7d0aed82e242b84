import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cellStats, quantileSorted } from '../src/train/cells.js';
import { TrainError } from '../src/train/errors.js';
import { HistoryError } from '@stream-smarts/contracts';
import { readHistory } from '../src/train/history.js';

const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'train-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `days` of readings every `stepS` seconds from `start`, each using `wh(i)`. */
function csv(start: string, days: number, stepS: number, wh: (i: number, t: number) => number | string = () => 10): string {
  const t0 = Date.parse(start);
  const lines = ['timestamp,wh'];
  const n = (days * 86_400) / stepS;
  for (let i = 1; i <= n; i++) {
    const t = t0 + i * stepS * 1000;
    lines.push(`${new Date(t).toISOString()},${wh(i, t)}`);
  }
  return lines.join('\n') + '\n';
}

/** Writes a history file and reads it with train's reader (the one history reader plus the measure). */
function file(name: string, text: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('train reads its history through the one history reader', () => {
  it('keeps the good rows and reports the bad ones with file and line', async () => {
    // 8 days hourly plus four bad rows: 4 of 196 is 2 %, tolerated with --max-bad-share 0.03.
    const lines = csv('2026-01-05T00:00:00Z', 8, 3600).trimEnd().split('\n');
    lines.splice(3, 0, '2026-01-05T02:30:00Z,abc', 'not-a-time,5', '2026-01-05T02:40:00Z,-3');
    lines.splice(10, 0, lines[9]!);
    const f = file('bad-rows.csv', lines.join('\n') + '\n');
    const h = await readHistory([f], { timezone: 'UTC', maxBadShare: 0.03 });
    expect(h.rejected).toBe(4);
    expect(h.bad.map((b) => `${b.line} ${b.kind}`)).toEqual(['4 bad', '5 bad', '6 bad', '11 duplicate']);
    expect(h.bad[0]!.reason).toMatch(/wh "abc" is not a number/);
    expect(h.bad[2]!.reason).toMatch(/negative/);
    expect(h.bad[3]!.reason).toMatch(/duplicate timestamp .* \(also line 10\)/);
    expect(h.files[0]).toMatchObject({ format: 'csv', intervalS: 3600, rejected: 4 });
  });

  it('stops when more than --max-bad-share of rows are bad, listing the first few with file:line', async () => {
    // 8 days hourly = 192 rows; every 50th bad = 3 rows, 1.6 %.
    const f = file('bad.csv', csv('2026-01-05T00:00:00Z', 8, 3600, (i) => (i % 50 === 0 ? 'x' : 100)));
    const err = await readHistory([f], { timezone: 'UTC' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryError);
    expect((err as HistoryError).message).toMatch(/3 of 192 history rows are bad/);
    expect((err as HistoryError).message).toContain(`${f}:51: wh "x" is not a number`);
    expect((err as HistoryError).fix).toMatch(/--max-bad-share/);
    const ok = await readHistory([f], { timezone: 'UTC', maxBadShare: 0.02 });
    expect(ok.rejected).toBe(3);
    expect(ok.rows).toHaveLength(189);
  });

  it('reads gzipped files and refuses a history shorter than a week', async () => {
    const f = file('short.csv.gz', gzipSync(csv('2026-01-05T00:00:00Z', 5, 900)));
    const err = await readHistory([f], { timezone: 'UTC' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).message).toMatch(/only 5\.0 days.*at least one week/);
    const g = file('week.csv.gz', gzipSync(csv('2026-01-05T00:00:00Z', 8, 900)));
    const h = await readHistory([g], { timezone: 'UTC' });
    // The first 15-minute reading covers under half the hour and is skipped.
    expect(h.partial).toBe(1);
    expect(h.rows).toHaveLength(8 * 96 - 1);
    expect(h.rows.at(h.rows.length - 1).kwh).toBeCloseTo(40, 9);
  });

  it('keeps a gap a gap: no readings made up, the trailing hour restarts, the gap reported with its span', async () => {
    // 8 days of 15-minute readings with a day missing in the middle.
    const lines = csv('2026-01-05T00:00:00Z', 9, 900).trimEnd().split('\n');
    const kept = [lines[0]!, ...lines.slice(1).filter((l) => !l.startsWith('2026-01-08'))];
    const h = await readHistory([file('gap.csv', kept.join('\n') + '\n')], { timezone: 'UTC' });
    expect(h.rows).toHaveLength(9 * 96 - 96 - 2);
    expect(h.report.gaps.count).toBe(1);
    expect(h.report.gaps.totalMs).toBe(86_400_000);
    expect(h.report.warnings().join('\n')).toMatch(/1 gap in the history, 24\.0 h in all .*2026-01-07T23:45:00\.000Z to 2026-01-08T23:45:00\.000Z/);
    // After the gap the hour is rebuilt from new readings only: the constant 10 Wh a quarter reads 40 Wh/h again.
    for (const r of h.rows) expect(r.kwh).toBeCloseTo(40, 9);
  });
});

describe('the trailing-hour measure of a history', () => {
  it("for hourly data is the hour's Wh, labelled with the hour the interval covers", async () => {
    const h = await readHistory([file('h.csv', csv('2026-01-05T00:00:00Z', 7, 3600, (i) => i))], { timezone: 'UTC' });
    // 2026-01-05 is a Monday; the reading ending 01:00 is hour 0.
    expect(h.rows.at(0)).toEqual({ endMs: Date.parse('2026-01-05T01:00:00Z'), day: 1, hour: 0, kwh: 1 });
    expect(h.rows.at(23)).toMatchObject({ day: 1, hour: 23, kwh: 24 });
    expect(h.rows.at(24)).toMatchObject({ day: 2, hour: 0, kwh: 25 });
  });

  it('follows local time across a DST change: the trailing hour stays 60 real minutes', async () => {
    // Europe/London springs forward 2026-03-29 01:00 GMT → 02:00 BST. A constant 1 kW every 15 min.
    const h = [...(await readHistory([file('dst.csv', csv('2026-03-25T00:00:00Z', 8, 900, () => 250))], { timezone: 'Europe/London' })).rows];
    for (const r of h) if (r.endMs >= Date.parse('2026-03-25T01:00:00Z')) expect(r.kwh).toBeCloseTo(1000, 9);
    const hoursOn29 = new Set(h.filter((r) => r.endMs > Date.parse('2026-03-29T00:00:00Z') && r.endMs <= Date.parse('2026-03-29T23:00:00Z')).map((r) => r.hour));
    // Local hour 1 does not exist that day; the readings just after the change are hour 2 (BST).
    expect(hoursOn29.has(1)).toBe(false);
    expect(h.find((r) => r.endMs === Date.parse('2026-03-29T01:15:00Z'))).toMatchObject({ day: 7, hour: 2 });
    // Autumn: 2026-10-25 01:00 BST → 01:00 GMT; local hour 1 happens twice, both labelled 1.
    const k = [...(await readHistory([file('dst2.csv', csv('2026-10-20T00:00:00Z', 8, 900, () => 250))], { timezone: 'Europe/London' })).rows];
    const hour1 = k.filter((r) => r.endMs > Date.parse('2026-10-25T00:00:00Z') && r.endMs <= Date.parse('2026-10-25T02:00:00Z') && r.hour === 1);
    expect(hour1).toHaveLength(8);
    for (const r of hour1) expect(r.kwh).toBeCloseTo(1000, 9);
  });

  it("rejects a reading that overlaps another file's, as a bad row; files merge in time order", async () => {
    const a = file('a.csv', csv('2026-01-05T00:00:00Z', 8, 3600));
    const b = file('b.csv', ['timestamp,wh', '2026-01-05T05:30:00Z,5', '2026-01-05T06:30:00Z,5'].join('\n'));
    const h = await readHistory([b, a], { timezone: 'UTC', maxBadShare: 0.02 });
    expect(h.bad.map((x) => `${x.file}:${x.line}`)).toEqual([`${b}:2`, `${b}:3`]);
    expect(h.bad[0]!.reason).toMatch(/is before .*a\.csv:\d+'s .*: rows must be in time order/);
    await expect(readHistory([a, b], { timezone: 'UTC' })).rejects.toThrow(/2 of 194 history rows are bad/);
  });
});

describe('per-cell quantiles', () => {
  it('interpolate between order statistics like H2O; 0 and 1 are min and max', () => {
    const v = Float64Array.from([1, 2, 3, 4, 10]);
    expect(quantileSorted(v, 0)).toBe(1);
    expect(quantileSorted(v, 1)).toBe(10);
    expect(quantileSorted(v, 0.5)).toBe(3);
    expect(quantileSorted(v, 0.9)).toBeCloseTo(7.6, 12);
  });

  it('counts rows per cell, day then hour', () => {
    const rows = [
      { endMs: 0, day: 1, hour: 0, kwh: 5 },
      { endMs: 1, day: 1, hour: 0, kwh: 7 },
      { endMs: 2, day: 7, hour: 23, kwh: 9 },
    ];
    const s = cellStats(rows, 0, 1);
    expect(s).toHaveLength(168);
    expect(s[0]).toEqual({ day: 1, hour: 0, rows: 2, lower: 5, upper: 7 });
    expect(s[167]).toEqual({ day: 7, hour: 23, rows: 1, lower: 9, upper: 9 });
    expect(s[1]).toEqual({ day: 1, hour: 1, rows: 0 });
  });
});
