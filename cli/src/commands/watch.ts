import type { Command } from 'commander';
import { kindOf } from '@stream-smarts/contracts';
import { createContext, type GlobalOptions } from '../context.js';
import { KsqlClient } from '../ksql/client.js';

export const example = 'stream-smarts watch                  # print anomalies from ksqlDB as they arrive';

export function register(program: Command): void {
  program
    .command('watch')
    .description('print each anomaly on the ANOMOLY_POWER stream as it arrives, until Ctrl-C (a ksqlDB push query)')
    .option('--from-beginning', 'start with the anomalies already on the topic')
    .option('--stream <name>', 'the stream (or table) to watch', 'ANOMOLY_POWER')
    .option('--where <condition>', "only rows matching a KSQL condition, e.g. \"HOUR = 4 AND KWH >= 1500\"")
    .option('--limit <n>', 'stop after n rows (a push query with LIMIT)')
    .addHelpText(
      'after',
      `
Examples:
  $ stream-smarts watch
  $ stream-smarts watch --from-beginning --json | jq .FN
  $ stream-smarts watch --from-beginning --json --where "HOUR = 4" --limit 1
  $ stream-smarts watch --stream SUSTAINED_ANOMALIES --from-beginning --json`,
    )
    .action(async (opts: { fromBeginning?: boolean; stream: string; where?: string; limit?: string }, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.stream)) throw new Error(`--stream ${JSON.stringify(opts.stream)} is not a stream name`);
      if (opts.limit !== undefined && !/^[1-9]\d*$/.test(opts.limit)) throw new Error(`--limit ${JSON.stringify(opts.limit)}: expected a whole number of rows, 1 or more`);
      // One condition, not a second statement.
      if (opts.where !== undefined && (opts.where.trim() === '' || /;/.test(opts.where.replace(/'(?:[^']|'')*'/g, '')))) throw new Error(`--where ${JSON.stringify(opts.where)}: expected one KSQL condition, e.g. "HOUR = 4"`);
      // SELECT ... FROM x [WHERE c] EMIT CHANGES [LIMIT n]: the `query` rule of confluentinc/ksql
      // ksqldb-parser/src/main/antlr4/io/confluent/ksql/parser/SqlBase.g4.
      const sql = `SELECT * FROM ${opts.stream}${opts.where ? ` WHERE ${opts.where}` : ''} EMIT CHANGES${opts.limit ? ` LIMIT ${opts.limit}` : ''};`;
      const client = new KsqlClient({ url: ctx.config.ksqldb.url, ...(ctx.config.ksqldb.auth ? { auth: ctx.config.ksqldb.auth } : {}) });
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const time = new Intl.DateTimeFormat('sv-SE', { timeZone: ctx.config.timezone, dateStyle: 'short', timeStyle: 'medium' });
      let count = 0;
      try {
        for await (const row of client.stream(sql, {
          signal: ac.signal,
          // Always said, never left to the server: the compose stack sets
          // ksql.streams.auto.offset.reset=earliest server-wide (for the persistent queries), and
          // a push query inherits it unless the request overrides it. In confluentinc/ksql 8.4.x
          // (a08dc09): QueryStreamHandler takes the request's "properties" as configOverrides,
          // QueryExecutor.handlePushQuery runs the query with SessionConfig.of(ksqlConfig, them),
          // and KsqlConfig.cloneWithPropertyOverwrite lays an unprefixed auto.offset.reset over
          // the ksql.streams.* one; ScalablePushUtil.isLatest reads the same override first.
          properties: { 'auto.offset.reset': opts.fromBeginning ? 'earliest' : 'latest' },
          onHeader: () => ctx.log.info({ stream: opts.stream, url: client.displayUrl }, `watching ${opts.stream} on ${client.displayUrl}; Ctrl-C to stop`),
        })) {
          count++;
          if (ctx.json) {
            ctx.out(JSON.stringify(row));
            continue;
          }
          const ts = typeof row['EVENT_TS'] === 'number' ? time.format(new Date(row['EVENT_TS'])) : '?';
          const kwh = typeof row['KWH'] === 'number' ? Math.round(row['KWH']) : row['KWH'];
          const fn = typeof row['FN'] === 'number' ? row['FN'].toFixed(2) : row['FN'];
          // KIND as ksql/020 wrote it, else the one rule it follows (kindOf): a normal row of POWER_STREAM_SCORED is 'normal', not 'low'.
          const kind = row['KIND'] ?? kindOf(typeof row['FN'] === 'number' ? row['FN'] : null) ?? 'normal';
          ctx.out(`${ts}  ${String(row['METER_KEY'] ?? row['METER_ID'] ?? '')}  ${String(kind)}  ${String(kwh)} Wh/h at hour ${String(row['HOUR'])}  score ${String(fn)}`);
        }
      } catch (e) {
        if ((e as Error).name !== 'AbortError') throw e;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      ctx.log.info({ anomalies: count }, `stopped watching after ${count} ${count === 1 ? 'anomaly' : 'anomalies'}`);
    });
}
