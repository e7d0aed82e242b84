import { H2O_VERSION, startLocalH2O, type LocalH2O } from '../../cli/src/h2o/local-server.js';
import { resolveH2OJar as resolveJar } from '../../cli/src/h2o/jar.js';

/**
 * The test harness's H2O is the product's local H2O (cli/src/h2o/local-server.ts: the jar from
 * the `h2o` package on PyPI, cached once; 127.0.0.1, a free port, a cloud of one, under a
 * watchdog), with one addition: the marker property that lets `make test`
 * (scripts/check-no-leftovers.sh) prove no test server outlived the run.
 */
;

export const TEST_MARKER = '-Dstream-smarts.test-h2o=1';

export type RunningH2O = LocalH2O;

export interface StartOptions {
  readyTimeoutMs?: number;
  /** JVM heap, default 2g; the frames are tiny (one row per day-and-hour cell), so it is mostly headroom. */
  heap?: string;
}

/** <cache>/h2o/<version>/h2o.jar, downloaded and extracted on first use. */
async function resolveH2OJar(): Promise<string> {
  return (await resolveJar()).jar;
}

export async function startH2O(opts: StartOptions = {}): Promise<RunningH2O> {
  return startLocalH2O({
    javaOptions: [`-Xmx${opts.heap ?? '2g'}`, '-Xms256m', TEST_MARKER],
    name: `stream-smarts-test-${process.pid}-${Date.now().toString(36)}`,
    ...(opts.readyTimeoutMs !== undefined ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
  });
}
