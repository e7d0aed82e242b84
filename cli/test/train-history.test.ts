import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainError } from '../src/train/errors.js';
import { HistoryError } from '@stream-smarts/contracts';
import { readHistory as read, type ReadHistoryOptions } from '../src/train/history.js';

/** train's reader, keeping a year of days. */
const readHistory = (files: string[], o: Omit<ReadHistoryOptions, 'keepDays'>) => read(files, { keepDays: 366, ...o });
/** Every measured reading train kept, in time order. */
const rowsOf = (h: Awaited<ReturnType<typeof read>>) => [...h.days.readingsOf(h.days.heldFrom, h.days.lastDay + 1)];

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
    expect(ok.readings).toBe(189);
  });

  it('reads gzipped files and refuses a history shorter than a week', async () => {
    const f = file('short.csv.gz', gzipSync(csv('2026-01-05T00:00:00Z', 5, 900)));
    const err = await readHistory([f], { timezone: 'UTC' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).message).toMatch(/only 5\.0 days.*at least 7 days/);
    const g = file('week.csv.gz', gzipSync(csv('2026-01-05T00:00:00Z', 8, 900)));
    const h = await readHistory([g], { timezone: 'UTC' });
    const rows = rowsOf(h);
    expect(h.readings).toBe(8 * 96);
    expect(rows).toHaveLength(8 * 96);
    expect(rows.at(-1)!.kwh).toBeCloseTo(40, 9);
    // Every floor is a steady 40 W once its window is covered; the 24-h mean from the end of day 1.
    expect(rows.at(-1)).toMatchObject({ floor_15m: 40, floor_1h: 40, floor_3h: 40, mean_24h: 40 });
    expect(rows[10]!.mean_24h).toBeNull();
  });

  it('keeps a gap a gap: no readings made up, the trailing hour restarts, the gap reported with its span', async () => {
    // 8 days of 15-minute readings with a day missing in the middle.
    const lines = csv('2026-01-05T00:00:00Z', 9, 900).trimEnd().split('\n');
    const kept = [lines[0]!, ...lines.slice(1).filter((l) => !l.startsWith('2026-01-08'))];
    const h = await readHistory([file('gap.csv', kept.join('\n') + '\n')], { timezone: 'UTC' });
    const rows = rowsOf(h);
    expect(rows).toHaveLength(9 * 96 - 96);
    expect(h.report.gaps.count).toBe(1);
    expect(h.report.gaps.totalMs).toBe(86_400_000);
    expect(h.report.warnings().join('\n')).toMatch(/1 gap in the history, 24\.0 h in all .*2026-01-07T23:45:00\.000Z to 2026-01-08T23:45:00\.000Z/);
    // After the gap the hour is rebuilt from new readings only: the constant 10 Wh a quarter reads 40 Wh/h again,
    // and the floors are null until their windows are covered again.
    for (const r of rows) expect(r.kwh).toBeCloseTo(40, 9);
    const after = rows.find((r) => r.endMs > Date.parse('2026-01-08T23:45:00Z'))!;
    // One 15-minute reading covers the 15-min floor at once; the longer windows need their own time.
    expect(after).toMatchObject({ floor_15m: 40, floor_1h: null, floor_3h: null, mean_24h: null });
  });
});

describe('the measures of a history', () => {
  it("for hourly data is the hour's Wh, labelled with the minute the interval ends in", async () => {
    const h = await readHistory([file('h.csv', csv('2026-01-05T00:00:00Z', 7, 3600, (i) => i))], { timezone: 'UTC' });
    const rows = rowsOf(h);
    // The reading ending 01:00 belongs to minute 00:59.
    expect(rows[0]).toMatchObject({ endMs: Date.parse('2026-01-05T01:00:00Z'), minute: 59, kwh: 1 });
    expect(rows[23]).toMatchObject({ minute: 23 * 60 + 59, kwh: 24 });
    expect(rows[24]).toMatchObject({ minute: 59, kwh: 25 });
  });

  it('follows local time across a DST change: the trailing hour stays 60 real minutes', async () => {
    // Europe/London springs forward 2026-03-29 01:00 GMT → 02:00 BST. A constant 1 kW every 15 min.
    const h = rowsOf(await readHistory([file('dst.csv', csv('2026-03-25T00:00:00Z', 8, 900, () => 250))], { timezone: 'Europe/London' }));
    for (const r of h) if (r.endMs >= Date.parse('2026-03-25T01:00:00Z')) expect(r.kwh).toBeCloseTo(1000, 9);
    const hoursOn29 = new Set(h.filter((r) => r.endMs > Date.parse('2026-03-29T00:00:00Z') && r.endMs <= Date.parse('2026-03-29T23:00:00Z')).map((r) => Math.floor(r.minute / 60)));
    // Local hour 1 does not exist that day; the readings just after the change are hour 2 (BST).
    expect(hoursOn29.has(1)).toBe(false);
    expect(h.find((r) => r.endMs === Date.parse('2026-03-29T01:15:00Z'))).toMatchObject({ minute: 2 * 60 + 14 });
    // Autumn: 2026-10-25 01:00 BST → 01:00 GMT; local hour 1 happens twice. Training keeps a day's
    // readings by minute of the day, so the second 01:00–02:00 (GMT) stands for that hour.
    const k = rowsOf(await readHistory([file('dst2.csv', csv('2026-10-20T00:00:00Z', 8, 900, () => 250))], { timezone: 'Europe/London' }));
    const hour1 = k.filter((r) => r.endMs > Date.parse('2026-10-25T00:00:00Z') && r.endMs <= Date.parse('2026-10-25T02:00:00Z') && Math.floor(r.minute / 60) === 1);
    expect(hour1.map((r) => new Date(r.endMs).toISOString())).toEqual(['2026-10-25T01:15:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T01:45:00.000Z', '2026-10-25T02:00:00.000Z']);
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

describe('memory', () => {
  it('keeps only the last keepDays days, however long the history', async () => {
    const h = await read([file('long.csv', csv('2026-01-05T00:00:00Z', 40, 3600))], { timezone: 'UTC', keepDays: 10 });
    expect(h.readings).toBe(40 * 24);
    expect(h.days.lastDay - h.days.heldFrom + 1).toBe(10);
    // The last reading ends at 00:00 and belongs to the day before: ten whole days of 24.
    expect(rowsOf(h)).toHaveLength(10 * 24);
  });
});
