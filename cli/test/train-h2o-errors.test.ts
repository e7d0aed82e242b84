import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJavaVersion } from '../src/h2o/java.js';
import { parsePipSize } from '../src/h2o/jar.js';
import { defaultHeap } from '../src/h2o/local-server.js';
import { freePort } from '../src/h2o/supervise.js';
import { BIN, CLEAN_ENV, CWD, cli } from './run-cli.js';

/**
 * What `train` says when the H2O it needs is unreachable, not an H2O, or cannot be started here:
 * one line naming what, where, and how to fix it, and exit status 1 — through the real CLI.
 */

const work = mkdtempSync(join(tmpdir(), 'train-h2o-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const history = join(work, 'two-weeks.csv');
{
  const t0 = Date.parse('2026-01-05T00:00:00Z');
  const lines = ['timestamp,wh'];
  for (let i = 1; i <= 14 * 24; i++) lines.push(`${new Date(t0 + i * 3_600_000).toISOString()},${100 + (i % 24) * 10}`);
  writeFileSync(history, lines.join('\n') + '\n');
}
// These runs fail before the envelope is computed: any existing file stands in for the UDF jar
// (so none is built into the shared udf-java/target).
const jarStandIn = join(work, 'stand-in.jar');
writeFileSync(jarStandIn, 'not read');

/** A PATH holding only the named tools (symlinks to the real ones), for "X is not installed". */
function pathWith(name: string, tools: string[]): string {
  const dir = join(work, `path-${name}`);
  mkdirSync(dir, { recursive: true });
  for (const t of tools) symlinkSync(execFileSync('bash', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(), join(dir, t));
  return dir;
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

/** The CLI with a PATH of its own: node by its absolute path, since PATH may not have it. */
async function cliWithPath(args: string[], env: Record<string, string>): Promise<{ exitCode: number | undefined; stderr: string }> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: CWD, env: { ...CLEAN_ENV, ...env }, extendEnv: false, reject: false, timeout: 30_000 });
  return { exitCode: r.exitCode, stderr: String(r.stderr ?? '') };
}

describe('train: H2O unreachable, not an H2O, or missing', () => {
  let notH2O: Server;
  let notH2OPort = 0;
  const authSeen: string[] = [];
  beforeAll(async () => {
    // Something else on the port (a web app, say): HTTP 404 for /3/Cloud.
    notH2O = createServer((req, res) => (authSeen.push(req.headers.authorization ?? ''), res).writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    notH2OPort = await freePort();
    await new Promise<void>((r) => notH2O.listen(notH2OPort, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => notH2O.close(() => r())));

  it.each([
    ['--h2o-url', (url: string) => ({ args: ['--h2o-url', url], env: {} }), 'flag --h2o-url', 'drop --h2o-url'],
    ['H2O_URL', (url: string) => ({ args: [], env: { H2O_URL: url } }), 'environment variable H2O_URL', 'unset H2O_URL'],
  ])('a URL given by %s that nothing answers: names it and its source, starts nothing', async (_name, given, source, unset) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const g = given(url);
    const r = await cli([...g.args, '--timezone', 'UTC', 'train', '--history', history, '--out', join(work, 'm')], { ...g.env, STREAM_SMARTS_UDF_JAR: jarStandIn, STREAM_SMARTS_LOG_LEVEL: 'error' });
    expect(r.exitCode).toBe(1);
    expect(oneLine(r.stderr)).toEqual([
      `stream-smarts train: no H2O answers at ${url} (ECONNREFUSED), the H2O URL given by ${source} — fix: start H2O 3.46.0.11 there and retry; or ${unset} and train starts a local H2O 3.46.0.11 itself (needs Java 17)`,
    ]);
  });

  it('a URL in .env: says which file to take it out of', async () => {
    const dir = join(work, 'with-dotenv');
    mkdirSync(dir);
    const port = await freePort();
    writeFileSync(join(dir, '.env'), `H2O_URL=http://127.0.0.1:${port}\n`);
    const r = await cli(['--timezone', 'UTC', 'train', '--history', history, '--out', join(work, 'm')], { STREAM_SMARTS_UDF_JAR: jarStandIn, STREAM_SMARTS_LOG_LEVEL: 'error' }, { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`the H2O URL given by H2O_URL in ${dir}/.env — fix:`);
    expect(r.stderr).toContain(`or remove H2O_URL from ${dir}/.env and train starts a local H2O`);
  });

  it('a URL where something else answers: not an H2O, said so', async () => {
    const url = `http://127.0.0.1:${notH2OPort}`;
    const r = await cli(['--h2o-url', url, '--timezone', 'UTC', 'train', '--history', history], { STREAM_SMARTS_UDF_JAR: jarStandIn, STREAM_SMARTS_LOG_LEVEL: 'error' });
    expect(r.exitCode).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^stream-smarts train: the server at ${url} is not an H2O \\(H2O at ${url} rejected GET /3/Cloud \\(HTTP 404\\)`));
  });

  it('a password in the H2O URL is never shown', async () => {
    const port = await freePort();
    const r = await cli(['--h2o-url', `http://trainer:s3cret-pw@127.0.0.1:${port}`, '--timezone', 'UTC', 'train', '--history', history], { STREAM_SMARTS_UDF_JAR: jarStandIn, STREAM_SMARTS_LOG_LEVEL: 'error' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`trainer:REDACTED@127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('s3cret-pw');
    // … and the credentials reach the server as HTTP basic auth (H2O's -hash_login), not in the URL.
    authSeen.length = 0;
    const r2 = await cli(['--h2o-url', `http://trainer:s3cret-pw@127.0.0.1:${notH2OPort}`, '--timezone', 'UTC', 'train', '--history', history], { STREAM_SMARTS_UDF_JAR: jarStandIn, STREAM_SMARTS_LOG_LEVEL: 'error' });
    expect(r2.exitCode).toBe(1);
    expect(authSeen).toEqual([`Basic ${Buffer.from('trainer:s3cret-pw').toString('base64')}`]);
    expect(r2.stderr).not.toContain('s3cret-pw');
  });

  it('JVM options that are not options: the setting, its value and source, exit 2', async () => {
    const r = await cli(['--timezone', 'UTC', 'train', '--history', history], { STREAM_SMARTS_H2O_JAVA_OPTS: 'Xmx1g' });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      'stream-smarts: invalid configuration: h2o.javaOptions = "Xmx1g" from environment variable STREAM_SMARTS_H2O_JAVA_OPTS: expected JVM options starting with -, e.g. -Xmx1g',
    ]);
  });

  it('Java missing: names it and how to install it, before reading anything', async () => {
    const empty = join(work, 'no-tools');
    mkdirSync(empty);
    const r = await cliWithPath(['--timezone', 'UTC', 'train', '--history', history], { PATH: empty, STREAM_SMARTS_UDF_JAR: jarStandIn });
    expect(r.exitCode).toBe(1);
    expect(oneLine(r.stderr)).toEqual([
      'stream-smarts train: Java is not installed (no `java` on PATH); train reads the MOJO with the UDF jar, and runs a local H2O when none answers at H2O_URL — fix: install Java 17, e.g. `sudo apt-get install openjdk-17-jre-headless` (Debian, Ubuntu, Raspberry Pi OS), `brew install openjdk@17` (macOS), or from https://adoptium.net',
    ]);
  });

  it('Java too old: says which and what is needed', async () => {
    const dir = join(work, 'old-java');
    mkdirSync(dir);
    // What a Java 8 runtime prints for -version (on stderr).
    writeFileSync(join(dir, 'java'), '#!/bin/sh\necho \'java version "1.8.0_292"\' >&2\necho \'Java(TM) SE Runtime Environment (build 1.8.0_292-b10)\' >&2\n');
    chmodSync(join(dir, 'java'), 0o755);
    const r = await cliWithPath(['--timezone', 'UTC', 'train', '--history', history], { PATH: dir, STREAM_SMARTS_UDF_JAR: jarStandIn });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^stream-smarts train: Java 8 is too old \(java version "1\.8\.0_292"\); .* needs Java 17 or later — fix: install Java 17, e\.g\. `sudo apt-get install openjdk-17-jre-headless`/);
  });

  it('no H2O anywhere and no pip for the one-time download: says what to install', async () => {
    const cache = join(work, 'empty-cache');
    const r = await cliWithPath(['--timezone', 'UTC', 'train', '--history', history], {
      PATH: pathWith('java-only', ['java']),
      STREAM_SMARTS_UDF_JAR: jarStandIn,
      STREAM_SMARTS_CACHE_DIR: cache,
      STREAM_SMARTS_LOG_LEVEL: 'error',
    });
    expect(r.exitCode).toBe(1);
    expect(oneLine(r.stderr)).toEqual([
      'stream-smarts train: python3 is not installed; train downloads H2O 3.46.0.11 (its h2o.jar, ~270 MB, once) from PyPI with pip — fix: install python3 with pip (`sudo apt-get install python3-pip`), or set H2O_URL to a running H2O 3.46.0.11',
    ]);
  });
});

/**
 * The first run on a machine downloads H2O once, with a progress line. The index is a double of
 * PyPI's simple repository API (PEP 503, python/peps pep-0503.txt): /simple/<normalized name>/ is
 * an HTML page of anchors, one per file, whose href may carry `#sha256=<hex>`, which pip checks;
 * anything else is 404. The wheel is tiny and its h2o.jar is not a jar, so the start-up after the
 * download must fail with the cached jar named — also a case of its own: a damaged cache.
 */
describe('the one-time H2O download', () => {
  let index: Server;
  let indexUrl = '';
  let requests: string[] = [];
  const cache = join(work, 'download-cache');
  const wheelName = 'h2o-3.46.0.11-py2.py3-none-any.whl';
  let wheel: Buffer;

  beforeAll(async () => {
    // A valid wheel (METADATA, WHEEL, RECORD) carrying h2o/backend/bin/h2o.jar, made with Python's zipfile.
    const out = join(work, wheelName);
    execFileSync('python3', [
      '-c',
      `
import base64, hashlib, os, sys, zipfile
files = {'h2o/backend/bin/h2o.jar': os.urandom(3_000_000), 'h2o/__init__.py': b'',
  'h2o-3.46.0.11.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: h2o\\nVersion: 3.46.0.11\\n',
  'h2o-3.46.0.11.dist-info/WHEEL': b'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py2-none-any\\nTag: py3-none-any\\n'}
rec = []
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for k, v in files.items():
        z.writestr(k, v)
        rec.append('%s,sha256=%s,%d' % (k, base64.urlsafe_b64encode(hashlib.sha256(v).digest()).rstrip(b'=').decode(), len(v)))
    rec.append('h2o-3.46.0.11.dist-info/RECORD,,')
    z.writestr('h2o-3.46.0.11.dist-info/RECORD', '\\n'.join(rec) + '\\n')
`,
      out,
    ]);
    wheel = readFileSync(out);
    const sha = createHash('sha256').update(wheel).digest('hex');
    index = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/simple/h2o/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><html><body><a href="/files/${wheelName}#sha256=${sha}">${wheelName}</a></body></html>`);
        return;
      }
      if (req.url === `/files/${wheelName}`) {
        // ~2 s for 3 MB, so the progress line has something to show.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(wheel.length) });
        let at = 0;
        const next = () => {
          if (at >= wheel.length) return void res.end();
          res.write(wheel.subarray(at, at + 150_000));
          at += 150_000;
          setTimeout(next, 100);
        };
        next();
        return;
      }
      res.writeHead(404).end('Not Found');
    });
    const port = await freePort();
    await new Promise<void>((r) => index.listen(port, '127.0.0.1', r));
    indexUrl = `http://127.0.0.1:${port}/simple/`;
  });
  afterAll(() => new Promise<void>((r) => index.close(() => r())));

  const env = () => ({
    ...CLEAN_ENV,
    STREAM_SMARTS_CACHE_DIR: cache,
    STREAM_SMARTS_UDF_JAR: jarStandIn,
    PIP_INDEX_URL: indexUrl,
    // Only this index: no pip.conf, no machine-wide find-links.
    PIP_CONFIG_FILE: '/dev/null',
    PIP_FIND_LINKS: join(work, 'no-links'),
    PIP_NO_INPUT: '1',
    TERM: 'xterm',
  });

  it('shows a progress line on a terminal, keeps only the jar, and names a damaged jar with the fix', async () => {
    mkdirSync(join(work, 'no-links'), { recursive: true });
    // `script` gives the CLI a terminal, as a user has; -e returns the CLI's exit status.
    const cmd = [process.execPath, BIN, '--timezone', 'UTC', 'train', '--history', history].map((a) => `'${a}'`).join(' ');
    const r = await execa('script', ['-qec', cmd, '/dev/null'], { env: env(), extendEnv: false, reject: false, timeout: 120_000, cwd: work });
    const screen = String(r.stdout).replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
    expect(r.exitCode, screen.slice(-2000)).toBe(1);
    expect(requests).toEqual(['/simple/h2o/', `/files/${wheelName}`]);
    // The line: title, bar, percentage, megabytes of the total pip announced.
    expect(screen).toMatch(/downloading H2O 3\.46\.0\.11 \(once\) \|[█░]+\| \d+% [\d.]+\/3 MB/);
    expect(screen).toMatch(/starting a local H2O 3\.46\.0\.11 on 127\.0\.0\.1:\d+ … \ds/);
    const jar = join(cache, 'h2o', '3.46.0.11', 'h2o.jar');
    expect(screen).toContain(`stream-smarts train: the cached H2O jar ${jar} is damaged`);
    expect(screen).toContain(`— fix: delete it (\`rm ${jar}\`) and retry: train downloads it again`);
    // Only the jar is kept: not the wheel, not pip's temp files.
    expect(existsSync(jar)).toBe(true);
    expect(readdirSync(join(cache, 'h2o', 'pip'))).toEqual([]);
    expect(readdirSync(join(cache, 'h2o', '3.46.0.11'))).toEqual(['h2o.jar']);
  }, 150_000);

  it('downloads once: the next run uses the cached jar', async () => {
    requests = [];
    const r = await execa(process.execPath, [BIN, '--timezone', 'UTC', 'train', '--history', history], { env: env(), extendEnv: false, reject: false, timeout: 120_000, cwd: work });
    expect(r.exitCode).toBe(1);
    expect(requests).toEqual([]);
    expect(String(r.stderr)).not.toContain('downloading H2O');
    expect(String(r.stderr)).toContain('is damaged');
  }, 150_000);
});

describe('the parts', () => {
  it('reads Java versions old and new', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')?.major).toBe(17);
    expect(parseJavaVersion('java version "1.8.0_292"')?.major).toBe(8);
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')?.major).toBe(21);
    expect(parseJavaVersion('no java here')).toBeUndefined();
  });

  it("reads pip's download size", () => {
    expect(parsePipSize('  Downloading https://files.pythonhosted.org/packages/x/h2o-3.46.0.11.tar.gz (265.8 MB)')).toBe(265.8);
    expect(parsePipSize('  Downloading http://127.0.0.1:1/files/h2o.whl (900 kB)')).toBeCloseTo(0.9);
    expect(parsePipSize('Collecting h2o==3.46.0.11')).toBeUndefined();
  });

  it('gives the local H2O half the memory, at most 2 GB, at least 256 MB', () => {
    expect(defaultHeap(16 * 1024 ** 3)).toBe('2048m');
    expect(defaultHeap(1024 ** 3)).toBe('512m');
    expect(defaultHeap(256 * 1024 ** 2)).toBe('256m');
  });
});
