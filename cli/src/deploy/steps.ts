import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { redactUrl, type Logger } from '@stream-smarts/contracts';
import { FAILED_STATUSES, KsqlClient, KsqlError, entitySchemas } from '../ksql/client.js';
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
      await runCommand(plan.command, ctx);
      if (!existsSync(plan.builtJar)) throw new Error(`the build finished but left no ${plan.builtJar}`);
      return `built ${plan.builtJar} (${plan.expectedVersion})`;
    },
  };
}

/** Copies the jar into a target's extension directory, keeping what was there as *.previous. */
export function shipSteps(target: Target, jar: string, ctx: StepContext): Step[] {
  const { jar: dest, previous } = jarPaths(target.extDir);
  const remote = remoteOf(target.extDir);
  if (remote) {
    const keep = ['ssh', remote.host, `test ! -f ${dest} || cp -p ${dest} ${previous}`];
    const copy = ['scp', '-q', jar, `${remote.host}:${dest}`];
    return [
      { title: `keep ${target.name}'s current jar as ${basename(previous)}`, detail: quote(keep), run: () => runCommand(keep, ctx) },
      { title: `copy the jar to ${target.name}`, detail: quote(copy), run: () => runCommand(copy, ctx) },
    ];
  }
  return [
    {
      title: `copy the jar to ${target.name}'s extension directory, keeping the current one as ${basename(previous)}`,
      detail: `cp ${dest} ${previous}; cp ${jar} ${dest}`,
      run: async () => {
        mkdirSync(dirname(dest), { recursive: true });
        if (existsSync(dest)) copyFileSync(dest, previous);
        copyFileSync(jar, dest);
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
        const argv = ['ssh', remote.host, `test -f ${previous} && cp -p ${previous} ${jar}`];
        return { title: `restore ${target.name}'s previous jar`, detail: quote(argv), run: () => runCommand(argv, ctx) };
      })()
    : {
        title: `restore ${target.name}'s previous jar`,
        detail: `cp ${previous} ${jar}`,
        run: async () => {
          if (!existsSync(previous)) throw new Error(`there is no ${previous} to roll back to (a deploy keeps one when it replaces a jar)`);
          copyFileSync(previous, jar);
          return `${jar} restored from ${previous}`;
        },
      };
  return [restore, ...restartSteps(target, ctx)];
}

export function ksqlFiles(dir: string): string[] {
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

export function queriesRunningStep(url: string, ctx: StepContext): Step {
  return {
    title: 'check every persistent query is RUNNING',
    detail: 'SHOW QUERIES;',
    run: async () => {
      const queries = (await client(url, ctx).listQueries()).filter((q) => q.queryType === 'PERSISTENT');
      const bad = queries.filter((q) => (q.state ?? Object.keys(q.statusCount ?? {})[0]) !== 'RUNNING');
      if (bad.length > 0) {
        throw new Error(`not running: ${bad.map((q) => `${q.id} (${q.state ?? JSON.stringify(q.statusCount)})`).join(', ')}; inspect with \`stream-smarts ksql -e "EXPLAIN ${bad[0]!.id};"\``);
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
