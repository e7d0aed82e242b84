import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { copyFileDurableSync, redactUrl, type Logger } from '@stream-smarts/contracts';
import { FAILED_STATUSES, KsqlClient, KsqlError, entitySchemas, type RunningQuery } from '../ksql/client.js';
import { createdObject, splitStatements } from '../ksql/statements.js';
import type { BuildPlan } from '../udf/build.js';
import { jarPaths, remoteOf, type Target } from './targets.js';

/** One step of a deploy: what it does in words, the exact command or statement, and doing it. */
export interface Step {
  title: string;
  /** The exact command (argv joined for reading) or KSQL statement. */
  detail: string;
  run: () => Promise<string | void>;
  /** What `detail` is, in a failure report (default: statement or command). */
  label?: string;
}

export class StepError extends Error {
  constructor(
    readonly step: Step,
    override readonly cause: Error,
  ) {
    super(cause.message);
    this.name = 'StepError';
  }
}

export interface StepContext {
  log: Logger;
  auth?: { username: string; password: string };
  healthTimeoutMs: number;
  /** How long a statement ksqlDB answered QUEUED/EXECUTING may take to reach SUCCESS or ERROR. */
  statementTimeoutMs?: number;
  /** Where command output goes (stderr, so stdout stays for --json). */
  output: 'inherit' | 'pipe';
}

export function quote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

async function runCommand(argv: string[], ctx: StepContext): Promise<void> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const r = await execa(cmd, args, { reject: false, stdout: ctx.output === 'inherit' ? process.stderr : 'pipe', stderr: ctx.output === 'inherit' ? process.stderr : 'pipe' });
  if (r.failed) {
    const why = r.exitCode !== undefined ? `exited with status ${r.exitCode}` : (r.shortMessage ?? 'failed');
    const tail = typeof r.stderr === 'string' && r.stderr ? `: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` : '';
    throw new Error(`\`${quote(argv)}\` ${why}${tail}`);
  }
}

function client(url: string, ctx: StepContext): KsqlClient {
  return new KsqlClient({ url, ...(ctx.auth ? { auth: ctx.auth } : {}) });
}

export function buildStep(plan: BuildPlan, ctx: StepContext): Step {
  return {
    title: `build the UDF jar with ${plan.via === 'maven' ? 'local Maven' : "Docker's Maven image"}, model ${plan.modelDir}`,
    detail: quote(plan.command),
    run: async () => {
      // Made here, as this user: a mount source that does not exist Docker creates as root.
      if (plan.mavenCache) mkdirSync(plan.mavenCache, { recursive: true });
      await runCommand(plan.command, ctx);
      if (!existsSync(plan.builtJar)) throw new Error(`the build finished but left no ${plan.builtJar}`);
      return `built ${plan.builtJar} (${plan.expectedVersion})`;
    },
  };
}


/** The temporary name a remote copy goes to before `mv` puts it in place (beside dest, not ending in .jar). */
function remoteTemp(dest: string): string {
  return `${dirname(dest)}/.${basename(dest)}.tmp-stream-smarts-${process.pid}`;
}

/**
 * A remote copy, the same way: scp to a temporary name beside dest, then on the host `sync` that
 * file (GNU coreutils sync FILE fsyncs it) and `mv -f` it over dest — rename(2) within one
 * directory — removing it if either fails.
 */
function remoteInPlace(host: string, tmp: string, dest: string): string[] {
  return ['ssh', host, `sync ${quote([tmp])} && mv -f ${quote([tmp])} ${quote([dest])} || { rm -f ${quote([tmp])}; exit 1; }`];
}

/** Copies the jar into a target's extension directory, keeping what was there as *.previous; the jar is never there half-written. */
export function shipSteps(target: Target, jar: string, ctx: StepContext): Step[] {
  const { jar: dest, previous } = jarPaths(target.extDir);
  const remote = remoteOf(target.extDir);
  if (remote) {
    const tmp = remoteTemp(dest);
    const keep = ['ssh', remote.host, `test ! -f ${dest} || cp -p ${dest} ${previous}`];
    const copy = ['scp', '-q', jar, `${remote.host}:${tmp}`];
    const place = remoteInPlace(remote.host, tmp, dest);
    return [
      { title: `keep ${target.name}'s current jar as ${basename(previous)}`, detail: quote(keep), run: () => runCommand(keep, ctx) },
      { title: `copy the jar to ${target.name} under a temporary name`, detail: quote(copy), run: () => runCommand(copy, ctx) },
      { title: `flush it to disk on ${target.name} and rename it into place`, detail: quote(place), run: () => runCommand(place, ctx) },
    ];
  }
  return [
    {
      title: `copy the jar to ${target.name}'s extension directory (a temporary name, fsynced, renamed into place), keeping the current one as ${basename(previous)}`,
      detail: `cp ${dest} ${previous}; cp ${jar} ${dirname(dest)}/.${basename(dest)}.tmp-… && sync && mv .${basename(dest)}.tmp-… ${dest}`,
      run: async () => {
        mkdirSync(dirname(dest), { recursive: true });
        // .previous is only read by a rollback, never loaded (not a .jar); written whole all the same.
        // The jar never holds part of a file: contracts' durable copy writes a hidden temporary name
        // beside it and renames it over (POSIX rename(2)); a ksqlDB that still has the old jar open
        // keeps reading the old inode. The temporary name does not end in .jar, and ksqlDB's
        // UserFunctionLoader takes only paths ending ".jar" from ksql.extension.dir (confluentinc/ksql
        // 8.4.x ksqldb-engine/.../function/UserFunctionLoader.java).
        if (existsSync(dest)) copyFileDurableSync(dest, previous);
        copyFileDurableSync(jar, dest);
        return `${dest} updated${existsSync(previous) ? `, previous kept as ${previous}` : ''}`;
      },
    },
  ];
}

export function restartSteps(target: Target, ctx: StepContext, expectedVersion?: string): Step[] {
  const steps: Step[] = [
    { title: `restart ${target.name}`, detail: quote(target.restart), run: () => runCommand(target.restart, ctx) },
    {
      title: `wait until ${target.name} is healthy`,
      detail: `GET ${redactUrl(target.url)}/healthcheck until {"isHealthy": true} (up to ${Math.round(ctx.healthTimeoutMs / 1000)} s)`,
      run: async () => {
        const c = client(target.url, ctx);
        const deadline = Date.now() + ctx.healthTimeoutMs;
        // A restart takes a moment to begin; a server that still answers healthy in the first
        // instant may be the old process.
        await new Promise((r) => setTimeout(r, 250));
        while (!(await c.healthy())) {
          if (Date.now() > deadline) throw new Error(`${redactUrl(target.url)}/healthcheck did not report healthy within ${Math.round(ctx.healthTimeoutMs / 1000)} s; see the server's log`);
          await new Promise((r) => setTimeout(r, 1000));
        }
        return 'healthy';
      },
    },
  ];
  steps.push({
    title: expectedVersion ? `verify ${target.name} loaded this jar` : `show which jar ${target.name} loaded`,
    detail: `DESCRIBE FUNCTION ANOMOLY_POWER;${expectedVersion ? ` → version ${expectedVersion}` : ''}`,
    run: async () => {
      let version: string | undefined;
      try {
        version = (await client(target.url, ctx).describeFunction('ANOMOLY_POWER')).version;
      } catch (e) {
        if (e instanceof KsqlError) {
          throw new Error(`${target.name} has no ANOMOLY_POWER function (${e.serverMessage}); is ksql.extension.dir set to the directory the jar went to (${target.extDir})?`);
        }
        throw e;
      }
      if (expectedVersion && version !== expectedVersion) {
        throw new Error(`${target.name} reports ANOMOLY_POWER version ${String(version)}, expected ${expectedVersion}: it did not load the new jar`);
      }
      return `ANOMOLY_POWER version ${String(version)}`;
    },
  });
  return steps;
}

export function rollbackSteps(target: Target, ctx: StepContext): Step[] {
  const { jar, previous } = jarPaths(target.extDir);
  const remote = remoteOf(target.extDir);
  const restore: Step = remote
    ? (() => {
        const tmp = remoteTemp(jar);
        const argv = ['ssh', remote.host, `test -f ${previous} && cp -p ${previous} ${quote([tmp])} && ${remoteInPlace(remote.host, tmp, jar)[2]!}`];
        return { title: `restore ${target.name}'s previous jar (a temporary name, renamed into place)`, detail: quote(argv), run: () => runCommand(argv, ctx) };
      })()
    : {
        title: `restore ${target.name}'s previous jar (a temporary name, fsynced, renamed into place)`,
        detail: `cp ${previous} ${dirname(jar)}/.${basename(jar)}.tmp-… && sync && mv .${basename(jar)}.tmp-… ${jar}`,
        run: async () => {
          if (!existsSync(previous)) throw new Error(`there is no ${previous} to roll back to (a deploy keeps one when it replaces a jar)`);
          copyFileDurableSync(previous, jar);
          return `${jar} restored from ${previous}`;
        },
      };
  // The queries before the jar goes back, to tell afterwards which did not come back.
  const before: { queries?: RunningQuery[] } = {};
  const note: Step = {
    title: `note ${target.name}'s persistent queries`,
    detail: 'SHOW QUERIES;',
    run: async () => {
      try {
        before.queries = (await client(target.url, ctx).listQueries()).filter((q) => q.queryType === 'PERSISTENT');
      } catch (e) {
        // A server too broken to answer is what a rollback is for: go on, check afterwards.
        return `not answering (${(e as Error).message}); the check after the restart will list what runs`;
      }
      return `${before.queries.length} persistent queries`;
    },
  };
  return [note, restore, ...restartSteps(target, ctx), queriesRunningStep(target.url, ctx, { target: target.name, before: () => before.queries, rollback: true })];
}

function ksqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d+.*\.sql$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Applies each statement of ksql/ in order, skipping the streams and tables already in place. The
 * server answers a CommandStatusEntity whose status is SUCCESS, or QUEUED/EXECUTING when the
 * command outlasts ksql.server.command.response.timeout.ms (then /status is polled until SUCCESS
 * or ERROR), or a WarningEntity when IF NOT EXISTS found the source already there.
 */
export function applySteps(url: string, dir: string, ctx: StepContext): Step[] {
  const steps: Step[] = [];
  for (const file of ksqlFiles(dir)) {
    for (const st of splitStatements(readFileSync(file, 'utf8'))) {
      const obj = createdObject(st.text);
      steps.push({
        title: `apply ${basename(file)}:${st.line}${obj ? ` (${obj.kind} ${obj.name}, skipped if it exists)` : ''}`,
        detail: st.text,
        run: async () => {
          const c = client(url, ctx);
          if (obj && !obj.orReplace) {
            const existing = await c.listSources();
            if (existing.some((s) => s.name === obj.name)) return `skipped: ${obj.kind} ${obj.name} already exists`;
          }
          const [entity] = await c.execute(st.text);
          const warning = entitySchemas.warning_entity.safeParse(entity);
          if (warning.success) return `already there: ${warning.data.message}`;
          const cs = entitySchemas.currentStatus.safeParse(entity);
          if (!cs.success) return 'done';
          const final = await c.waitForCommand(cs.data, {
            timeoutMs: ctx.statementTimeoutMs ?? 120_000,
            onPoll: (status) => ctx.log.info({ commandId: cs.data.commandId, status }, 'waiting for ksqlDB to run the statement'),
          });
          if (FAILED_STATUSES.includes(final.status)) throw new Error(`ksqlDB answered ${final.status}: ${final.message}`);
          return final.message;
        },
      });
    }
  }
  return steps;
}

/**
 * The states of a query that are not RUNNING, with how many servers report each. SHOW QUERIES
 * answers a Queries entity of RunningQuery {queryString, sinks, sinkKafkaTopics, id, statusCount,
 * queryType, state}: statusCount maps each KsqlQueryStatus (RUNNING, ERROR, UNRESPONSIVE, PAUSED)
 * to the number of servers where the query is in it, and state is only the aggregate — ERROR if
 * any server reports ERROR, else RUNNING, so a PAUSED or UNRESPONSIVE query still says RUNNING
 * there (confluentinc/ksql 8.4.x ksqldb-rest-model .../rest/entity/RunningQuery.java,
 * QueryStatusCount.java getAggregateStatus; ksqldb-common .../util/KsqlConstants.java
 * KsqlQueryStatus). So statusCount decides; state only when a server sends none.
 */
function notRunning(q: RunningQuery): string[] {
  const counts = q.statusCount ?? (q.state ? { [q.state]: 1 } : { UNKNOWN: 1 });
  const bad = Object.entries(counts).filter(([status, n]) => status !== 'RUNNING' && n > 0);
  if (bad.length === 0 && !Object.entries(counts).some(([status, n]) => status === 'RUNNING' && n > 0)) return ['no server running it'];
  return bad.map(([status, n]) => (n === 1 ? status : `${status} on ${n} servers`));
}

const queryName = (q: RunningQuery) => `${q.id}${q.sinks.length ? ` (writing ${q.sinks.join(', ')})` : ''}`;

/**
 * Every persistent query RUNNING, each one that is not named. After a rollback (`rollback`, with
 * the queries noted before it), also every query that was there before and is gone: a jar
 * without a function a query uses leaves that query failed, or not re-created at all.
 */
export function queriesRunningStep(url: string, ctx: StepContext, o: { target?: string; before?: () => RunningQuery[] | undefined; rollback?: boolean } = {}): Step {
  const where = o.target ? ` on ${o.target}` : '';
  return {
    title: `check every persistent query${where} is RUNNING`,
    detail: 'SHOW QUERIES;',
    run: async () => {
      const queries = (await client(url, ctx).listQueries()).filter((q) => q.queryType === 'PERSISTENT');
      const problems = queries.flatMap((q) => {
        const states = notRunning(q);
        return states.length ? [`${queryName(q)}: ${states.join(', ')}`] : [];
      });
      const now = new Set(queries.map((q) => q.id));
      const gone = (o.before?.() ?? []).filter((q) => !now.has(q.id)).map((q) => `${queryName(q)}: gone after the restart`);
      const all = [...problems, ...gone];
      if (all.length > 0) {
        const first = queries.find((q) => notRunning(q).length > 0)?.id;
        const fix = o.rollback
          ? `the restored jar may lack a function or overload these queries use: see the server's log, ${first ? `\`stream-smarts ksql -e "EXPLAIN ${first};"\`, ` : ''}and deploy a jar that has it (\`stream-smarts deploy --model <model>\`), then \`stream-smarts deploy\` re-creates missing queries from ksql/`
          : `inspect with \`stream-smarts ksql -e "EXPLAIN ${first ?? queries[0]?.id ?? '<query id>'};"\` and the server's log`;
        throw new Error(`${all.length} persistent ${all.length === 1 ? 'query is' : 'queries are'} not RUNNING${where}: ${all.join('; ')}; ${fix}`);
      }
      return `${queries.length} persistent queries RUNNING`;
    },
  };
}

/** Runs steps in order; the first failure stops the rest. */
export async function runSteps(steps: Step[], log: Logger, onDone?: (step: Step, i: number, result: string) => void): Promise<void> {
  for (const [i, step] of steps.entries()) {
    log.info({ step: i + 1, of: steps.length }, step.title);
    try {
      const result = (await step.run()) ?? 'done';
      onDone?.(step, i, result);
    } catch (e) {
      throw new StepError(step, e as Error);
    }
  }
}
