import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { RAW_POWER_AVSC_PATH, ReadingSchema, rawPowerAvsc } from '@stream-smarts/contracts';

describe('raw_power.avsc, the one source of truth for the record', () => {
  const schema = JSON.parse(rawPowerAvsc()) as { fields: { name: string; type: unknown; default?: unknown }[] };
  const V2 = ['minute', 'floor_15m', 'floor_1h', 'floor_3h', 'mean_24h'];

  it('has exactly the fields of the Reading zod schema, with the types the ksqlDB statements need', () => {
    expect(schema.fields.map((f) => f.name)).toEqual(Object.keys(ReadingSchema.shape));
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    // hour INT resolves ANOMOLY_POWER(hour DOUBLE, kwh DOUBLE) by implicit widening, and the
    // (day INT, hour INT, kwh DOUBLE) overload exactly; kwh must be DOUBLE for both.
    expect(types).toMatchObject({ ts: 'long', meter_id: 'string', day: 'int', hour: 'int', kwh: 'double', wh: 'double', interval_s: 'int', pulses: 'long' });
    // ANOMOLY_POWER(minute INT, floor_15m DOUBLE, floor_1h DOUBLE, floor_3h DOUBLE, mean_24h DOUBLE)
    expect(types).toMatchObject({ minute: ['null', 'int'], floor_15m: ['null', 'double'], floor_1h: ['null', 'double'], floor_3h: ['null', 'double'], mean_24h: ['null', 'double'] });
  });

  it('version 2 is BACKWARD compatible: it reads version-1 records, the new fields null', () => {
    const v2 = JSON.parse(rawPowerAvsc()) as { fields: { name: string; default?: unknown }[] };
    for (const f of v2.fields.filter((x) => V2.includes(x.name))) expect(f.default).toBeNull();
    const v1 = { ...v2, fields: v2.fields.filter((f) => !V2.includes(f.name)) };
    const t1 = avro.Type.forSchema(v1 as avro.Schema);
    const t2 = avro.Type.forSchema(v2 as avro.Schema);
    const old = { ts: 1795392060000, meter_id: 'home', day: 1, hour: 11, kwh: 1234.5, wh: 21.25, interval_s: 60, pulses: 17 };
    const read = t2.fromBuffer(t1.toBuffer(old), t2.createResolver(t1)) as Record<string, unknown>;
    expect(read).toMatchObject(old);
    for (const f of V2) expect(read[f]).toBeNull();
    expect(ReadingSchema.parse(read)).toMatchObject(old);
  });

  it('round-trips a reading through Avro', () => {
    const type = avro.Type.forSchema(JSON.parse(readFileSync(RAW_POWER_AVSC_PATH, 'utf8')) as avro.Schema);
    const r = { ts: 1795392060000, meter_id: 'home', day: 1, hour: 11, kwh: 1234.5, wh: 21.25, interval_s: 60, pulses: 17, minute: 719, floor_15m: 250.5, floor_1h: null, floor_3h: null, mean_24h: null };
    expect(ReadingSchema.parse(type.fromBuffer(type.toBuffer(r)))).toEqual(r);
    expect(() => type.toBuffer({ ...r, hour: 1.5 })).toThrow();
  });
});
