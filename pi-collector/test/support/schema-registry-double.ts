import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import avro from 'avsc';

/**
 * A test double of Confluent Schema Registry: the subset of its REST API the collector and
 * @kafkajs/confluent-schema-registry use, with the real paths, bodies, status codes and error
 * bodies. Source: confluentinc/schema-registry — the REST reference (docs "Schema Registry API
 * Reference") and core/src/main/java/io/confluent/kafka/schemaregistry/rest/exceptions/Errors.java
 * for the error codes (40401 subject not found, 40403 schema not found, 40408 subject-level
 * compatibility not configured, 40901 incompatible schema, 42201 invalid schema, 42203 invalid
 * compatibility level). Every response has Content-Type application/vnd.schemaregistry.v1+json.
 *
 *   POST /subjects/{subject}/versions  {"schema": "..."}          -> {"id": n}   (same schema: same id)
 *   GET  /schemas/ids/{id}                                         -> {"schema": "..."}
 *   GET  /config/{subject}                                         -> {"compatibilityLevel": "..."} or 404/40408
 *   PUT  /config/{subject}             {"compatibility": "..."}    -> {"compatibility": "..."}
 *   GET  /subjects                                                 -> ["..."]
 *   GET  /subjects/{subject}/versions/latest                       -> {"subject", "id", "version", "schema"}
 *                                                                     or 404 / 40401 "Subject '%s' not found."
 *        (Errors.SUBJECT_NOT_FOUND_MESSAGE_FORMAT and SUBJECT_NOT_FOUND_ERROR_CODE; what ksqlDB asks to
 *        infer a stream's value columns)
 *
 * Compatibility is checked for real in one way that matters here: with BACKWARD, a new version
 * whose reader schema cannot read data written with the latest one (avsc resolver) is a 409.
 * `rejectNext` makes the next registration fail with a given status and body, as a real
 * registry would for an incompatible or invalid schema.
 */
const CT = 'application/vnd.schemaregistry.v1+json';

interface Version {
  id: number;
  schema: string;
}

export interface SchemaRegistryDouble {
  url: string;
  /** Requests received, "METHOD path". */
  requests: string[];
  subjects: Map<string, Version[]>;
  config: Map<string, string>;
  rejectNext?: { status: 409 | 422; error_code: number; message: string };
  close(): Promise<void>;
}

export async function startSchemaRegistryDouble(): Promise<SchemaRegistryDouble> {
  const schemas: string[] = [];
  const double: SchemaRegistryDouble = {
    url: '',
    requests: [],
    subjects: new Map(),
    config: new Map(),
    close: async () => undefined,
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': CT });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, error_code: number, message: string) => send(res, status, { error_code, message });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    double.requests.push(`${req.method} ${path}`);
    let body: Record<string, unknown> = {};
    if (text) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return error(res, 400, 400, `Unexpected character in request body`);
      }
    }
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/subjects\/([^/]+)\/versions\/?$/.exec(path))) {
      const subject = m[1]!;
      if (double.rejectNext) {
        const r = double.rejectNext;
        double.rejectNext = undefined;
        return error(res, r.status, r.error_code, r.message);
      }
      const schema = body.schema;
      if (typeof schema !== 'string') return error(res, 422, 42201, 'Empty schema');
      let type;
      try {
        type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
      } catch (e) {
        return error(res, 422, 42201, `Invalid schema ${schema.slice(0, 60)}..., details: ${(e as Error).message}`);
      }
      const versions = double.subjects.get(subject) ?? [];
      const canonical = JSON.stringify(JSON.parse(schema));
      const same = versions.find((v) => JSON.stringify(JSON.parse(v.schema)) === canonical);
      if (same) return send(res, 200, { id: same.id });
      const latest = versions[versions.length - 1];
      const level = double.config.get(subject) ?? 'BACKWARD';
      if (latest && level.startsWith('BACKWARD')) {
        try {
          type.createResolver(avro.Type.forSchema(JSON.parse(latest.schema) as avro.Schema));
        } catch (e) {
          return error(res, 409, 40901, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${(e as Error).message}`);
        }
      }
      let id = schemas.findIndex((s) => JSON.stringify(JSON.parse(s)) === canonical) + 1;
      if (id === 0) {
        schemas.push(schema);
        id = schemas.length;
      }
      versions.push({ id, schema });
      double.subjects.set(subject, versions);
      return send(res, 200, { id });
    }
    if (req.method === 'GET' && (m = /^\/schemas\/ids\/(\d+)\/?$/.exec(path))) {
      const s = schemas[Number(m[1]) - 1];
      if (s === undefined) return error(res, 404, 40403, 'Schema not found');
      return send(res, 200, { schema: s });
    }
    if ((m = /^\/config\/([^/]+)\/?$/.exec(path))) {
      const subject = m[1]!;
      if (req.method === 'GET') {
        const level = double.config.get(subject);
        if (!level) return error(res, 404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
        return send(res, 200, { compatibilityLevel: level });
      }
      if (req.method === 'PUT') {
        const level = String(body.compatibility ?? '').toUpperCase();
        const ok = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'];
        if (!ok.includes(level)) return error(res, 422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');
        double.config.set(subject, level);
        return send(res, 200, { compatibility: level });
      }
    }
    if (req.method === 'GET' && /^\/subjects\/?$/.test(path)) return send(res, 200, [...double.subjects.keys()]);
    if (req.method === 'GET' && (m = /^\/subjects\/([^/]+)\/versions\/latest\/?$/.exec(path))) {
      const versions = double.subjects.get(m[1]!);
      if (!versions || versions.length === 0) return error(res, 404, 40401, `Subject '${m[1]!}' not found.`);
      const v = versions[versions.length - 1]!;
      return send(res, 200, { subject: m[1]!, id: v.id, version: versions.length, schema: v.schema });
    }
    if (req.method === 'GET' && (m = /^\/subjects\/([^/]+)\/versions\/latest\/?$/.exec(path))) {
      const versions = double.subjects.get(m[1]!);
      if (!versions || versions.length === 0) return error(res, 404, 40401, `Subject '${m[1]!}' not found.`);
      const v = versions[versions.length - 1]!;
      return send(res, 200, { subject: m[1]!, id: v.id, version: versions.length, schema: v.schema });
    }
    return error(res, 404, 404, 'HTTP 404 Not Found');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => error(res, 500, 50001, (e as Error).message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  double.url = `http://127.0.0.1:${addr.port}`;
  double.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return double;
}
