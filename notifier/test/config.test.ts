import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@stream-smarts/contracts';
import { buildSinks, notifierConfig } from '@stream-smarts/notifier';
import { tempDir } from './helpers.js';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ env, envFile: '/nonexistent/.env' });

describe('notifier settings', () => {
  it("default to run's rules (3 high anomalies in 15 min, 5 low in 60, hourly reminders of high episodes and none of low ones, 15 quiet minutes for high and 36 h for low), and the console alone", () => {
    const cfg = notifierConfig(load({}));
    expect(cfg.topic).toBe('ANOMOLY_POWER');
    expect(cfg.fromBeginning).toBe(false);
    expect(cfg.rules).toEqual({
      fireAfter: 3,
      fireWindowMs: 900_000,
      lowFireAfter: 5,
      lowFireWindowMs: 3_600_000,
      repeatIntervalMs: 3_600_000,
      lowRepeatIntervalMs: 0,
      resolveAfterMs: 900_000,
      lowResolveAfterMs: 129_600_000,
      notifyResolved: true,
    });
    expect(cfg.templates.high).toBe('{seen}{away}. Please check!');
    expect(cfg.silences).toEqual({ store: 'kafka', topic: 'stream-smarts-silences' });
    expect(buildSinks(cfg).map((s) => s.name)).toEqual(['console']);
  });

  it('read every sink from the environment, tokens from <VAR>_FILE too, and keep tokens out of the settings listing', () => {
    const dir = tempDir('config');
    writeFileSync(join(dir, 'ha-token'), 'ha-token-from-a-file-123\n');
    const loaded = load({
      PUSHBULLET_ACCESS_TOKEN: 'o.pb-token-456789',
      STREAM_SMARTS_PUSHBULLET_CHANNEL_TAG: 'power-alerts',
      HOME_ASSISTANT_URL: 'http://homeassistant.local:8123/',
      HOME_ASSISTANT_TOKEN_FILE: join(dir, 'ha-token'),
      STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.kitchen_speaker',
      STREAM_SMARTS_HOME_ASSISTANT_TTS_SERVICE: 'tts.google_translate_say',
      STREAM_SMARTS_HOME_ASSISTANT_NOTIFY_SERVICE: 'notify.mobile_app_pixel_7',
      STREAM_SMARTS_HOME_ASSISTANT_QUIET_HOURS: '22:30-6:45',
      STREAM_SMARTS_NOTIFIER_FIRE_AFTER: '3',
      STREAM_SMARTS_NOTIFIER_FIRE_WINDOW: '90s',
      STREAM_SMARTS_NOTIFIER_REPEAT_INTERVAL: '2h',
    });
    const cfg = notifierConfig(loaded);
    expect(cfg.pushbullet).toEqual({ url: 'https://api.pushbullet.com', token: 'o.pb-token-456789', channelTag: 'power-alerts' });
    expect(cfg.homeAssistant).toEqual({
      url: 'http://homeassistant.local:8123',
      token: 'ha-token-from-a-file-123',
      voice: { mediaPlayer: 'media_player.kitchen_speaker', ttsService: 'google_translate_say', quietHours: { startMinute: 22 * 60 + 30, endMinute: 6 * 60 + 45 }, maxAgeMs: 600_000 },
      notifyService: 'mobile_app_pixel_7',
    });
    expect(cfg.rules).toMatchObject({ fireAfter: 3, fireWindowMs: 90_000, repeatIntervalMs: 7_200_000 });
    expect(buildSinks(cfg).map((s) => s.name)).toEqual(['pushbullet', 'home-assistant-voice', 'home-assistant-notify']);
    expect(loaded.secrets).toEqual(expect.arrayContaining(['o.pb-token-456789', 'ha-token-from-a-file-123']));
  });

  it('name each bad value and each inconsistency, with the variable to set', () => {
    expect(() => load({ STREAM_SMARTS_NOTIFIER_REPEAT_INTERVAL: 'hourly' })).toThrow(/notifier.repeatInterval = "hourly" from environment variable STREAM_SMARTS_NOTIFIER_REPEAT_INTERVAL: expected a duration/);
    expect(() => load({ STREAM_SMARTS_HOME_ASSISTANT_QUIET_HOURS: '10pm-7am' })).toThrow(/expected HH:MM-HH:MM/);
    expect(() => load({ STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'kitchen' })).toThrow(/expected a media_player entity id/);
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        notifierConfig(load(env));
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ HOME_ASSISTANT_URL: 'http://ha:8123', HOME_ASSISTANT_TOKEN: 'tok-1234', STREAM_SMARTS_HOME_ASSISTANT_MEDIA_PLAYER: 'media_player.x' })).toEqual([
      expect.stringMatching(/no TTS to speak with: set STREAM_SMARTS_HOME_ASSISTANT_TTS_ENTITY/),
    ]);
    expect(problems({ PUSHBULLET_ACCESS_TOKEN: 'tok-1234', STREAM_SMARTS_PUSHBULLET_DEVICE_IDEN: 'd', STREAM_SMARTS_PUSHBULLET_CHANNEL_TAG: 'c' })).toEqual([
      expect.stringMatching(/not both/),
    ]);
    expect(problems({ STREAM_SMARTS_PUSHBULLET_DEVICE_IDEN: 'd' })).toEqual([expect.stringMatching(/no token: set PUSHBULLET_ACCESS_TOKEN/)]);
  });
});
