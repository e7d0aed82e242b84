import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A stand-in for a ksqlDB 8.4 server, which cannot run here (its jars are on Confluent's Maven
 * repository, not Maven Central). It answers with the JSON shapes of the server's REST entities,
 * read from confluentinc/ksql (ksqldb-rest-model, io.confluent.ksql.rest.entity):
 *  - POST /ksql {"ksql", "streamsProperties"} → 200 and an array of KsqlEntity, one per statement,
 *    discriminated by "@type": CommandStatusEntity ("currentStatus"), StreamsList ("streams"),
 *    TablesList ("tables"), Queries ("queries", RunningQuery: queryString, sinks, sinkKafkaTopics,
 *    id, statusCount, queryType, state), FunctionDescriptionList ("describe_function": name,
 *    description, author, version, path, functions[{arguments[{name,type,description,isVariadic}],
 *    returnType, description}], type);
 *    a refused statement → 400 and KsqlStatementErrorMessage {"@type": "statement_error",
 *    "error_code": 40001 (Errors.ERROR_CODE_BAD_STATEMENT), "message", "statementText", "entities"};
 *  - POST /query-stream with Accept application/vnd.ksqlapi.delimited.v1 → the
 *    DelimitedQueryStreamResponseWriter framing: a QueryResponseMetadata line {"queryId",
 *    "columnNames", "columnTypes"}, then one JSON array per row, newline-delimited, chunked;
 *  - GET /healthcheck → HealthCheckResponse {"isHealthy", "details"}; GET /info → ServerInfo.
 * It models only what stream-smarts does: creating streams and tables, listing them, the queries
 * they start, DESCRIBE FUNCTION of the UDFs in its extension directory, and push queries.
 */
export interface KsqlDbDoubleOptions {
  /** UDFs the server "loaded" from its extension directory at its last start. */
  functions?: () => { name: string; version: string }[];
  /** Statements whose text matches this are refused with the given message. */
  refuse?: { match: RegExp; message: string };
  /** Queries that come up in this state instead of RUNNING. */
  queryState?: (queryId: string) => string;
}

interface Source {
  kind: 'STREAM' | 'TABLE';
  name: string;
  topic: string;
  queryId?: string;
}

export interface KsqlDbDouble {
  url: string;
  /** Every statement received, in order. */
  statements: string[];
  sources: Map<string, Source>;
  healthy: boolean;
  /** Rows a push query on a source returns (then the stream stays open until the client goes). */
  pushRows: Map<string, { columns: string[]; types: string[]; rows: unknown[][] }>;
  close(): Promise<void>;
}

export async function startKsqlDbDouble(opts: KsqlDbDoubleOptions = {}): Promise<KsqlDbDouble> {
  const statements: string[] = [];
  const sources = new Map<string, Source>();
  const pushRows = new Map<string, { columns: string[]; types: string[]; rows: unknown[][] }>();
  let queryCounter = 0;
  const state: KsqlDbDouble = {
    url: '',
    statements,
    sources,
    healthy: true,
    pushRows,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/vnd.ksql.v1+json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };

  const statementError = (res: ServerResponse, statementText: string, message: string) =>
    json(res, 400, { '@type': 'statement_error', error_code: 40001, message, statementText, entities: [] });

  const handleStatement = (text: string): { status: number; entity?: unknown; error?: string } => {
    statements.push(text);
    if (opts.refuse && opts.refuse.match.test(text)) return { status: 400, error: opts.refuse.message };
    const trimmed = text.trim().replace(/;$/, '');
    const list = /^(?:SHOW|LIST)\s+(STREAMS|TABLES)$/i.exec(trimmed);
    if (list) {
      const kind = list[1]!.toUpperCase() === 'STREAMS' ? 'STREAM' : 'TABLE';
      const entries = [...sources.values()]
        .filter((s) => s.kind === kind)
        .map((s) => ({ type: kind, name: s.name, topic: s.topic, keyFormat: 'KAFKA', valueFormat: kind === 'STREAM' ? 'AVRO' : 'JSON', isWindowed: kind === 'TABLE' }));
      // StreamsList {"@type": "streams", "streams": [...]} / TablesList {"@type": "tables", "tables": [...]}
      const field = kind === 'STREAM' ? 'streams' : 'tables';
      return { status: 200, entity: { '@type': field, statementText: text, [field]: entries, warnings: [] } };
    }
    if (/^SHOW\s+QUERIES$/i.test(trimmed)) {
      const queries = [...sources.values()]
        .filter((s) => s.queryId)
        .map((s) => {
          const st = opts.queryState?.(s.queryId!) ?? 'RUNNING';
          return { queryString: `CREATE ${s.kind} ${s.name} AS SELECT ...`, sinks: [s.name], sinkKafkaTopics: [s.topic], id: s.queryId!, statusCount: { [st]: 1 }, queryType: 'PERSISTENT', state: st };
        });
      return { status: 200, entity: { '@type': 'queries', statementText: text, queries, warnings: [] } };
    }
    const describe = /^DESCRIBE\s+FUNCTION\s+(\w+)$/i.exec(trimmed);
    if (describe) {
      const name = describe[1]!.toUpperCase();
      const fn = (opts.functions?.() ?? []).find((f) => f.name.toUpperCase() === name);
      if (!fn) return { status: 400, error: `Can't find any functions with the name '${name}'` };
      return {
        status: 200,
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
    const create = /^CREATE\s+(?:OR\s+REPLACE\s+)?(STREAM|TABLE)\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)[\s\S]*?(?:KAFKA_TOPIC\s*=\s*'([^']+)')?[\s\S]*$/i.exec(trimmed);
    if (create) {
      const kind = create[1]!.toUpperCase() as 'STREAM' | 'TABLE';
      const name = create[3]!.toUpperCase();
      const topic = /KAFKA_TOPIC\s*=\s*'([^']+)'/i.exec(trimmed)?.[1] ?? name;
      if (sources.has(name) && !create[2]) return { status: 400, error: `Cannot add ${kind.toLowerCase()} '${name}': A ${kind.toLowerCase()} with the same name already exists` };
      const isQuery = /\bAS\s+SELECT\b/i.test(trimmed);
      if (!sources.has(name)) {
        const queryId = isQuery ? `${kind === 'STREAM' ? 'CSAS' : 'CTAS'}_${name}_${++queryCounter}` : undefined;
        sources.set(name, { kind, name, topic, ...(queryId ? { queryId } : {}) });
      }
      const src = sources.get(name)!;
      return {
        status: 200,
        entity: {
          '@type': 'currentStatus',
          statementText: text,
          commandId: `${kind.toLowerCase()}/\`${name}\`/create`,
          commandStatus: { status: 'SUCCESS', message: src.queryId ? `Created query with ID ${src.queryId}` : `${kind === 'STREAM' ? 'Stream' : 'Table'} created`, queryId: src.queryId ?? null },
          commandSequenceNumber: statements.length,
          warnings: [],
        },
      };
    }
    return { status: 400, error: `line 1:1: Syntax error at or near '${trimmed.split(/\s+/)[0]}'` };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/healthcheck') {
        return json(res, state.healthy ? 200 : 503, { isHealthy: state.healthy, details: { metastore: { isHealthy: state.healthy }, kafka: { isHealthy: state.healthy } } }, 'application/json');
      }
      if (req.method === 'GET' && req.url === '/info') {
        return json(res, 200, { KsqlServerInfo: { version: '8.4.1', kafkaClusterId: 'double', ksqlServiceId: 'stream_smarts_', serverStatus: 'RUNNING' } }, 'application/json');
      }
      if (req.method === 'POST' && req.url === '/ksql') {
        let body: { ksql?: string };
        try {
          body = JSON.parse(raw) as { ksql?: string };
        } catch {
          return json(res, 400, { '@type': 'generic_error', error_code: 40000, message: 'Invalid JSON in request' });
        }
        const parts = (body.ksql ?? '').split(/;\s*(?=\S|$)/).map((s) => s.trim()).filter(Boolean).map((s) => `${s};`);
        const entities: unknown[] = [];
        for (const text of parts) {
          const r = handleStatement(text);
          if (r.error) return statementError(res, text, r.error);
          entities.push(r.entity);
        }
        return json(res, 200, entities);
      }
      if (req.method === 'POST' && req.url === '/query-stream') {
        const { sql } = JSON.parse(raw) as { sql: string };
        const from = /\bFROM\s+(\w+)/i.exec(sql)?.[1]?.toUpperCase() ?? '';
        const data = pushRows.get(from);
        if (!data) {
          return json(res, 400, { '@type': 'statement_error', error_code: 40001, message: `${from} does not exist.`, statementText: sql, entities: [] }, 'application/json');
        }
        res.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1', 'transfer-encoding': 'chunked' });
        res.write(`${JSON.stringify({ queryId: `transient_${from}_1`, columnNames: data.columns, columnTypes: data.types })}\n`);
        for (const row of data.rows) res.write(`${JSON.stringify(row)}\n`);
        // A push query stays open until the client disconnects.
        return;
      }
      json(res, 404, { '@type': 'generic_error', error_code: 40400, message: 'HTTP 404 Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}
