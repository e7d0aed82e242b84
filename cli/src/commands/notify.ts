import type { Command } from 'commander';
import { buildSinks, notifierConfig, Pipeline, startNotifier, type SinkReport } from '@stream-smarts/notifier';
import { createContext, type GlobalOptions, type Context } from '../context.js';
import { renderTable } from '../table.js';

export const example = 'stream-smarts notify --test          # send one test alert through every configured sink';

/** `notify --test`: one test alert through every sink, one row per sink; exit 1 when any failed. */
export async function testSinks(ctx: Context): Promise<{ ok: boolean; results: SinkReport[] }> {
  const cfg = notifierConfig(ctx.loaded);
  // A test reports quickly: two attempts, short waits.
  const retry = { attempts: Math.min(2, cfg.retry.attempts), baseDelayMs: Math.min(500, cfg.retry.baseDelayMs), maxDelayMs: 2_000 };
  const results = await Pipeline.sendTest(buildSinks(cfg), { retry, log: ctx.log, templates: cfg.templates, timezone: cfg.timezone });
  const ok = results.every((r) => r.outcome === 'accepted' || r.outcome === 'suppressed');
  if (ctx.json) ctx.out(JSON.stringify({ ok, results }, null, 2));
  else {
    ctx.out(renderTable(['sink', 'result', 'attempts', 'detail'], results.map((r) => [r.sink, r.outcome, String(r.attempts), r.detail])));
    ctx.out(ok ? '\nEvery sink took the test alert.' : '\nSome sinks failed (see above); check their settings with `stream-smarts config`.');
  }
  return { ok, results };
}

export function register(program: Command): void {
  program
    .command('notify')
    .description('turn ANOMOLY_POWER anomalies into Pushbullet pushes and Google Home announcements (via Home Assistant)')
    .option('--test', 'send one test alert through every configured sink, report each result, and exit')
    .addHelpText(
      'after',
      `
Sinks: Pushbullet (PUSHBULLET_ACCESS_TOKEN), Home Assistant voice (HOME_ASSISTANT_URL, HOME_ASSISTANT_TOKEN,
STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER and _TTS_ENTITY or _TTS_SERVICE), Home Assistant notify
(STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE); the console when none is set. See \`stream-smarts config --settings\`.

Exit status: 0 ok; 1 a test alert failed or the notifier stopped on an error; 2 bad configuration.

Examples:
  $ stream-smarts notify
  $ stream-smarts notify --test
  $ PUSHBULLET_ACCESS_TOKEN_FILE=/run/secrets/pushbullet stream-smarts notify --test --json`,
    )
    .action(async (opts: { test?: boolean }, cmd: Command) => {
      const ctx = createContext(cmd.optsWithGlobals<GlobalOptions>());
      if (opts.test) {
        const { ok } = await testSinks(ctx);
        process.exitCode = ok ? 0 : 1;
        return;
      }
      const app = await startNotifier(ctx.loaded, ctx.log);
      const stop = () => void app.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await app.done;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
