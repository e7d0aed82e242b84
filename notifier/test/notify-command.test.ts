import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import * as notify from '../../cli/src/commands/notify.js';
import { loadConfig } from '@stream-smarts/contracts';
import type { Context } from '../../cli/src/context.js';
import { HomeAssistantDouble } from './doubles/home-assistant-double.js';
import { PushbulletDouble } from './doubles/pushbullet-double.js';
import { capturingLogger, tempDir } from './helpers.js';

const PB_TOKEN = 'o.cli-test-pushbullet-secret-31';
const HA_TOKEN = 'cli-test-home-assistant-secret-42';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function context(json: boolean, env: NodeJS.ProcessEnv) {
  // As createContext builds it, but with no ./.env and with output and logs kept.
  const loaded = loadConfig({ env: { STREAM_SMARTS_NOTIFIER_STATE_DIR: tempDir('cli'), STREAM_SMARTS_TIMEZONE: 'UTC', ...env }, envFile: '/nonexistent/.env' });
  const out: string[] = [];
  const { log, lines } = capturingLogger(loaded.secrets);
  const ctx: Context = { json, loaded, config: loaded.config, log, out: (t: string) => void out.push(t) };
  return { ctx, out, lines };
}

describe('stream-smarts notify --test', () => {
  it('sends one test alert through every configured sink and reports each in a table', async () => {
    const pb = await new PushbulletDouble(PB_TOKEN).start();
    const ha = await new HomeAssistantDouble(HA_TOKEN).start();
    stops.push(() => pb.stop(), () => ha.stop());
    const { ctx, out, lines } = await context(false, {
      PUSHBULLET_ACCESS_TOKEN: PB_TOKEN,
      STREAM_SMARTS_PUSHBULLET_URL: pb.url,
      HOME_ASSISTANT_URL: ha.url,
      HOME_ASSISTANT_TOKEN: HA_TOKEN,
      STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
      STREAM_SMARTS_HOME_ASSISTANT_TTS_SERVICE: 'tts.google_translate_say',
      STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE: 'notify.mobile_app_pixel_7',
    });
    const { ok, results } = await notify.testSinks(ctx);
    expect(ok).toBe(true);
    expect(results.map((r) => [r.sink, r.outcome])).toEqual([
      ['pushbullet', 'accepted'],
      ['home-assistant-voice', 'accepted'],
      ['home-assistant-notify', 'accepted'],
    ]);
    expect(pb.pushes[0]).toMatchObject({ title: 'stream-smarts test alert', body: 'Test: Unusual power usage of 1500 Wh at 4:00. Please check!' });
    expect(ha.calls.map((c) => `${c.domain}.${c.service}`)).toEqual(['tts.google_translate_say', 'notify.mobile_app_pixel_7']);
    expect(out[0]).toMatch(/^sink\s+result\s+attempts\s+detail\n/);
    expect(out[0]).toMatch(/pushbullet\s+accepted\s+1\s+push ujpah/);
    expect(out.join('\n')).toContain('Every sink took the test alert.');
    expect([...out, ...lines].join('\n')).not.toMatch(new RegExp(`${PB_TOKEN}|${HA_TOKEN}`));
  });

  it('names a Home Assistant entity that does not exist, although HA would answer the test call with 200', async () => {
    const ha = await new HomeAssistantDouble(HA_TOKEN).start();
    stops.push(() => ha.stop());
    ha.states.delete('media_player.kitchen_speaker');
    const { ctx, out } = await context(true, {
      HOME_ASSISTANT_URL: ha.url,
      HOME_ASSISTANT_TOKEN: HA_TOKEN,
      STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
      STREAM_SMARTS_HOME_ASSISTANT_TTS_ENTITY: 'tts.google_translate_en_com',
    });
    const { ok } = await notify.testSinks(ctx);
    expect(ok).toBe(false);
    const report = JSON.parse(out[0]!) as { results: { sink: string; outcome: string; detail: string }[] };
    expect(report.results.map((r) => [r.sink, r.outcome])).toEqual([
      ['home-assistant media_player.kitchen_speaker', 'missing'],
      ['home-assistant-voice', 'dead-lettered'],
    ]);
    expect(report.results[0]!.detail).toMatch(/no entity media_player\.kitchen_speaker/);
    expect(ha.spoken).toHaveLength(0);
  });

  it('reports a failing sink in --json and says the run failed', async () => {
    const pb = await new PushbulletDouble('the-real-token-is-different').start();
    stops.push(() => pb.stop());
    const { ctx, out } = await context(true, { PUSHBULLET_ACCESS_TOKEN: PB_TOKEN, STREAM_SMARTS_PUSHBULLET_URL: pb.url, STREAM_SMARTS_NOTIFIER_CONSOLE: 'true' });
    const { ok } = await notify.testSinks(ctx);
    expect(ok).toBe(false);
    const report = JSON.parse(out[0]!) as { ok: boolean; results: { sink: string; outcome: string; detail: string }[] };
    expect(report.ok).toBe(false);
    expect(report.results.map((r) => [r.sink, r.outcome])).toEqual([
      ['pushbullet', 'dead-lettered'],
      ['console', 'accepted'],
    ]);
    expect(report.results[0]!.detail).toMatch(/HTTP 401/);
  });

  it('registers as a command with an example, and refuses an inconsistent configuration', async () => {
    const program = new Command('stream-smarts');
    notify.register(program);
    expect(program.commands.map((c) => c.name())).toEqual(['notify']);
    expect(notify.example).toMatch(/^stream-smarts notify/);
    const { ctx } = await context(false, { STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker' });
    await expect(notify.testSinks(ctx)).rejects.toThrow(/Home Assistant is not: set HOME_ASSISTANT_URL/);
  });
});
