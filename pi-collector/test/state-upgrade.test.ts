import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, type Reading } from '@stream-smarts/contracts';
import { runCollector, type CollectorOptions } from '../src/collector.js';
import type { RawPowerProducer } from '../src/producer.js';
import { RecentLog } from '../src/recent-log.js';
import { ReplaySource } from '../src/replay.js';
import { HOT_STATE_FILES, StateStore, readHotState, type HotFields } from '../src/state.js';
import { householdCsv } from './support/history-csv.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const V1_FIXTURE = join(HERE, 'fixtures/v1-state');
const dir = mkdtempSync(join(tmpdir(), 'pi-collector-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger({ level: 'silent' });
const START = Date.UTC(2026, 6, 1);
const HOUR = 3_600_000;

function csv(name: string, hours: number): string {
  const f = join(dir, name);
  householdCsv(f, START, hours * 60);
  return f;
}

function options(stateDir: string, file: string, out: Reading[], producer?: RawPowerProducer): CollectorOptions {
  return {
    meterId: 'v1-meter', intervalS: 60, impulsesPerKwh: 1000, timezone: 'Australia/Sydney', stateDir, spoolMaxReadings: 100_000, checkpointMs: 1000,
    source: new ReplaySource({ path: file, speed: Infinity, whPerPulse: 1, intervalS: 60 }), log, onReading: (r) => out.push(r),
    ...(producer ? { producer, exitWhenDrained: true } : {}),
  };
}

/** Kafka that takes every reading at once. */
function fakeProducer(into: Reading[] = []): RawPowerProducer {
  return {
    lastProducedTs: async () => (into.length ? into[into.length - 1]!.ts : -Infinity),
    registerSchema: async () => 1,
    send: async (batch: Reading[]) => void into.push(...batch),
    disconnect: async () => undefined,
  } as unknown as RawPowerProducer;
}

/** What an uninterrupted collector emits for the whole file: what every restart must reproduce, measures and all. */
async function reference(file: string): Promise<Reading[]> {
  const out: Reading[] = [];
  await runCollector(options(mkdtempSync(join(dir, 'ref-')), file, out), new AbortController().signal);
  return out;
}

describe('a state directory written by the version-1 collector (state.json with version 1 and interval.recent)', () => {
  it('is upgraded on start: the replay goes on at its cursor, the measures carry on from its 24 h of readings, state.json is gone', async () => {
    const v1 = JSON.parse(readFileSync(join(V1_FIXTURE, 'state.json'), 'utf8')) as { version: number; interval: { lastClosed: number; recent: unknown[] } };
    expect(v1.version).toBe(1);
    expect(v1.interval.recent).toHaveLength(1440);
    expect(readFileSync(join(V1_FIXTURE, 'spool.jsonl'), 'utf8')).toBe(''); // the 24 h are only in state.json
    const stateDir = join(dir, 'upgraded');
    cpSync(V1_FIXTURE, stateDir, { recursive: true });
    rmSync(join(stateDir, 'README.md'));
    const file = csv('60h.csv', 60);
    const after: Reading[] = [];
    const r = await runCollector(options(stateDir, file, after), new AbortController().signal);
    const expected = (await reference(file)).filter((x) => x.ts > v1.interval.lastClosed);
    expect(after.length).toBe(30 * 60);
    expect(after).toEqual(expected); // every field, the floors and the 24-h mean included
    expect(after[0]!.mean_24h).not.toBeNull(); // no day of waiting after the upgrade
    expect(r.ignoredPulses).toBe(0);
    expect(existsSync(join(stateDir, 'state.json'))).toBe(false);
    const hot = readHotState(stateDir)!;
    expect(hot).toMatchObject({ version: 2, meterId: 'v1-meter', lastClosed: START + 60 * HOUR });
    expect(new RecentLog(stateDir).read()).toHaveLength(1440);
  });

  it('a state.json left beside a hot state (its removal undone by a power cut) is ignored and removed', async () => {
    const stateDir = join(dir, 'both');
    cpSync(V1_FIXTURE, stateDir, { recursive: true });
    const file = csv('40h.csv', 40);
    await runCollector(options(stateDir, file, []), new AbortController().signal);
    const hot = readHotState(stateDir)!;
    cpSync(join(V1_FIXTURE, 'state.json'), join(stateDir, 'state.json'));
    const again: Reading[] = [];
    await runCollector(options(stateDir, file, again), new AbortController().signal);
    expect(again).toEqual([]); // the hot state's cursor, not state.json's older one
    expect(readHotState(stateDir)!.lastClosed).toBe(hot.lastClosed);
    expect(existsSync(join(stateDir, 'state.json'))).toBe(false);
  });
});

describe('what a power cut can leave behind', () => {
  it('the recent log lost its unsynced tail and holds a torn line: the spool fills it in, the measures go on unchanged', async () => {
    const stateDir = join(dir, 'torn-log');
    const first = csv('30h.csv', 30);
    await runCollector(options(stateDir, first, []), new AbortController().signal);
    const logFile = join(stateDir, 'recent.log');
    const lines = readFileSync(logFile, 'utf8').split('\n').slice(0, -1);
    // The last 300 lines never reached the disk; half of the one before them did.
    writeFileSync(logFile, lines.slice(0, -301).join('\n') + '\n' + lines[lines.length - 301]!.slice(0, 7));
    const file = csv('50h.csv', 50);
    const after: Reading[] = [];
    await runCollector(options(stateDir, file, after), new AbortController().signal);
    expect(after).toEqual((await reference(file)).filter((r) => r.ts > START + 30 * HOUR));
    expect(after[0]!.mean_24h).not.toBeNull();
  });

  it('the recent log is gone and the spool was compacted: the window refills from what the spool still holds; energy and order unchanged', async () => {
    const stateDir = join(dir, 'no-log');
    const first = csv('30h-b.csv', 30);
    await runCollector(options(stateDir, first, [], fakeProducer()), new AbortController().signal);
    expect(readFileSync(join(stateDir, 'spool.jsonl'), 'utf8').split('\n').length - 1).toBeLessThan(24 * 60);
    rmSync(join(stateDir, 'recent.log'));
    const file = csv('50h-b.csv', 50);
    const after: Reading[] = [];
    await runCollector(options(stateDir, file, after), new AbortController().signal);
    const expected = (await reference(file)).filter((r) => r.ts > START + 30 * HOUR);
    expect(after.map((r) => [r.ts, r.wh, r.pulses])).toEqual(expected.map((r) => [r.ts, r.wh, r.pulses]));
  });

  it('a torn hot-state slot: the other slot holds the state before it; both torn is refused, one torn first write is a fresh start', () => {
    const d = mkdtempSync(join(dir, 'slots-'));
    const state = (n: number): HotFields => ({ meterId: 'm', intervalS: 60, source: 'gpio', cursor: null, openEnd: n * 60_000, openPulses: n, lastClosed: (n - 1) * 60_000, totalPulses: 10 * n });
    const a = new StateStore(d);
    expect(a.load()).toBeUndefined();
    expect(a.save(state(1))).toBe(true);
    expect(a.save(state(1))).toBe(false); // unchanged: not written
    expect(a.save(state(2))).toBe(true);
    expect(a.save(state(3))).toBe(true);
    a.close();
    expect(new StateStore(d).load()).toEqual({ hot: state(3) });
    // state 3 went to slot 0 (writes alternate 0, 1, 0): tear it mid-record.
    const slot0 = join(d, HOT_STATE_FILES[0]);
    truncateSync(slot0, 40);
    expect(new StateStore(d).load()).toEqual({ hot: state(2) });
    const b = new StateStore(d);
    b.load();
    expect(b.save(state(4))).toBe(true); // goes to the torn slot, never over the good one
    b.close();
    expect(new StateStore(d).load()).toEqual({ hot: state(4) });
    // A record shorter than the one before it in the same slot leaves old bytes after its newline.
    const c = new StateStore(d);
    c.load();
    c.save({ ...state(5), totalPulses: 1 });
    c.save({ ...state(6), totalPulses: 1 });
    c.close();
    expect(new StateStore(d).load()).toEqual({ hot: { ...state(6), totalPulses: 1 } });
    // A bit flipped in the newest slot: its checksum tells.
    const newest = readHotState(d)!.seq % 2 === 1 ? HOT_STATE_FILES[0] : HOT_STATE_FILES[1];
    const text = readFileSync(join(d, newest), 'utf8');
    writeFileSync(join(d, newest), text.replace('"openPulses":6', '"openPulses":7'));
    expect(new StateStore(d).load()).toEqual({ hot: { ...state(5), totalPulses: 1 } });
    writeFileSync(join(d, HOT_STATE_FILES[0]), 'x');
    writeFileSync(join(d, HOT_STATE_FILES[1]), 'y');
    expect(() => new StateStore(d).load()).toThrow(/collector state in .* is not valid \(hot-state\.0: .*hot-state\.1: .*\); move the directory away/);
    const e = mkdtempSync(join(dir, 'slots-'));
    writeFileSync(join(e, HOT_STATE_FILES[0]), '{"version":2,"se');
    expect(new StateStore(e).load()).toBeUndefined();
  });
});
