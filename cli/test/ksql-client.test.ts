import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { KsqlClient, KsqlError } from '../src/ksql/client.js';

let ksql: KsqlDbDouble;
let client: KsqlClient;

beforeAll(async () => {
  ksql = await startKsqlDbDouble({
    functions: () => [{ name: 'ANOMOLY_POWER', version: '0.1.0+model.0123456789ab' }],
    refuse: { match: /BROKEN/, message: "Invalid Predicate: 'BROKEN' cannot be resolved." },
  });
  client = new KsqlClient({ url: ksql.url });
});
afterAll(() => ksql.close());

describe('KsqlClient', () => {
  it('runs a statement and returns its currentStatus entity', async () => {
    const [e] = await client.execute("CREATE STREAM IF NOT EXISTS s (k STRING KEY) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='AVRO');");
    expect(e).toMatchObject({ '@type': 'currentStatus', commandStatus: { status: 'SUCCESS', message: 'Stream created' } });
  });

  it('lists sources and running queries', async () => {
    await client.execute("CREATE STREAM IF NOT EXISTS d WITH (KAFKA_TOPIC='d') AS SELECT * FROM s EMIT CHANGES;");
    expect((await client.listSources()).map((s) => s.name)).toEqual(['S', 'D']);
    const queries = await client.listQueries();
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ id: 'CSAS_D_1', state: 'RUNNING', sinks: ['D'], queryType: 'PERSISTENT' });
  });

  it('describes a function, with its version', async () => {
    const fn = await client.describeFunction('anomoly_power');
    expect(fn.name).toBe('ANOMOLY_POWER');
    expect(fn.version).toBe('0.1.0+model.0123456789ab');
    expect(fn.functions[0]!.arguments.map((a) => a.type)).toEqual(['DOUBLE', 'DOUBLE']);
  });

  it('turns a refused statement into a KsqlError with the error code, the statement and the server message', async () => {
    const err = await client.execute('CREATE STREAM x AS SELECT * FROM s WHERE BROKEN;').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KsqlError);
    expect(err).toMatchObject({ status: 400, errorCode: 40001, serverMessage: "Invalid Predicate: 'BROKEN' cannot be resolved.", statementText: 'CREATE STREAM x AS SELECT * FROM s WHERE BROKEN;' });
    expect((err as Error).message).toMatch(/ksqlDB refused `CREATE STREAM x .*`: Invalid Predicate.*\(HTTP 400, error 40001\)/);
  });

  it('streams a push query: header first, then rows as objects, until aborted', async () => {
    ksql.pushRows.set('ANOMOLY_POWER', {
      columns: ['METER_KEY', 'EVENT_TS', 'HOUR', 'KWH', 'FN', 'KIND'],
      types: ['STRING', 'BIGINT', 'INTEGER', 'DOUBLE', 'DOUBLE', 'STRING'],
      rows: [
        ['house', 1795406400000, 4, 1500, 5.4588, 'high'],
        ['house', 1795406460000, 4, 1510, 5.49, 'high'],
      ],
    });
    const ac = new AbortController();
    const rows: Record<string, unknown>[] = [];
    let header: unknown;
    try {
      for await (const row of client.stream('SELECT * FROM ANOMOLY_POWER EMIT CHANGES;', { signal: ac.signal, onHeader: (h) => (header = h) })) {
        rows.push(row);
        if (rows.length === 2) ac.abort();
      }
    } catch (e) {
      expect((e as Error).name).toBe('AbortError');
    }
    expect(header).toMatchObject({ columnNames: ['METER_KEY', 'EVENT_TS', 'HOUR', 'KWH', 'FN', 'KIND'] });
    expect(rows[0]).toEqual({ METER_KEY: 'house', EVENT_TS: 1795406400000, HOUR: 4, KWH: 1500, FN: 5.4588, KIND: 'high' });
    expect(rows).toHaveLength(2);
  });

  it('reports a push query on a missing stream', async () => {
    const gen = client.stream('SELECT * FROM NOPE EMIT CHANGES;');
    await expect(gen.next()).rejects.toThrow(/NOPE does not exist/);
  });

  it('knows whether the server is healthy', async () => {
    expect(await client.healthy()).toBe(true);
    ksql.healthy = false;
    expect(await client.healthy()).toBe(false);
    ksql.healthy = true;
  });
});
