import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadModel, redactUrl } from '@stream-smarts/contracts';
import { KsqlClient, KsqlError } from '../ksql/client.js';
import { readModel } from '../udf/build.js';
import type { Prerequisite } from './prepare.js';
import { quote, type Step, type StepContext } from './steps.js';
import { remoteOf } from './targets.js';

/**
 * `deploy --model-only`: a new model into the directory the UDF watches
 * (ksql.functions.anomoly_power.model.path), then proof that ksqlDB scores with it — no jar
 * build, no restart (udf-java/README.md, "Settings, and a new model without a restart").
 *
 * The copy follows the UDF's watcher rules: every file is written under a temporary name in the
 * target directory and renamed into place (a rename within one directory is atomic, and it keeps
 * the directory itself, which a Docker bind mount holds by inode), bands.zip first and
 * envelope.json last. Until envelope.json names the new hash the watcher keeps the old model; a
 * mixed state fails its hash check and is retried on the next change.
 *
 * The swap is verified by asking ksqlDB what ANOMOLY_POWER_MODEL() returns, in a pull query on the
 * stream of readings (MODEL_QUERY). ksqlDB 8.4 runs pull queries on streams — "You can issue a
 * pull query against any stream", with a LIMIT clause (Confluent docs, ksqldb-reference
 * select-pull-query.md) — enabled by default (confluentinc/ksql ksqldb-common
 * .../util/KsqlConfig.java: ksql.query.pull.stream.enabled and ksql.query.pull.limit.clause.enabled,
 * both default true); it reads the topic from its start and ends after LIMIT rows, evaluating the
 * function now, in the server that scores the persistent queries. ANOMOLY_POWER_MODEL() names the
 * live model of the server's configured ANOMOLY_POWER (udf-java AnomolyPowerModelUdf), NULL while
 * no query uses ANOMOLY_POWER.
 */

const MODEL_QUERY = 'SELECT ANOMOLY_POWER_MODEL() AS MODEL FROM RAW_POWER_STREAM LIMIT 1;';

/** A ksqlDB server and the directory its ksql.functions.anomoly_power.model.path names (local, or host:/path). */
export interface ModelTarget {
  name: string;
  url: string;
  modelDir: string;
}

export interface ModelToShip {
  dir: string;
  modelId: string;
  contentHash: string;
  /** The directory's files, in copy order: envelope.json last. */
  files: string[];
}

/** The model directory, checked as the UDF checks it (hash of bands.zip, every table), with its files in copy order. */
export function modelToShip(dir: string): ModelToShip {
  const info = readModel(dir);
  loadModel(info.dir);
  const files = readdirSync(info.dir)
    .filter((f) => !f.startsWith('.') && statSync(join(info.dir, f)).isFile())
    .sort((a, b) => (a === 'envelope.json' ? 1 : b === 'envelope.json' ? -1 : a === 'bands.zip' ? -1 : b === 'bands.zip' ? 1 : a < b ? -1 : 1));
  return { dir: info.dir, modelId: info.modelId, contentHash: info.contentHash, files };
}

/** What ANOMOLY_POWER_MODEL() returns on a server now. */
type LiveModel = { kind: 'hash'; hash: string } | { kind: 'null' } | { kind: 'no-rows' };

async function liveModel(url: string, auth?: { username: string; password: string }): Promise<LiveModel> {
  const c = new KsqlClient({ url, ...(auth ? { auth } : {}), timeoutMs: 15_000 });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 30_000);
  try {
    for await (const row of c.stream(MODEL_QUERY, { signal: ac.signal })) {
      const v = row['MODEL'];
      return typeof v === 'string' && v ? { kind: 'hash', hash: v } : { kind: 'null' };
    }
    return { kind: 'no-rows' };
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw new Error(`${redactUrl(url)} did not answer \`${MODEL_QUERY}\` within 30 s`);
    if (e instanceof KsqlError) {
      if (/does not exist/i.test(e.serverMessage)) throw new Error(`there is no stream RAW_POWER_STREAM on ${redactUrl(url)} to ask (${e.serverMessage}): apply the statements first with \`stream-smarts deploy\``);
      if (/can't find any functions with the name/i.test(e.serverMessage)) throw new Error(`${redactUrl(url)} has no ANOMOLY_POWER_MODEL function (${e.serverMessage}): its UDF jar predates the hot swap; deploy the jar once with \`stream-smarts deploy\``);
    }
    throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

const short = (h: string) => `${h.slice(0, 12)}…`;

const nullModel = (t: ModelTarget) => new Error(`no query on ${t.name} uses ANOMOLY_POWER yet (ANOMOLY_POWER_MODEL() is NULL), so no model is live to swap: apply the statements with \`stream-smarts deploy\``);

/** Before anything is copied: the model is whole and valid, and every server answers. */
export function modelPrerequisites(targets: readonly ModelTarget[], modelDir: string, ctx: StepContext): Prerequisite[] {
  const out: Prerequisite[] = [
    {
      what: `the model ${modelDir} is whole: envelope.json's contentHash is bands.zip's SHA-256 and every band is valid`,
      check: async () => {
        modelToShip(modelDir);
      },
    },
  ];
  for (const t of targets) {
    out.push({
      what: `${t.name} answers at ${redactUrl(t.url)}`,
      check: async () => {
        const ok = await new KsqlClient({ url: t.url, ...(ctx.auth ? { auth: ctx.auth } : {}), timeoutMs: 5000 }).healthy();
        if (!ok) throw new Error(`ksqlDB ${t.name} does not answer healthy at ${redactUrl(t.url)}/healthcheck: start it (\`docker compose up -d\` for the compose stack), or point KSQLDB_URL / the targets file at it`);
      },
    });
  }
  return out;
}

function liveModelStep(t: ModelTarget, ctx: StepContext): Step {
  return {
    title: `ask ${t.name} which model scores now`,
    detail: MODEL_QUERY,
    label: 'query',
    run: async () => {
      const live = await liveModel(t.url, ctx.auth);
      // Nothing is copied to a server where no model is live: the swap could not be seen.
      if (live.kind === 'null') throw nullModel(t);
      return live.kind === 'hash' ? `scoring with ${short(live.hash)}` : 'raw_power has no reading to ask on yet';
    },
  };
}

async function runArgv(argv: string[], ctx: StepContext): Promise<void> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const r = await execa(cmd, args, { reject: false, stdout: 'pipe', stderr: 'pipe' });
  if (r.failed) throw new Error(`\`${quote(argv)}\` ${r.exitCode !== undefined ? `exited with status ${r.exitCode}` : (r.shortMessage ?? 'failed')}${r.stderr ? `: ${String(r.stderr).trim().split('\n').slice(-2).join(' | ')}` : ''}`);
  void ctx;
}

/** The copy, file by file through temporary names, envelope.json last. */
export function copyModelSteps(t: ModelTarget, m: ModelToShip, ctx: StepContext): Step[] {
  const tmp = (f: string) => `.${f}.tmp-stream-smarts-${process.pid}`;
  const remote = remoteOf(t.modelDir);
  if (remote) {
    const dir = remote.dir.replace(/\/+$/, '');
    const mkdir = ['ssh', remote.host, `mkdir -p ${quote([dir])}`];
    const scps = m.files.map((f) => ['scp', '-q', join(m.dir, f), `${remote.host}:${dir}/${tmp(f)}`]);
    const mv = ['ssh', remote.host, m.files.map((f) => `mv -f ${quote([`${dir}/${tmp(f)}`])} ${quote([`${dir}/${f}`])}`).join(' && ')];
    return [
      {
        title: `copy model ${m.modelId} to ${t.name} under temporary names`,
        detail: [mkdir, ...scps].map(quote).join('\n'),
        run: async () => {
          await runArgv(mkdir, ctx);
          for (const s of scps) await runArgv(s, ctx);
          return `${m.files.length} files on ${remote.host}:${dir}`;
        },
      },
      {
        title: `rename them into place on ${t.name}, envelope.json last`,
        detail: quote(mv),
        run: async () => {
          await runArgv(mv, ctx);
          return `${remote.host}:${dir} holds model ${m.modelId} (${short(m.contentHash)})`;
        },
      },
    ];
  }
  const dir = t.modelDir;
  return [
    {
      title: `copy model ${m.modelId} into ${t.name}'s model directory, each file renamed into place, envelope.json last`,
      detail: m.files.map((f) => `cp ${join(m.dir, f)} ${join(dir, tmp(f))} && mv ${join(dir, tmp(f))} ${join(dir, f)}`).join('\n'),
      run: async () => {
        mkdirSync(dir, { recursive: true });
        for (const f of m.files) {
          const part = join(dir, tmp(f));
          try {
            copyFileSync(join(m.dir, f), part);
            renameSync(part, join(dir, f));
          } catch (e) {
            rmSync(part, { force: true });
            throw new Error(`cannot write ${join(dir, f)}: ${(e as Error).message}`);
          }
        }
        return `${dir} holds model ${m.modelId} (${short(m.contentHash)})`;
      },
    },
  ];
}

/** Asks until ANOMOLY_POWER_MODEL() returns the new hash, or the time is up. */
function verifySwapStep(t: ModelTarget, m: ModelToShip, ctx: StepContext & { swapTimeoutMs: number; pollMs?: number }): Step {
  const seconds = Math.round(ctx.swapTimeoutMs / 1000);
  return {
    title: `wait until ${t.name} scores with model ${m.modelId}`,
    detail: `${MODEL_QUERY} every ${Math.round((ctx.pollMs ?? 2000) / 1000)} s until it returns ${m.contentHash} (up to ${seconds} s)`,
    label: 'query',
    run: async () => {
      const t0 = Date.now();
      let live: LiveModel = { kind: 'no-rows' };
      for (;;) {
        live = await liveModel(t.url, ctx.auth);
        if (live.kind === 'hash' && live.hash === m.contentHash) return `scoring with ${short(m.contentHash)} after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
        if (live.kind === 'null') throw nullModel(t);
        if (live.kind === 'no-rows') {
          ctx.log.warn({ target: t.name }, 'raw_power has no reading yet, so ksqlDB has nothing to evaluate ANOMOLY_POWER_MODEL() on');
          return `copied; not verified: raw_power has no reading for ksqlDB to evaluate ANOMOLY_POWER_MODEL() on yet (the UDF checks the directory every ksql.functions.anomoly_power.model.check.interval.ms)`;
        }
        if (Date.now() - t0 > ctx.swapTimeoutMs) {
          throw new Error(
            `${t.name} still scores with ${short(live.hash)} after ${seconds} s, not ${short(m.contentHash)}: check that ksql.functions.anomoly_power.model.path on ${t.name} names ${t.modelDir} as the server sees it ` +
              `(KSQL_KSQL_FUNCTIONS_ANOMOLY__POWER_MODEL_PATH in docker-compose.yml), and its log for "ANOMOLY_POWER model in … not loaded" (io.github.streamsmarts.udf.model); --swap-timeout waits longer`,
          );
        }
        await new Promise((r) => setTimeout(r, ctx.pollMs ?? 2000));
      }
    },
  };
}

/** Every step of a model-only deploy to the targets, in order. */
export function modelOnlySteps(targets: readonly ModelTarget[], m: ModelToShip, ctx: StepContext & { swapTimeoutMs: number; pollMs?: number }): Step[] {
  return targets.flatMap((t) => [liveModelStep(t, ctx), ...copyModelSteps(t, m, ctx), verifySwapStep(t, m, ctx)]);
}
