import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { RAW_POWER_AVSC_PATH, ReadingSchema, rawPowerAvsc } from '@stream-smarts/contracts';

describe('raw_power.avsc, the one source of truth for the record', () => {
  const schema = JSON.parse(rawPowerAvsc()) as { fields: { name: string; type: string }[] };

  it('has exactly the fields of the Reading zod schema, with the types the ksqlDB statements need', () => {
    expect(schema.fields.map((f) => f.name)).toEqual(Object.keys(ReadingSchema.shape));
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    // hour INT resolves ANOMOLY_POWER(hour DOUBLE, kwh DOUBLE) by implicit widening, and the
    // (day INT, hour INT, kwh DOUBLE) overload exactly; kwh must be DOUBLE for both.
    expect(types).toMatchObject({ ts: 'long', meter_id: 'string', day: 'int', hour: 'int', kwh: 'double', wh: 'double', interval_s: 'int', pulses: 'long' });
  });

  it('round-trips a reading through Avro', () => {
    const type = avro.Type.forSchema(JSON.parse(readFileSync(RAW_POWER_AVSC_PATH, 'utf8')) as avro.Schema);
    const r = { ts: 1795392060000, meter_id: 'home', day: 1, hour: 11, kwh: 1234.5, wh: 21.25, interval_s: 60, pulses: 17 };
    expect(ReadingSchema.parse(type.fromBuffer(type.toBuffer(r)))).toEqual(r);
    expect(() => type.toBuffer({ ...r, hour: 1.5 })).toThrow();
  });
});
