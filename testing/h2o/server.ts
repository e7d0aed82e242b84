import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { cacheDir } from '../support/cache-dir.js';
import { freePort, startSupervised } from '../support/process.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The H2O-3 release that trains the models, and the one udf-java's h2o-genmodel pins. Not 3.46.0.12:
 * the 3.46.0.12 server refuses MOJO export ("H2O-3 SECURE REQUIRED - MOJO export is blocked", HTTP
 * 412, a gate added for its commercial tier), and the MOJO is the whole point. 3.46.0.11 is the last
 * Apache-2.0 release that exports MOJOs.
 * H2O's server jars stop at 3.46.0.10 on Maven Central, so the runnable server is the h2o.jar
 * inside the `h2o` package on PyPI: `pip download` fetches it (~270 MB, once) and we keep the jar.
 */
export const H2O_VERSION = '3.46.0.11';

export interface H2OInfo {
  version: string;
  url: string;
  startupMs: number;
}

export interface RunningH2O extends H2OInfo {
  pid: number | undefined;
  stop(): Promise<void>;
}

/** <cache>/h2o/<version>/h2o.jar (see cacheDir), downloaded and extracted on first use. */
export async function resolveH2OJar(version = H2O_VERSION): Promise<string> {
  const dir = cacheDir('h2o', version);
  const jar = join(dir, 'h2o.jar');
  if (existsSync(jar)) return jar;
  const pipDir = cacheDir('h2o', 'pip');
  mkdirSync(pipDir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const find = () => readdirSync(pipDir).find((f) => f.startsWith(`h2o-${version}`) && (f.endsWith('.whl') || f.endsWith('.tar.gz')));
  let archive = find();
  if (!archive) {
    try {
      await run('python3', ['-m', 'pip', 'download', '--no-deps', '-d', pipDir, `h2o==${version}`], { maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(
        `could not download the h2o ${version} package from PyPI to get its h2o.jar (is python3 with pip installed and PyPI reachable?):\n${err.stderr ?? err.message}`,
      );
    }
    archive = find();
    if (!archive) throw new Error(`pip downloaded no h2o-${version} wheel or sdist into ${pipDir}`);
  }
  // The jar is h2o/backend/bin/h2o.jar in the wheel (a zip), h2o-<v>/h2o/backend/bin/h2o.jar in the sdist.
  const tmp = mkdtempSync(join(dir, 'extract-'));
  try {
    if (archive.endsWith('.whl')) {
      await run('unzip', ['-q', join(pipDir, archive), 'h2o/backend/bin/h2o.jar', '-d', tmp]);
      renameSync(join(tmp, 'h2o', 'backend', 'bin', 'h2o.jar'), jar);
    } else {
      await run('tar', ['-xzf', join(pipDir, archive), '-C', tmp, `h2o-${version}/h2o/backend/bin/h2o.jar`]);
      renameSync(join(tmp, `h2o-${version}`, 'h2o', 'backend', 'bin', 'h2o.jar'), jar);
    }
  } catch (e) {
    throw new Error(`could not extract h2o.jar from ${join(pipDir, archive)}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // The package is the jar plus a little Python; keeping both would double 270 MB of cache.
  rmSync(join(pipDir, archive), { force: true });
  return jar;
}

async function freePortPair(): Promise<number> {
  // H2O listens on the REST port and the next one (node-to-node); find two free in a row.
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    if (p >= 65535) continue;
    const ok = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(p + 1, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (ok) return p;
  }
  throw new Error('found no two consecutive free ports for H2O');
}

export interface StartOptions {
  readyTimeoutMs?: number;
  /** JVM heap, default 2g; the frames are tiny (one row per day-and-hour cell), so it is mostly headroom. */
  heap?: string;
}

/**
 * One H2O node on 127.0.0.1, alone in its cloud (a flatfile naming only itself, so it never joins
 * another H2O on the machine), with its logs and ice_root in a temp dir removed on stop.
 * Resolves once /3/Cloud reports a healthy cloud of one.
 */
export async function startH2O(opts: StartOptions = {}): Promise<RunningH2O> {
  const t0 = Date.now();
  const jar = await resolveH2OJar();
  const workDir = mkdtempSync(join(tmpdir(), 'stream-smarts-h2o-'));
  const port = await freePortPair();
  const flatfile = join(workDir, 'flatfile.txt');
  writeFileSync(flatfile, `127.0.0.1:${port}\n`);
  const logFile = join(workDir, 'h2o.out');
  const args = [
    `-Xmx${opts.heap ?? '2g'}`,
    '-Xms256m',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    // H2O unpacks native libraries (XGBoost) into the temp dir; keep them in ours, removed on stop.
    `-Djava.io.tmpdir=${workDir}`,
    // The marker property lets `make test` prove no test server outlives the run.
    '-Dstream-smarts.test-h2o=1',
    '-jar',
    jar,
    '-name',
    `stream-smarts-test-${process.pid}-${port}`,
    '-ip',
    '127.0.0.1',
    '-port',
    String(port),
    '-flatfile',
    flatfile,
    '-nthreads',
    '2',
    '-ice_root',
    join(workDir, 'ice'),
    '-log_dir',
    join(workDir, 'logs'),
    '-log_level',
    'WARN',
    '-disable_flow',
  ];
  const proc = startSupervised('java', args, logFile);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await proc.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const timeout = opts.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    if (exited) {
      const tail = proc.tail();
      await stop();
      throw new Error(`H2O exited during startup; its output ends:\n${tail}`);
    }
    if (Date.now() > deadline) {
      const tail = proc.tail();
      await stop();
      throw new Error(`H2O did not report a healthy cloud within ${timeout / 1000} s (${String(lastError)}); its output ends:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/3/Cloud`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        const body = (await res.json()) as { version: string; cloud_healthy: boolean; consensus: boolean; cloud_size: number };
        if (body.cloud_healthy && body.consensus && body.cloud_size === 1) {
          return { version: body.version, url, startupMs: Date.now() - t0, pid: proc.child.pid, stop };
        }
        lastError = `cloud not ready: ${JSON.stringify(body).slice(0, 200)}`;
      } else lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
