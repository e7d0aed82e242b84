import { ConfigError, SETTINGS, type LoadedConfig, type SettingKey, type SettingValue } from '@stream-smarts/contracts';
import type { EpisodeRules } from './alert-core/types.js';
import type { Templates } from './alert-core/templates.js';
import type { RetryPolicy } from './delivery.js';
import type { QuietHours } from './sinks/quiet-hours.js';

/** Everything the notifier needs, typed, from the loaded configuration (settings.ts has the table). */
export interface NotifierConfig {
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  stateDir: string;
  timezone: string;
  rules: EpisodeRules;
  templates: Templates;
  retry: RetryPolicy;
  console: boolean | undefined;
  pushbullet?: { url: string; token: string; deviceIden?: string; channelTag?: string };
  homeAssistant?: {
    url: string;
    token: string;
    caFile?: string;
    voice?: { mediaPlayer: string; ttsEntity?: string; ttsService?: string; quietHours?: QuietHours };
    notifyService?: string;
  };
}

/** The parsed value of a setting (the loader has validated it already), or undefined when unset. */
function value<K extends SettingKey>(loaded: LoadedConfig, key: K): SettingValue<K> | undefined {
  const r = loaded.settings.find((s) => s.key === key);
  return r === undefined ? undefined : (SETTINGS[key].schema.parse(r.raw) as SettingValue<K>);
}

/** Throws ConfigError naming each inconsistent notifier setting and how to fix it. */
export function notifierConfig(loaded: LoadedConfig): NotifierConfig {
  const v = <K extends SettingKey>(k: K) => value(loaded, k);
  const { config } = loaded;
  const problems: string[] = [];
  const env = (k: SettingKey) => SETTINGS[k].env[0];

  const mediaPlayer = v('homeAssistant.mediaPlayer');
  const ttsEntity = v('homeAssistant.ttsEntity');
  const ttsService = v('homeAssistant.ttsService');
  const notifyService = v('homeAssistant.notifyService');
  if (!config.homeAssistant && (mediaPlayer || notifyService)) {
    problems.push(`homeAssistant.mediaPlayer/notifyService are set but Home Assistant is not: set ${env('homeAssistant.url')} and ${env('homeAssistant.token')}`);
  }
  if (mediaPlayer && !ttsEntity && !ttsService) {
    problems.push(
      `homeAssistant.mediaPlayer is set but there is no TTS to speak with: set ${env('homeAssistant.ttsEntity')} (e.g. tts.google_translate_en_com, for tts.speak) or ${env('homeAssistant.ttsService')} (e.g. google_translate_say, the legacy action)`,
    );
  }
  const deviceIden = v('pushbullet.deviceIden');
  const channelTag = v('pushbullet.channelTag');
  if (deviceIden && channelTag) problems.push(`set one of ${env('pushbullet.deviceIden')} and ${env('pushbullet.channelTag')}, not both: a push has one target`);
  if (!config.pushbullet && (deviceIden || channelTag)) problems.push(`a Pushbullet target is set but no token: set ${env('pushbullet.token')}`);
  if (problems.length > 0) throw new ConfigError(problems);

  const quietHours = v('homeAssistant.quietHours');
  return {
    topic: v('notifier.topic')!,
    groupId: v('notifier.groupId')!,
    fromBeginning: v('notifier.fromBeginning')!,
    sessionTimeoutMs: v('notifier.sessionTimeout')!,
    stateDir: v('notifier.stateDir')!,
    timezone: config.timezone,
    rules: {
      fireAfter: v('notifier.fireAfter')!,
      fireWindowMs: v('notifier.fireWindow')!,
      repeatIntervalMs: v('notifier.repeatInterval')!,
      resolveAfterMs: v('notifier.resolveAfter')!,
      notifyResolved: v('notifier.notifyResolved')!,
    },
    templates: { high: v('notifier.messageHigh')!, low: v('notifier.messageLow')!, resolved: v('notifier.messageResolved')! },
    retry: { attempts: v('notifier.retryAttempts')!, baseDelayMs: v('notifier.retryBaseDelay')!, maxDelayMs: v('notifier.retryMaxDelay')! },
    console: v('notifier.console'),
    ...(config.pushbullet
      ? {
          pushbullet: {
            url: v('pushbullet.url')!,
            token: config.pushbullet.token,
            ...(deviceIden ? { deviceIden } : {}),
            ...(channelTag ? { channelTag } : {}),
          },
        }
      : {}),
    ...(config.homeAssistant
      ? {
          homeAssistant: {
            ...config.homeAssistant,
            ...(mediaPlayer
              ? {
                  voice: {
                    mediaPlayer,
                    ...(ttsEntity ? { ttsEntity } : {}),
                    ...(ttsService ? { ttsService } : {}),
                    ...(quietHours ? { quietHours } : {}),
                  },
                }
              : {}),
            ...(notifyService ? { notifyService } : {}),
          },
        }
      : {}),
  };
}
