import type { Command } from 'commander';
import { redactText } from '@stream-smarts/contracts';
import { buildSinks, checkRequirements, homeAssistantClient, homeAssistantRequirements, notifierConfig, Pipeline, startNotifier, type SinkReport } from '@stream-smarts/notifier';
import { createContext, type GlobalOptions, type Context } from '../context.js';
import { renderTable } from '../table.js';

export const example = 'stream-smarts notify --test          # send one test alert through every configured sink';

/** A row of `notify --test`: a sink's result, or a Home Assistant check that failed. */
export type TestRow = SinkReport | { sink: string; outcome: 'missing'; attempts: 0; detail: string };

/**
 * `notify --test`: first checks that every Home Assistant entity and action the sinks use exists
 * and is available (HA answers 200 to a call on an entity it does not have, so a test alert alone
 * would pass), then sends one test alert through every sink, one row each; exit 1 when any failed.
 */
export async function testSinks(ctx: Context): Promise<{ ok: boolean; results: TestRow[] }> {
  const cfg = notifierConfig(ctx.loaded);
  // A test reports quickly: two attempts, short waits, no waiting out a starting Home Assistant.
  const retry = { attempts: Math.min(2, cfg.retry.attempts), baseDelayMs: Math.min(500, cfg.retry.baseDelayMs), maxDelayMs: 2_000, startupWaitMs: 0 };
  const client = homeAssistantClient(cfg);
  const sinks = buildSinks(cfg, {}, client);
  const checks: TestRow[] = [];
  const reqs = homeAssistantRequirements(sinks);
  if (client && reqs.length > 0) {
    try {
      for (const p of await checkRequirements(client, reqs)) checks.push({ sink: `home-assistant ${p.requirement.id}`, outcome: 'missing', attempts: 0, detail: p.problem });
    } catch (e) {
      checks.push({ sink: 'home-assistant', outcome: 'missing', attempts: 0, detail: redactText((e as Error).message, ctx.loaded.secrets) });
    }
  }
  const sent = await Pipeline.sendTest(sinks, { retry, log: ctx.log, templates: cfg.templates, timezone: cfg.timezone });
  const results: TestRow[] = [...checks, ...sent.map((r) => ({ ...r, detail: redactText(r.detail, ctx.loaded.secrets) }))];
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
(STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE), Home Assistant dashboards over MQTT (STREAM_SMARTS_MQTT_URL);
the console when none is set. See \`stream-smarts config --settings\`.

--test first checks with Home Assistant that every entity and action it needs exists and is available
(Home Assistant answers 200 to a call on an entity it does not have), then sends the test alert.
Silences: \`stream-smarts silence\`; away mode: \`stream-smarts away\` or STREAM_SMARTS_AWAY_ENTITY.

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
