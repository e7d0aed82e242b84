import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cellStats, quantileSorted } from '../src/train/cells.js';
import { TrainError } from '../src/train/errors.js';
import { checkHistory, inferIntervalMs, measureHistory, parseHistoryText, parseTimestamp, readHistory } from '../src/train/history.js';

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

describe('history parsing', () => {
  it('reads timestamps with Z, ±hh:mm and ±hhmm offsets and refuses ones without', () => {
    expect(parseTimestamp('2018-08-05T04:00:00Z')).toBe(Date.parse('2018-08-05T04:00:00Z'));
    expect(parseTimestamp('2018-08-05T14:00:00+10:00')).toBe(Date.parse('2018-08-05T04:00:00Z'));
    expect(parseTimestamp('2018-08-05 14:00+1000')).toBe(Date.parse('2018-08-05T04:00:00Z'));
    expect(parseTimestamp('2018-08-05T14:00:00')).toMatch(/no UTC offset/);
    expect(parseTimestamp('yesterday')).toMatch(/not ISO-8601/);
  });

  it('infers the interval per file from the most common spacing, gaps allowed', () => {
    const ends = [0, 900, 1800, 2700, 3600, 7200, 8100, 9000].map((s) => s * 1000);
    expect(inferIntervalMs(ends)).toBe(900_000);
    const p = parseHistoryText('q.csv', csv('2026-01-05T00:00:00Z', 1, 900).split('\n').filter((_, i) => i % 7 !== 3).join('\n'));
    expect(p.intervalMs).toBe(900_000);
    expect(parseHistoryText('s.csv', csv('2026-01-05T00:00:00Z', 0.01, 1)).intervalMs).toBe(1000);
  });

  it('reports bad rows with file and line, and keeps the good ones', () => {
    const text = ['timestamp,wh', '2026-01-05T01:00:00Z,100', '2026-01-05T02:00:00Z,abc', 'not-a-time,5', '2026-01-05T04:00:00Z,-3', '', '2026-01-05T05:00:00Z,7', '2026-01-05T05:00:00Z,8', '2026-01-05T06:00:00Z,9'].join('\n');
    const p = parseHistoryText('h.csv', text);
    expect(p.readings.map((r) => r.line)).toEqual([2, 7, 9]);
    expect(p.intervalMs).toBe(H);
    expect(p.bad.map((b) => `${b.file}:${b.line}`)).toEqual(['h.csv:3', 'h.csv:4', 'h.csv:5', 'h.csv:8']);
    expect(p.bad[0]!.reason).toMatch(/wh "abc" is not a number/);
    expect(p.bad[2]!.reason).toMatch(/negative/);
    expect(p.bad[3]!.reason).toMatch(/duplicate timestamp/);
    expect(p.dataLines).toBe(7);
  });

  it('reads JSON lines of raw_power records using ts, wh and interval_s', () => {
    const t0 = Date.parse('2026-01-05T00:00:00Z');
    const recs = [1, 2, 3].map((i) => JSON.stringify({ ts: t0 + i * 60_000, meter_id: 'm', day: 1, hour: 0, kwh: 0, wh: 5, interval_s: 60, pulses: 5 }));
    recs.push('{"ts": "soon", "wh": 1, "interval_s": 60}', '{broken', JSON.stringify({ ts: t0 + 240_000, wh: 5, interval_s: 0 }));
    const p = parseHistoryText('r.jsonl', recs.join('\n'));
    expect(p.format).toBe('jsonl');
    expect(p.readings).toHaveLength(3);
    expect(p.readings[0]!.intervalMs).toBe(60_000);
    expect(p.bad.map((b) => b.line)).toEqual([4, 5, 6]);
  });

  it('refuses a CSV without the timestamp,wh header', () => {
    expect(() => parseHistoryText('x.csv', 'time,energy\n1,2\n')).toThrow(/x\.csv:1: expected a CSV header naming columns timestamp and wh/);
  });

  it('stops when more than --max-bad-share of rows are bad, listing the first few with file:line', async () => {
    // 8 days hourly = 192 rows; every 50th bad = 3 rows, 1.6 %.
    const f = join(dir, 'bad.csv');
    writeFileSync(f, csv('2026-01-05T00:00:00Z', 8, 3600, (i) => (i % 50 === 0 ? 'x' : 100)));
    const err = await readHistory([f], { timezone: 'UTC' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).message).toMatch(/3 of 192 history rows are bad/);
    expect((err as TrainError).message).toContain(`${f}:51: wh "x" is not a number`);
    expect((err as TrainError).fix).toMatch(/--max-bad-share/);
    const ok = await readHistory([f], { timezone: 'UTC', maxBadShare: 0.02 });
    expect(ok.bad).toHaveLength(3);
    expect(ok.rows).toHaveLength(189);
  });

  it('reads gzipped files and refuses a history shorter than a week', async () => {
    const f = join(dir, 'short.csv.gz');
    writeFileSync(f, gzipSync(csv('2026-01-05T00:00:00Z', 5, 900)));
    const err = await readHistory([f], { timezone: 'UTC' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).message).toMatch(/only 5\.0 days.*at least one week/);
    const g = join(dir, 'week.csv.gz');
    writeFileSync(g, gzipSync(csv('2026-01-05T00:00:00Z', 8, 900)));
    const h = await readHistory([g], { timezone: 'UTC' });
    // The first three 15-minute readings cover under half an hour... the first under half the hour is skipped.
    expect(h.partial).toBe(1);
    expect(h.rows).toHaveLength(8 * 96 - 1);
    expect(h.rows.at(-1)!.kwh).toBeCloseTo(40, 9);
  });
});

describe('the trailing-hour measure of a history', () => {
  it('for hourly data is the hour\'s Wh, labelled with the hour the interval covers', () => {
    const p = parseHistoryText('h.csv', csv('2026-01-05T00:00:00Z', 7, 3600, (i) => i));
    const h = measureHistory([p], { timezone: 'UTC' });
    // 2026-01-05 is a Monday; the reading ending 01:00 is hour 0.
    expect(h.rows[0]).toEqual({ endMs: Date.parse('2026-01-05T01:00:00Z'), day: 1, hour: 0, kwh: 1 });
    expect(h.rows[23]).toMatchObject({ day: 1, hour: 23, kwh: 24 });
    expect(h.rows[24]).toMatchObject({ day: 2, hour: 0, kwh: 25 });
  });

  it('follows local time across a DST change: the trailing hour stays 60 real minutes', () => {
    // Europe/London springs forward 2026-03-29 01:00 GMT → 02:00 BST. A constant 1 kW every 15 min.
    const p = parseHistoryText('dst.csv', csv('2026-03-28T00:00:00Z', 2, 900, () => 250));
    const h = measureHistory([p], { timezone: 'Europe/London' });
    for (const r of h.rows) if (r.endMs >= Date.parse('2026-03-28T01:00:00Z')) expect(r.kwh).toBeCloseTo(1000, 9);
    const hoursOn29 = new Set(h.rows.filter((r) => r.endMs > Date.parse('2026-03-29T00:00:00Z') && r.endMs <= Date.parse('2026-03-29T23:00:00Z')).map((r) => r.hour));
    // Local hour 1 does not exist that day; the readings just after the change are hour 2 (BST).
    expect(hoursOn29.has(1)).toBe(false);
    const after = h.rows.find((r) => r.endMs === Date.parse('2026-03-29T01:15:00Z'))!;
    expect(after).toMatchObject({ day: 7, hour: 2 });
    // Autumn: 2026-10-25 01:00 BST → 01:00 GMT; local hour 1 happens twice, both labelled 1.
    const q = parseHistoryText('dst2.csv', csv('2026-10-24T00:00:00Z', 2, 900, () => 250));
    const k = measureHistory([q], { timezone: 'Europe/London' });
    const hour1 = k.rows.filter((r) => r.endMs > Date.parse('2026-10-25T00:00:00Z') && r.endMs <= Date.parse('2026-10-25T02:00:00Z') && r.hour === 1);
    expect(hour1).toHaveLength(8);
    for (const r of hour1) expect(r.kwh).toBeCloseTo(1000, 9);
  });

  it('rejects a reading that overlaps another file\'s, as a bad row', () => {
    const a = parseHistoryText('a.csv', csv('2026-01-05T00:00:00Z', 8, 3600));
    const b = parseHistoryText('b.csv', ['timestamp,wh', '2026-01-05T05:30:00Z,5', '2026-01-05T06:30:00Z,5'].join('\n'));
    const h = measureHistory([a, b], { timezone: 'UTC' });
    expect(h.bad.map((x) => `${x.file}:${x.line}`)).toEqual(['b.csv:2', 'b.csv:3']);
    expect(h.bad[0]!.reason).toMatch(/overlaps an earlier reading/);
    expect(() => checkHistory([a, b], h, 0.02)).not.toThrow();
    expect(() => checkHistory([a, b], h, 0.01)).toThrow(/2 of 194 history rows are bad/);
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
