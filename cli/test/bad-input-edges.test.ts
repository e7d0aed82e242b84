import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownNames, OTHER_KNOWN_NAMES } from '../../contracts/src/config/unknown-names.js';
import { BIN, CLEAN_ENV, cli } from './run-cli.js';

/**
 * Issue 24's edges, through the built CLI as a user runs it: secrets echoed back by servers in
 * every output, silences without end, two outputs that are one file, a closed or full stdout,
 * outputs that cannot be written, names that are no setting. Each row: the message (naming the
 * input and the fix), the exit code, no stack, nothing half-written, no secret anywhere.
 */
const dir = mkdtempSync(join(tmpdir(), 'ss-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const STACK = /^\s+at .*(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

/** Letters and digits, reproducible: tokens that look like real ones and like no word. */
function token(len: number, seed: number): string {
  const abc = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let s = '';
  let x = seed;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += abc[x % abc.length];
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Secrets echoed back: long ones (a Home Assistant long-lived token is a JWT of about 180
// characters) and short ones, each grepped for whole, by halves, and as base64 Basic auth.
// ---------------------------------------------------------------------------------------------

/**
 * One server for every remote the commands reach, answering errors in each one's own shape and
 * echoing the request's headers and body in them, as a misbehaving proxy or a debug build does:
 * - Pushbullet: 400 {"error": {"type", "message", "cat"}} (docs.pushbullet.com, "Errors");
 * - Home Assistant: /api/config RUNNING, any other call a 500 text/plain body (aiohttp's
 *   "500 Internal Server Error"), long enough that the sink shortens it;
 * - ksqlDB: 400 {"@type": "statement_error", "error_code", "message"} (the KsqlErrorMessage shape);
 * - Schema Registry: 401 {"error_code": 401, "message"}.
 */
let echo: Server;
const seen: string[] = [];
const echoUrl = () => `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  const echoed = `${JSON.stringify(req.headers)} ${body}`;
  seen.push(`${req.method} ${req.url} ${echoed}`);
  const json = (status: number, v: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  const url = req.url ?? '';
  if (url.startsWith('/v2/')) return json(400, { error: { type: 'invalid_request', message: `bad push from ${echoed}`, cat: '~(=^‥^)' }, error_code: 'invalid_request' });
  if (url.startsWith('/ksql')) return json(400, { '@type': 'statement_error', error_code: 40001, message: `statement refused; request was ${echoed}` });
  if (url.startsWith('/subjects') || url.startsWith('/config') || url.startsWith('/schemas')) return json(401, { error_code: 401, message: `Unauthorized: ${echoed}` });
  if (url === '/api/') return json(200, { message: 'API running.' });
  if (url === '/api/config') return json(200, { state: 'RUNNING', version: '2024.3.3', time_zone: 'UTC' });
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`500 Internal Server Error\n\nServer got itself in trouble: ${echoed}`);
}
beforeAll(async () => {
  echo = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

interface SecretSet {
  name: string;
  ha: string;
  pushbullet: string;
  ksqlUrlPw: string;
  srPw: string;
  mqttPw: string;
}
const SETS: SecretSet[] = [
  { name: 'long', ha: `eyJ${token(174, 1)}`, pushbullet: `o.${token(175, 2)}`, ksqlUrlPw: token(177, 3), srPw: token(177, 4), mqttPw: token(177, 5) },
  { name: 'short', ha: token(12, 6), pushbullet: token(12, 7), ksqlUrlPw: token(12, 8), srPw: token(12, 9), mqttPw: token(12, 10) },
];

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every form of a set's secrets that must not be printed: whole, each half, base64 Basic (padded or not). */
function forbidden(s: SecretSet): [string, string][] {
  const out: [string, string][] = [];
  for (const [what, v] of Object.entries(s).filter(([k]) => k !== 'name') as [string, string][]) {
    out.push([what, v], [`${what} first half`, v.slice(0, Math.ceil(v.length / 2))], [`${what} second half`, v.slice(Math.floor(v.length / 2))]);
  }
  for (const [what, login] of [
    ['ksqlDB URL Basic', `ksql-user:${s.ksqlUrlPw}`],
    ['Schema Registry Basic', `sr-user:${s.srPw}`],
  ]) {
    out.push([what!, b64(login!)], [`${what} unpadded`, b64(login!).replace(/=+$/, '')]);
  }
  return out;
}

function secretEnv(s: SecretSet): Record<string, string> {
  return {
    HOME_ASSISTANT_URL: echoUrl(),
    HOME_ASSISTANT_TOKEN: s.ha,
    STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE: 'notify.mobile_app_phone',
    PUSHBULLET_ACCESS_TOKEN: s.pushbullet,
    STREAM_SMARTS_PUSHBULLET_URL: echoUrl(),
    KSQLDB_URL: `http://ksql-user:${s.ksqlUrlPw}@${echoUrl().slice('http://'.length)}`,
    SCHEMA_REGISTRY_URL: echoUrl(),
    STREAM_SMARTS_SCHEMA_REGISTRY_USERNAME: 'sr-user',
    STREAM_SMARTS_SCHEMA_REGISTRY_PASSWORD: s.srPw,
    STREAM_SMARTS_MQTT_USERNAME: 'mqtt-user',
    STREAM_SMARTS_MQTT_PASSWORD: s.mqttPw,
    STREAM_SMARTS_MQTT_URL: 'mqtt://127.0.0.1:1',
    KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
    STREAM_SMARTS_NOTIFIER_RETRY_ATTEMPTS: '1',
    STREAM_SMARTS_NOTIFIER_STATE_DIR: join(dir, 'notifier-state'),
    // Debug: the most log lines, and the stacks of errors, to leak from.
    STREAM_SMARTS_LOG_LEVEL: 'debug',
  };
}

interface LeakCase {
  args: string[];
  /** What shows the secret was there to leak: the echo server saw the request, the output shows the failure. */
  reached: (all: string, requests: string[]) => void;
  env?: Record<string, string>;
}
const LEAK_CASES: LeakCase[] = [
  {
    args: ['notify', '--test'],
    reached: (all, reqs) => {
      expect(reqs.some((r) => r.startsWith('POST /v2/pushes'))).toBe(true);
      expect(reqs.some((r) => r.startsWith('POST /api/services/notify/mobile_app_phone'))).toBe(true);
      expect(all).toMatch(/pushbullet +dead-lettered/);
    },
  },
  { args: ['--json', 'notify', '--test'], reached: (all) => expect(all).toMatch(/"outcome": "dead-lettered"/) },
  {
    // The simulated day with the heater on at 04:00: its alerts fail at both sinks.
    args: ['run', '--speed', 'max'],
    reached: (all, reqs) => {
      expect(all).toMatch(/NOT DELIVERED to pushbullet/);
      expect(all).toMatch(/NOT DELIVERED to home-assistant-notify/);
      expect(reqs.some((r) => r.startsWith('POST /v2/pushes'))).toBe(true);
    },
  },
  { args: ['run', '--speed', 'max', '--json'], reached: (all) => expect(all).toMatch(/dead-lettered|NOT DELIVERED|undelivered/) },
  {
    args: ['ksql', '-e', 'SHOW STREAMS;'],
    reached: (all, reqs) => {
      expect(reqs.some((r) => r.startsWith('POST /ksql') && r.includes('"authorization":"Basic '))).toBe(true);
      expect(all).toMatch(/ksqlDB refused `SHOW STREAMS;`/);
    },
  },
  { args: ['--json', 'ksql', '-e', 'SHOW STREAMS;'], reached: (all) => expect(all).toMatch(/"errorCode": 40001/) },
  {
    args: ['doctor'],
    // With Home Assistant and an MQTT broker that refuses (doctor once waited on its reconnects for
    // good), and a ksqlDB URL with user info, which doctor sends as the Basic header.
    reached: (_all, reqs) => {
      expect(reqs.some((r) => r.startsWith('GET /subjects') && r.includes('"authorization":"Basic '))).toBe(true);
      expect(reqs.some((r) => r.startsWith('GET /info') && r.includes('"authorization":"Basic '))).toBe(true);
    },
  },
  { args: ['config'], reached: (all) => expect(all).toMatch(/homeAssistant\.token/) },
];

describe('no secret in any output, long or short, whole or in part, even when a server echoes it', () => {
  for (const set of SETS) {
    for (const c of LEAK_CASES) {
      it(`${set.name} secrets: stream-smarts ${c.args.join(' ')}`, async () => {
        const before = seen.length;
        const r = await cli(c.args, { ...secretEnv(set), ...c.env }, { timeout: 50_000 });
        const all = `${r.stdout}\n${r.stderr}`;
        c.reached(all, seen.slice(before));
        for (const [what, s] of forbidden(set)) expect(all.includes(s), `${what} (${s.slice(0, 4)}…) leaked`).toBe(false);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Every command's edges: one table.
// ---------------------------------------------------------------------------------------------

const put = (name: string, data: string): string => {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
};
const T0 = Date.parse('2026-07-15T00:00:00+10:00');
function history(minutes: number): string {
  const lines = ['timestamp,wh'];
  for (let i = 1; i <= minutes; i++) lines.push(`${new Date(T0 + i * 60_000 + 10 * 3_600_000).toISOString().slice(0, 19)}+10:00,3`);
  return `${lines.join('\n')}\n`;
}
/** A fresh directory per case, to run in and to look into afterwards. */
const caseDir = (name: string) => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const SECRET = token(24, 99);
const isRoot = process.getuid?.() === 0;

interface Case {
  name: string;
  /** CLI arguments, or a bash command line (BIN as $BIN) for pipes and redirections. */
  args?: () => string[];
  shell?: () => string;
  cwd?: () => string;
  env?: Record<string, string>;
  code: number;
  stderr?: RegExp[];
  /** stderr must be exactly this many lines (0: nothing at all). */
  stderrLines?: number;
  check?: (r: { stdout: string; stderr: string }) => void;
}

const CASES: Case[] = [
  {
    name: 'silence add --for 99999999d: refused naming --for and the bound, nothing saved, silence list still works',
    cwd: () => caseDir('silence-long'),
    args: () => ['silence', 'add', '--for', '99999999d', '--kind', 'high', '--comment', 'forever', '--store', 'local'],
    code: 2,
    stderr: [/^stream-smarts silence add: --for "99999999d": at most 365d \(a year\).* — use a year/],
    stderrLines: 1,
    check: () => expect(existsSync(join(dir, 'silence-long', '.stream-smarts', 'notifier', 'silences.json'))).toBe(false),
  },
  {
    name: 'silence add --until decades away: refused naming --until, nothing saved',
    cwd: () => caseDir('silence-until'),
    args: () => ['silence', 'add', '--until', '2099-01-01T00:00Z', '--kind', 'high', '--comment', 'forever', '--store', 'local'],
    code: 2,
    stderr: [/^stream-smarts silence add: --until "2099-01-01T00:00Z": \d+ days after the start; a silence lasts at most 365 days \(a year\) — pick an earlier end/],
    check: () => expect(existsSync(join(dir, 'silence-until', '.stream-smarts', 'notifier', 'silences.json'))).toBe(false),
  },
  {
    name: 'silence add --for 365d is the longest allowed: saved, and listed',
    cwd: () => caseDir('silence-year'),
    shell: () => 'node "$BIN" silence add --for 365d --kind high --comment year --store local >/dev/null && node "$BIN" silence list --store local',
    code: 0,
    check: (r) => expect(r.stdout).toMatch(/active +kind=high .* year/),
  },
  {
    name: 'simulate --out x --truth x: refused before anything is written, naming both flags; the old file is whole',
    cwd: () => caseDir('sim-same'),
    args: () => {
      writeFileSync(join(dir, 'sim-same', 'same.csv'), 'timestamp,wh\nprevious\n');
      return ['simulate', '--days', '1', '--out', 'same.csv', '--truth', 'same.csv'];
    },
    code: 2,
    stderr: [/^stream-smarts simulate: --out "same\.csv" and --truth "same\.csv" are the same file: .* — give each its own file$/m],
    stderrLines: 1,
    check: () => {
      expect(readFileSync(join(dir, 'sim-same', 'same.csv'), 'utf8')).toBe('timestamp,wh\nprevious\n');
      expect(readdirSync(join(dir, 'sim-same'))).toEqual(['same.csv']);
    },
  },
  {
    name: 'simulate --truth through a symlink to --out: the same file, refused',
    cwd: () => caseDir('sim-link'),
    args: () => {
      writeFileSync(join(dir, 'sim-link', 'h.csv'), 'keep\n');
      if (!existsSync(join(dir, 'sim-link', 'alias.json'))) symlinkSync('h.csv', join(dir, 'sim-link', 'alias.json'));
      return ['simulate', '--days', '1', '--out', 'h.csv', '--truth', 'alias.json'];
    },
    code: 2,
    stderr: [/--out "h\.csv" and --truth "alias\.json" are the same file/],
    check: () => expect(readFileSync(join(dir, 'sim-link', 'h.csv'), 'utf8')).toBe('keep\n'),
  },
  {
    name: 'run --alerts-out the replayed history itself: refused, the history untouched',
    args: () => ['run', '--source', 'replay', '--replay', put('self.csv', history(120)), '--alerts-out', join(dir, 'self.csv')],
    code: 2,
    stderr: [/^stream-smarts run: --replay ".*self\.csv" and --alerts-out ".*self\.csv" are the same file/],
    check: () => expect(readFileSync(join(dir, 'self.csv'), 'utf8')).toBe(history(120)),
  },
  {
    name: 'run --alerts-out a directory: named with EISDIR before the replay starts (no reading printed)',
    args: () => ['run', '--source', 'replay', '--replay', put('ok.csv', history(120)), '--alerts-out', caseDir('alerts-dir'), '--json'],
    code: 1,
    stderr: [/^stream-smarts run: --alerts-out ".*alerts-dir": cannot write there: it is a directory \(EISDIR\); nothing was run — give --alerts-out a file you can write$/m],
    stderrLines: 1,
    check: (r) => expect(r.stdout).toBe(''),
  },
  {
    name: 'run --alerts-out in a directory that does not exist: named with the fix, before the replay',
    args: () => ['run', '--source', 'replay', '--replay', put('ok.csv', history(120)), '--alerts-out', join(dir, 'no', 'such', 'alerts.jsonl')],
    code: 1,
    stderr: [/--alerts-out ".*no\/such\/alerts\.jsonl": cannot write there: its directory does not exist \(ENOENT\); nothing was run — create .*no\/such first/],
    check: (r) => {
      expect(r.stdout).toBe('');
      expect(existsSync(join(dir, 'no'))).toBe(false);
    },
  },
  {
    // Root may write into a mode-555 directory, so as root the directory is sysfs, where the kernel
    // refuses a new file to everyone with EACCES.
    name: 'run --alerts-out under a directory that refuses new files: EACCES before the replay',
    args: () => {
      let d = '/sys';
      if (!isRoot) {
        d = caseDir('ro');
        chmodSync(d, 0o555);
      }
      return ['run', '--source', 'replay', '--replay', put('ok.csv', history(120)), '--alerts-out', join(d, 'alerts.jsonl')];
    },
    code: 1,
    stderr: [/--alerts-out ".*\/alerts\.jsonl": cannot write there: permission denied \(EACCES\)/],
  },
  {
    name: 'train --models-dir where no directory can be made: named before the history is read or an H2O started',
    args: () => {
      let d = '/sys';
      if (!isRoot) {
        d = caseDir('ro-models');
        chmodSync(d, 0o555);
      }
      return ['train', '--history', put('ok.csv', history(120)), '--models-dir', join(d, 'models')];
    },
    code: 1,
    // sysfs refuses root's mkdir with EPERM; a mode-555 directory refuses anyone else's with EACCES.
    stderr: [/--models-dir ".*\/models": cannot write there \(in \S+, where it would be created\): permission denied \((EPERM|EACCES)\); nothing was run/],
    check: (r) => expect(r.stderr).not.toMatch(/H2O|readings from/),
  },
  {
    name: 'train --out naming a file: "a file, not a directory", before any work',
    args: () => ['train', '--history', put('ok.csv', history(120)), '--out', put('not-a-dir', 'x')],
    code: 1,
    stderr: [/--out ".*not-a-dir" is a file, not a directory; nothing was run — give --out a directory \(it is created if missing\)/],
    check: (r) => expect(r.stderr).not.toMatch(/H2O|readings from/),
  },
  {
    name: 'plot --out naming a file: "a file, not a directory" (it was a bare EEXIST from mkdir)',
    args: () => ['plot', 'range', '--history', put('ok.csv', history(120)), '--out', put('figure-file', 'x')],
    code: 1,
    stderr: [/^stream-smarts plot: --out ".*figure-file" is a file, not a directory/],
  },
  {
    name: 'simulate --out in a missing directory: named before a day is simulated',
    args: () => ['simulate', '--days', '30', '--out', join(dir, 'missing-dir', 'h.csv')],
    code: 1,
    stderr: [/^stream-smarts simulate: --out ".*missing-dir\/h\.csv": cannot write there: its directory does not exist \(ENOENT\)/],
    stderrLines: 1,
  },
  {
    name: '--help into a pipe already closed (EPIPE): quiet, exit 0',
    shell: () => 'node "$BIN" --help | true; exit ${PIPESTATUS[0]}',
    code: 0,
    stderrLines: 0,
  },
  {
    name: 'simulate into a pipe closed after one line (… | head -1): quiet, exit 0',
    shell: () => 'node "$BIN" simulate --days 30 | head -1; exit ${PIPESTATUS[0]}',
    code: 0,
    stderrLines: 0,
    check: (r) => expect(r.stdout.trim()).toBe('timestamp,wh'),
  },
  {
    name: 'run --json into a closed pipe: quiet, exit 0',
    shell: () => 'node "$BIN" run --speed max --json | true; exit ${PIPESTATUS[0]}',
    code: 0,
    stderrLines: 0,
  },
  {
    name: '--help > /dev/full (ENOSPC): one line naming standard output and the cause, exit 1',
    shell: () => 'node "$BIN" --help > /dev/full',
    code: 1,
    stderr: [/^stream-smarts: cannot write to standard output: no space left on the device \(ENOSPC\) — fix: /],
    stderrLines: 1,
  },
  {
    name: 'simulate > /dev/full: one line naming the command, exit 1',
    shell: () => 'node "$BIN" simulate --days 2 > /dev/full',
    code: 1,
    stderr: [/^stream-smarts simulate: cannot write to standard output: no space left on the device \(ENOSPC\)/],
    stderrLines: 1,
  },
  {
    name: 'a typo in a .env key: warned about with its line and the nearest name, its value not shown',
    args: () => ['--env-file', put('typo.env', `STREAM_SMARTS_LOG_LEVEL=warn\nPUSHBULET_ACCESS_TOKEN=${SECRET}\n`), 'config'],
    code: 0,
    stderr: [/typo\.env:2: PUSHBULET_ACCESS_TOKEN is not a stream-smarts setting and is ignored — did you mean PUSHBULLET_ACCESS_TOKEN\?/],
    check: (r) => expect(r.stdout).toMatch(/pushbullet\.token +\(not set\)/),
  },
  {
    name: 'an unknown STREAM_SMARTS_* variable: warned about with the nearest name',
    args: () => ['config'],
    env: { STREAM_SMARTS_TIME_ZONE: 'Europe/Berlin' },
    code: 0,
    stderr: [/environment variable STREAM_SMARTS_TIME_ZONE is not a stream-smarts setting and is ignored — did you mean STREAM_SMARTS_TIMEZONE\?/],
  },
  {
    name: 'a name far from any setting: warned about, pointing at the list of names',
    args: () => ['--env-file', put('far.env', 'STREAM_SMARTS_LOG_LEVEL=warn\nWHATEVER_THIS_IS=1\n'), 'config'],
    code: 0,
    stderr: [/far\.env:2: WHATEVER_THIS_IS is not a stream-smarts setting and is ignored — see `stream-smarts config --settings`/],
  },
  {
    name: 'STREAM_SMARTS_ENV_FILE names the settings file (for npx on Node 20, whose own node takes --env-file)',
    args: () => ['config'],
    env: { STREAM_SMARTS_ENV_FILE: put('via-var.env', 'STREAM_SMARTS_LOG_LEVEL=warn\n') },
    code: 0,
    check: (r) => expect(r.stdout).toMatch(/logLevel +warn +STREAM_SMARTS_LOG_LEVEL in \S*via-var\.env/),
  },
  {
    name: 'STREAM_SMARTS_ENV_FILE naming a missing file: exit 2, naming the variable',
    args: () => ['config'],
    env: { STREAM_SMARTS_ENV_FILE: '/nowhere/settings.env' },
    code: 2,
    stderr: [/env file \/nowhere\/settings\.env does not exist \(given with STREAM_SMARTS_ENV_FILE\); create it or drop the variable/],
  },
  {
    name: '--env-file /dev/zero: refused at once (it was read whole: 4 GB), not a regular file',
    // Through the command's shebang (`node --`): `node BIN --env-file /dev/zero` is Node 20's own --env-file, which reads it whole.
    shell: () => '"$BIN" --env-file /dev/zero config',
    code: 2,
    stderr: [/env file \/dev\/zero is not a regular file \(given with --env-file\); give a file of NAME=value lines/],
  },
  {
    name: 'npx -- stream-smarts --env-file: after npx\'s `--` the flag reaches the CLI (without it Node 20 running npx takes it)',
    shell: () => `cd "$(dirname "$BIN")/../.." && npx --no -- stream-smarts --env-file ${put('npx.env', 'STREAM_SMARTS_LOG_LEVEL=warn\n')} config`,
    code: 0,
    check: (r) => expect(r.stdout).toMatch(/logLevel +warn +STREAM_SMARTS_LOG_LEVEL in \S*npx\.env/),
  },
  {
    name: "names that are read (a secret's _FILE, compose's own, the CLI's cache and jar, the test harness's): no warning",
    args: () => ['--env-file', put('fine.env', `COMPOSE_PROJECT_NAME=ss\nSTREAM_SMARTS_UID=1000\nCP_VERSION=8.1.0\nPUSHBULLET_ACCESS_TOKEN_FILE=${put('pb.secret', SECRET)}\n`), 'config'],
    env: { STREAM_SMARTS_UDF_JAR: '/nowhere.jar', STREAM_SMARTS_CACHE_DIR: dir, STREAM_SMARTS_HA_VENV: dir, STREAM_SMARTS_TEST_KILL_AT: 'x' },
    code: 0,
    stderrLines: 0,
  },
];

describe('every command\'s edges, table-driven: the message, the exit code, no stack, nothing half-written, no secret', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const cwd = c.cwd?.() ?? dir;
      const args = c.args?.();
      // A secret in force in every case (a Pushbullet token; its URL a closed port), unless the case's .env sets that name.
      const env = { ...c.env, PUSHBULLET_ACCESS_TOKEN: args?.[0] === '--env-file' ? '' : SECRET, STREAM_SMARTS_PUSHBULLET_URL: 'http://127.0.0.1:9' };
      const r = c.shell
        ? await execa('bash', ['-c', c.shell()], { cwd, env: { ...CLEAN_ENV, ...env, BIN }, extendEnv: false, reject: false, timeout: 60_000 }).then((x) => ({ exitCode: x.exitCode, stdout: String(x.stdout), stderr: String(x.stderr) }))
        : await cli(args!, env, { cwd, timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(c.code);
      for (const re of c.stderr ?? []) expect(r.stderr).toMatch(re);
      if (c.stderrLines !== undefined) expect(r.stderr === '' ? 0 : r.stderr.trimEnd().split('\n').length, r.stderr).toBe(c.stderrLines);
      expect(r.stderr).not.toMatch(STACK);
      expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
      expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET.slice(0, 12));
      c.check?.(r);
    });
  }

  it("every name docker-compose.yml reads from .env, and every STREAM_SMARTS_* the CLI reads, is a known name", () => {
    const compose = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
    const fromCompose = [...compose.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(fromCompose.length).toBeGreaterThan(0);
    const read = new Set<string>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.ts')) for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/env(?:\.|\[')(STREAM_SMARTS_[A-Z0-9_]+)/g)) read.add(m[1]!);
      }
    };
    walk(join(REPO, 'cli', 'src'));
    // The configuration loader reads one name itself (STREAM_SMARTS_ENV_FILE).
    walk(join(REPO, 'contracts', 'src', 'config'));
    expect(read.size).toBeGreaterThan(0);
    const known = new Set(knownNames());
    for (const n of [...fromCompose, ...read]) expect(known.has(n), `${n} is read but would be warned about`).toBe(true);
    // And nothing in the extra list that nothing reads.
    for (const n of OTHER_KNOWN_NAMES) expect([...fromCompose, ...read].includes(n), `${n} is listed but nothing reads it`).toBe(true);
  });
});
