import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { RAW_POWER_AVSC_PATH, ReadingSchema, rawPowerAvsc } from '@stream-smarts/contracts';

describe('raw_power.avsc, the one source of truth for the record', () => {
  const schema = JSON.parse(rawPowerAvsc()) as { fields: { name: string; type: unknown; default?: unknown }[] };
  const V2 = ['minute', 'floor_15m', 'floor_1h', 'floor_3h', 'mean_24h'];
  const V3 = ['step_20m', 'step_45m', 'step_90m', 'activity_3h'];

  it('has exactly the fields of the Reading zod schema, with the types the ksqlDB statements need', () => {
    expect(schema.fields.map((f) => f.name)).toEqual(Object.keys(ReadingSchema.shape));
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    // hour INT resolves ANOMOLY_POWER(hour DOUBLE, kwh DOUBLE) by implicit widening, and the
    // (day INT, hour INT, kwh DOUBLE) overload exactly; kwh must be DOUBLE for both.
    expect(types).toMatchObject({ ts: 'long', meter_id: 'string', day: 'int', hour: 'int', kwh: 'double', wh: 'double', interval_s: 'int', pulses: 'long' });
    // ANOMOLY_POWER(day INT, minute INT, floor_15m, floor_1h, floor_3h, step_20m, step_45m, step_90m, activity_3h, mean_24h DOUBLE)
    expect(types).toMatchObject({ minute: ['null', 'int'], floor_15m: ['null', 'double'], floor_1h: ['null', 'double'], floor_3h: ['null', 'double'], mean_24h: ['null', 'double'] });
    expect(types).toMatchObject({ step_20m: ['null', 'double'], step_45m: ['null', 'double'], step_90m: ['null', 'double'], activity_3h: ['null', 'double'] });
  });

  it('versions 2 and 3 are BACKWARD compatible: version 3 reads version-1 and version-2 records, the new fields null', () => {
    const v3 = JSON.parse(rawPowerAvsc()) as { fields: { name: string; default?: unknown }[] };
    for (const f of v3.fields.filter((x) => V2.includes(x.name) || V3.includes(x.name))) expect(f.default).toBeNull();
    const v2 = { ...v3, fields: v3.fields.filter((f) => !V3.includes(f.name)) };
    const t2only = avro.Type.forSchema(v2 as avro.Schema);
    const t3 = avro.Type.forSchema(v3 as avro.Schema);
    const rec2 = { ts: 1795392060000, meter_id: 'home', day: 1, hour: 11, kwh: 1234.5, wh: 21.25, interval_s: 60, pulses: 17, minute: 719, floor_15m: 250.5, floor_1h: 240, floor_3h: null, mean_24h: 400 };
    const read3 = t3.fromBuffer(t2only.toBuffer(rec2), t3.createResolver(t2only)) as Record<string, unknown>;
    expect(read3).toMatchObject(rec2);
    for (const f of V3) expect(read3[f]).toBeNull();
    const v1 = { ...v3, fields: v3.fields.filter((f) => !V2.includes(f.name) && !V3.includes(f.name)) };
    const t1 = avro.Type.forSchema(v1 as avro.Schema);
    const old = { ts: 1795392060000, meter_id: 'home', day: 1, hour: 11, kwh: 1234.5, wh: 21.25, interval_s: 60, pulses: 17 };
    const read = t3.fromBuffer(t1.toBuffer(old), t3.createResolver(t1)) as Record<string, unknown>;
    expect(read).toMatchObject(old);
    for (const f of [...V2, ...V3]) expect(read[f]).toBeNull();
    expect(ReadingSchema.parse(read)).toMatchObject(old);
  });

  it('round-trips a reading through Avro', () => {
    const type = avro.Type.forSchema(JSON.parse(readFileSync(RAW_POWER_AVSC_PATH, 'utf8')) as avro.Schema);
    const r = { ts: 1795392060000, meter_id: 'home', day: 1, hour: 11, kwh: 1234.5, wh: 21.25, interval_s: 60, pulses: 17, minute: 719, floor_15m: 250.5, floor_1h: null, floor_3h: null, mean_24h: null, step_20m: 2100, step_45m: null, step_90m: null, activity_3h: 35.5 };
    expect(ReadingSchema.parse(type.fromBuffer(type.toBuffer(r)))).toEqual(r);
    expect(() => type.toBuffer({ ...r, hour: 1.5 })).toThrow();
  });
});
