import type { Command } from 'commander';
import { redactText } from '@stream-smarts/contracts';
import { createContext, type GlobalOptions } from '../context.js';
import { healthy, runChecks } from '../doctor/checks.js';
import { renderTable } from '../table.js';

export const example = 'stream-smarts doctor                 # is everything needed installed and answering?';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check Node, Java/Maven or Docker (and Compose v2), Kafka, Schema Registry, ksqlDB, Home Assistant and, when H2O_URL is set, H2O; print fixes')
    .addHelpText(
      'after',
      `
Exit status: 0 when everything required is ok, 1 otherwise.

Examples:
  $ stream-smarts doctor
  $ KAFKA_BOOTSTRAP_SERVERS=broker1:9092 stream-smarts doctor --json | jq '.checks[] | select(.status != "ok")'`,
    )
    .action(async (_opts, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      const h2oConfigured = (ctx.loaded.settings.find((s) => s.key === 'h2o.url')?.source.kind ?? 'default') !== 'default';
      // A URL's password and every configured secret are scrubbed from what the checks say (remote errors echo URLs).
      const scrub = (t: string) => redactText(t, ctx.loaded.secrets);
      const results = (await runChecks(ctx.config, { loaded: ctx.loaded, h2oConfigured })).map((r) => ({ ...r, detail: scrub(r.detail), ...(r.fix ? { fix: scrub(r.fix) } : {}) }));
      const ok = healthy(results);
      if (ctx.json) {
        ctx.out(JSON.stringify({ ok, checks: results }, null, 2));
      } else {
        ctx.out(
          renderTable(
            ['check', 'status', 'detail'],
            results.map((r) => [r.name + (r.required ? '' : ' (optional)'), r.status, r.detail]),
          ),
        );
        const fixes = results.filter((r) => r.status !== 'ok' && r.fix);
        if (fixes.length > 0) {
          ctx.out('\nTo fix:');
          for (const r of fixes) ctx.out(`  ${r.name}: ${r.fix}`);
        }
        ctx.out(ok ? '\nAll required checks passed.' : '\nSome required checks failed (see above).');
      }
      process.exitCode = ok ? 0 : 1;
    });
}
