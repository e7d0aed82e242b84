import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { Refusal, checkCreateAsSelect, checkCreateSource, parseCreate, type CatalogSource, type RuleContext } from './ksqldb-rules.js';

/**
 * A stand-in for a ksqlDB 8.4 server, which cannot run here (its jars are on Confluent's Maven
 * repository, not Maven Central). It answers with the JSON shapes of the server's REST entities,
 * read from confluentinc/ksql (branch 8.4.x; ksqldb-rest-model, io.confluent.ksql.rest.entity):
 *  - POST /ksql {"ksql", "streamsProperties"} → 200 and an array of KsqlEntity, one per statement,
 *    discriminated by "@type" (KsqlEntity.java's @JsonSubTypes): CommandStatusEntity
 *    ("currentStatus": statementText, commandId, commandStatus {status, message, queryId},
 *    commandSequenceNumber, warnings), WarningEntity ("warning_entity": statementText, message),
 *    StreamsList ("streams"), TablesList ("tables"), Queries ("queries"), FunctionDescriptionList
 *    ("describe_function");
 *    a refused statement → 400 and KsqlStatementErrorMessage {"@type": "statement_error",
 *    "error_code": 40001 (Errors.ERROR_CODE_BAD_STATEMENT, ksqldb-rest-model/.../rest/Errors.java),
 *    "message", "statementText", "entities"} — KsqlResource.handleKsqlStatements answers
 *    Errors.badStatement(e.getRawUnloggedDetails(), ...) for a KsqlStatementException, and the
 *    engine wraps every planning error in one (EngineExecutor);
 *  - statements run through the command topic: the response carries the status reached within
 *    ksql.server.command.response.timeout.ms (DistributingExecutor: tryWaitForFinalStatus), which
 *    is QUEUED "Statement written to command topic" (CommandStatusFuture.INITIAL_STATUS) for a slow
 *    one; then GET /status/<type>/<entity>/<action> (ServerVerticle route, StatusResource) answers
 *    the CommandStatus {status, message, queryId}: EXECUTING "Executing statement", then SUCCESS or
 *    ERROR (InteractiveStatementExecutor), or 404 "Command not found". Command ids are
 *    "<type>/`<NAME>`/<action>" (CommandId.toString, SourceName quoted by FormatOptions.none();
 *    RestApiTest.shouldExecuteStatusRequest uses "stream/`NAME`/create");
 *  - CREATE ... IF NOT EXISTS of a source that exists → a WarningEntity "Cannot add stream `X`: A
 *    stream with the same name already exists." (DistributingExecutor.checkIfNotExistsResponse);
 *  - POST /query-stream with Accept application/vnd.ksqlapi.delimited.v1 → a QueryResponseMetadata
 *    line {"queryId", "columnNames", "columnTypes"}, then one JSON array per row;
 *  - GET /healthcheck → HealthCheckResponse {"isHealthy", "details"}; GET /info → ServerInfo;
 *    while the server is not ready, every endpoint answers 503 with error_code 50302 "KSQL is not yet
 *    ready to serve requests." (ServerStateHandler, ServerState, Errors.ERROR_CODE_SERVER_NOT_READY).
 * Statements are checked by the rules in ./ksqldb-rules.ts (each cites the ksqlDB file it copies)
 * against a catalogue of streams and tables, and of topics and subjects: its own sets, or — given
 * `kafka` and `schemaRegistryUrl` — a real Kafka broker and a Schema Registry, as ksqlDB asks them.
 */
export interface KsqlDbDoubleOptions {
  /** UDFs the server "loaded" from its extension directory at its last start. */
  functions?: () => { name: string; version: string }[];
  /** Statements whose text matches this are refused with the given message. */
  refuse?: { match: RegExp; message: string };
  /** Queries that come up in this state instead of RUNNING. */
  queryState?: (queryId: string) => string;
  /** Statements that take longer than the server's response timeout: QUEUED, then EXECUTING, then SUCCESS on /status. */
  slow?: RegExp;
  /** Statements that stay QUEUED however long one waits. */
  stuck?: RegExp;
  /** Where topics are looked up: a real broker; else the double's own `topics`. */
  kafka?: { brokers: string[] };
  /** Where subjects are looked up (GET /subjects/<s>/versions/latest); else the double's own `subjects`. */
  schemaRegistryUrl?: string;
}

export interface KsqlDbDouble {
  url: string;
  /** Every statement received, in order. */
  statements: string[];
  /** Every push query received, in order. */
  queries: string[];
  sources: Map<string, CatalogSource>;
  /** Topics that exist (without `kafka`), and the sink topics the double's queries made. */
  topics: Set<string>;
  /** Subject → Avro schema text (without `schemaRegistryUrl`). */
  subjects: Map<string, string>;
  healthy: boolean;
  /** false: every request answers 503 "KSQL is not yet ready to serve requests." */
  ready: boolean;
  /** Rows a push query on a source returns (then the stream stays open until the client goes, or LIMIT rows). */
  pushRows: Map<string, { columns: string[]; types: string[]; rows: unknown[][] }>;
  close(): Promise<void>;
}

interface Command {
  polls: number;
  final: { status: string; message: string; queryId: string | null };
  stuck: boolean;
}

export async function startKsqlDbDouble(opts: KsqlDbDoubleOptions = {}): Promise<KsqlDbDouble> {
  const statements: string[] = [];
  const sources = new Map<string, CatalogSource>();
  const commands = new Map<string, Command>();
  let queryCounter = 0;
  const kafka = opts.kafka ? new Kafka({ brokers: opts.kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } }) : undefined;
  const state: KsqlDbDouble = {
    url: '',
    statements,
    queries: [],
    sources,
    topics: new Set(),
    subjects: new Map(),
    healthy: true,
    ready: true,
    pushRows: new Map(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const ctx: RuleContext = {
    sources,
    functions: [],
    topicExists: async (topic) => {
      if (state.topics.has(topic)) return true;
      if (!kafka) return false;
      const admin = kafka.admin();
      await admin.connect();
      try {
        return (await admin.listTopics()).includes(topic);
      } finally {
        await admin.disconnect();
      }
    },
    subjectSchema: async (subject) => {
      if (!opts.schemaRegistryUrl) return state.subjects.get(subject);
      const res = await fetch(`${opts.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`Schema Registry answered ${res.status}`);
      return ((await res.json()) as { schema: string }).schema;
    },
  };

  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/vnd.ksql.v1+json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };

  const statementError = (res: ServerResponse, statementText: string, message: string) =>
    json(res, 400, { '@type': 'statement_error', error_code: 40001, message, statementText, entities: [] });

  const list = (text: string, kind: 'STREAM' | 'TABLE') => {
    const entries = [...sources.values()]
      .filter((s) => s.kind === kind)
      .map((s) => ({ type: kind, name: s.name, topic: s.topic, keyFormat: s.keyFormat, valueFormat: s.valueFormat, isWindowed: s.windowed }));
    // StreamsList {"@type": "streams", "streams": [...]} / TablesList {"@type": "tables", "tables": [...]}
    const field = kind === 'STREAM' ? 'streams' : 'tables';
    return { '@type': field, statementText: text, [field]: entries, warnings: [] };
  };

  const handleStatement = async (text: string): Promise<{ entity?: unknown; error?: string }> => {
    statements.push(text);
    ctx.functions = (opts.functions?.() ?? []).map((f) => f.name.toUpperCase());
    if (opts.refuse && opts.refuse.match.test(text)) return { error: opts.refuse.message };
    const trimmed = text.trim().replace(/;$/, '');
    const listing = /^(?:SHOW|LIST)\s+(STREAMS|TABLES)$/i.exec(trimmed);
    if (listing) return { entity: list(text, listing[1]!.toUpperCase() === 'STREAMS' ? 'STREAM' : 'TABLE') };
    if (/^SHOW\s+QUERIES$/i.test(trimmed)) {
      const queries = [...sources.values()]
        .filter((s) => s.queryId)
        .map((s) => {
          const st = opts.queryState?.(s.queryId!) ?? 'RUNNING';
          return { queryString: `CREATE ${s.kind} ${s.name} AS SELECT ...`, sinks: [s.name], sinkKafkaTopics: [s.topic], id: s.queryId!, statusCount: { [st]: 1 }, queryType: 'PERSISTENT', state: st };
        });
      return { entity: { '@type': 'queries', statementText: text, queries, warnings: [] } };
    }
    const describe = /^DESCRIBE\s+FUNCTION\s+(\w+)$/i.exec(trimmed);
    if (describe) {
      const name = describe[1]!.toUpperCase();
      const fn = (opts.functions?.() ?? []).find((f) => f.name.toUpperCase() === name);
      if (!fn) return { error: `Can't find any functions with the name '${name}'` };
      return {
        entity: {
          '@type': 'describe_function',
          statementText: text,
          name,
          description: 'Scores a power reading against the trained envelope.',
          author: 'stream-smarts',
          version: fn.version,
          path: '/etc/ksqldb/ext/stream-smarts-udf.jar',
          functions: [
            { arguments: [{ name: 'hour', type: 'DOUBLE', description: 'hour of day', isVariadic: false }, { name: 'kwh', type: 'DOUBLE', description: 'Wh/h', isVariadic: false }], returnType: 'DOUBLE', description: '' },
          ],
          type: 'SCALAR',
          warnings: [],
        },
      };
    }
    const create = parseCreate(trimmed);
    if (!create) return { error: `line 1:1: Syntax error at or near '${trimmed.split(/\s+/)[0]}'` };
    const kindWord = create.kind === 'STREAM' ? 'stream' : 'table';
    const existing = sources.get(create.name);
    if (existing && !create.orReplace) {
      if (create.ifNotExists) return { entity: { '@type': 'warning_entity', statementText: text, message: `Cannot add ${kindWord} \`${create.name}\`: A ${kindWord} with the same name already exists.` } };
      // CreateSourceFactory: "Cannot add stream 'X': A stream with the same name already exists"
      return { error: `Cannot add ${kindWord} '${create.name}': A ${existing.kind.toLowerCase()} with the same name already exists` };
    }
    let made: CatalogSource | undefined;
    try {
      made = create.select ? checkCreateAsSelect(create, ctx) : await checkCreateSource(create, ctx);
    } catch (e) {
      if (e instanceof Refusal) return { error: e.message };
      throw e;
    }
    // Outside the modelled statements: accept, keyed by the name, as before.
    made ??= { kind: create.kind, name: create.name, topic: create.props['KAFKA_TOPIC'] ?? create.name, keyFormat: 'KAFKA', valueFormat: 'JSON', windowed: false, columns: [] };
    if (create.select) {
      made.queryId = `${create.kind === 'STREAM' ? 'CSAS' : 'CTAS'}_${create.name}_${++queryCounter}`;
      state.topics.add(made.topic);
    } else if ('PARTITIONS' in create.props) {
      state.topics.add(made.topic);
    }
    const commandId = `${kindWord}/\`${create.name}\`/create`;
    const final = { status: 'SUCCESS', message: made.queryId ? `Created query with ID ${made.queryId}` : `${create.kind === 'STREAM' ? 'Stream' : 'Table'} created`, queryId: made.queryId ?? null };
    const slow = Boolean(opts.slow?.test(text));
    const stuck = Boolean(opts.stuck?.test(text));
    commands.set(commandId, { polls: 0, final, stuck });
    // The command runs in the background; a stuck one never gets there.
    if (!stuck) sources.set(create.name, made);
    const status = slow || stuck ? { status: 'QUEUED', message: 'Statement written to command topic', queryId: null } : final;
    return {
      entity: { '@type': 'currentStatus', statementText: text, commandId, commandStatus: status, commandSequenceNumber: statements.length, warnings: [] },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (!state.ready) return json(res, 503, { '@type': 'generic_error', error_code: 50302, message: 'KSQL is not yet ready to serve requests.' }, 'application/json');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'GET' && path === '/healthcheck') {
      return json(res, state.healthy ? 200 : 503, { isHealthy: state.healthy, details: { metastore: { isHealthy: state.healthy }, kafka: { isHealthy: state.healthy } } }, 'application/json');
    }
    if (req.method === 'GET' && path === '/info') {
      return json(res, 200, { KsqlServerInfo: { version: '8.4.0', kafkaClusterId: 'double', ksqlServiceId: 'stream_smarts_', serverStatus: 'RUNNING' } }, 'application/json');
    }
    const status = /^\/status\/(\w+)\/([^/]+)\/(\w+)$/.exec(path);
    if (req.method === 'GET' && status) {
      const cmd = commands.get(`${status[1]!.toLowerCase()}/${status[2]!}/${status[3]!.toLowerCase()}`);
      if (!cmd) return json(res, 404, { '@type': 'generic_error', error_code: 40400, message: 'Command not found' });
      cmd.polls++;
      if (cmd.stuck) return json(res, 200, { status: 'QUEUED', message: 'Statement written to command topic', queryId: null });
      if (cmd.polls === 1) return json(res, 200, { status: 'EXECUTING', message: 'Executing statement', queryId: null });
      return json(res, 200, cmd.final);
    }
    if (req.method === 'POST' && path === '/ksql') {
      let body: { ksql?: string };
      try {
        body = JSON.parse(raw) as { ksql?: string };
      } catch {
        return json(res, 400, { '@type': 'generic_error', error_code: 40000, message: 'Invalid JSON in request' });
      }
      const parts = (body.ksql ?? '').split(/;\s*(?=\S|$)/).map((s) => s.trim()).filter(Boolean).map((s) => `${s};`);
      const entities: unknown[] = [];
      for (const text of parts) {
        const r = await handleStatement(text);
        if (r.error) return statementError(res, text, r.error);
        entities.push(r.entity);
      }
      return json(res, 200, entities);
    }
    if (req.method === 'POST' && path === '/query-stream') {
      const { sql } = JSON.parse(raw) as { sql: string };
      state.queries.push(sql);
      const from = /\bFROM\s+(\w+)/i.exec(sql)?.[1]?.toUpperCase() ?? '';
      const data = state.pushRows.get(from);
      if (!data) {
        return json(res, 400, { '@type': 'statement_error', error_code: 40001, message: `${from} does not exist.`, statementText: sql, entities: [] }, 'application/json');
      }
      const limit = Number(/\bLIMIT\s+(\d+)\s*;?\s*$/i.exec(sql)?.[1] ?? Infinity);
      res.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1', 'transfer-encoding': 'chunked' });
      res.write(`${JSON.stringify({ queryId: `transient_${from}_1`, columnNames: data.columns, columnTypes: data.types })}\n`);
      for (const row of data.rows.slice(0, limit)) res.write(`${JSON.stringify(row)}\n`);
      // A push query stays open until the client disconnects, or ends after LIMIT rows.
      if (data.rows.length >= limit) res.end();
      return;
    }
    json(res, 404, { '@type': 'generic_error', error_code: 40400, message: 'HTTP 404 Not Found' });
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      handle(req, res, raw).catch((e: unknown) => json(res, 500, { '@type': 'generic_error', error_code: 50000, message: (e as Error).message }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}
