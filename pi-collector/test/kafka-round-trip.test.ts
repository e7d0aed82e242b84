import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, RAW_POWER_SUBJECT, RAW_POWER_TOPIC, type Reading } from '@stream-smarts/contracts';
import { runCollector } from '../src/collector.js';
import { RawPowerProducer, SchemaRejectedError } from '../src/producer.js';
import { ReplaySource } from '../src/replay.js';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from './support/schema-registry-double.js';
import { consumeMeter } from './support/consume.js';

const broker = inject('kafka');
const log = createLogger({ level: 'silent' });

let sr: SchemaRegistryDouble;
let dir: string;
beforeAll(async () => {
  sr = await startSchemaRegistryDouble();
  dir = mkdtempSync(join(tmpdir(), 'pi-collector-rt-'));
});
afterAll(async () => {
  await sr.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Two hours of minute readings around a Sydney morning, as an ISO-8601-with-offset CSV. */
function writeCsv(path: string): number {
  const start = Date.UTC(2026, 10, 22, 20, 0); // 07:00 AEDT (+11:00)
  const lines = ['timestamp,wh'];
  let total = 0;
  for (let i = 1; i <= 120; i++) {
    const t = new Date(start + i * 60_000 + 11 * 3_600_000).toISOString().replace('.000Z', '+11:00');
    const wh = 3 + ((i * 7) % 40);
    total += wh;
    lines.push(`${t},${wh}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return total;
}

function producer(meterId: string, bootstrap = broker.bootstrap, url = sr.url) {
  return new RawPowerProducer({ kafka: { clientId: 'pi-collector-test', brokers: [bootstrap] }, schemaRegistry: { url }, topic: RAW_POWER_TOPIC, meterId, log });
}

function options(meterId: string, stateDir: string, file: string, p: RawPowerProducer | undefined, emitted: Reading[]) {
  return {
    meterId,
    intervalS: 60,
    impulsesPerKwh: 1000,
    timezone: 'Australia/Sydney',
    stateDir,
    spoolMaxReadings: 10_000,
    checkpointMs: 1000,
    source: new ReplaySource({ path: file, speed: Infinity, whPerPulse: 1, intervalS: 60 }),
    ...(p ? { producer: p } : {}),
    log,
    exitWhenDrained: true,
    onReading: (r: Reading) => emitted.push(r),
  };
}

describe(`raw_power on a real Kafka ${broker.version} broker, schema from the Schema Registry double`, () => {
  it('produces a replay as Avro in the wire format; consumed and decoded, every field equals what was emitted', async () => {
    const meterId = `rt-${Date.now()}`;
    const csv = join(dir, 'history.csv');
    const totalWh = writeCsv(csv);
    const emitted: Reading[] = [];
    const result = await runCollector(options(meterId, join(dir, 'state-rt'), csv, producer(meterId), emitted), new AbortController().signal);
    expect(result.readings).toBe(120);
    expect(result.spooled).toBe(0);

    const got = await consumeMeter(broker.bootstrap, RAW_POWER_TOPIC, meterId, (g) => g.length >= 120);
    expect(got.map((g) => g.reading)).toEqual(emitted);
    expect(got.every((g) => g.magic === 0 && g.key === meterId && g.timestamp === g.reading.ts)).toBe(true);
    const id = sr.subjects.get(RAW_POWER_SUBJECT)![0]!.id;
    expect(new Set(got.map((g) => g.schemaId))).toEqual(new Set([id]));
    expect(sr.config.get(RAW_POWER_SUBJECT)).toBe('BACKWARD');
    expect(sr.requests).toContain(`PUT /config/${RAW_POWER_SUBJECT}`);
    expect(got.reduce((s, g) => s + g.reading.wh, 0)).toBe(totalWh);
    // Local hours by the end-1ms rule: the first reading ends 07:01 AEDT, the last 09:00 (hour 8).
    expect([got[0]!.reading.hour, got[119]!.reading.hour, got[0]!.reading.day]).toEqual([7, 8, 1]);
  });

  it('spools while the broker is unreachable at start (no exit), then drains in order once it is back', async () => {
    const meterId = `spool-${Date.now()}`;
    const csv = join(dir, 'history2.csv');
    writeCsv(csv);
    const state = join(dir, 'state-spool');
    const emitted: Reading[] = [];
    // A port nobody listens on: every connection is refused.
    const ac = new AbortController();
    const run = runCollector(options(meterId, state, csv, producer(meterId, '127.0.0.1:1'), emitted), ac.signal);
    // The replay ends and the collector keeps retrying; stop it once everything is spooled.
    while (emitted.length < 120) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    const first = await run;
    expect(first.produced).toBe(0);
    expect(first.spooled).toBe(120);

    const again: Reading[] = [];
    const second = await runCollector(options(meterId, state, csv, producer(meterId), again), new AbortController().signal);
    expect(again).toHaveLength(0); // the replay resumed at its end: nothing emitted twice
    expect(second.produced).toBe(120);
    const got = await consumeMeter(broker.bootstrap, RAW_POWER_TOPIC, meterId, (g) => g.length >= 120);
    expect(got.map((g) => g.reading)).toEqual(emitted);
  });

  it('stops with the registry\'s own message when Schema Registry rejects the schema', async () => {
    const meterId = `reject-${Date.now()}`;
    const csv = join(dir, 'history3.csv');
    writeCsv(csv);
    sr.rejectNext = { status: 409, error_code: 40901, message: 'Schema being registered is incompatible with an earlier schema for subject "raw_power-value"' };
    const err = await runCollector(options(meterId, join(dir, 'state-reject'), csv, producer(meterId), []), new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaRejectedError);
    expect((err as Error).message).toMatch(/rejected contracts\/schemas\/raw_power.avsc for subject raw_power-value \(HTTP 409\).*incompatible with an earlier schema/);
  });
});
