import { z } from 'zod';

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

export const entitySchemas = {
  currentStatus: commandStatus,
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
  readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(opts: KsqlClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.headers = opts.auth
      ? { authorization: `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` }
      : {};
  }

  /** Runs statements through POST /ksql and returns one entity per statement. */
  async execute(ksql: string, streamsProperties: Record<string, unknown> = {}): Promise<KsqlEntity[]> {
    const res = await fetch(`${this.url}/ksql`, {
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
    const res = await fetch(`${this.url}/query-stream`, {
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
