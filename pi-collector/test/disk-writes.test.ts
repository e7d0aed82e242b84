import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type Reading } from '@stream-smarts/contracts';
import { runCollector } from '../src/collector.js';
import type { RawPowerProducer } from '../src/producer.js';
import { createHousehold } from '../src/simulator.js';
import type { PulseSink, PulseSource } from '../src/source.js';
import { countWrites, fmtBytes, formatCounts, type WriteCounter } from './support/count-writes.js';

const DAY = 86_400_000;
const work = mkdtempSync(join(tmpdir(), 'pi-collector-writes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A live source (like the GPIO line) that blinks at the given instants of the fake clock. */
class FakeLiveSource implements PulseSource {
  readonly kind = 'gpio' as const;
  readonly live = true;
  pulses = 0;
  constructor(private readonly next: (after: number) => number) {}
  run(sink: PulseSink, _from: string | null, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const schedule = () => {
        const at = this.next(Date.now());
        timer = setTimeout(() => {
          this.pulses++;
          sink.pulse(Date.now(), 1);
          schedule();
        }, at - Date.now());
      };
      schedule();
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

/** Kafka that always takes the readings at once. */
function fakeProducer(into: Reading[]): RawPowerProducer {
  return {
    lastProducedTs: async () => (into.length ? into[into.length - 1]!.ts : -Infinity),
    registerSchema: async () => 1,
    send: async (batch: Reading[]) => void into.push(...batch),
    disconnect: async () => undefined,
  } as unknown as RawPowerProducer;
}

interface DayFigures {
  bytes: number;
  syncs: number;
  table: string;
  readings: number;
}

/**
 * The collector with a live source on a 60-s interval and the default 5-s checkpoint, Kafka
 * always up, against a fake clock: a first 25 h fill the 24-h window (uncounted), then a day's
 * writes under the state directory are counted — a day that holds the recent log's daily rotation
 * (at 48 h, once the log holds two days) and a spool compaction.
 */
async function measureDay(label: string, nextPulse: (after: number) => number): Promise<DayFigures> {
  const start = Date.UTC(2026, 6, 1, 0, 0, 7);
  vi.useFakeTimers({ now: start, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  const stateDir = mkdtempSync(join(work, 'state-'));
  let counter: WriteCounter | undefined;
  try {
    counter = countWrites(stateDir, { skipSync: true });
    const produced: Reading[] = [];
    const source = new FakeLiveSource(nextPulse);
    const ac = new AbortController();
    const run = runCollector(
      { meterId: 'writes', intervalS: 60, impulsesPerKwh: 1000, timezone: 'Australia/Sydney', stateDir, spoolMaxReadings: 100_000, checkpointMs: 5000,
        source, producer: fakeProducer(produced), log: createLogger({ level: 'silent' }) },
      ac.signal,
    );
    for (let h = 0; h < 25; h++) await vi.advanceTimersByTimeAsync(3_600_000);
    counter.reset();
    const producedBefore = produced.length;
    for (let h = 0; h < 24; h++) await vi.advanceTimersByTimeAsync(3_600_000);
    const figures = { bytes: counter.total().bytes, syncs: counter.total().syncs, table: formatCounts(counter), readings: produced.length - producedBefore };
    const rotations = counter.files.get('recent.log.tmp')?.writes;
    ac.abort();
    await vi.advanceTimersByTimeAsync(1000);
    await run;
    // Nothing lost on the way: every pulse is in a produced reading or in the open interval.
    expect(produced.length).toBeGreaterThanOrEqual(2 * 1440 - 1);
    for (let i = 1; i < produced.length; i++) expect(produced[i]!.ts - produced[i - 1]!.ts).toBe(60_000);
    process.stdout.write(`[writes] ${label}: ${fmtBytes(figures.bytes)} and ${figures.syncs} fsyncs a day (${figures.readings} readings, ${rotations ?? 0} rotation of the recent log)\n${figures.table}\n`);
    return figures;
  } finally {
    counter?.restore();
    vi.useRealTimers();
  }
}

afterEach(() => vi.useRealTimers());

/**
 * The SD card's budget: at most 5 MB a day. With the same counter, the version-1 checkpoint
 * (state.json holding the day's readings, replaced atomically every 5 s; commit 190762c) wrote
 * 516 MB and made 41,762 fsyncs a day (steady 1.8 kW), 493 MB and 41,762 (the household).
 */
const BUDGET_BYTES = 5_000_000;
/** One hot-state write per checkpoint, one spool sync per reading, a few for rotation and compaction. */
const MOST_SYNCS = DAY / 5000 + 1440 + 10;

describe('what the collector writes to its state directory in a day (live source, 60-s interval, 5-s checkpoint, Kafka up)', () => {
  it('a steady 1.8 kW (a pulse every 2 s: every checkpoint has a new pulse to save), within 5 MB', async () => {
    const f = await measureDay('steady 1.8 kW', (after) => after + 2000);
    expect(f.readings).toBe(1440);
    expect(f.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(f.syncs).toBeLessThanOrEqual(MOST_SYNCS);
  }, 300_000);

  it('the simulated household', async () => {
    const household = createHousehold({ timezone: 'Australia/Sydney', seed: 3 });
    const from = Date.UTC(2026, 6, 1);
    const pulses = household.pulses(from, from + 3 * DAY, 1000);
    let i = 0;
    const f = await measureDay('simulated household', (after) => {
      while (i < pulses.length && pulses[i]! <= after) i++;
      return i < pulses.length ? Math.ceil(pulses[i]!) : after + DAY;
    });
    expect(f.readings).toBe(1440);
    expect(f.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(f.syncs).toBeLessThanOrEqual(MOST_SYNCS);
  }, 300_000);
});
