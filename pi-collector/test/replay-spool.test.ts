import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, type Reading } from '@stream-smarts/contracts';
import { runCollector } from '../src/collector.js';
import { ReplaySource } from '../src/replay.js';
import { Spool } from '../src/spool.js';
import type { PulseSink } from '../src/source.js';

const dir = mkdtempSync(join(tmpdir(), 'pi-collector-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sinkOf() {
  const pulses: number[] = [];
  const advanced: number[] = [];
  const gaps: [number, number][] = [];
  const sink: PulseSink = { pulse: (t, c = 1) => void pulses.push(...Array(c).fill(t)), advance: (n) => void advanced.push(n), commit: () => undefined, gap: (from, to) => void gaps.push([from, to]) };
  return { pulses, advanced, gaps, sink };
}

describe('replay', () => {
  it('turns CSV energy into pulses spread over each interval, carrying fractions (800 imp/kWh)', async () => {
    const f = join(dir, 'a.csv');
    writeFileSync(f, 'timestamp,wh\n2026-04-05T02:01:00+11:00,10\n2026-04-05T02:02:00+11:00,3.1\n2026-04-05T02:01:00+10:00,2.5\n');
    const { pulses, sink } = sinkOf();
    await new ReplaySource({ path: f, speed: Infinity, whPerPulse: 1.25, intervalS: 60 }).run(sink, null, new AbortController().signal);
    // 10 Wh = 8 pulses; 3.1 Wh = 2 pulses + 0.6 carried; 0.6 + 2.5 = 3.1 Wh = 2 pulses + 0.6 carried.
    expect(pulses).toHaveLength(12);
    const t1 = Date.parse('2026-04-05T02:01:00+11:00');
    expect(pulses.slice(0, 8).every((t) => t > t1 - 60_000 && t <= t1)).toBe(true);
    expect(pulses[7]).toBe(t1);
  });

  it('names the file and line of bad input', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'timestamp,wh\n2026-04-05T02:01:00+11:00,10\n2026-04-05 02:02:00,3\n');
    // One bad row of two is more than the 1% the history reader skips: it gives up, naming the row.
    await expect(new ReplaySource({ path: f, speed: Infinity, whPerPulse: 1, intervalS: 60 }).run(sinkOf().sink, null, new AbortController().signal)).rejects.toThrow(
      new RegExp(`1 of 2 history rows are bad[^]*${f}:3: timestamp "2026-04-05 02:02:00" has no UTC offset`),
    );
    const g = join(dir, 'order.pulses');
    writeFileSync(g, '1767571201000\n1767571203000\n1767571202000\n1767571204000\n');
    await expect(new ReplaySource({ path: g, speed: Infinity, whPerPulse: 1, intervalS: 60 }).run(sinkOf().sink, null, new AbortController().signal)).rejects.toThrow(/1 of 4 history rows are bad[^]*order.pulses:3: .* is before the previous line's/);
    await expect(new ReplaySource({ path: join(dir, 'x.bin'), speed: 1, whPerPulse: 1, intervalS: 60 }).run(sinkOf().sink, null, new AbortController().signal)).rejects.toThrow(/history file .*x\.bin does not exist/);
  });

  it('replays raw_power JSON lines into the same readings', async () => {
    const f = join(dir, 'r.jsonl');
    const t = Date.UTC(2026, 10, 23, 0, 0);
    writeFileSync(f, [1, 2, 3].map((i) => JSON.stringify({ ts: t + i * 60_000, meter_id: 'x', day: 1, hour: 0, kwh: 0, wh: i * 5, interval_s: 60, pulses: i * 5 })).join('\n') + '\n');
    const out: Reading[] = [];
    await runCollector(
      { meterId: 'j', intervalS: 60, impulsesPerKwh: 1000, timezone: 'UTC', stateDir: join(dir, 'sj'), spoolMaxReadings: 100, checkpointMs: 1000,
        source: new ReplaySource({ path: f, speed: Infinity, whPerPulse: 1, intervalS: 60 }), log: createLogger({ level: 'silent' }), onReading: (r) => out.push(r) },
      new AbortController().signal,
    );
    expect(out.map((r) => [r.ts - t, r.wh])).toEqual([[60_000, 5], [120_000, 10], [180_000, 15]]);
  });
});

describe('a gap in a replayed history', () => {
  // Three readings, six hours of nothing, three readings: the gap is unknown energy, not quiet.
  const t = Date.UTC(2026, 10, 23, 0, 0);
  const rows = [1, 2, 3, 364, 365, 366].map((i) => `${new Date(t + i * 60_000).toISOString().replace('.000Z', '+00:00')},5`);
  const write = (name: string) => {
    const f = join(dir, name);
    writeFileSync(f, ['timestamp,wh', ...rows].join('\n') + '\n');
    return f;
  };

  it('reaches the sink as a gap', async () => {
    const { gaps, sink } = sinkOf();
    await new ReplaySource({ path: write('gap-sink.csv'), speed: Infinity, whPerPulse: 1, intervalS: 60 }).run(sink, null, new AbortController().signal);
    expect(gaps).toEqual([[t + 3 * 60_000, t + 363 * 60_000]]);
  });

  it('gives the collector no made-up readings across it, only the readings on either side', async () => {
    const out: Reading[] = [];
    await runCollector(
      { meterId: 'g', intervalS: 60, impulsesPerKwh: 1000, timezone: 'UTC', stateDir: join(dir, 'sg'), spoolMaxReadings: 1000, checkpointMs: 1000,
        source: new ReplaySource({ path: write('gap-collect.csv'), speed: Infinity, whPerPulse: 1, intervalS: 60 }), log: createLogger({ level: 'silent' }), onReading: (r) => out.push(r) },
      new AbortController().signal,
    );
    expect(out.map((r) => [(r.ts - t) / 60_000, r.wh])).toEqual([[1, 5], [2, 5], [3, 5], [364, 5], [365, 5], [366, 5]]);
  });
});

describe('spool', () => {
  it('is bounded: when full it drops the oldest readings with an error naming the size and the energy lost', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', destination: { write: (l: string) => void lines.push(l) } });
    const spool = new Spool({ dir: mkdtempSync(join(dir, 'sp-')), maxReadings: 20, log });
    for (let i = 1; i <= 25; i++) spool.append({ ts: i * 60_000, meter_id: 'm', day: 1, hour: 0, kwh: 0, wh: 2, interval_s: 60, pulses: 2 });
    // Full at 20: the 21st, 23rd and 25th appends each dropped the oldest 10% (2 readings).
    expect(spool.size).toBe(19);
    expect(spool.peek(1)[0]!.ts).toBe(7 * 60_000);
    expect(spool.droppedReadings).toBe(6);
    expect(lines.join('')).toMatch(/spool full \(20 readings not yet in Kafka\): dropped the oldest 2 readings \(4 Wh\)/);
    spool.close();
  });

  it('survives a torn last line (a crash mid-append) and keeps its order and marks across reopen', () => {
    const d = mkdtempSync(join(dir, 'sp-'));
    const log = createLogger({ level: 'silent' });
    const a = new Spool({ dir: d, maxReadings: 100, log });
    for (let i = 1; i <= 5; i++) a.append({ ts: i * 60_000, meter_id: 'm', day: 1, hour: 0, kwh: 0, wh: 1, interval_s: 60, pulses: 1 });
    a.markProduced(2 * 60_000);
    a.close();
    writeFileSync(join(d, 'spool.jsonl'), readFileSync(join(d, 'spool.jsonl'), 'utf8') + '{"ts":360000,"met');
    const b = new Spool({ dir: d, maxReadings: 100, log }, 4 * 60_000);
    expect(b.peek(10).map((r) => r.ts / 60_000)).toEqual([3, 4, 5]);
    expect(b.recovered.map((r) => r.ts / 60_000)).toEqual([5]);
    b.append({ ts: 6 * 60_000, meter_id: 'm', day: 1, hour: 0, kwh: 0, wh: 1, interval_s: 60, pulses: 1 });
    b.close();
    expect(readFileSync(join(d, 'spool.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it('spool marks that do not parse are ignored with a warning: the readings are pending until Kafka says what it holds', () => {
    const d = mkdtempSync(join(dir, 'marks-'));
    const log = createLogger({ level: 'silent' });
    const reading = (i: number): Reading => ({ ts: i * 60_000, meter_id: 'm', day: 1, hour: 0, kwh: 0, wh: 1, interval_s: 60, pulses: 1 });
    const a = new Spool({ dir: d, maxReadings: 100, log });
    for (let i = 1; i <= 5; i++) a.append(reading(i));
    a.markProduced(3 * 60_000);
    a.close();
    expect(new Spool({ dir: d, maxReadings: 100, log }).size).toBe(2);
    writeFileSync(join(d, 'spool.marks'), '\0'.repeat(64));
    const lines: string[] = [];
    const b = new Spool({ dir: d, maxReadings: 100, log: createLogger({ level: 'warn', destination: { write: (l: string) => void lines.push(l) } }) });
    expect(b.size).toBe(5);
    expect(lines.join('')).toMatch(/spool marks unreadable .*ignoring them; Kafka is asked what it holds/);
    b.markProduced(3 * 60_000);
    expect(b.size).toBe(2);
    b.close();
  });

  it('marks ahead of the spool (its unsynced tail lost, Kafka had it): a reading emitted again is kept on disk, not sent again', () => {
    const d = mkdtempSync(join(dir, 'marks-'));
    const log = createLogger({ level: 'silent' });
    const reading = (i: number): Reading => ({ ts: i * 60_000, meter_id: 'm', day: 1, hour: 0, kwh: 0, wh: 1, interval_s: 60, pulses: 1 });
    writeFileSync(join(d, 'spool.jsonl'), [1, 2].map((i) => JSON.stringify(reading(i)) + '\n').join(''));
    writeFileSync(join(d, 'spool.marks'), JSON.stringify({ producedTs: 4 * 60_000, droppedTs: null }));
    const a = new Spool({ dir: d, maxReadings: 100, log });
    expect(a.size).toBe(0);
    for (let i = 3; i <= 6; i++) a.append(reading(i));
    expect(a.peek(10).map((r) => r.ts / 60_000)).toEqual([5, 6]);
    a.close();
    const b = new Spool({ dir: d, maxReadings: 100, log }, 2 * 60_000, 0);
    expect(b.peek(10).map((r) => r.ts / 60_000)).toEqual([5, 6]);
    expect(b.history.map(([ts]) => ts / 60_000)).toEqual([1, 2, 3, 4, 5, 6]);
    b.close();
  });
});
