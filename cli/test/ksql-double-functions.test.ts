import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawPowerAvsc } from '@stream-smarts/contracts';
import { startKsqlDbDouble, type KsqlDbDouble, type KsqlDbDoubleOptions } from '../../testing/doubles/ksqldb.js';
import { KsqlClient, KsqlError } from '../src/ksql/client.js';
import { splitStatements } from '../src/ksql/statements.js';

/**
 * The ksqlDB double resolves functions, validates a request and answers /healthcheck as ksqlDB 8.4
 * does (confluentinc/ksql, branch 8.4.x); each test names the source it follows. The rules are in
 * testing/doubles/ksqldb-functions.ts, ksqldb-rules.ts and ksqldb.ts.
 */
const KSQL_DIR = fileURLToPath(new URL('../../ksql/', import.meta.url));
const ALL = readdirSync(KSQL_DIR)
  .filter((f) => /^\d+.*\.sql$/.test(f))
  .sort()
  .flatMap((f) => splitStatements(readFileSync(join(KSQL_DIR, f), 'utf8')).map((s) => s.text));
const JAR = { name: 'ANOMOLY_POWER', version: '0.3.0+model.0123456789ab' };

let ksql: KsqlDbDouble;
let client: KsqlClient;
async function start(opts: KsqlDbDoubleOptions = { functions: () => [JAR] }) {
  ksql = await startKsqlDbDouble(opts);
  client = new KsqlClient({ url: ksql.url });
  // The topic and schema the collector (or deploy) makes.
  ksql.topics.add('raw_power');
  ksql.subjects.set('raw_power-value', rawPowerAvsc());
}
beforeEach(() => start());
afterEach(() => ksql.close());

const refusal = (statement: string, props: Record<string, unknown> = {}) => client.execute(statement, props).then(() => undefined, (e: unknown) => e as KsqlError);
const derived = (projection: string) => `CREATE STREAM X AS SELECT meter_key, ${projection} AS v FROM raw_power_stream EMIT CHANGES;`;

/** UdfIndex.createNoMatchingFunctionException's text for ANOMOLY_POWER, its overloads in UdfIndex.values()'s (HashMap) order. */
const noMatch = (args: string) =>
  `Function 'anomoly_power' does not accept parameters (${args}).\nValid alternatives are:\n` +
  'ANOMOLY_POWER(DOUBLE hour, DOUBLE kwh)\n' +
  'ANOMOLY_POWER(INT day, INT hour, DOUBLE kwh)\n' +
  'ANOMOLY_POWER(INT day, INT minute, DOUBLE floor_15m, DOUBLE floor_1h, DOUBLE floor_3h, DOUBLE step_20m, DOUBLE step_45m, DOUBLE step_90m, DOUBLE activity_3h, DOUBLE mean_24h)\n' +
  'ANOMOLY_POWER(INT minute, DOUBLE floor_15m, DOUBLE floor_1h, DOUBLE floor_3h, DOUBLE mean_24h)\n' +
  'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;';

describe('function resolution (UdfIndex, InternalFunctionRegistry, ExpressionTypeManager)', () => {
  it('an unknown function is refused with "Can\'t find any functions with the name" (query-validation-tests/group-by.json "unknown function")', async () => {
    await client.execute(ALL[0]!);
    const e = await refusal(derived('WONT_FIND_ME(kwh)'));
    expect(e).toMatchObject({ status: 400, errorCode: 40001, serverMessage: "Can't find any functions with the name 'WONT_FIND_ME'" });
    expect(ksql.sources.has('X')).toBe(false);
  });

  it('without the UDF jar loaded, the project’s 020 is refused for ANOMOLY_POWER (InternalFunctionRegistry.getUdfFactory)', async () => {
    await ksql.close();
    await start({ functions: () => [] });
    await client.execute(ALL[0]!);
    expect((await refusal(ALL[1]!))!.serverMessage).toBe("Can't find any functions with the name 'ANOMOLY_POWER'");
  });

  it('a wrong argument type is refused with UdfIndex’s message listing every overload read from udf-java’s annotations (udf-implicit-cast.json "string literal -> double")', async () => {
    await client.execute(ALL[0]!);
    expect((await refusal(derived('ANOMOLY_POWER(meter_id, kwh)')))!.serverMessage).toBe(noMatch('STRING, DOUBLE'));
    expect((await refusal(derived("ANOMOLY_POWER(hour, 'x')")))!.serverMessage).toBe(noMatch('INTEGER, STRING'));
    // A call nested in a CASE condition is resolved too, and the declared return type is used:
    // ANOMOLY_POWER_MODEL() is a STRING, not a number (AnomolyPowerModelUdf returns String).
    expect((await refusal(derived('CASE WHEN ANOMOLY_POWER(day, hour, ANOMOLY_POWER_MODEL()) > 1.0 THEN 1 ELSE 0 END')))!.serverMessage).toBe(noMatch('INTEGER, INTEGER, STRING'));
    expect((await refusal(derived('ANOMOLY_POWER(day)')))!.serverMessage).toBe(noMatch('INTEGER'));
    // (day, hour) both widen to (DOUBLE hour, DOUBLE kwh): accepted, as ksqlDB would.
    await client.execute(derived('ANOMOLY_POWER(day, hour)'));
  });

  it('widens INTEGER and BIGINT to DOUBLE but never narrows (SqlBaseType.canImplicitlyCast; udf-implicit-cast.json "int field -> double", "long field -> double")', async () => {
    await client.execute(ALL[0]!);
    // hour is INTEGER: ANOMOLY_POWER(DOUBLE hour, DOUBLE kwh) takes it widened.
    await client.execute(derived('ANOMOLY_POWER(hour, kwh)'));
    await client.execute(derived('ANOMOLY_POWER(CAST(hour AS BIGINT), kwh)').replace('STREAM X', 'STREAM X2'));
    // A DOUBLE hour does not narrow to the INT of (INT day, INT hour, DOUBLE kwh).
    expect((await refusal(derived('ANOMOLY_POWER(day, CAST(hour AS DOUBLE), kwh)').replace('STREAM X', 'STREAM X3')))!.serverMessage).toBe(noMatch('INTEGER, DOUBLE, DOUBLE'));
    expect((await refusal(derived('ANOMOLY_POWER(CAST(day AS BIGINT), hour, kwh)').replace('STREAM X', 'STREAM X4')))!.serverMessage).toBe(noMatch('BIGINT, INTEGER, DOUBLE'));
  });

  it('the sinks carry the declared return types: FN DOUBLE, MODEL STRING; COUNT(*) BIGINT, LATEST_BY_OFFSET(ROWTIME) BIGINT (ExpressionTypeManager, CountKudaf, LatestByOffset)', async () => {
    for (const st of ALL) await client.execute(st);
    const type = (source: string, col: string) => ksql.sources.get(source)!.columns.find((c) => c.name === col)?.type;
    expect([type('POWER_STREAM_SCORED', 'FN'), type('POWER_STREAM_SCORED', 'FN_HOUR'), type('POWER_STREAM_SCORED', 'MODEL')]).toEqual(['DOUBLE', 'DOUBLE', 'STRING']);
    expect([type('SUSTAINED_ANOMALIES', 'ANOMALIES'), type('SUSTAINED_ANOMALIES', 'MAX_FN'), type('SUSTAINED_ANOMALIES', 'LAST_EVENT_TS')]).toEqual(['BIGINT', 'DOUBLE', 'BIGINT']);
  });

  it('an aggregate is resolved against its own overloads (MaxKudaf: no BOOLEAN one), COUNT(*) as COUNT of a BIGINT (AggregateAnalyzer, FunctionRegistry.DEFAULT_FUNCTION_ARG_SCHEMA)', async () => {
    await client.execute("CREATE STREAM F (k STRING KEY, b BOOLEAN, n INT) WITH (KAFKA_TOPIC='raw_power', VALUE_FORMAT='JSON');");
    const e = await refusal("CREATE TABLE T WITH (KEY_FORMAT='JSON') AS SELECT k, MAX(b) AS m FROM f GROUP BY k EMIT CHANGES;");
    expect(e!.serverMessage.split('\n').slice(0, 2)).toEqual(["Function 'MAX' does not accept parameters (BOOLEAN).", 'Valid alternatives are:']);
    await client.execute("CREATE TABLE T WITH (KEY_FORMAT='JSON') AS SELECT k, MAX(n) AS m, COUNT(*) AS c FROM f GROUP BY k EMIT CHANGES;");
    expect(ksql.sources.get('T')!.columns.filter((c) => !c.key).map((c) => `${c.name} ${c.type}`)).toEqual(['M INTEGER', 'C BIGINT']);
  });
});

describe('DESCRIBE FUNCTION (DescribeFunctionExecutor)', () => {
  it('lists every overload of ANOMOLY_POWER with the names, types and descriptions of the UDF’s annotations, and the loaded jar’s version', async () => {
    const [d] = (await client.execute('DESCRIBE FUNCTION ANOMOLY_POWER;')) as unknown as [Record<string, unknown> & { functions: { arguments: { name: string; type: string }[]; returnType: string; description: string }[] }];
    expect(d).toMatchObject({ '@type': 'describe_function', name: 'ANOMOLY_POWER', author: 'stream-smarts', version: JAR.version, type: 'SCALAR', path: '/etc/ksqldb/ext/stream-smarts-udf.jar' });
    expect(String(d['description'])).toMatch(/^Scores an electricity meter reading against the household's usual levels/);
    expect(d.functions.map((f) => f.arguments.map((a) => `${a.type} ${a.name}`).join(', '))).toEqual([
      'DOUBLE hour, DOUBLE kwh',
      'INT day, INT hour, DOUBLE kwh',
      'INT day, INT minute, DOUBLE floor_15m, DOUBLE floor_1h, DOUBLE floor_3h, DOUBLE step_20m, DOUBLE step_45m, DOUBLE step_90m, DOUBLE activity_3h, DOUBLE mean_24h',
      'INT minute, DOUBLE floor_15m, DOUBLE floor_1h, DOUBLE floor_3h, DOUBLE mean_24h',
    ]);
    expect(d.functions.every((f) => f.returnType === 'DOUBLE' && f.description.length > 0)).toBe(true);
    const [m] = (await client.execute('DESCRIBE FUNCTION ANOMOLY_POWER_MODEL;')) as unknown as [{ functions: { arguments: unknown[]; returnType: string }[] }];
    expect(m.functions).toEqual([expect.objectContaining({ arguments: [], returnType: 'VARCHAR' })]);
    // The other spelling is in the same jar.
    await client.execute('DESCRIBE FUNCTION ANOMALY_POWER;');
  });

  it('an unknown function is refused (InternalFunctionRegistry.getUdfFactory)', async () => {
    expect((await refusal('DESCRIBE FUNCTION WONT_FIND_ME;'))!.serverMessage).toBe("Can't find any functions with the name 'WONT_FIND_ME'");
  });
});

describe('request validation (KsqlResource.handleKsqlStatements, RequestValidator.validate)', () => {
  it('every statement of ksql/*.sql passes, also sent as one request (the sandbox carries each statement’s effect to the next)', async () => {
    const entities = await client.execute(ALL.join('\n'));
    expect(entities).toHaveLength(ALL.length);
    expect([...ksql.sources.keys()]).toEqual(['RAW_POWER_STREAM', 'POWER_STREAM_SCORED', 'ANOMOLY_POWER', 'SUSTAINED_ANOMALIES']);
  });

  it('a request whose second statement is refused creates nothing, and answers the second’s refusal', async () => {
    const bad = derived('WONT_FIND_ME(kwh)').replace('raw_power_stream', 'RAW_POWER_STREAM');
    const e = await refusal(`${ALL[0]!}\n${bad}\n${ALL[1]!}`);
    expect(e).toMatchObject({ status: 400, errorCode: 40001, serverMessage: "Can't find any functions with the name 'WONT_FIND_ME'", statementText: bad });
    expect(ksql.sources.size).toBe(0);
  });

  it('refuses a CREATE STREAM without VALUE_FORMAT unless ksql.persistence.default.format.value is set (DefaultFormatInjector; formats.json "missing value format")', async () => {
    const st = "CREATE STREAM TEST (foo VARCHAR) WITH (kafka_topic='raw_power');";
    expect((await refusal(st))!.serverMessage).toBe(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
    );
    // Also with IF NOT EXISTS over an existing source: the injectors run before that check.
    await client.execute(ALL[0]!);
    expect((await refusal("CREATE STREAM IF NOT EXISTS raw_power_stream (meter_key STRING KEY) WITH (KAFKA_TOPIC='raw_power');"))!.serverMessage).toMatch(/^Statement is missing the 'VALUE_FORMAT'/);
    // FORMAT names both (CreateSourceProperties.getValueFormat), and a default from the request's properties or the server's config.
    await client.execute(st.replace('TEST', 'T1').replace("kafka_topic='raw_power'", "kafka_topic='raw_power', FORMAT='JSON'"));
    await client.execute(st.replace('TEST', 'T2'), { 'ksql.persistence.default.format.value': 'JSON' });
    expect(ksql.sources.get('T2')).toMatchObject({ valueFormat: 'JSON', keyFormat: 'KAFKA' });
    await ksql.close();
    await start({ functions: () => [JAR], defaultValueFormat: 'JSON' });
    await client.execute(st);
  });
});

describe('command statuses and /healthcheck', () => {
  it('a statement that fails in the command runner answers ERROR, /status EXECUTING then ERROR, and creates nothing (InteractiveStatementExecutor)', async () => {
    await ksql.close();
    await start({ functions: () => [JAR], failInExecution: { match: /POWER_STREAM_SCORED/i, message: 'boom' } });
    await client.execute(ALL[0]!);
    const [entity] = await client.execute(ALL[1]!);
    expect(entity).toMatchObject({ '@type': 'currentStatus', commandId: 'stream/`POWER_STREAM_SCORED`/create', commandStatus: { status: 'ERROR', message: 'io.confluent.ksql.util.KsqlStatementException: boom\n' } });
    expect((await client.commandStatus('stream/`POWER_STREAM_SCORED`/create')).status).toBe('EXECUTING');
    expect((await client.commandStatus('stream/`POWER_STREAM_SCORED`/create')).status).toBe('ERROR');
    expect(ksql.sources.has('POWER_STREAM_SCORED')).toBe(false);
  });

  it('/healthcheck answers 200 with isHealthy false when unhealthy (HealthCheckResource.checkHealth: EndpointResponse.ok), 503 only before the server is ready (ServerStateHandler)', async () => {
    ksql.healthy = false;
    const res = await fetch(`${ksql.url}/healthcheck`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      isHealthy: false,
      details: { metastore: { isHealthy: false }, kafka: { isHealthy: false }, commandRunner: { isHealthy: false } },
      serverState: 'READY',
    });
    expect(await client.healthy()).toBe(false);
    ksql.healthy = true;
    expect(await client.healthy()).toBe(true);
    ksql.ready = false;
    const notReady = await fetch(`${ksql.url}/healthcheck`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ error_code: 50302, message: 'KSQL is not yet ready to serve requests.' });
  });
});
