import { z } from 'zod';
import { redactUrl } from '@stream-smarts/contracts';

/**
 * A client of ksqlDB's REST API (ksqlDB 8.4): POST /ksql for statements, POST /query-stream for
 * push queries, GET /healthcheck and /info. Response shapes follow the server's entity classes in
 * io.confluent.ksql.rest.entity (KsqlEntity and its @type subtypes, KsqlErrorMessage,
 * KsqlStatementErrorMessage, QueryResponseMetadata); only the fields we use are validated.
 */

const warning = z.object({ message: z.string() });

const commandStatus = z.object({
  '@type': z.literal('currentStatus'),
  statementText: z.string(),
  commandId: z.string().optional(),
  commandStatus: z.object({ status: z.string(), message: z.string(), queryId: z.string().nullish() }),
  commandSequenceNumber: z.number().optional(),
  warnings: z.array(warning).optional(),
});

const sourceInfo = z.object({
  type: z.string().optional(),
  name: z.string(),
  topic: z.string(),
  keyFormat: z.string().optional(),
  valueFormat: z.string().optional(),
  isWindowed: z.boolean().optional(),
});

const runningQuery = z.object({
  queryString: z.string(),
  sinks: z.array(z.string()),
  sinkKafkaTopics: z.array(z.string()).optional(),
  id: z.string(),
  statusCount: z.record(z.string(), z.number()).optional(),
  queryType: z.string(),
  state: z.string().optional(),
});

const functionInfo = z.object({
  arguments: z.array(z.object({ name: z.string(), type: z.string(), description: z.string().optional(), isVariadic: z.boolean().optional() })),
  returnType: z.string(),
  description: z.string().optional(),
});

const describeFunction = z.object({
  '@type': z.literal('describe_function'),
  statementText: z.string(),
  name: z.string(),
  description: z.string().optional(),
  author: z.string().optional(),
  version: z.string().optional(),
  path: z.string().optional(),
  functions: z.array(functionInfo),
  type: z.string(),
});

/** WarningEntity ("warning_entity"): e.g. CREATE ... IF NOT EXISTS of a source that is already there. */
const warningEntity = z.object({ '@type': z.literal('warning_entity'), statementText: z.string().optional(), message: z.string() });

/** GET /status/<commandId> answers a bare CommandStatus (ksqldb-rest-model CommandStatus: status, message, queryId). */
const statusBody = z.object({ status: z.string(), message: z.string(), queryId: z.string().nullish() });

export const entitySchemas = {
  currentStatus: commandStatus,
  warning_entity: warningEntity,
  streams: z.object({ '@type': z.literal('streams'), statementText: z.string(), streams: z.array(sourceInfo) }),
  tables: z.object({ '@type': z.literal('tables'), statementText: z.string(), tables: z.array(sourceInfo) }),
  queries: z.object({ '@type': z.literal('queries'), statementText: z.string(), queries: z.array(runningQuery) }),
  describe_function: describeFunction,
};

export type CommandStatusEntity = z.infer<typeof commandStatus>;
export type RunningQuery = z.infer<typeof runningQuery>;
export type SourceInfo = z.infer<typeof sourceInfo>;
export type FunctionDescription = z.infer<typeof describeFunction>;
/** Any entity; the known ones are validated when asked for with `expectEntity`. */
export type KsqlEntity = { '@type': string; statementText?: string } & Record<string, unknown>;

const errorBody = z.object({
  '@type': z.string().optional(),
  error_code: z.number(),
  message: z.string(),
  statementText: z.string().optional(),
});

/** A statement ksqlDB refused, with its error code and the statement it names. */
export class KsqlError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    readonly serverMessage: string,
    readonly statementText: string | undefined,
  ) {
    super(`ksqlDB refused${statementText ? ` \`${statementText.trim()}\`` : ' the request'}: ${serverMessage} (HTTP ${status}${errorCode ? `, error ${errorCode}` : ''})`);
    this.name = 'KsqlError';
  }
}

/**
 * The server could not be asked at all (refused, unknown host, timed out) or is not ready yet: one
 * line saying what, where and how to start it, instead of fetch's "fetch failed".
 */
export class KsqlUnreachableError extends Error {
  override name = 'KsqlUnreachableError';
}

/**
 * CommandStatus.Status (ksqldb-rest-model): QUEUED, PARSING and EXECUTING are on the way; SUCCESS
 * (and RUNNING) done; ERROR and TERMINATED failed.
 */
const PENDING_STATUSES = ['QUEUED', 'PARSING', 'EXECUTING'];
export const FAILED_STATUSES = ['ERROR', 'TERMINATED'];

export interface KsqlClientOptions {
  url: string;
  auth?: { username: string; password: string };
  /** Per-request timeout for /ksql, /healthcheck and /info; push queries have none. */
  timeoutMs?: number;
}

export interface QueryHeader {
  queryId?: string;
  columnNames: string[];
  columnTypes: string[];
}

export class KsqlClient {
  /** The server's URL without user info (fetch refuses URLs with credentials). */
  readonly url: string;
  /** The URL as given, password redacted: the only form that is printed. */
  readonly displayUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(opts: KsqlClientOptions) {
    const given = opts.url.replace(/\/+$/, '');
    this.displayUrl = redactUrl(given);
    let auth = opts.auth;
    let url = given;
    try {
      // http://user:pass@host:8088: the user info becomes Basic auth (unless given separately).
      const u = new URL(given);
      if (u.username || u.password) {
        auth ??= { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
        u.username = '';
        u.password = '';
        url = u.toString().replace(/\/+$/, '');
      }
    } catch {
      // Not a URL: fetch will say so, through unreachable().
    }
    this.url = url;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.headers = auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
  }

  /** fetch with the failure turned into one line: what, where, how to start it. */
  private async request(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, init);
    } catch (e) {
      // The caller's own abort (Ctrl-C on a push query) is not a connection problem; a timeout is.
      if ((e as Error).name === 'AbortError') throw e;
      throw this.unreachable(e as Error);
    }
    if (res.status === 503) {
      const body = await readJson(res);
      const e = errorBody.safeParse(body);
      const why = e.success ? e.data.message : 'HTTP 503';
      throw new KsqlUnreachableError(`ksqlDB at ${this.displayUrl} is not ready (${why}); it may still be starting: wait for \`docker compose ps\` to show ksqldb-server healthy, or see its log (\`docker compose logs ksqldb-server\`)`);
    }
    return res;
  }

  private unreachable(e: Error): KsqlUnreachableError {
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    const why = e.name === 'TimeoutError' || /timeout/i.test(e.message) ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : (cause?.code ?? cause?.message ?? e.message);
    return new KsqlUnreachableError(
      `cannot reach ksqlDB at ${this.displayUrl} (${why}): is it running? Start the stack with \`docker compose up -d\` in the stream-smarts checkout, or point KSQLDB_URL (or --ksqldb-url) at your server`,
    );
  }

  /** Runs statements through POST /ksql and returns one entity per statement. */
  async execute(ksql: string, streamsProperties: Record<string, unknown> = {}): Promise<KsqlEntity[]> {
    const res = await this.request('/ksql', {
      method: 'POST',
      headers: { ...this.headers, accept: 'application/vnd.ksql.v1+json', 'content-type': 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql, streamsProperties }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = await readJson(res);
    if (!res.ok) throw toError(res.status, body, ksql);
    if (!Array.isArray(body)) throw new KsqlError(res.status, undefined, `unexpected response ${JSON.stringify(body).slice(0, 200)}`, ksql);
    return body as KsqlEntity[];
  }

  /** Runs one statement and returns its entity as the named type, validated. */
  async expectEntity<K extends keyof typeof entitySchemas>(ksql: string, type: K): Promise<z.infer<(typeof entitySchemas)[K]>> {
    const [entity] = await this.execute(ksql);
    const parsed = entitySchemas[type].safeParse(entity);
    if (!parsed.success) {
      throw new KsqlError(200, undefined, `expected a ${type} entity, got ${JSON.stringify(entity).slice(0, 300)}`, ksql);
    }
    return parsed.data as z.infer<(typeof entitySchemas)[K]>;
  }

  /**
   * GET /status/<type>/<entity>/<action> of a command id ("stream/`RAW_POWER_STREAM`/create"), each
   * part URL-encoded (the entity carries back-quotes); the server answers a CommandStatus.
   */
  async commandStatus(commandId: string): Promise<z.infer<typeof statusBody>> {
    const parts = commandId.split('/');
    if (parts.length !== 3) throw new Error(`not a ksqlDB command id (<type>/<entity>/<action>): ${commandId}`);
    const res = await this.request(`/status/${parts.map(encodeURIComponent).join('/')}`, { headers: { ...this.headers, accept: 'application/vnd.ksql.v1+json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    const body = await readJson(res);
    if (!res.ok) throw toError(res.status, body, `GET /status/${commandId}`);
    const parsed = statusBody.safeParse(body);
    if (!parsed.success) throw new KsqlError(res.status, undefined, `unexpected status ${JSON.stringify(body).slice(0, 200)}`, undefined);
    return parsed.data;
  }

  /**
   * A command the server answered QUEUED, PARSING or EXECUTING (it took longer than the server's
   * ksql.server.command.response.timeout.ms, 5 s by default): polls /status until SUCCESS or ERROR,
   * or throws after `timeoutMs` saying what it last saw.
   */
  async waitForCommand(entity: CommandStatusEntity, opts: { timeoutMs: number; intervalMs?: number; onPoll?: (status: string) => void }): Promise<{ status: string; message: string }> {
    let current = entity.commandStatus;
    if (!PENDING_STATUSES.includes(current.status)) return current;
    if (!entity.commandId) throw new Error(`ksqlDB answered ${current.status} without a command id to follow`);
    const deadline = Date.now() + opts.timeoutMs;
    let wait = opts.intervalMs ?? 250;
    while (PENDING_STATUSES.includes(current.status)) {
      if (Date.now() > deadline) {
        throw new Error(
          `ksqlDB still reports ${current.status} ("${current.message}") for command ${entity.commandId} after ${Math.round(opts.timeoutMs / 1000)} s; ` +
            `it may finish later: check with \`stream-smarts ksql -e "SHOW QUERIES;"\` and the server's log, then run deploy again`,
        );
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 2000);
      current = await this.commandStatus(entity.commandId);
      opts.onPoll?.(current.status);
    }
    return current;
  }

  describeFunction(name: string): Promise<FunctionDescription> {
    return this.expectEntity(`DESCRIBE FUNCTION ${name};`, 'describe_function');
  }

  async listQueries(): Promise<RunningQuery[]> {
    return (await this.expectEntity('SHOW QUERIES;', 'queries')).queries;
  }

  async listSources(): Promise<SourceInfo[]> {
    const [streams, tables] = await Promise.all([this.expectEntity('SHOW STREAMS;', 'streams'), this.expectEntity('SHOW TABLES;', 'tables')]);
    return [...streams.streams, ...tables.tables];
  }

  /** GET /healthcheck: {"isHealthy": true, "details": {...}} (HealthCheckResponse). */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/healthcheck`, { headers: this.headers, signal: AbortSignal.timeout(Math.min(this.timeoutMs, 5000)) });
      const body = (await readJson(res)) as { isHealthy?: boolean };
      return res.ok && body.isHealthy === true;
    } catch {
      return false;
    }
  }

  /**
   * A push or pull query through POST /query-stream in the delimited format: the first line is
   * the header (QueryResponseMetadata), each further line one row as a JSON array, or an error.
   */
  async *stream(sql: string, opts: { properties?: Record<string, unknown>; signal?: AbortSignal; onHeader?: (h: QueryHeader) => void } = {}): AsyncGenerator<Record<string, unknown>> {
    const res = await this.request('/query-stream', {
      method: 'POST',
      headers: { ...this.headers, accept: 'application/vnd.ksqlapi.delimited.v1', 'content-type': 'application/json' },
      body: JSON.stringify({ sql, properties: opts.properties ?? {} }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.ok || !res.body) throw toError(res.status, await readJson(res), sql);
    let header: QueryHeader | undefined;
    let pending = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line) continue;
        const value = JSON.parse(line) as unknown;
        if (!header) {
          const h = z.object({ queryId: z.string().optional(), columnNames: z.array(z.string()), columnTypes: z.array(z.string()) }).safeParse(value);
          if (!h.success) throw toError(200, value, sql);
          header = h.data;
          opts.onHeader?.(header);
          continue;
        }
        if (Array.isArray(value)) {
          const row: Record<string, unknown> = {};
          header.columnNames.forEach((c, i) => (row[c] = value[i]));
          yield row;
        } else if (errorBody.safeParse(value).success) {
          throw toError(200, value, sql);
        }
        // Other objects (continuation or consistency tokens) carry nothing we print.
      }
    }
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toError(status: number, body: unknown, statement: string): KsqlError {
  const e = errorBody.safeParse(body);
  if (e.success) return new KsqlError(status, e.data.error_code, e.data.message, e.data.statementText ?? statement);
  return new KsqlError(status, undefined, typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300), statement);
}
