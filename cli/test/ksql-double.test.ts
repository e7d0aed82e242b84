import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawPowerAvsc } from '@stream-smarts/contracts';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { KsqlClient, KsqlError } from '../src/ksql/client.js';
import { splitStatements } from '../src/ksql/statements.js';

/**
 * The ksqlDB double refuses what ksqlDB 8.4 refuses, with ksqlDB's own text (each rule cites its
 * source in testing/doubles/ksqldb-rules.ts): these tests hold the double to that, and the
 * project's statements (ksql/) to the rules.
 */
const KSQL_DIR = fileURLToPath(new URL('../../ksql/', import.meta.url));
const statementsOf = (file: string) => splitStatements(readFileSync(join(KSQL_DIR, file), 'utf8')).map((s) => s.text);
const ALL = readdirSync(KSQL_DIR).filter((f) => /^\d+.*\.sql$/.test(f)).sort().flatMap(statementsOf);

/** 040 as it was before KEY_FORMAT = 'JSON': two GROUP BY keys in the inherited KAFKA key format. */
const OLD_040 = `CREATE TABLE IF NOT EXISTS SUSTAINED_ANOMALIES WITH (
    KAFKA_TOPIC = 'SUSTAINED_ANOMALIES',
    VALUE_FORMAT = 'JSON'
) AS SELECT
    meter_key,
    kind,
    WINDOWSTART AS window_start,
    WINDOWEND AS window_end,
    COUNT(*) AS anomalies,
    MAX(kwh) AS max_kwh,
    MAX(fn) AS max_fn,
    MIN(fn) AS min_fn,
    LATEST_BY_OFFSET(event_ts) AS last_event_ts
FROM ANOMOLY_POWER
WINDOW HOPPING (SIZE 15 MINUTES, ADVANCE BY 1 MINUTE)
GROUP BY meter_key, kind
HAVING COUNT(*) >= 10
EMIT CHANGES;`;

let ksql: KsqlDbDouble;
let client: KsqlClient;
beforeEach(async () => {
  ksql = await startKsqlDbDouble({ functions: () => [{ name: 'ANOMOLY_POWER', version: '0.1.0+model.0123456789ab' }] });
  client = new KsqlClient({ url: ksql.url });
});
afterEach(() => ksql.close());

const refusal = (statement: string) => client.execute(statement).then(() => undefined, (e: unknown) => e as KsqlError);

/** A fresh stack after the collector (or deploy) made the topic and registered the schema. */
function prepared() {
  ksql.topics.add('raw_power');
  ksql.subjects.set('raw_power-value', rawPowerAvsc());
}

describe('ksql/ against the rules of ksqlDB 8.4', () => {
  it('every statement is accepted in order once raw_power and raw_power-value exist, and the sources carry the schema’s columns', async () => {
    prepared();
    for (const st of ALL) await client.execute(st);
    expect([...ksql.sources.keys()]).toEqual(['RAW_POWER_STREAM', 'POWER_STREAM_SCORED', 'ANOMOLY_POWER', 'SUSTAINED_ANOMALIES']);
    const raw = ksql.sources.get('RAW_POWER_STREAM')!;
    // Value columns inferred from whatever raw_power.avsc holds, the key declared.
    const fields = (JSON.parse(rawPowerAvsc()) as { fields: { name: string }[] }).fields.map((f) => f.name.toUpperCase());
    expect(raw.columns.map((c) => c.name)).toEqual(['METER_KEY', ...fields]);
    const sustained = ksql.sources.get('SUSTAINED_ANOMALIES')!;
    expect(sustained).toMatchObject({ keyFormat: 'JSON', windowed: true });
    expect(sustained.columns.filter((c) => c.key)).toEqual([
      { name: 'METER_KEY', type: 'STRING', key: true },
      { name: 'KIND', type: 'STRING', key: true },
    ]);
  });

  it('the old 040 (GROUP BY meter_key, kind in the KAFKA key format) is refused with ksqlDB’s message; the new one is accepted', async () => {
    prepared();
    for (const st of ALL.slice(0, 3)) await client.execute(st);
    const e = await refusal(OLD_040);
    expect(e).toBeInstanceOf(KsqlError);
    expect(e).toMatchObject({ status: 400, errorCode: 40001 });
    // The text of group-by.json "multiple expressions - KAFKA key format", for these columns.
    expect(e!.serverMessage).toBe(
      "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`METER_KEY` STRING KEY, `KIND` STRING KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`METER_KEY` STRING KEY, `KIND` STRING KEY]",
    );
    await client.execute(ALL[3]!);
    expect(ksql.sources.has('SUSTAINED_ANOMALIES')).toBe(true);
  });

  it('on a fresh stack 010 is refused: no subject raw_power-value (its schema cannot be inferred), then no topic', async () => {
    const noSubject = await refusal(ALL[0]!);
    expect(noSubject!.serverMessage.split('\n').slice(0, 2)).toEqual(["Schema for message values on topic 'raw_power' does not exist in the Schema Registry.", 'Subject: raw_power-value']);
    ksql.subjects.set('raw_power-value', rawPowerAvsc());
    const noTopic = await refusal(ALL[0]!);
    expect(noTopic!.serverMessage).toBe('Kafka topic does not exist: raw_power');
    ksql.topics.add('raw_power');
    await client.execute(ALL[0]!);
  });

  it('a derived stream over a source that does not exist is refused', async () => {
    prepared();
    const e = await refusal(ALL[1]!);
    expect(e!.serverMessage).toBe('RAW_POWER_STREAM does not exist.');
  });

  it('an unaliased ROWTIME, WINDOWSTART or WINDOWEND in a projection is refused; aliasing one to a system name too', async () => {
    prepared();
    await client.execute(ALL[0]!);
    expect((await refusal('CREATE STREAM X AS SELECT meter_key, ROWTIME FROM raw_power_stream EMIT CHANGES;'))!.serverMessage).toBe(
      'Reserved column name in select: `ROWTIME`. Please remove or alias the column.',
    );
    const windowed = "CREATE TABLE W WITH (KEY_FORMAT='JSON') AS SELECT meter_key, WINDOWSTART, COUNT(*) AS n FROM raw_power_stream WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY meter_key EMIT CHANGES;";
    expect((await refusal(windowed))!.serverMessage).toBe('Reserved column name in select: `WINDOWSTART`. Please remove or alias the column.');
    expect((await refusal(windowed.replace('WINDOWSTART', 'WINDOWEND')))!.serverMessage).toBe('Reserved column name in select: `WINDOWEND`. Please remove or alias the column.');
    expect((await refusal('CREATE STREAM X AS SELECT meter_key, kwh AS ROWTIME FROM raw_power_stream EMIT CHANGES;'))!.serverMessage).toBe(
      '`ROWTIME` is a reserved column name. You cannot use it as an alias for a column.',
    );
  });

  it('a derived stream must carry the source’s key column, and a table its grouping expressions', async () => {
    prepared();
    await client.execute(ALL[0]!);
    expect((await refusal('CREATE STREAM X AS SELECT kwh FROM raw_power_stream EMIT CHANGES;'))!.serverMessage).toBe(
      'Key missing from projection (ie, SELECT). \nThe query used to build `X` must include the key column METER_KEY in its projection (eg, SELECT METER_KEY...).',
    );
    expect((await refusal('CREATE TABLE T AS SELECT COUNT(*) AS n FROM raw_power_stream GROUP BY meter_key EMIT CHANGES;'))!.serverMessage).toBe(
      'Key missing from projection (ie, SELECT). \nThe query used to build `T` must include the grouping expression METER_KEY in its projection (eg, SELECT METER_KEY...).',
    );
  });

  it('IF NOT EXISTS on a source that is there answers a warning_entity, without it an error', async () => {
    prepared();
    await client.execute(ALL[0]!);
    const [again] = await client.execute(ALL[0]!);
    expect(again).toEqual({ '@type': 'warning_entity', statementText: ALL[0], message: 'Cannot add stream `RAW_POWER_STREAM`: A stream with the same name already exists.' });
    const e = await refusal(ALL[0]!.replace(' IF NOT EXISTS', ''));
    expect(e!.serverMessage).toBe("Cannot add stream 'RAW_POWER_STREAM': A stream with the same name already exists");
  });
});

describe('statements that outlast the server’s response timeout', () => {
  it('a slow statement answers QUEUED, then /status answers EXECUTING and SUCCESS; waitForCommand follows it', async () => {
    await ksql.close();
    ksql = await startKsqlDbDouble({ slow: /RAW_POWER_STREAM/i });
    client = new KsqlClient({ url: ksql.url });
    prepared();
    const [entity] = await client.execute(ALL[0]!);
    expect(entity).toMatchObject({ '@type': 'currentStatus', commandId: 'stream/`RAW_POWER_STREAM`/create', commandStatus: { status: 'QUEUED', message: 'Statement written to command topic' } });
    const seen: string[] = [];
    const final = await client.waitForCommand(entity as never, { timeoutMs: 10_000, intervalMs: 10, onPoll: (s) => seen.push(s) });
    expect(seen).toEqual(['EXECUTING', 'SUCCESS']);
    expect(final).toMatchObject({ status: 'SUCCESS', message: 'Stream created' });
  });

  it('a statement that stays QUEUED times out with a message saying what it last saw and what to do', async () => {
    await ksql.close();
    ksql = await startKsqlDbDouble({ stuck: /RAW_POWER_STREAM/i });
    client = new KsqlClient({ url: ksql.url });
    prepared();
    const [entity] = await client.execute(ALL[0]!);
    await expect(client.waitForCommand(entity as never, { timeoutMs: 300, intervalMs: 10 })).rejects.toThrow(
      /ksqlDB still reports QUEUED \("Statement written to command topic"\) for command stream\/`RAW_POWER_STREAM`\/create after 0 s; it may finish later/,
    );
  });

  it('an unknown command id is a 404 "Command not found"', async () => {
    await expect(client.commandStatus('stream/`NOPE`/create')).rejects.toMatchObject({ status: 404, serverMessage: 'Command not found' });
  });
});
