import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { cli } from './run-cli.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** A closed port: something we just bound and released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

describe('stream-smarts --help and --version', () => {
  it('lists every command with a one-line example', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const cmd of ['doctor', 'config']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^  \\$ stream-smarts ${cmd}\\b.*#`, 'm'));
    }
    expect(r.stdout).toMatch(/--json/);
    expect(r.stdout).toMatch(/--log-level/);
  });

  it('prints the version from package.json', async () => {
    const r = await cli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with a usage error', async () => {
    const r = await cli(['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('configuration errors', () => {
  it('stops with one line naming the setting for KAFKA_BOOTSTRAP_SERVERS=notahost:xyz', async () => {
    const r = await cli(['doctor'], { KAFKA_BOOTSTRAP_SERVERS: 'notahost:xyz' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'stream-smarts: invalid configuration: kafka.brokers = "notahost:xyz" from environment variable KAFKA_BOOTSTRAP_SERVERS: expected a comma-separated list of host:port with a port of 1-65535, e.g. localhost:9092',
    ]);
    expect(r.stdout).toBe('');
  });

  it('config shows values with sources and redacts secrets, also as --json', async () => {
    const r = await cli(['--json', 'config'], { PUSHBULLET_ACCESS_TOKEN: 'o.very-secret-token', KSQLDB_URL: 'http://ksql:8088' });
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as { key: string; value: string; source: string }[];
    expect(rows.find((x) => x.key === 'ksqldb.url')).toEqual({ key: 'ksqldb.url', value: 'http://ksql:8088', source: 'environment variable KSQLDB_URL' });
    expect(rows.find((x) => x.key === 'pushbullet.token')?.value).toBe('(redacted)');
    expect(r.stdout + r.stderr).not.toContain('very-secret-token');
  });
});

describe('stream-smarts doctor', () => {
  it('with nothing running, reports each missing service with a fix and exits non-zero', async () => {
    const [k, s, q] = [await closedPort(), await closedPort(), await closedPort()];
    const r = await cli(['doctor'], {
      KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${k}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${s}`,
      KSQLDB_URL: `http://127.0.0.1:${q}`,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^Kafka\s+missing/m);
    expect(r.stdout).toMatch(/^Schema Registry\s+missing\s+.*ECONNREFUSED/m);
    expect(r.stdout).toMatch(/^ksqlDB\s+missing\s+.*ECONNREFUSED/m);
    expect(r.stdout).toMatch(/^Node\.js\s+ok/m);
    expect(r.stdout).toMatch(/To fix:\n(.|\n)*Kafka: set KAFKA_BOOTSTRAP_SERVERS/);
  });

  describe('with a real Kafka broker and REST doubles of Schema Registry, ksqlDB and Home Assistant', () => {
    const token = 'ha-long-lived-token-xyz';
    let sr: Awaited<ReturnType<typeof serve>>;
    let ksql: Awaited<ReturnType<typeof serve>>;
    let ha: Awaited<ReturnType<typeof serve>>;

    beforeAll(async () => {
      // Confluent Schema Registry REST API (io.confluent.kafka.schemaregistry.rest.resources.SubjectsResource):
      // GET /subjects → 200, JSON array of subject names, content type application/vnd.schemaregistry.v1+json.
      sr = await serve((req, res) =>
        req.method === 'GET' && req.url === '/subjects'
          ? json(res, 200, ['raw_power-value'], 'application/vnd.schemaregistry.v1+json')
          : json(res, 404, { error_code: 404, message: 'HTTP 404 Not Found' }),
      );
      // ksqlDB REST API (io.confluent.ksql.rest.entity.ServerInfo, served by ServerInfoResource):
      // GET /info → {"KsqlServerInfo": {"version", "kafkaClusterId", "ksqlServiceId", "serverStatus"}}.
      ksql = await serve((req, res) =>
        req.method === 'GET' && req.url === '/info'
          ? json(res, 200, { KsqlServerInfo: { version: '8.4.1', kafkaClusterId: 'abc', ksqlServiceId: 'default_', serverStatus: 'RUNNING' } })
          : json(res, 404, { '@type': 'generic_error', error_code: 40400, message: 'not found' }),
      );
      // Home Assistant REST API (developers.home-assistant.io/docs/api/rest): GET /api/ with
      // "Authorization: Bearer <long-lived token>" → 200 {"message": "API running."}; a wrong token → 401.
      ha = await serve((req, res) => {
        if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { message: 'Unauthorized' });
        if (req.method === 'GET' && req.url === '/api/') return json(res, 200, { message: 'API running.' });
        // GET /api/config: hass.config.as_dict(), "state" the CoreState (homeassistant/components/api/__init__.py).
        if (req.method === 'GET' && req.url === '/api/config') return json(res, 200, { version: '2024.3.3', state: 'RUNNING' });
        return json(res, 404, { message: 'Not found' });
      });
    });
    afterAll(() => {
      for (const s of [sr, ksql, ha]) s?.server.close();
    });

    const env = () => ({
      KAFKA_BOOTSTRAP_SERVERS: inject('kafka').bootstrap,
      SCHEMA_REGISTRY_URL: sr.url,
      KSQLDB_URL: ksql.url,
      HOME_ASSISTANT_URL: ha.url,
    });

    it('reports every service ok and exits 0, as JSON for scripts', async () => {
      const r = await cli(['doctor', '--json'], { ...env(), HOME_ASSISTANT_TOKEN: token });
      const out = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
      const byName = Object.fromEntries(out.checks.map((c) => [c.name, c]));
      expect(byName['Kafka']?.status).toBe('ok');
      expect(byName['Kafka']?.detail).toMatch(/1 broker/);
      expect(byName['Schema Registry']).toMatchObject({ status: 'ok', detail: `${sr.url}: 1 subject(s)` });
      expect(byName['ksqlDB']).toMatchObject({ status: 'ok', detail: `${ksql.url}: ksqlDB 8.4.1 (RUNNING)` });
      expect(byName['Home Assistant']).toMatchObject({ status: 'ok', detail: `${ha.url}: RUNNING` });
      expect(out.ok).toBe(true);
      expect(r.exitCode).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(token);
    });

    it('reports a rejected Home Assistant token with the fix, never the token', async () => {
      const r = await cli(['doctor'], { ...env(), HOME_ASSISTANT_TOKEN: 'wrong-token-value' });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^Home Assistant\s+missing\s+.*HTTP 401, token rejected/m);
      expect(r.stdout).toMatch(/Home Assistant: create a new long-lived access token/);
      expect(r.stdout + r.stderr).not.toContain('wrong-token-value');
    });
  });
});
