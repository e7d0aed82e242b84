import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@stream-smarts/contracts';
import { LocalH2OError } from './errors.js';
import { h2oJarPath, resolveH2OJar } from './jar.js';
import { requireJava } from './java.js';
import { noProgress, type Progress } from './progress.js';
import { H2O_VERSION } from './release.js';
import { freePortPair, startSupervised } from './supervise.js';

/**
 * One H2O node on 127.0.0.1, started from the cached jar (jar.ts) for the length of a job: what
 * `train` runs when no H2O answers at its URL, and what the test harness (testing/h2o/server.ts)
 * and the train bench start. Alone in its cloud (a flatfile naming only itself, so it never joins
 * another H2O on the machine), on a free port, with its logs and ice_root in a temp directory
 * removed on stop, and under a watchdog (supervise.ts), so it never outlives its owner.
 */

export interface LocalH2OOptions {
  /** Extra JVM options (the h2o.javaOptions setting, STREAM_SMARTS_H2O_JAVA_OPTS); an -Xmx here replaces the default heap. */
  javaOptions?: readonly string[];
  /** Cloud name; default stream-smarts-<pid>-<port>. It appears on the java command line, so `pgrep -f` finds the server. */
  name?: string;
  readyTimeoutMs?: number;
  progress?: Progress;
  log?: Logger;
}

export interface LocalH2O {
  version: string;
  url: string;
  name: string;
  /** The watchdog's pid; the JVM is its child. */
  pid: number | undefined;
  /** Time to a healthy cloud, from the call: the JVM's start-up plus any one-time download. */
  startupMs: number;
  /** Of which the one-time download and unpacking of the jar. */
  downloadMs: number;
  stop(): Promise<void>;
}

/**
 * Half the machine's memory, at most 2 GB: the frames are tiny (one row per day-and-hour cell), so
 * the heap is mostly headroom, and a Raspberry Pi with 1 GB must keep room for the collector.
 */
export function defaultHeap(total = totalmem()): string {
  const mb = Math.min(2048, Math.max(256, Math.floor(total / 2 / 1024 / 1024)));
  return `${mb}m`;
}

const running = new Set<LocalH2O>();

/** Stops every local H2O this process started (a signal handler's last act). */
export async function stopAllLocalH2O(): Promise<number> {
  const all = [...running];
  await Promise.all(all.map((h) => h.stop()));
  return all.length;
}

function startupFailure(tail: string, jar: string): LocalH2OError {
  if (/Invalid or corrupt jarfile|Error: Unable to access jarfile|zip END header not found/i.test(tail)) {
    return new LocalH2OError(`the cached H2O jar ${jar} is damaged (java: ${tail.trim().split('\n').pop() ?? ''})`, `delete it (\`rm ${jar}\`) and retry: train downloads it again`);
  }
  if (/Only Java versions .* are supported/.test(tail)) {
    const line = tail.split('\n').find((l) => /Only Java versions/.test(l)) ?? '';
    return new LocalH2OError(`H2O ${H2O_VERSION} refuses this Java: ${line.trim()}`, 'install Java 17 (`sudo apt-get install openjdk-17-jre-headless`) and put it first on PATH');
  }
  return new LocalH2OError(`the local H2O exited during start-up; its output ends: ${tail.trim().split('\n').slice(-3).join(' | ')}`, 'see the whole output with --log-level debug; or set H2O_URL to a running H2O 3.46.0.11');
}

/** Starts the server and resolves once /3/Cloud reports a healthy cloud of one. */
export async function startLocalH2O(opts: LocalH2OOptions = {}): Promise<LocalH2O> {
  const t0 = Date.now();
  const progress = opts.progress ?? noProgress;
  const java = await requireJava(`train starts a local H2O ${H2O_VERSION} with it when no H2O answers at H2O_URL`);
  const { jar, downloaded } = await resolveH2OJar({ progress, ...(opts.log ? { log: opts.log } : {}) });
  const downloadMs = downloaded ? Date.now() - t0 : 0;
  const workDir = mkdtempSync(join(tmpdir(), 'stream-smarts-h2o-'));
  const port = await freePortPair();
  const name = opts.name ?? `stream-smarts-${process.pid}-${port}`;
  const flatfile = join(workDir, 'flatfile.txt');
  writeFileSync(flatfile, `127.0.0.1:${port}\n`);
  const logFile = join(workDir, 'h2o.out');
  const extra = [...(opts.javaOptions ?? [])];
  const args = [
    ...(extra.some((o) => o.startsWith('-Xmx')) ? [] : [`-Xmx${defaultHeap()}`]),
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    // H2O unpacks native libraries (XGBoost) into the temp dir; keep them in ours, removed on stop.
    `-Djava.io.tmpdir=${workDir}`,
    ...extra,
    '-jar',
    jar,
    '-name',
    name,
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
    // H2O 3.46 checks for Java 8–17 (water.JavaVersionSupport); newer JVMs run it with this flag.
    ...(java.major > 17 ? ['-allow_unsupported_java'] : []),
  ];
  if (java.major > 17) opts.log?.warn({ java: java.description }, `H2O ${H2O_VERSION} is made for Java 8–17; starting it on Java ${java.major} with -allow_unsupported_java`);
  const line = progress.line(`starting a local H2O ${H2O_VERSION} on 127.0.0.1:${port}`);
  opts.log?.debug({ args, logFile }, 'starting a local H2O');
  const proc = startSupervised('java', args, logFile);
  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  const server: LocalH2O = {
    version: H2O_VERSION,
    url,
    name,
    pid: proc.child.pid,
    startupMs: 0,
    downloadMs,
    stop() {
      stopped ??= (async () => {
        running.delete(server);
        const t = Date.now();
        await proc.stop();
        rmSync(workDir, { recursive: true, force: true });
        // Debug: train's and retrain's summaries say it was stopped; --verbose shows when.
        opts.log?.debug({ url, ms: Date.now() - t }, `stopped the local H2O at ${url}`);
      })();
      return stopped;
    },
  };
  running.add(server);
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const timeout = opts.readyTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeout;
  let lastError = '';
  try {
    for (;;) {
      if (exited) throw startupFailure(proc.tail(), jar);
      if (Date.now() > deadline) {
        throw new LocalH2OError(
          `the local H2O at ${url} did not report a healthy cloud within ${timeout / 1000} s (${lastError}); its output ends: ${proc.tail(3).trim().split('\n').join(' | ')}`,
          'the machine may be short of memory or CPU: give it a smaller heap with STREAM_SMARTS_H2O_JAVA_OPTS=-Xmx512m, or set H2O_URL to a running H2O',
        );
      }
      try {
        const res = await fetch(`${url}/3/Cloud`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          const body = (await res.json()) as { version: string; cloud_healthy: boolean; consensus: boolean; cloud_size: number };
          if (body.cloud_healthy && body.consensus && body.cloud_size === 1) {
            server.version = body.version;
            server.startupMs = Date.now() - t0;
            line.done();
            opts.log?.info(
              { url, pid: server.pid, cloud: name, startupMs: server.startupMs, downloadMs },
              `started a local H2O ${body.version} at ${url} in ${(server.startupMs / 1000).toFixed(1)} s; it stops when training ends`,
            );
            return server;
          }
          lastError = `cloud not ready: ${JSON.stringify(body).slice(0, 200)}`;
        } else lastError = `HTTP ${res.status}`;
      } catch (e) {
        lastError = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    line.done();
    await server.stop();
    throw e;
  }
}

export {  H2O_VERSION };
