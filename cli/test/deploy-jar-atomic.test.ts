import { createHash } from 'node:crypto';
import * as realFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@stream-smarts/contracts';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';

/**
 * The jar `deploy` ships and `deploy --rollback` restores, watched between every file-system call
 * (as deploy-model-only-atomic.test.ts watches the model copy): copyFileSync is wrapped to write
 * half the bytes, let the test look, then finish — what a reader sees in the middle of a copy —
 * and after every call the test reads the extension directory as ksqlDB would load it at that
 * instant. ksqlDB loads every path ending ".jar" in ksql.extension.dir (confluentinc/ksql 8.4.x
 * ksqldb-engine .../function/UserFunctionLoader.java), so under that name only a whole jar, old or
 * new, may ever be seen, and it must be fsynced before it is renamed there.
 */

type Snapshot = { after: string; files: Record<string, string> };
const log: Snapshot[] = [];
const events: string[] = [];
const fdPaths = new Map<number, string>();
let watchDir = '';
let failRename = false;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
function snapshot(after: string): void {
  if (!watchDir || !realFs.existsSync(watchDir)) return;
  const files: Record<string, string> = {};
  for (const f of realFs.readdirSync(watchDir)) if (f.endsWith('.jar')) files[f] = sha(realFs.readFileSync(join(watchDir, f)));
  log.push({ after, files });
}
const short = (p: string) => p.split('/').pop()!;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    copyFileSync: (src: string, dest: string) => {
      const bytes = fs.readFileSync(src);
      fs.writeFileSync(dest, bytes.subarray(0, Math.floor(bytes.length / 2)));
      snapshot(`half of copy to ${short(dest)}`);
      fs.copyFileSync(src, dest);
      events.push(`copy ${short(dest)}`);
      snapshot(`copy to ${short(dest)}`);
    },
    openSync: (path: string, flags: string = 'r') => {
      const fd = fs.openSync(path, flags);
      fdPaths.set(fd, short(path));
      return fd;
    },
    fsyncSync: (fd: number) => {
      fs.fsyncSync(fd);
      events.push(`fsync ${fdPaths.get(fd) ?? '?'}`);
    },
    renameSync: (from: string, to: string) => {
      if (failRename) throw Object.assign(new Error(`ENOSPC: no space left on device, rename '${from}' -> '${to}'`), { code: 'ENOSPC' });
      fs.renameSync(from, to);
      events.push(`rename ${short(from)} -> ${short(to)}`);
      snapshot(`rename to ${short(to)}`);
    },
  };
});

const { rollbackSteps, shipSteps } = await import('../src/deploy/steps.js');

const ctx = { log: createLogger({ level: 'silent', name: 'test' }), healthTimeoutMs: 5000, output: 'pipe' as const };
const OLD = Buffer.from('PK old jar '.repeat(5000));
const NEW = Buffer.from('PK new jar, longer '.repeat(7000));
const JAR = 'stream-smarts-udf.jar';

let built = '';
beforeEach(() => {
  log.length = 0;
  events.length = 0;
  failRename = false;
  watchDir = realFs.mkdtempSync(join(tmpdir(), 'jar-atomic-'));
  built = join(realFs.mkdtempSync(join(tmpdir(), 'built-')), JAR);
  realFs.writeFileSync(built, NEW);
  realFs.writeFileSync(join(watchDir, JAR), OLD);
  log.length = 0;
});

const target = (extDir: string, url = 'http://127.0.0.1:1', restart = ['true']) => ({ name: 't', url, extDir, restart });

describe('deploy ships the jar atomically: ksqlDB never sees it half-written', () => {
  it('copies to a hidden temporary name, fsyncs it, renames it over the jar; every state under *.jar is the whole old or the whole new jar', async () => {
    const [step] = shipSteps(target(watchDir), built, ctx);
    await step!.run();
    const seen = new Set([sha(OLD), sha(NEW)]);
    expect(log.length).toBeGreaterThan(4);
    for (const s of log) {
      expect(Object.keys(s.files), s.after).toEqual([JAR]);
      expect(seen.has(s.files[JAR]!), `${s.after}: ${JAR} is neither the whole old nor the whole new jar`).toBe(true);
    }
    // The new bytes are fsynced under the temporary name before that name becomes the jar.
    const toJar = events.findIndex((e) => new RegExp(`^rename \\.${JAR.replace(/\./g, '\\.')}\\.tmp-\\S+ -> ${JAR.replace(/\./g, '\\.')}$`).test(e));
    expect(toJar, events.join('\n')).toBeGreaterThan(0);
    const tmp = events[toJar]!.split(' ')[1]!;
    expect(tmp.endsWith('.jar')).toBe(false);
    expect(events.indexOf(`copy ${tmp}`)).toBeGreaterThanOrEqual(0);
    expect(events.indexOf(`fsync ${tmp}`)).toBeGreaterThan(events.indexOf(`copy ${tmp}`));
    expect(events.indexOf(`fsync ${tmp}`)).toBeLessThan(toJar);
    // Done: the new jar, the old one kept as .previous, no temporary file.
    expect(realFs.readdirSync(watchDir).sort()).toEqual([JAR, `${JAR}.previous`]);
    expect(realFs.readFileSync(join(watchDir, JAR))).toEqual(NEW);
    expect(realFs.readFileSync(join(watchDir, `${JAR}.previous`))).toEqual(OLD);
  });

  it('a copy that fails leaves the old jar in place and no temporary file', async () => {
    failRename = true;
    const [step] = shipSteps(target(watchDir), built, ctx);
    await expect(step!.run()).rejects.toThrow(/ENOSPC/);
    expect(realFs.readdirSync(watchDir)).toEqual([JAR]);
    expect(realFs.readFileSync(join(watchDir, JAR))).toEqual(OLD);
  });

  it('a remote target gets the jar under a temporary name, then sync and mv on the host', () => {
    const steps = shipSteps(target('deploy@ksql-1:/etc/ksqldb/ext'), built, ctx);
    expect(steps.map((s) => s.detail)).toEqual([
      "ssh deploy@ksql-1 'test ! -f /etc/ksqldb/ext/stream-smarts-udf.jar || cp -p /etc/ksqldb/ext/stream-smarts-udf.jar /etc/ksqldb/ext/stream-smarts-udf.jar.previous'",
      `scp -q ${built} deploy@ksql-1:/etc/ksqldb/ext/.stream-smarts-udf.jar.tmp-stream-smarts-${process.pid}`,
      expect.stringMatching(new RegExp(`^ssh deploy@ksql-1 'sync /etc/ksqldb/ext/\\.stream-smarts-udf\\.jar\\.tmp-stream-smarts-${process.pid} && mv -f /etc/ksqldb/ext/\\.stream-smarts-udf\\.jar\\.tmp-stream-smarts-${process.pid} /etc/ksqldb/ext/stream-smarts-udf\\.jar \\|\\|`)),
    ]);
  });
});

describe('deploy --rollback', () => {
  let ksql: KsqlDbDouble;
  let restarted = false;
  let failed = new Set<string>();
  beforeAll(async () => {
    ksql = await startKsqlDbDouble({
      functions: () => [{ name: 'ANOMOLY_POWER', version: '0.1.0+model.0123456789ab' }],
      // After the restart with the restored jar, the queries named in `failed` come up in ERROR.
      queryState: (id) => (restarted && failed.has(id) ? 'ERROR' : 'RUNNING'),
    });
  });
  afterAll(() => ksql.close());
  beforeEach(() => {
    restarted = false;
    failed = new Set();
    ksql.sources.clear();
    for (const [name, queryId] of [['RAW_POWER_STREAM', undefined], ['POWER_STREAM_SCORED', 'CSAS_POWER_STREAM_SCORED_1'], ['ANOMOLY_POWER', 'CSAS_ANOMOLY_POWER_3'], ['SUSTAINED_ANOMALIES', 'CTAS_SUSTAINED_ANOMALIES_5']] as const) {
      ksql.sources.set(name, { kind: name === 'SUSTAINED_ANOMALIES' ? 'TABLE' : 'STREAM', name, topic: name.toLowerCase(), keyFormat: 'KAFKA', valueFormat: 'AVRO', windowed: false, columns: [], ...(queryId ? { queryId } : {}) });
    }
    realFs.writeFileSync(join(watchDir, `${JAR}.previous`), NEW);
    log.length = 0;
    events.length = 0;
  });

  /** Runs the rollback's steps as `deploy` does; the restart step flips the double to "restarted". */
  async function rollback(onRestart: () => void = () => {}) {
    const results: string[] = [];
    for (const step of rollbackSteps(target(watchDir, ksql.url), ctx)) {
      results.push((await step.run()) ?? 'done');
      if (step.title.startsWith('restart ')) {
        restarted = true;
        onRestart();
      }
    }
    return results;
  }

  it('restores the previous jar through a temporary name (never half-written), restarts, and checks every query RUNNING', async () => {
    const results = await rollback();
    for (const s of log) expect([sha(OLD), sha(NEW)], s.after).toContain(s.files[JAR]);
    expect(events.filter((e) => e.startsWith('rename '))).toEqual([expect.stringMatching(new RegExp(`^rename \\.${JAR.replace(/\./g, '\\.')}\\.tmp-\\S+ -> ${JAR.replace(/\./g, '\\.')}$`))]);
    expect(realFs.readFileSync(join(watchDir, JAR))).toEqual(NEW);
    expect(results.at(-1)).toBe('3 persistent queries RUNNING');
  });

  // SHOW QUERIES as ksqlDB 8.4.x answers it (RunningQuery, QueryStatusCount): statusCount {"ERROR": 1}, state "ERROR".
  it('names every persistent query that is not RUNNING after the restart, and says how to fix it', async () => {
    failed = new Set(['CSAS_POWER_STREAM_SCORED_1', 'CTAS_SUSTAINED_ANOMALIES_5']);
    await expect(rollback()).rejects.toThrow(
      /^2 persistent queries are not RUNNING on t: CSAS_POWER_STREAM_SCORED_1 \(writing POWER_STREAM_SCORED\): ERROR; CTAS_SUSTAINED_ANOMALIES_5 \(writing SUSTAINED_ANOMALIES\): ERROR; the restored jar may lack a function or overload these queries use: see the server's log, `stream-smarts ksql -e "EXPLAIN CSAS_POWER_STREAM_SCORED_1;"`, and deploy a jar that has it/,
    );
  });

  it('a PAUSED or UNRESPONSIVE query counts as not running, though its aggregate state says RUNNING', async () => {
    failed = new Set(['CSAS_ANOMOLY_POWER_3']);
    const shown: unknown[] = [];
    const ks = await startKsqlDbDouble({ functions: () => [{ name: 'ANOMOLY_POWER', version: 'x' }], queryState: (id) => (restarted && id === 'CSAS_ANOMOLY_POWER_3' ? 'UNRESPONSIVE' : 'RUNNING') });
    try {
      for (const [k, v] of ksql.sources) ks.sources.set(k, v);
      const steps = rollbackSteps(target(watchDir, ks.url), ctx);
      let error: Error | undefined;
      for (const step of steps) {
        try {
          await step.run();
        } catch (e) {
          error = e as Error;
          break;
        }
        if (step.title.startsWith('restart ')) restarted = true;
      }
      const res = await fetch(`${ks.url}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: 'SHOW QUERIES;' }) });
      shown.push(...((await res.json()) as { queries: unknown[] }[])[0]!.queries);
      expect(shown).toContainEqual(expect.objectContaining({ id: 'CSAS_ANOMOLY_POWER_3', statusCount: { UNRESPONSIVE: 1 }, state: 'RUNNING' }));
      expect(error?.message).toMatch(/^1 persistent query is not RUNNING on t: CSAS_ANOMOLY_POWER_3 \(writing ANOMOLY_POWER\): UNRESPONSIVE;/);
    } finally {
      await ks.close();
    }
  });

  it('names a query that was running before and did not come back after the restart', async () => {
    await expect(rollback(() => ksql.sources.delete('ANOMOLY_POWER'))).rejects.toThrow(/^1 persistent query is not RUNNING on t: CSAS_ANOMOLY_POWER_3 \(writing ANOMOLY_POWER\): gone after the restart;/);
  });
});
