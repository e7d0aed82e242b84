import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

/**
 * With every secret configured — passwords in URLs as well as in their own settings, tokens —
 * no command prints one: not in a table, not in --json, not in an error, not in a log line.
 * Every URL points at a closed port on 127.0.0.1, so the commands fail where they reach out,
 * which is where remote errors (and the URLs in them) get printed.
 */
const dir = mkdtempSync(join(tmpdir(), 'ss-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = {
  kafka: 'kafkaSaslPw-5ecret',
  srUrl: 'srUrlPw-5ecret',
  srPw: 'srPw-5ecret',
  ksqlUrl: 'ksqlUrlPw-5ecret',
  ksqlPw: 'ksqlPw-5ecret',
  h2o: 'h2oUrlPw-5ecret',
  haUrl: 'haUrlPw-5ecret',
  haToken: 'haToken-5ecret',
  pushbullet: 'pushbulletToken-5ecret',
};

const ENV: Record<string, string> = {
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
  STREAM_SMARTS_KAFKA_SASL_MECHANISM: 'plain',
  STREAM_SMARTS_KAFKA_SASL_USERNAME: 'kafka-user',
  STREAM_SMARTS_KAFKA_SASL_PASSWORD: SECRETS.kafka,
  SCHEMA_REGISTRY_URL: `http://sr:${SECRETS.srUrl}@127.0.0.1:2`,
  STREAM_SMARTS_SCHEMA_REGISTRY_USERNAME: 'sr-user',
  STREAM_SMARTS_SCHEMA_REGISTRY_PASSWORD: SECRETS.srPw,
  KSQLDB_URL: `http://ksql:${SECRETS.ksqlUrl}@127.0.0.1:3`,
  STREAM_SMARTS_KSQLDB_USERNAME: 'ksql-user',
  STREAM_SMARTS_KSQLDB_PASSWORD: SECRETS.ksqlPw,
  H2O_URL: `http://h2o:${SECRETS.h2o}@127.0.0.1:4`,
  HOME_ASSISTANT_URL: `http://ha:${SECRETS.haUrl}@127.0.0.1:5`,
  HOME_ASSISTANT_TOKEN: SECRETS.haToken,
  PUSHBULLET_ACCESS_TOKEN: SECRETS.pushbullet,
  STREAM_SMARTS_PUSHBULLET_URL: 'http://127.0.0.1:6',
  STREAM_SMARTS_NOTIFIER_RETRY_ATTEMPTS: '1',
  STREAM_SMARTS_LOG_LEVEL: 'debug',
};

const T0 = Date.parse('2026-07-15T00:00:00+10:00');
const csv = ['timestamp,wh', ...Array.from({ length: 8 * 24 * 4 }, (_, i) => `${new Date(T0 + (i + 1) * 900_000 + 10 * 3_600_000).toISOString().slice(0, 19)}+10:00,40`)].join('\n') + '\n';
const history = join(dir, 'history.csv');
writeFileSync(history, csv);
writeFileSync(join(dir, 'truth.json'), '[]');

/**
 * A server that echoes what it was sent — headers and body — in its error reply, as some do: a
 * Pushbullet stand-in for `notify --test`, whose error text must still carry no token.
 */
let echo: Server;
let echoed = 0;
const echoUrl = () => `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
beforeAll(async () => {
  echo = createServer((req, res) => {
    echoed++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bad token in ${JSON.stringify(req.headers)} for ${body}` } }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

const COMMANDS: string[][] = [
  ['config'],
  ['--json', 'config'],
  ['config', '--settings'],
  ['doctor'],
  ['--json', 'doctor'],
  ['run', '--source', 'replay', '--replay', history],
  ['run', '--source', 'replay', '--replay', history, '--json'],
  ['evaluate', '--history', history, '--truth', join(dir, 'truth.json')],
  ['simulate', '--days', '1', '--out', join(dir, 'sim.csv')],
  ['plot', 'score', '--out', join(dir, 'plots')],
  ['train', '--history', history, '--out', join(dir, 'model')],
  ['evaluate', '--history', join(dir, 'missing.csv'), '--truth', join(dir, 'truth.json')],
  // The other engineers' commands, with the same secrets: the stack's, and the sinks'.
  ['deploy', '--dry-run'],
  ['deploy', '--model-only', '--dry-run'],
  ['retrain', '--dry-run'],
  ['--json', 'retrain', '--dry-run'],
  ['ksql', '-e', 'SHOW STREAMS;'],
  ['watch', '--limit', '1'],
  ['notify', '--test'],
  ['--json', 'notify', '--test'],
];

describe('no secret in any output', () => {
  for (const args of COMMANDS) {
    it(`stream-smarts ${args.join(' ')}`, async () => {
      const before = echoed;
      const r = await cli(args, { ...ENV, ...(args.includes('notify') ? { STREAM_SMARTS_PUSHBULLET_URL: echoUrl() } : {}) }, { timeout: 60_000 });
      // notify --test did reach the echoing server: its reply, token and all, was there to leak.
      if (args.includes('notify')) expect(echoed).toBeGreaterThan(before);
      const all = `${r.stdout}\n${r.stderr}`;
      expect(all.length).toBeGreaterThan(0);
      for (const [name, secret] of Object.entries(SECRETS)) expect(all, `${name} leaked`).not.toContain(secret);
    });
  }
});
