import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { redactUrlsIn } from '@stream-smarts/contracts';
import { createContext, type GlobalOptions } from '../context.js';
import { findComposeFile, interactiveCliArgs, openInteractiveCli } from '../compose.js';
import { KsqlClient, KsqlError, type KsqlEntity } from '../ksql/client.js';
import { renderEntity } from '../ksql/render.js';
import { splitStatements } from '../ksql/statements.js';

export const example = 'stream-smarts ksql -e "SHOW QUERIES;"  # run KSQL (no arguments: the interactive ksqlDB CLI)';

interface KsqlOptions {
  execute?: string[];
  file?: string;
}

export function register(program: Command): void {
  program
    .command('ksql')
    .description('run KSQL statements through the REST API, or open the interactive ksqlDB CLI of the compose stack')
    .option('-e, --execute <statement...>', 'statements to run (may be given more than once)')
    .option('-f, --file <path>', 'a file of statements to run in order')
    .addHelpText(
      'after',
      `
With neither -e nor -f, opens the ksqlDB CLI inside the compose stack's ksqldb-server container
(the cp-ksqldb-server image carries the CLI; Confluent ships no separate CLI image after CP 8.1):
  docker compose exec ksqldb-server ksql http://localhost:8088

Examples:
  $ stream-smarts ksql
  $ stream-smarts ksql -e "SHOW STREAMS;" -e "DESCRIBE FUNCTION ANOMOLY_POWER;"
  $ stream-smarts ksql -f ksql/030-anomoly-power.sql --json
  $ KSQLDB_URL=http://ksql.example:8088 stream-smarts ksql -e "SHOW QUERIES;"`,
    )
    .action(async (opts: KsqlOptions, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      if (!opts.execute && !opts.file) {
        const compose = findComposeFile();
        if (!compose) throw new Error('no docker-compose.yml found here or above; run from the stream-smarts checkout, or use -e/-f to go through the REST API');
        ctx.log.debug({ command: ['docker', ...interactiveCliArgs(compose, Boolean(process.stdin.isTTY))].join(' ') }, 'opening the ksqlDB CLI');
        process.exitCode = await openInteractiveCli(compose);
        return;
      }
      const source = opts.file ? readFileSync(opts.file, 'utf8') : (opts.execute ?? []).map((s) => (s.trim().endsWith(';') ? s : `${s};`)).join('\n');
      const statements = splitStatements(source);
      const client = new KsqlClient({ url: ctx.config.ksqldb.url, ...(ctx.config.ksqldb.auth ? { auth: ctx.config.ksqldb.auth } : {}) });
      const results: KsqlEntity[] = [];
      for (const st of statements) {
        try {
          const entities = await client.execute(st.text);
          results.push(...entities);
          if (!ctx.json) for (const e of entities) ctx.out(renderEntity(e));
        } catch (e) {
          if (e instanceof KsqlError) {
            const where = opts.file ? `${opts.file}:${st.line}: ` : '';
            if (ctx.json) ctx.out(JSON.stringify({ entities: results, error: { statement: st.text, message: redactUrlsIn(e.serverMessage), errorCode: e.errorCode } }, null, 2));
            throw new Error(redactUrlsIn(`${where}${e.message}`));
          }
          throw e;
        }
      }
      if (ctx.json) ctx.out(JSON.stringify({ entities: results }, null, 2));
    });
}
