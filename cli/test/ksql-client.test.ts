import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/support/process.js';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { KsqlClient, KsqlError, KsqlUnreachableError } from '../src/ksql/client.js';

let ksql: KsqlDbDouble;
let client: KsqlClient;

beforeAll(async () => {
  ksql = await startKsqlDbDouble({
    functions: () => [{ name: 'ANOMOLY_POWER', version: '0.1.0+model.0123456789ab' }],
    refuse: { match: /BROKEN/, message: "Invalid Predicate: 'BROKEN' cannot be resolved." },
  });
  client = new KsqlClient({ url: ksql.url });
  // What 010-like statements need on the server: the topic, and a value schema to infer columns from.
  ksql.topics.add('t');
  ksql.subjects.set('t-value', JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'v', type: 'double' }] }));
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

  it('takes user info in the URL as Basic auth (fetch refuses such URLs) and never shows the password', async () => {
    const c = new KsqlClient({ url: ksql.url.replace('http://', 'http://alice:s3cret@') });
    expect(c.url).toBe(ksql.url);
    expect(c.displayUrl).toBe(ksql.url.replace('http://', 'http://alice:REDACTED@'));
    const [e] = await c.execute('SHOW STREAMS;');
    expect(e).toMatchObject({ '@type': 'streams' });
  });

  it('says in one line that ksqlDB is unreachable, where, and how to start it', async () => {
    const port = await freePort(); // nothing listens there
    const c = new KsqlClient({ url: `http://bob:hunter2@127.0.0.1:${port}` });
    const err = (await c.execute('SHOW STREAMS;').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(KsqlUnreachableError);
    expect(err.message).toBe(
      `cannot reach ksqlDB at http://bob:REDACTED@127.0.0.1:${port} (ECONNREFUSED): is it running? Start the stack with \`docker compose up -d\` in the stream-smarts checkout, or point KSQLDB_URL (or --ksqldb-url) at your server`,
    );
    expect(err.message).not.toMatch(/hunter2|fetch failed/);
  });

  it('says so when the server answers 503 while it starts', async () => {
    ksql.ready = false;
    const err = (await client.execute('SHOW STREAMS;').catch((e: unknown) => e)) as Error;
    ksql.ready = true;
    expect(err).toBeInstanceOf(KsqlUnreachableError);
    expect(err.message).toMatch(/^ksqlDB at http:\/\/127\.0\.0\.1:\d+ is not ready \(KSQL is not yet ready to serve requests\.\); it may still be starting/);
  });

  it('knows whether the server is healthy', async () => {
    expect(await client.healthy()).toBe(true);
    ksql.healthy = false;
    expect(await client.healthy()).toBe(false);
    ksql.healthy = true;
  });
});
