import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { execa } from 'execa';
import { createContext, type GlobalOptions } from '../context.js';
import { findComposeFile } from '../compose.js';
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
With neither -e nor -f, opens the ksqlDB CLI in the compose stack's container:
  docker compose exec ksqldb-cli ksql http://ksqldb-server:8088

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
        const args = ['compose', '-f', compose, 'exec', 'ksqldb-cli', 'ksql', 'http://ksqldb-server:8088'];
        ctx.log.debug({ command: ['docker', ...args].join(' ') }, 'opening the ksqlDB CLI');
        try {
          const r = await execa('docker', args, { stdio: 'inherit', reject: false });
          process.exitCode = r.exitCode ?? 1;
        } catch (e) {
          throw new Error(`could not run docker (${(e as Error).message.split('\n')[0]}); the interactive CLI runs in the stack's ksqldb-cli container. Install Docker, or use -e/-f to go through the REST API`);
        }
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
            if (ctx.json) ctx.out(JSON.stringify({ entities: results, error: { statement: st.text, message: e.serverMessage, errorCode: e.errorCode } }, null, 2));
            throw new Error(`${where}${e.message}`);
          }
          throw e;
        }
      }
      if (ctx.json) ctx.out(JSON.stringify({ entities: results }, null, 2));
    });
}
