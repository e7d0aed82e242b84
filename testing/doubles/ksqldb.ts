import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { loadModel, MODEL_FORMAT } from '@stream-smarts/contracts';
import { FunctionRegistry, udfsOfSources, type FunctionFactory } from './ksqldb-functions.js';
import { Refusal, checkCreateAsSelect, checkCreateSource, checkValueFormat, parseCreate, type CatalogSource, type RuleContext } from './ksqldb-rules.js';

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
 *  - a request is validated whole before any of it runs: KsqlResource.handleKsqlStatements parses
 *    every statement (ksqlEngine.parse), then RequestValidator.validate runs each, in order, against
 *    a sandbox of the engine that carries the earlier ones' effects
 *    (ksqldb-rest-app/src/main/java/io/confluent/ksql/rest/server/validation/RequestValidator.java),
 *    and only then does the handler execute them; so a request whose second statement is refused
 *    creates nothing, and the answer is the refusal of the first bad statement;
 *  - statements run through the command topic: the response carries the status reached within
 *    ksql.server.command.response.timeout.ms (DistributingExecutor: tryWaitForFinalStatus), which
 *    is QUEUED "Statement written to command topic" (CommandStatusFuture.INITIAL_STATUS) for a slow
 *    one; then GET /status/<type>/<entity>/<action> (ServerVerticle route, StatusResource) answers
 *    the CommandStatus {status, message, queryId}: EXECUTING "Executing statement", then SUCCESS or
 *    ERROR (InteractiveStatementExecutor), or 404 "Command not found". A command that passed
 *    validation and fails in the command runner (`failInExecution`) ends ERROR, its message the
 *    exception's stack trace (InteractiveStatementExecutor.handleStatementWithTerminatedQueries:
 *    ExceptionUtil.stackTraceToString; the double gives its first line, the frames omitted), set with
 *    putStatus, not putFinalStatus, so the response waits out the timeout and answers that ERROR, 200.
 *    The double never answers PARSING: a CREATE is a planned command (ValidatedCommandFactory
 *    .createForPlannedQuery: Command.of(plan)), which InteractiveStatementExecutor.executePlan runs
 *    from EXECUTING; only a command without a plan (TERMINATE, PAUSE, RESUME, ALTER SYSTEM) passes
 *    through PARSING "Parsing statement", and the double runs none of those. Command ids are
 *    "<type>/`<NAME>`/<action>" (CommandId.toString, SourceName quoted by FormatOptions.none();
 *    RestApiTest.shouldExecuteStatusRequest uses "stream/`NAME`/create");
 *  - CREATE ... IF NOT EXISTS of a source that exists → a WarningEntity "Cannot add stream `X`: A
 *    stream with the same name already exists." (DistributingExecutor.checkIfNotExistsResponse);
 *  - POST /query-stream with Accept application/vnd.ksqlapi.delimited.v1 → a QueryResponseMetadata
 *    line {"queryId", "columnNames", "columnTypes"}, then one JSON array per row (Confluent docs,
 *    ksqldb-rest-api/streaming-endpoint.md: "a header JSON object followed by zero or more JSON
 *    arrays"); a push query (EMIT CHANGES) stays open, a pull query (no EMIT CHANGES) ends after
 *    its rows. A pull query on a stream reads the stream's topic from its start (docs
 *    ksqldb-reference/select-pull-query.md: "You can issue a pull query against any stream",
 *    "[ LIMIT count ]"; confluentinc/ksql KsqlConfig: ksql.query.pull.stream.enabled and
 *    ksql.query.pull.limit.clause.enabled default true), so it returns min(LIMIT, records in the
 *    topic) rows; a source that is not in the catalogue → 400 "<NAME> does not exist.", a function
 *    the server has not loaded → 400 "Can't find any functions with the name '<NAME>'";
 *  - ANOMOLY_POWER_MODEL() (given `udfModel`): the UDF of udf-java with
 *    ksql.functions.anomoly_power.model.path = udfModel.dir, as udf-java/README.md ("Settings, and a
 *    new model without a restart") and LiveModel.java describe it: NULL until a query using
 *    ANOMOLY_POWER is created, which loads the directory (a broken model refuses that statement);
 *    then every check interval two file stats (size, mtime, inode of envelope.json and bands.zip),
 *    and on a change the declared contentHash, and only for a new hash a load — swapped in when
 *    valid, else logged (`udf.problems`) while the old model keeps scoring. The double checks what
 *    it can without h2o-genmodel: format, the contentHash against bands.zip's SHA-256, and the
 *    tables (contracts loadModel); the UDF also recomputes the tables from the MOJO;
 *  - GET /healthcheck → 200 and HealthCheckResponse {"isHealthy", "details": {metastore, kafka,
 *    commandRunner: {"isHealthy"}}, "serverState": "READY"} — 200 also when not healthy:
 *    HealthCheckResource.checkHealth answers EndpointResponse.ok(...) whatever HealthCheckAgent
 *    .checkHealth found (ksqldb-rest-app/.../rest/server/resources/HealthCheckResource.java,
 *    .../rest/healthcheck/HealthCheckAgent.java); GET /info → ServerInfo;
 *    while the server is not ready, every endpoint answers 503 with error_code 50302 "KSQL is not yet
 *    ready to serve requests." (ServerStateHandler, ServerState, Errors.ERROR_CODE_SERVER_NOT_READY).
 * Functions are resolved by ./ksqldb-functions.ts: the UDFs of udf-java read from its Java sources'
 * annotations, the built-ins from ksqlDB's source; DESCRIBE FUNCTION lists every overload.
 * Statements are checked by the rules in ./ksqldb-rules.ts (each cites the ksqlDB file it copies)
 * against a catalogue of streams and tables, and of topics and subjects: its own sets, or — given
 * `kafka` and `schemaRegistryUrl` — a real Kafka broker and a Schema Registry, as ksqlDB asks them.
 */
export interface KsqlDbDoubleOptions {
  /**
   * UDFs the server "loaded" from its extension directory at its last start, with the version its
   * DESCRIBE FUNCTION reports. A name of udf-java's means its jar is loaded: every UDF of the jar
   * (read from udf-java/src/main/java), with this version. Empty: no jar, only the built-ins.
   */
  functions?: () => { name: string; version: string }[];
  /** The server's ksql.persistence.default.format.value (ksqlDB's default: none). */
  defaultValueFormat?: string;
  /** Statements that pass validation and then fail in the command runner with this message: status ERROR, nothing created. */
  failInExecution?: { match: RegExp; message: string };
  /** Statements whose text matches this are refused with the given message. */
  refuse?: { match: RegExp; message: string };
  /** Queries that come up in this state (a KsqlQueryStatus: ERROR, UNRESPONSIVE, PAUSED) instead of RUNNING; asked at every SHOW QUERIES. */
  queryState?: (queryId: string) => string;
  /** Statements that take longer than the server's response timeout: QUEUED, then EXECUTING, then SUCCESS on /status. */
  slow?: RegExp;
  /** Statements that stay QUEUED however long one waits. */
  stuck?: RegExp;
  /** Where topics are looked up: a real broker; else the double's own `topics`. */
  kafka?: { brokers: string[] };
  /** Where subjects are looked up (GET /subjects/<s>/versions/latest); else the double's own `subjects`. */
  schemaRegistryUrl?: string;
  /** The UDF's model.path directory and check interval (default 60000 ms, as the UDF's): ANOMOLY_POWER_MODEL() then answers. */
  udfModel?: { dir: string; checkIntervalMs?: number };
}

/** The hot-swapping UDF's state, as ANOMOLY_POWER_MODEL() would report it. */
interface UdfModelState {
  /** contentHash of the model scoring now; null until a query using ANOMOLY_POWER was created. */
  hash: string | null;
  /** Completed directory checks. */
  checks: number;
  swaps: number;
  /** Refused candidate models, as the UDF logs them. */
  problems: string[];
  /** What creating a query using ANOMOLY_POWER does: loads the directory's model (throws when broken). */
  configure(): void;
}

export interface KsqlDbDouble {
  url: string;
  /** Every statement received, in order. */
  statements: string[];
  /** Every push query received, in order. */
  queries: string[];
  /** The "properties" of each /query-stream request, in the same order as `queries` (QueryStreamArgs.properties). */
  queryProperties: Record<string, unknown>[];
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
  /** Given `udfModel`: the UDF's live model. */
  udf: UdfModelState;
  close(): Promise<void>;
}

/** What LiveModel.Fingerprint compares: size, modification time and file identity of the two files. */
function fingerprint(dir: string): string {
  return ['envelope.json', 'bands.zip']
    .map((f) => {
      try {
        const st = statSync(join(dir, f));
        return `${st.size}:${st.mtimeMs}:${st.ino}`;
      } catch {
        return 'absent';
      }
    })
    .join('|');
}

/** Loads and checks a model directory as far as the double can (see the header); returns its contentHash or throws the UDF's kind of message. */
function loadUdfModel(dir: string): string {
  const path = join(dir, 'envelope.json');
  let declared: { format?: unknown; contentHash?: unknown };
  try {
    declared = JSON.parse(readFileSync(path, 'utf8')) as typeof declared;
  } catch (e) {
    throw new Error(`${path} is not readable JSON: ${(e as Error).message}`);
  }
  if (declared.format !== MODEL_FORMAT) throw new Error(`${path} has format ${JSON.stringify(declared.format)}, not ${MODEL_FORMAT}`);
  let bands: Buffer;
  try {
    bands = readFileSync(join(dir, 'bands.zip'));
  } catch (e) {
    throw new Error(`${join(dir, 'bands.zip')} is not readable: ${(e as Error).message}`);
  }
  const actual = createHash('sha256').update(bands).digest('hex');
  if (declared.contentHash !== actual) throw new Error(`${path} declares contentHash ${String(declared.contentHash)} but ${join(dir, 'bands.zip')} hashes to ${actual}`);
  loadModel(dir);
  return actual;
}

/** The jar's UDFs as udf-java's sources declare them, read once. */
let jarUdfs: FunctionFactory[] | undefined;
const JAR_PATH = '/etc/ksqldb/ext/stream-smarts-udf.jar';
function udfJar(): FunctionFactory[] {
  jarUdfs ??= udfsOfSources(fileURLToPath(new URL('../../udf-java/src/main/java/', import.meta.url)), JAR_PATH);
  return jarUdfs;
}

/** Where a statement is checked: the engine's catalogue, or RequestValidator's sandbox of it. */
interface Catalog {
  sources: Map<string, CatalogSource>;
  topics: Set<string>;
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
    queryProperties: [],
    sources,
    topics: new Set(),
    subjects: new Map(),
    healthy: true,
    ready: true,
    pushRows: new Map(),
    udf: {
      hash: null,
      checks: 0,
      swaps: 0,
      problems: [],
      configure: () => {
        if (!opts.udfModel || state.udf.hash !== null) return;
        const seen = fingerprint(opts.udfModel.dir);
        state.udf.hash = loadUdfModel(opts.udfModel.dir);
        watch(seen);
      },
    },
    close: async () => {
      clearInterval(watcher);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  // The UDF's watcher thread: LiveModel.checkOnce every interval.
  let watcher: NodeJS.Timeout | undefined;
  const watch = (initial: string) => {
    const dir = opts.udfModel!.dir;
    let seen = initial;
    watcher = setInterval(() => {
      const now = fingerprint(dir);
      state.udf.checks++;
      if (now === seen) return;
      seen = now;
      let declared: unknown;
      try {
        declared = (JSON.parse(readFileSync(join(dir, 'envelope.json'), 'utf8')) as { contentHash?: unknown }).contentHash;
      } catch (e) {
        state.udf.problems.push((e as Error).message);
        return;
      }
      if (declared === state.udf.hash) return;
      try {
        state.udf.hash = loadUdfModel(dir);
        state.udf.swaps++;
      } catch (e) {
        state.udf.problems.push((e as Error).message);
      }
    }, opts.udfModel!.checkIntervalMs ?? 60_000);
    watcher.unref();
  };

  /** Records in a source's topic: the real broker's offsets, else the rows given for it. */
  const recordsIn = async (source: CatalogSource): Promise<number> => {
    if (!kafka) return state.pushRows.get(source.name)?.rows.length ?? 0;
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(source.topic)) return 0;
      return (await admin.fetchTopicOffsets(source.topic)).reduce((a, p) => a + (Number(p.high) - Number(p.low)), 0);
    } finally {
      await admin.disconnect();
    }
  };

  /** The loaded functions now: the jar's UDFs when `functions` names one of them (or `udfModel` is given), and the built-ins. */
  const loaded = (): { registry: FunctionRegistry; version?: string } => {
    const listed = opts.functions?.() ?? [];
    const jar = udfJar();
    const unknown = listed.filter((f) => !jar.some((u) => u.name.toUpperCase() === f.name.toUpperCase()));
    if (unknown.length > 0) throw new Error(`the ksqlDB double loads only the UDFs of udf-java (${jar.map((u) => u.name.toUpperCase()).join(', ')}), not ${unknown.map((f) => f.name).join(', ')}`);
    const version = listed[0]?.version;
    return { registry: new FunctionRegistry(listed.length > 0 || opts.udfModel ? jar : []), ...(version !== undefined ? { version } : {}) };
  };

  const ctxFor = (cat: Catalog, functions: FunctionRegistry, streamsProperties: Record<string, unknown>): RuleContext => ({
    sources: cat.sources,
    functions,
    ...(() => {
      // A request's streamsProperties override the server's config (SessionConfig.getConfig(true)).
      const f = streamsProperties['ksql.persistence.default.format.value'] ?? opts.defaultValueFormat;
      return typeof f === 'string' ? { defaultValueFormat: f } : {};
    })(),
    topicExists: async (topic) => {
      if (cat.topics.has(topic)) return true;
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
  });

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

  /**
   * Checks a statement against `cat`, and with `execute` runs it: RequestValidator.validate's pass
   * over a sandbox (execute false, the sandbox catalogue taking the statement's effect), then the
   * handler's (execute true, the engine's catalogue).
   */
  const handleStatement = async (text: string, cat: Catalog, execute: boolean, streamsProperties: Record<string, unknown>): Promise<{ entity?: unknown; error?: string }> => {
    const { registry, version } = loaded();
    const ctx = ctxFor(cat, registry, streamsProperties);
    const sources = cat.sources;
    if (opts.refuse && opts.refuse.match.test(text)) return { error: opts.refuse.message };
    const trimmed = text.trim().replace(/;$/, '');
    const listing = /^(?:SHOW|LIST)\s+(STREAMS|TABLES)$/i.exec(trimmed);
    if (listing) return { entity: list(text, listing[1]!.toUpperCase() === 'STREAMS' ? 'STREAM' : 'TABLE') };
    if (/^SHOW\s+QUERIES$/i.test(trimmed)) {
      // Queries {"queries": [RunningQuery]}: RunningQuery's @JsonCreator fields queryString, sinks,
      // sinkKafkaTopics, id, statusCount (QueryStatusCount: KsqlQueryStatus RUNNING | ERROR |
      // UNRESPONSIVE | PAUSED → the number of servers in it), queryType, and the getter "state",
      // the aggregate: ERROR when any server reports ERROR, else RUNNING (confluentinc/ksql 8.4.x
      // ksqldb-rest-model .../rest/entity/RunningQuery.java, QueryStatusCount.getAggregateStatus).
      const queries = [...sources.values()]
        .filter((s) => s.queryId)
        .map((s) => {
          const st = opts.queryState?.(s.queryId!) ?? 'RUNNING';
          return { queryString: `CREATE ${s.kind} ${s.name} AS SELECT ...`, sinks: [s.name], sinkKafkaTopics: [s.topic], id: s.queryId!, statusCount: { [st]: 1 }, queryType: 'PERSISTENT', state: st === 'ERROR' ? 'ERROR' : 'RUNNING' };
        });
      return { entity: { '@type': 'queries', statementText: text, queries, warnings: [] } };
    }
    const describe = /^DESCRIBE\s+FUNCTION\s+(\w+)$/i.exec(trimmed);
    if (describe) {
      // DescribeFunctionExecutor (ksqldb-rest-app/.../rest/server/execution/DescribeFunctionExecutor.java):
      // every overload of the function (UdfFactory.eachFunction), an unknown name refused by getUdfFactory.
      try {
        const name = describe[1]!;
        const fromJar = udfJar().some((u) => u.name.toUpperCase() === name.toUpperCase());
        return { entity: registry.describe(name, text, fromJar ? version : undefined) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    }
    const create = parseCreate(trimmed);
    if (!create) return { error: `line 1:1: Syntax error at or near '${trimmed.split(/\s+/)[0]}'` };
    const kindWord = create.kind === 'STREAM' ? 'stream' : 'table';
    // The injectors (DefaultFormatInjector first) run before DistributingExecutor looks for an existing source.
    if (!create.select) {
      try {
        checkValueFormat(create, ctx);
      } catch (e) {
        return { error: (e as Error).message };
      }
    }
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
    if (!execute) {
      // The sandbox takes the statement's effect, for the next statements of the request.
      sources.set(create.name, made);
      if (create.select || 'PARTITIONS' in create.props) cat.topics.add(made.topic);
      return {};
    }
    if (create.select && opts.udfModel && /\bANOMOLY_POWER\s*\(/i.test(text)) {
      // ksqlDB configures the function for the new query; the UDF loads its model.path then.
      try {
        state.udf.configure();
      } catch (e) {
        return { error: (e as Error).message };
      }
    }
    if (create.select) {
      made.queryId = `${create.kind === 'STREAM' ? 'CSAS' : 'CTAS'}_${create.name}_${++queryCounter}`;
      state.topics.add(made.topic);
    } else if ('PARTITIONS' in create.props) {
      state.topics.add(made.topic);
    }
    const commandId = `${kindWord}/\`${create.name}\`/create`;
    const fails = opts.failInExecution?.match.test(text) ? opts.failInExecution.message : undefined;
    const final =
      fails !== undefined
        ? { status: 'ERROR', message: `io.confluent.ksql.util.KsqlStatementException: ${fails}\n`, queryId: null }
        : { status: 'SUCCESS', message: made.queryId ? `Created query with ID ${made.queryId}` : `${create.kind === 'STREAM' ? 'Stream' : 'Table'} created`, queryId: made.queryId ?? null };
    const slow = Boolean(opts.slow?.test(text));
    const stuck = Boolean(opts.stuck?.test(text));
    commands.set(commandId, { polls: 0, final, stuck });
    // The command runs in the background; a stuck one never gets there, a failing one creates nothing.
    if (!stuck && fails === undefined) sources.set(create.name, made);
    if (fails !== undefined && made.queryId) state.topics.delete(made.topic);
    const status = slow || stuck ? { status: 'QUEUED', message: 'Statement written to command topic', queryId: null } : final;
    return {
      entity: { '@type': 'currentStatus', statementText: text, commandId, commandStatus: status, commandSequenceNumber: statements.length, warnings: [] },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (!state.ready) return json(res, 503, { '@type': 'generic_error', error_code: 50302, message: 'KSQL is not yet ready to serve requests.' }, 'application/json');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'GET' && path === '/healthcheck') {
      // 200 whether healthy or not (HealthCheckResource.checkHealth: EndpointResponse.ok); the
      // details are HealthCheckAgent's three checks, serverState its CommandRunner's ServerState.
      const detail = { isHealthy: state.healthy };
      return json(res, 200, { isHealthy: state.healthy, details: { metastore: detail, kafka: detail, commandRunner: detail }, serverState: 'READY' }, 'application/json');
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
      let body: { ksql?: string; streamsProperties?: Record<string, unknown> };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        return json(res, 400, { '@type': 'generic_error', error_code: 40000, message: 'Invalid JSON in request' });
      }
      const parts = (body.ksql ?? '').split(/;\s*(?=\S|$)/).map((s) => s.trim()).filter(Boolean).map((s) => `${s};`);
      const props = body.streamsProperties ?? {};
      statements.push(...parts);
      // RequestValidator.validate over every statement, against a sandbox, before any runs (see the header).
      const sandbox: Catalog = { sources: new Map(sources), topics: new Set(state.topics) };
      for (const text of parts) {
        const r = await handleStatement(text, sandbox, false, props);
        if (r.error) return statementError(res, text, r.error);
      }
      const entities: unknown[] = [];
      for (const text of parts) {
        const r = await handleStatement(text, { sources, topics: state.topics }, true, props);
        if (r.error) return statementError(res, text, r.error);
        entities.push(r.entity);
      }
      return json(res, 200, entities);
    }
    if (req.method === 'POST' && path === '/query-stream') {
      const { sql, properties } = JSON.parse(raw) as { sql: string; properties?: Record<string, unknown> };
      state.queries.push(sql);
      state.queryProperties.push(properties ?? {});
      if (!/\bEMIT\s+CHANGES\b/i.test(sql)) return pullQuery(res, sql);
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

  /** A pull query: SELECT <ANOMOLY_POWER_MODEL() [AS name], ...> FROM <source> [LIMIT n]; the rows end the response. */
  const pullQuery = async (res: ServerResponse, sql: string) => {
    const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+LIMIT\s+(\d+))?\s*;?\s*$/is.exec(sql);
    if (!m) return json(res, 500, { '@type': 'generic_error', error_code: 50000, message: `the ksqlDB double runs only SELECT <items> FROM <source> [LIMIT n] as a pull query, not: ${sql}` }, 'application/json');
    const name = m[2]!.toUpperCase();
    const source = sources.get(name);
    // The same refusals as a persistent query's: an unknown source (DataSourceExtractor, see
    // ksqldb-rules.ts rule 1) and an unknown function (confluentinc/ksql ksqldb-engine
    // InternalFunctionRegistry.getUdfFactory: "Can't find any functions with the name '<name>'",
    // also what DESCRIBE FUNCTION answers, and the query-validation test "group-by - unknown function").
    if (!source) return json(res, 400, { '@type': 'statement_error', error_code: 40001, message: `${name} does not exist.`, statementText: sql, entities: [] }, 'application/json');
    const items = m[1]!.split(',').map((x) => /^\s*(\w+)\s*\(\s*\)\s*(?:AS\s+(\w+))?\s*$/i.exec(x));
    const columns: string[] = [];
    for (const [k, it] of items.entries()) {
      if (!it) return json(res, 500, { '@type': 'generic_error', error_code: 50000, message: `the ksqlDB double evaluates only ANOMOLY_POWER_MODEL() in a pull query, not: ${m[1]}` }, 'application/json');
      const fn = it[1]!.toUpperCase();
      try {
        loaded().registry.resolve(fn, []);
      } catch (e) {
        return json(res, 400, { '@type': 'statement_error', error_code: 40001, message: (e as Error).message, statementText: sql, entities: [] }, 'application/json');
      }
      if (fn !== 'ANOMOLY_POWER_MODEL') return json(res, 500, { '@type': 'generic_error', error_code: 50000, message: `the ksqlDB double evaluates only ANOMOLY_POWER_MODEL() in a pull query, not ${fn}()` }, 'application/json');
      columns.push(it[2]?.toUpperCase() ?? `KSQL_COL_${k}`);
    }
    const limit = m[3] === undefined ? Infinity : Number(m[3]);
    const rows = Math.min(limit, await recordsIn(source));
    res.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1', 'transfer-encoding': 'chunked' });
    res.write(`${JSON.stringify({ queryId: `query_${Date.now()}`, columnNames: columns, columnTypes: columns.map(() => 'STRING') })}\n`);
    for (let i = 0; i < rows; i++) res.write(`${JSON.stringify(columns.map(() => state.udf.hash))}\n`);
    res.end();
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
