import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RAW_POWER_SUBJECT, RAW_POWER_TOPIC, type Reading } from '@stream-smarts/contracts';
import { startSchemaRegistryDouble, type SchemaRegistryDouble } from '../../pi-collector/test/support/schema-registry-double.js';
import { consumeMeter } from '../../pi-collector/test/support/consume.js';
import { cli } from './run-cli.js';

// `simulate --format kafka` against the real broker of the test harness and the Schema Registry
// double: what it produced, consumed and decoded by hand from the wire format, equals the same
// simulation written as raw_power JSON lines.
const broker = inject('kafka');
let sr: SchemaRegistryDouble;
beforeAll(async () => {
  sr = await startSchemaRegistryDouble();
});
afterAll(async () => sr.close());

describe(`stream-smarts simulate --format kafka (real Kafka ${broker.version})`, () => {
  it('produces Avro raw_power records via Schema Registry that decode back to the simulated readings', async () => {
    const meterId = `sim-${Date.now()}`;
    const args = ['simulate', '--timezone', 'Australia/Sydney', '--start', '2026-06-01', '--days', '1', '--interval', '900', '--meter-id', meterId, '--seed', '4', '--log-level', 'silent'];
    const json = await cli([...args, '--format', 'jsonl']);
    expect(json.exitCode).toBe(0);
    const expected = String(json.stdout).trim().split('\n').map((l) => JSON.parse(l) as Reading);
    expect(expected).toHaveLength(96);

    const r = await cli(['--json', ...args, '--format', 'kafka', '--bootstrap-servers', broker.bootstrap, '--schema-registry-url', sr.url]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(String(r.stdout)) as { kafka: { topic: string; produced: number; schemaId: number } };
    expect(summary.kafka).toMatchObject({ topic: RAW_POWER_TOPIC, produced: 96 });

    const got = await consumeMeter(broker.bootstrap, RAW_POWER_TOPIC, meterId, (g) => g.length >= 96);
    expect(got.map((g) => g.reading)).toEqual(expected);
    expect(got.every((g) => g.magic === 0 && g.key === meterId && g.timestamp === g.reading.ts && g.schemaId === summary.kafka.schemaId)).toBe(true);
    expect(sr.config.get(RAW_POWER_SUBJECT)).toBe('BACKWARD');
  });

  it('says which Schema Registry refused, in one line, exit status 1', async () => {
    const r = await cli(['simulate', '--days', '1', '--format', 'kafka', '--bootstrap-servers', broker.bootstrap, '--schema-registry-url', 'http://127.0.0.1:9', '--log-level', 'silent']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('http://127.0.0.1:9');
  });
});
