import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, RAW_POWER_TOPIC, type Reading } from '@stream-smarts/contracts';
import { runCollector } from '../src/collector.js';
import { ReplaySource } from '../src/replay.js';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from './support/schema-registry-double.js';
import { consumeMeter } from './support/consume.js';
import { householdCsv } from './support/history-csv.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = resolve(HERE, '../dist/main.js');
const HOOK = resolve(HERE, 'support/kill-in-rotation.mjs');
const broker = inject('kafka');
const DAYS = 3;
// 30-s readings (2,880 a day) for 3 days in about 12 s: a checkpoint (every second) every 6 h of
// readings. The spool, compacted at checkpoints once 1,000 of its lines (8.3 h) are in Kafka, then
// holds at most about 15 h — well under the day the measures need.
const INTERVAL_S = 30;
const PER_DAY = 86_400 / INTERVAL_S;
const SPEED = 21_600;

const work = mkdtempSync(join(tmpdir(), 'pi-collector-rotation-'));
let sr: SchemaRegistryDouble;
beforeAll(async () => {
  sr = await startSchemaRegistryDouble();
});
afterAll(async () => {
  await sr.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * The collector as a real process replaying three days into Kafka, SIGKILLed in the middle of the
 * recent log's rotation (the rewrite with the last day once it holds two), then started again. The
 * rotation must leave the old log or the new one whole: every reading in raw_power — the 24-h mean
 * and the floors included — equals what an uninterrupted collector emits, once each.
 */
describe('SIGKILL during the recent log rotation', () => {
  const file = join(work, 'history.csv');
  let expected: Reading[];
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with "npx tsc -b"`);
    householdCsv(file, Date.UTC(2026, 6, 1), DAYS * PER_DAY, 5, INTERVAL_S);
    expected = [];
    await runCollector(
      { meterId: 'ref', intervalS: INTERVAL_S, impulsesPerKwh: 1000, timezone: 'Australia/Sydney', stateDir: join(work, 'ref'), spoolMaxReadings: 100_000, checkpointMs: 1000,
        source: new ReplaySource({ path: file, speed: Infinity, whPerPulse: 1, intervalS: INTERVAL_S }), log: createLogger({ level: 'silent' }), onReading: (r) => expected.push(r) },
      new AbortController().signal,
    );
    expect(expected).toHaveLength(DAYS * PER_DAY);
  });

  for (const at of ['write', 'rename', 'renamed'] as const) {
    const when = { write: 'half of the new file written', rename: 'the new file synced, not yet renamed', renamed: 'just renamed over the old one' }[at];
    it(`killed with ${when}: raw_power holds every reading once, measures as if never killed`, async () => {
      const meter = `rotation-${at}-${Date.now()}`;
      const stateDir = join(work, `state-${at}`);
      const logFile = join(work, `${at}.log`);
      const mark = join(work, `${at}.killed`);
      const launch = (hooked: boolean) => {
        const fd = openSync(logFile, 'a');
        const child = spawn(
          process.execPath,
          [...(hooked ? ['--import', HOOK] : []), MAIN, '--source', 'replay', '--replay', file, '--speed', String(SPEED), '--meter-id', meter,
            '--state-dir', stateDir, '--interval', String(INTERVAL_S), '--checkpoint', '1', '--timezone', 'Australia/Sydney',
            '--bootstrap-servers', broker.bootstrap, '--schema-registry-url', sr.url, '--log-level', 'info'],
          { cwd: work, stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH ?? '', STREAM_SMARTS_TEST_KILL_AT: at, STREAM_SMARTS_TEST_KILL_NTH: '1', STREAM_SMARTS_TEST_KILL_MARK: mark } },
        );
        closeSync(fd);
        return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      };

      const killed = await launch(true);
      const output = () => readFileSync(logFile, 'utf8').slice(-3000);
      expect(killed.signal, `the collector was to be killed in its first rotation; log:\n${output()}`).toBe('SIGKILL');
      expect(readFileSync(mark, 'utf8')).toBe(`${at} 1\n`);
      // What the restart has to go on: the spool alone no longer holds the day the measures need.
      const spooled = readFileSync(join(stateDir, 'spool.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as Reading).ts);
      const spoolH = spooled.length === 0 ? 0 : (spooled[spooled.length - 1]! - spooled[0]!) / 3_600_000;
      expect(spoolH).toBeLessThan(24);

      const again = await launch(false);
      expect(again, `collector log:\n${output()}`).toEqual({ code: 0, signal: null });
      const got = await consumeMeter(broker.bootstrap, RAW_POWER_TOPIC, meter, (g) => g.length >= expected.length, 60_000);
      const readings = got.map((g) => ({ ...g.reading, meter_id: 'ref' }));
      expect(readings.length).toBe(expected.length);
      expect(readings).toEqual(expected);
      process.stdout.write(`[rotation] SIGKILL ${when} (the spool held ${spoolH.toFixed(1)} h): ${readings.length} readings, measures unchanged, no duplicates\n`);
    }, 120_000);
  }
});
